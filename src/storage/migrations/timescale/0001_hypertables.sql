-- TimescaleDB only (applied when Sql.capabilities.timescale): time-partitioned analytics tables,
-- the hourly continuous aggregate in place of the plain view, its refresh policy, and retention.
CREATE EXTENSION IF NOT EXISTS timescaledb;

SELECT create_hypertable('trend_metrics', 'observed_at', chunk_time_interval => INTERVAL '1 day', migrate_data => true);
SELECT create_hypertable('market_prices', 'bucket', chunk_time_interval => INTERVAL '7 days', migrate_data => true);

DROP VIEW hourly_trend_metrics;
-- Only the plain view needed it; the continuous aggregate has its own storage and indexes.
DROP INDEX IF EXISTS trend_metrics_symbol_hour;
-- WITH NO DATA: a continuous aggregate cannot be filled inside a transaction; the policy fills it,
-- and materialized_only = false answers the not-yet-materialized tail from the raw rows.
CREATE MATERIALIZED VIEW hourly_trend_metrics
WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
SELECT symbol,
       time_bucket(INTERVAL '1 hour', observed_at) AS bucket,
       count(*) AS samples,
       sum(virality_score) AS virality_sum,
       sum(sentiment) AS sentiment_sum,
       sum(velocity) AS velocity_sum,
       sum(volume)::double precision AS volume_sum,
       sum(engagement_rate) AS engagement_sum
FROM trend_metrics
GROUP BY 1, 2
WITH NO DATA;

-- The refresh window stays well inside the retention window, so dropping raw chunks never
-- erases hourly rows already materialised.
SELECT add_continuous_aggregate_policy('hourly_trend_metrics',
  start_offset => INTERVAL '3 days', end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '30 minutes');
SELECT add_retention_policy('trend_metrics', INTERVAL '90 days');

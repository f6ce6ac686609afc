-- migrate:no-transaction
-- Materialises hourly rows for trend metrics that existed before TimescaleDB was enabled: the
-- policy only refreshes its recent window. CALL refresh_... cannot run inside a transaction.
CALL refresh_continuous_aggregate('hourly_trend_metrics', NULL, now() - INTERVAL '1 hour');

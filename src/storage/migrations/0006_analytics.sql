-- Trend signals and back-tests. trend_metrics is keyed by (symbol, observed_at) so a resent
-- signal is written once. hourly_trend_metrics is a plain view here; on TimescaleDB the
-- timescale/ migrations replace it with a continuous aggregate of the same columns, so reads
-- have one code path on both.
CREATE TABLE trend_metrics (
  symbol          text NOT NULL,
  observed_at     timestamptz NOT NULL,
  virality_score  double precision NOT NULL,
  sentiment       double precision NOT NULL,
  velocity        double precision NOT NULL,
  volume          bigint NOT NULL,
  engagement_rate double precision NOT NULL,
  PRIMARY KEY (symbol, observed_at)
);

-- Lets a range on the view's bucket, pushed down below its GROUP BY, use an index (date_bin is immutable).
CREATE INDEX trend_metrics_symbol_hour
  ON trend_metrics (symbol, date_bin('1 hour', observed_at, timestamptz '1970-01-01 00:00:00+00'));

CREATE VIEW hourly_trend_metrics AS
SELECT symbol,
       date_bin('1 hour', observed_at, timestamptz '1970-01-01 00:00:00+00') AS bucket,
       count(*) AS samples,
       sum(virality_score) AS virality_sum,
       sum(sentiment) AS sentiment_sum,
       sum(velocity) AS velocity_sum,
       sum(volume)::double precision AS volume_sum,
       sum(engagement_rate) AS engagement_sum
FROM trend_metrics
GROUP BY 1, 2;

CREATE TABLE backtests (
  backtest_id  text PRIMARY KEY,
  user_id      text NOT NULL,
  symbol       text NOT NULL,
  strategy     text NOT NULL,
  params       jsonb NOT NULL DEFAULT '{}',
  from_at      timestamptz NOT NULL,
  to_at        timestamptz NOT NULL,
  status       text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED')),
  result       jsonb,
  created_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz
);
CREATE INDEX backtests_user ON backtests (user_id, created_at DESC);

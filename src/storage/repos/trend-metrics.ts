// Trend signals (trend_metrics) written idempotently on (symbol, observed_at), and the
// /analytics/trends read: averages per bucket of any width, the same SQL on every backend.
import { Effect, Schema } from "effect"
import { Sql } from "../sql.js"
import { binOrigin, checkRange, intervalLiteral, type TimeRange } from "./time-range.js"

/** One observation of a trend by the ML services. */
export const TrendSample = Schema.Struct({
  symbol: Schema.String,
  observedAt: Schema.DateFromSelf,
  viralityScore: Schema.Number,
  sentiment: Schema.Number,
  velocity: Schema.Number,
  volume: Schema.BigIntFromSelf,
  engagementRate: Schema.Number
})
export type TrendSample = typeof TrendSample.Type

/** The metrics `/analytics/trends` can ask for. */
export const TrendMetric = Schema.Literal("viralityScore", "sentiment", "velocity", "volume", "engagementRate")
export type TrendMetric = typeof TrendMetric.Type

/** Every metric, in a stable order. */
export const trendMetrics: ReadonlyArray<TrendMetric> = TrendMetric.literals

/** One bucket of a trend series: each requested metric averaged over the bucket's samples. */
export interface TrendBucket {
  readonly start: Date
  readonly samples: number
  readonly metrics: Partial<Record<TrendMetric, number>>
}

const BucketRow = Schema.Struct({
  start: Schema.DateFromSelf,
  samples: Schema.Number,
  viralityScore: Schema.Number,
  sentiment: Schema.Number,
  velocity: Schema.Number,
  volume: Schema.Number,
  engagementRate: Schema.Number
})
const decodeBuckets = Schema.decodeUnknown(Schema.Array(BucketRow))

/** Inserts samples not yet stored (a resent signal is written once); answers how many were new. */
export const insertTrendMetrics = Effect.fn("TrendMetrics.insert")(function* (samples: ReadonlyArray<TrendSample>) {
  if (samples.length === 0) return 0
  const sql = yield* Sql
  const result = yield* sql.run(
    "trend_metrics: insert batch",
    (q) => q`
      insert into trend_metrics (symbol, observed_at, virality_score, sentiment, velocity, volume, engagement_rate)
      select * from unnest(
        ${samples.map((s) => s.symbol)}::text[],
        ${samples.map((s) => s.observedAt.toISOString())}::timestamptz[],
        ${samples.map((s) => s.viralityScore)}::float8[],
        ${samples.map((s) => s.sentiment)}::float8[],
        ${samples.map((s) => s.velocity)}::float8[],
        ${samples.map((s) => String(s.volume))}::int8[],
        ${samples.map((s) => s.engagementRate)}::float8[])
      on conflict (symbol, observed_at) do nothing`
  )
  return result.count
})

/**
 * `/analytics/trends`: buckets of `range.intervalSeconds` seconds with the requested metrics.
 * Whole hours read `hourly_trend_metrics` (a view on PostgreSQL, the continuous aggregate on
 * TimescaleDB, which outlives raw-row retention); other widths read the raw rows. Both sources
 * carry sums and counts, so the averages are exact either way.
 */
export const trendSeries = Effect.fn("TrendMetrics.series")(function* (options: {
  readonly symbol: string
  readonly range: TimeRange
  readonly metrics?: ReadonlyArray<TrendMetric> | undefined
}) {
  const { intervalSeconds, from, to } = yield* checkRange(options.range, 1)
  const sql = yield* Sql
  const rows = yield* sql.run("trend_metrics: series", (q) => {
    const source =
      intervalSeconds % 3600 === 0
        ? q`select bucket as at, samples, virality_sum, sentiment_sum, velocity_sum, volume_sum, engagement_sum
            from hourly_trend_metrics
            where symbol = ${options.symbol} and bucket >= ${from} and bucket < ${to}`
        : q`select observed_at as at, 1 as samples, virality_score as virality_sum, sentiment as sentiment_sum,
                   velocity as velocity_sum, volume::float8 as volume_sum, engagement_rate as engagement_sum
            from trend_metrics
            where symbol = ${options.symbol} and observed_at >= ${from} and observed_at < ${to}`
    return q`
      select date_bin(${intervalLiteral(intervalSeconds)}::interval, at, ${binOrigin}::timestamptz) as start,
             sum(samples)::int as samples,
             sum(virality_sum) / sum(samples)::float8 as virality_score,
             sum(sentiment_sum) / sum(samples)::float8 as sentiment,
             sum(velocity_sum) / sum(samples)::float8 as velocity,
             sum(volume_sum) / sum(samples)::float8 as volume,
             sum(engagement_sum) / sum(samples)::float8 as engagement_rate
      from (${source}) as s
      group by 1
      order by 1`
  })
  const wanted = options.metrics ?? trendMetrics
  return (yield* Effect.orDie(decodeBuckets(rows))).map(
    (row): TrendBucket => ({
      start: row.start,
      samples: row.samples,
      metrics: Object.fromEntries(wanted.map((metric) => [metric, row[metric]]))
    })
  )
})

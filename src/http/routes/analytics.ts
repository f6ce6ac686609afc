// `/analytics/trends`: a trend's recorded signals (trend_metrics, written by the sink) averaged
// per timeframe bucket; whole hours come from hourly_trend_metrics (the continuous aggregate on
// TimescaleDB, a view on PostgreSQL), through one code path in the repo.
import { Effect, Schema } from "effect"
import { Hono } from "hono"
import { isMarketSymbol } from "../../domain/symbol.js"
import { TrendMetric, trendMetrics, trendSeries } from "../../storage/repos/trend-metrics.js"
import type { RouteDoc } from "../api-docs.js"
import { decodeQuery } from "../decode.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import { runHandler } from "../run.js"
import { Window } from "../time-window.js"

/** Bucket widths, in seconds. */
const timeframes = { "1m": 60, "5m": 300, "15m": 900, "1h": 3600, "4h": 14_400, "1d": 86_400, "1w": 604_800 } as const

/** `GET /analytics/trends?symbol=&timeframe=&metrics=&from=&to=`. */
export const TrendsQuery = Schema.Struct({
  symbol: Schema.String.pipe(Schema.filter(isMarketSymbol, { message: () => "a market symbol like VIRAL/SA_CRYPTO_BTC_001" })),
  timeframe: Schema.optional(Schema.Literal(...(Object.keys(timeframes) as Array<keyof typeof timeframes>))),
  /** Comma-separated; all by default. */
  metrics: Schema.optional(Schema.compose(Schema.split(","), Schema.Array(TrendMetric))),
  ...Window.fields
})

/** Operations of this sub-app, for the OpenAPI document. */
export const analyticsDocs: ReadonlyArray<RouteDoc> = [
  {
    method: "get",
    path: "/analytics/trends",
    tag: "analytics",
    summary:
      "A trend's signals averaged per bucket (?symbol=&timeframe=1m|5m|15m|1h|4h|1d|1w&metrics=viralityScore,sentiment,velocity,volume,engagementRate&from=&to=; default 1h over the last 24 h)",
    responses: { 200: "{ symbol, timeframe, from, to, metrics, data: [{ timestamp, samples, <metric>... }] }", 400: "bad symbol, timeframe, metric or window" }
  }
]

/** The analytics sub-app. */
export const analyticsRoutes = (runtime: EdgeRuntime) =>
  new Hono().get("/analytics/trends", (c) =>
    runHandler(
      runtime,
      c,
      Effect.gen(function* () {
        const query = yield* decodeQuery(c, TrendsQuery)
        const timeframe = query.timeframe ?? "1h"
        const range = Window.resolve(query, timeframes[timeframe])
        const metrics = query.metrics === undefined || query.metrics.length === 0 ? trendMetrics : [...new Set(query.metrics)]
        const buckets = yield* trendSeries({ symbol: query.symbol, range, metrics })
        return c.json({
          symbol: query.symbol,
          timeframe,
          from: range.from.toISOString(),
          to: range.to.toISOString(),
          metrics,
          data: buckets.map((b) => ({ timestamp: b.start.toISOString(), samples: b.samples, ...b.metrics }))
        })
      })
    )
  )

// /analytics/trends: trend samples written once, averaged per bucket of any width.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { insertTrendMetrics, trendSeries, type TrendSample } from "../../src/storage/repos/trend-metrics.js"
import { backends, migrated } from "../support/database.js"

const at = (time: string) => new Date(`2024-01-01T${time}Z`)

const sample = (symbol: string, time: string, v: number, s: number, vel: number, vol: number, e: number): TrendSample => ({
  symbol,
  observedAt: at(time),
  viralityScore: v,
  sentiment: s,
  velocity: vel,
  volume: BigInt(vol),
  engagementRate: e
})

const seeded = (symbol: string) => [
  sample(symbol, "10:00:00", 10, 0.5, 1, 100, 0.1),
  sample(symbol, "10:02:00", 20, -0.5, 3, 300, 0.3),
  sample(symbol, "10:07:00", 40, 0.25, 5, 500, 0.5),
  sample(symbol, "11:30:00", 60, 1, 7, 700, 0.7)
]

/** Compares bucket metrics to hand-computed ones within float rounding. */
const assertBuckets = (
  actual: ReadonlyArray<{ start: Date; samples: number; metrics: Partial<Record<string, number>> }>,
  expected: ReadonlyArray<{ start: string; samples: number; metrics: Record<string, number> }>
) => {
  assert.deepStrictEqual(
    actual.map((b) => [b.start.toISOString(), b.samples, Object.keys(b.metrics).sort()]),
    expected.map((b) => [at(b.start).toISOString(), b.samples, Object.keys(b.metrics).sort()])
  )
  actual.forEach((bucket, i) => {
    for (const [metric, value] of Object.entries(expected[i]!.metrics)) {
      assert.closeTo(bucket.metrics[metric as keyof typeof bucket.metrics]!, value, 1e-9, `${metric} at ${bucket.start.toISOString()}`)
    }
  })
}

const all = (v: number, s: number, vel: number, vol: number, e: number) => ({
  viralityScore: v,
  sentiment: s,
  velocity: vel,
  volume: vol,
  engagementRate: e
})

const window = { from: at("10:00:00"), to: at("12:00:00") }

for (const backend of backends) {
  describe(backend.name, () => {
    it.layer(migrated(backend), { timeout: 60_000 })("trend metrics", (it) => {
      it.effect("a resent trend sample is written once", () =>
        Effect.gen(function* () {
          const samples = seeded("VIRAL/SA_TREND_RESEND_001")
          assert.strictEqual(yield* insertTrendMetrics(samples), 4)
          assert.strictEqual(yield* insertTrendMetrics(samples), 0)
        }))

      it.effect("5-minute trend buckets average the raw samples", () =>
        Effect.gen(function* () {
          const symbol = "VIRAL/SA_TREND_FIVE_001"
          yield* insertTrendMetrics(seeded(symbol))
          assertBuckets(yield* trendSeries({ symbol, range: { intervalSeconds: 300, ...window } }), [
            { start: "10:00:00", samples: 2, metrics: all(15, 0, 2, 200, 0.2) },
            { start: "10:05:00", samples: 1, metrics: all(40, 0.25, 5, 500, 0.5) },
            { start: "11:30:00", samples: 1, metrics: all(60, 1, 7, 700, 0.7) }
          ])
        }))

      it.effect("hourly trend buckets come from hourly_trend_metrics with exact averages", () =>
        Effect.gen(function* () {
          const symbol = "VIRAL/SA_TREND_HOUR_001"
          yield* insertTrendMetrics(seeded(symbol))
          assertBuckets(yield* trendSeries({ symbol, range: { intervalSeconds: 3600, ...window } }), [
            { start: "10:00:00", samples: 3, metrics: all(70 / 3, 0.25 / 3, 3, 300, 0.3) },
            { start: "11:00:00", samples: 1, metrics: all(60, 1, 7, 700, 0.7) }
          ])
          assertBuckets(yield* trendSeries({ symbol, range: { intervalSeconds: 7200, ...window } }), [
            { start: "10:00:00", samples: 4, metrics: all(32.5, 0.3125, 4, 400, 0.4) }
          ])
        }))

      it.effect("a trend read returns only the requested metrics", () =>
        Effect.gen(function* () {
          const symbol = "VIRAL/SA_TREND_PICK_001"
          yield* insertTrendMetrics(seeded(symbol))
          const range = { intervalSeconds: 7200, ...window }
          assertBuckets(yield* trendSeries({ symbol, range, metrics: ["viralityScore", "volume"] }), [
            { start: "10:00:00", samples: 4, metrics: { viralityScore: 32.5, volume: 400 } }
          ])
        }))
    })
  })
}

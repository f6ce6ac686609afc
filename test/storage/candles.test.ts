// Candles derived from trades: 1-minute rows recomputed per touched minute, read at any width.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readCandles, type Candle } from "../../src/storage/repos/candles.js"
import { InvalidRange } from "../../src/storage/repos/time-range.js"
import { insertTrades, type Trade } from "../../src/storage/repos/trades.js"
import { backends, migrated } from "../support/database.js"

const at = (time: string) => new Date(`2024-01-01T${time}Z`)

/** A trade of `symbol`; seq orders trades printed in the same millisecond. */
const trade = (symbol: string, seq: number, time: string, priceCents: number, quantity: number): Trade => ({
  tradeId: `${symbol}:${seq}`,
  symbol,
  seq: BigInt(seq),
  priceCents: BigInt(priceCents),
  quantity: BigInt(quantity),
  buyerUserId: "u_b",
  sellerUserId: "u_s",
  buyOrderId: `b${seq}`,
  sellOrderId: `s${seq}`,
  makerSide: "SELL",
  executedAt: at(time),
  sourceShard: 0,
  sourceEpoch: 1n
})

/**
 * The seeded series, hand-computed:
 *   10:00 100x2, 120x1, 90x3 (90 printed after 120 in the same ms) -> O100 H120 L90 C90 V6 n3
 *   10:01 110x5 -> O110 H110 L110 C110 V5 n1;  10:03 130x1;  10:05 80x4
 */
const seeded = (symbol: string) => [
  trade(symbol, 1, "10:00:05.000", 100, 2),
  trade(symbol, 2, "10:00:30.000", 120, 1),
  trade(symbol, 3, "10:00:30.000", 90, 3),
  trade(symbol, 4, "10:01:10.000", 110, 5),
  trade(symbol, 5, "10:03:59.999", 130, 1),
  trade(symbol, 6, "10:05:00.000", 80, 4)
]

const candle = (time: string, o: number, h: number, l: number, c: number, volume: number, tradeCount: number): Candle => ({
  start: at(time),
  openCents: BigInt(o),
  highCents: BigInt(h),
  lowCents: BigInt(l),
  closeCents: BigInt(c),
  volume: BigInt(volume),
  tradeCount
})

const window = { from: at("10:00:00"), to: at("10:10:00") }

for (const backend of backends) {
  describe(backend.name, () => {
    it.layer(migrated(backend), { timeout: 60_000 })("candles", (it) => {
      it.effect("1-minute candles are right for a seeded series", () =>
        Effect.gen(function* () {
          const trades = seeded("VIRAL/SA_CANDLE_ONE_001")
          yield* insertTrades(trades)
          assert.deepStrictEqual(yield* readCandles(trades[0]!.symbol, { intervalSeconds: 60, ...window }), [
            candle("10:00:00", 100, 120, 90, 90, 6, 3),
            candle("10:01:00", 110, 110, 110, 110, 5, 1),
            candle("10:03:00", 130, 130, 130, 130, 1, 1),
            candle("10:05:00", 80, 80, 80, 80, 4, 1)
          ])
        }))

      it.effect("5-minute candles are built from the 1-minute ones", () =>
        Effect.gen(function* () {
          const trades = seeded("VIRAL/SA_CANDLE_FIVE_001")
          yield* insertTrades(trades)
          assert.deepStrictEqual(yield* readCandles(trades[0]!.symbol, { intervalSeconds: 300, ...window }), [
            candle("10:00:00", 100, 130, 90, 130, 12, 5),
            candle("10:05:00", 80, 80, 80, 80, 4, 1)
          ])
        }))

      it.effect("a minute written over several batches, out of order and replayed, is recomputed not added up", () =>
        Effect.gen(function* () {
          const [t1, t2, t3, t4, t5, t6] = seeded("VIRAL/SA_CANDLE_SPLIT_001")
          yield* insertTrades([t2!, t5!])
          yield* insertTrades([t6!, t1!, t3!, t4!])
          yield* insertTrades([t2!, t3!])
          assert.deepStrictEqual(yield* readCandles(t1!.symbol, { intervalSeconds: 60, ...window }), [
            candle("10:00:00", 100, 120, 90, 90, 6, 3),
            candle("10:01:00", 110, 110, 110, 110, 5, 1),
            candle("10:03:00", 130, 130, 130, 130, 1, 1),
            candle("10:05:00", 80, 80, 80, 80, 4, 1)
          ])
        }))

      it.effect("a candle width that is not a whole number of minutes is refused", () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(readCandles("VIRAL/SA_CANDLE_ONE_001", { intervalSeconds: 90, ...window }))
          assert.instanceOf(error, InvalidRange)
        }))
    })
  })
}

// Trades in the record: batches idempotent on trade_id, and the sink's epoch fence (DESIGN §5).
import { assert, describe, it } from "@effect/vitest"
import { Effect, Equal } from "effect"
import { randomUUID } from "node:crypto"
import { query } from "../../src/storage/sql.js"
import { listEpochs, StaleEpoch } from "../../src/storage/repos/sink-epochs.js"
import { appendTrades, insertTrades, insertTradesFenced, recentTrades, type Trade, type TradeInput } from "../../src/storage/repos/trades.js"
import { refreshCandles } from "../../src/storage/repos/candles.js"
import { backends, migrated } from "../support/database.js"

/** A batch of `n` trades on a symbol of its own, so tests sharing the database never meet. */
const batch = (n: number, shard = 0, epoch = 1n): ReadonlyArray<Trade> => {
  const symbol = `VIRAL/SA_TEST_${randomUUID().slice(0, 8).toUpperCase()}_001`
  return Array.from({ length: n }, (_, i) => ({
    tradeId: `${symbol}:t${i}`,
    symbol,
    seq: BigInt(i + 1),
    priceCents: 10_000n + BigInt(i),
    quantity: BigInt(i + 1),
    buyerUserId: "u_buyer",
    sellerUserId: "u_seller",
    buyOrderId: `b${i}`,
    sellOrderId: `s${i}`,
    makerSide: i % 2 === 0 ? "BUY" : "SELL",
    executedAt: new Date(Date.UTC(2024, 0, 1, 12, 0, i)),
    sourceShard: shard,
    sourceEpoch: epoch
  }))
}

let nextShard = 1000
/** A shard number no other test in this file uses. */
const freshShard = () => nextShard++

const countTrades = (symbol: string) =>
  Effect.map(
    query("count trades", (q) => q<Array<{ n: number }>>`select count(*)::int as n from trades where symbol = ${symbol}`),
    ([row]) => row!.n
  )

/** `batch` as the sink appends it: the wire's numbers and epoch milliseconds. */
const asInput = (t: Trade): TradeInput => ({
  ...t,
  seq: Number(t.seq),
  priceCents: Number(t.priceCents),
  quantity: Number(t.quantity),
  executedAt: t.executedAt.getTime(),
  sourceEpoch: Number(t.sourceEpoch)
})

const candlesOf = (symbol: string) =>
  query("read candles", (q) => q`select * from market_prices where symbol = ${symbol} order by bucket`)

for (const backend of backends) {
  describe(backend.name, () => {
    it.layer(migrated(backend), { timeout: 60_000 })("trades", (it) => {
      it.effect("inserting the same trade batch twice writes each trade once", () =>
        Effect.gen(function* () {
          const trades = batch(3)
          assert.strictEqual(yield* insertTrades(trades), 3)
          assert.strictEqual(yield* insertTrades(trades), 0)
          assert.strictEqual(yield* countTrades(trades[0]!.symbol), 3)
        }))

      it.effect("a stored trade reads back with bigint money and its time", () =>
        Effect.gen(function* () {
          const trades = batch(2)
          yield* insertTrades(trades)
          const stored = yield* recentTrades(trades[0]!.symbol)
          assert.deepStrictEqual(stored, [...trades].reverse())
        }))

      it.effect("a lower sink epoch is refused and writes nothing", () =>
        Effect.gen(function* () {
          const shard = freshShard()
          yield* insertTradesFenced({ shard, epoch: 5n }, batch(2, shard, 5n))
          const stale = batch(2, shard, 4n)
          const error = yield* Effect.flip(insertTradesFenced({ shard, epoch: 4n }, stale))
          assert.isTrue(Equal.equals(error, new StaleEpoch({ shard, epoch: 4n, current: 5n })))
          assert.strictEqual(yield* countTrades(stale[0]!.symbol), 0)
          const candles = yield* query(
            "count candles",
            (q) => q`select 1 from market_prices where symbol = ${stale[0]!.symbol}`
          )
          assert.strictEqual(candles.length, 0)
        }))

      it.effect("a higher sink epoch is accepted and becomes the recorded one", () =>
        Effect.gen(function* () {
          const shard = freshShard()
          yield* insertTradesFenced({ shard, epoch: 2n }, batch(1, shard, 2n))
          assert.strictEqual(yield* insertTradesFenced({ shard, epoch: 3n }, batch(1, shard, 3n)), 1)
          const epochs = yield* listEpochs()
          assert.deepStrictEqual(epochs.find((row) => row.shard === shard)?.epoch, 3n)
        }))

      it.effect("appended out of time order and again, the trades are stored once and each candle equals one recomputed from them", () =>
        Effect.gen(function* () {
          // 90 trades a second apart over two minutes, appended middle first, then the ends, then all again.
          const trades = batch(90).map(asInput)
          const appended = yield* Effect.forEach([trades.slice(30, 60), trades.slice(60), trades.slice(0, 30), trades], appendTrades)
          assert.deepStrictEqual(appended, [30, 30, 30, 0])
          const symbol = trades[0]!.symbol
          assert.strictEqual(yield* countTrades(symbol), 90)
          const merged = yield* candlesOf(symbol)
          yield* refreshCandles(trades.map((t) => ({ symbol, executedAt: new Date(t.executedAt) })))
          assert.strictEqual(merged.length, 2)
          assert.deepStrictEqual([...merged], [...(yield* candlesOf(symbol))])
        }))

      it.effect("appended text with quotes, backslashes, commas and braces is stored as sent", () =>
        Effect.gen(function* () {
          const [trade] = batch(1).map(asInput)
          const odd = { ...trade!, buyerUserId: 'u "q" \\ {a,b} NULL', sellOrderId: "" }
          assert.strictEqual(yield* appendTrades([odd]), 1)
          const [stored] = yield* recentTrades(odd.symbol)
          assert.deepStrictEqual([stored!.buyerUserId, stored!.sellOrderId], [odd.buyerUserId, ""])
        }))

      it.effect("the same epoch may write many batches", () =>
        Effect.gen(function* () {
          const shard = freshShard()
          assert.strictEqual(yield* insertTradesFenced({ shard, epoch: 7n }, batch(2, shard, 7n)), 2)
          assert.strictEqual(yield* insertTradesFenced({ shard, epoch: 7n }, batch(2, shard, 7n)), 2)
        }))
    })
  })
}

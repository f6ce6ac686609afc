// The sink's transaction against both real databases: trades and ledger lines go in without a
// conflict check, and a batch holding rows already stored (a redelivery, whole or in part) is
// written again skipping them, so each row is stored once and the candles count each trade once.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { randomUUID } from "node:crypto"
import { RecordBatch } from "../../src/actors/sink/protocol.js"
import { mergeRows, rowsOf, writeRows } from "../../src/actors/sink/sink-rows.js"
import { appendTradeBatch, tradeBatch } from "../../src/storage/repos/trades.js"
import { query } from "../../src/storage/sql.js"
import { backends, migrated } from "../support/database.js"
import { candlesBeside, expectedRecord, ledgerRows, recordOf, tradeRows } from "./fixtures/sink-data.js"

let nextShard = 900_000
const freshFence = () => ({ shard: nextShard++, epoch: 1n })
const symbolPrefix = () => `VIRAL/SA_ROWS_${randomUUID().slice(0, 8).toUpperCase()}`

const ledgerCount = (wallet: string) =>
  Effect.map(
    query("sink rows test: ledger", (q) => q<Array<{ n: number }>>`select count(*)::int as n from ledger_entries where wallet = ${wallet}`),
    ([row]) => row!.n
  )

for (const backend of backends) {
  describe(`sink rows on ${backend.name}`, () => {
    it.layer(migrated(backend), { timeout: 60_000 })("sink rows", (it) => {
      it.effect("a batch whose rows are partly stored already writes only the new ones, once", () =>
        Effect.gen(function* () {
          const fence = freshFence()
          const prefix = symbolPrefix()
          const symbol = `${prefix}_001`
          const wallet = `u_${randomUUID().slice(0, 8)}`
          const first = new RecordBatch({ trades: tradeRows(symbol, 0, 40), entries: ledgerRows(wallet, `${wallet}:r1`) })
          const again = new RecordBatch({ trades: tradeRows(symbol, 20, 40), entries: [...ledgerRows(wallet, `${wallet}:r1`), ...ledgerRows(wallet, `${wallet}:r2`)] })
          const written = yield* writeRows([fence], rowsOf(first, fence))
          assert.deepStrictEqual([written.trades, written.ledger], [40, 2])
          const rewritten = yield* writeRows([fence], rowsOf(again, fence))
          assert.deepStrictEqual([rewritten.trades, rewritten.ledger], [20, 2], "only the rows not stored before count")
          assert.deepStrictEqual(yield* recordOf(prefix), expectedRecord(tradeRows(symbol, 0, 60)))
          const candles = yield* candlesBeside(prefix)
          assert.deepStrictEqual(candles.stored, candles.recomputed, "every trade counted once in its candle")
          assert.strictEqual(yield* ledgerCount(wallet), 4)
        }))

      it.effect("merged batches are one write of every message's rows, ledger lines sent as lines or as postings", () =>
        Effect.gen(function* () {
          const fence = freshFence()
          const prefix = symbolPrefix()
          const wallet = `u_${randomUUID().slice(0, 8)}`
          // Ledger lines as lines (older reports) and as postings (a wallet's reports now).
          const posting = (i: number) => ({ id: `${wallet}:r${i}:fee`, wallet, createdAt: 0, lines: [["available", "ZAR", -500], ["fees", "ZAR", 500]] as const })
          const parts = [0, 1, 2].map((i) =>
            rowsOf(
              new RecordBatch(
                i === 0
                  ? { trades: tradeRows(`${prefix}_00${i}`, 0, 5), entries: ledgerRows(wallet, `${wallet}:r${i}`) }
                  : { trades: tradeRows(`${prefix}_00${i}`, 0, 5), postings: [posting(i)] }
              ),
              fence
            )
          )
          const written = yield* writeRows([fence], mergeRows(parts))
          assert.deepStrictEqual([written.trades, written.ledger], [15, 6])
          assert.strictEqual((yield* recordOf(prefix)).trades, 15)
        }))

      it.effect("a fresh append of a trade already stored fails with a unique violation and stores nothing", () =>
        Effect.gen(function* () {
          const symbol = `${symbolPrefix()}_001`
          const fence = freshFence()
          const stored = tradeRows(symbol, 0, 1).map((t) => ({ ...t, sourceShard: fence.shard, sourceEpoch: 1 }))
          const more = tradeRows(symbol, 1, 1).map((t) => ({ ...t, sourceShard: fence.shard, sourceEpoch: 1 }))
          assert.strictEqual(yield* appendTradeBatch(tradeBatch(stored), { fresh: true }), 1)
          const failed = yield* Effect.either(appendTradeBatch(tradeBatch([...more, ...stored]), { fresh: true }))
          assert.isTrue(Either.isLeft(failed) && failed.left.code === "23505")
          assert.strictEqual((yield* recordOf(symbol)).trades, 1)
        }))

      it.effect("fresh appends fold each trade into its candle once, whatever minutes and order their batches cover", () =>
        Effect.gen(function* () {
          const prefix = symbolPrefix()
          const fence = freshFence()
          const rows = (symbol: string, from: number, n: number) =>
            tradeRows(symbol, from, n).map((t) => ({ ...t, sourceShard: fence.shard, sourceEpoch: 1 }))
          // Trade i is at i * 250 ms, 240 to a minute. Two symbols; a batch across a minute's end, then
          // earlier trades of the first minute, then two batches merged into one transaction.
          const batches = [rows(`${prefix}_001`, 230, 20), rows(`${prefix}_001`, 200, 30), rows(`${prefix}_002`, 0, 90)]
          for (const batch of batches) yield* appendTradeBatch(tradeBatch(batch), { fresh: true })
          const merged = [rows(`${prefix}_001`, 250, 15), rows(`${prefix}_002`, 235, 15)]
          const written = yield* writeRows([fence], mergeRows(merged.map((trades) => ({ ...rowsOf(new RecordBatch({}), fence), trades: tradeBatch(trades) }))))
          assert.strictEqual(written.trades, 30)
          const candles = yield* candlesBeside(prefix)
          assert.isAbove(candles.stored.length, 2)
          assert.deepStrictEqual(candles.stored, candles.recomputed)
        }))
    })
  })
}

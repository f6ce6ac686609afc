// Trades as the books printed them: batch inserts through unnest arrays, idempotent on trade_id
// (DESIGN invariant 3 carried into the record), each batch refreshing the candles it touches.
import { Effect, Schema } from "effect"
import { Sql } from "../sql.js"
import { mergeCandles, refreshCandles } from "./candles.js"
import { withFence, type Fence } from "./sink-epochs.js"

/** One trade; prices in cents, quantities in units. */
export const Trade = Schema.Struct({
  tradeId: Schema.String,
  symbol: Schema.String,
  /** The book's trade sequence for the symbol: orders trades within one millisecond. */
  seq: Schema.BigIntFromSelf,
  priceCents: Schema.BigIntFromSelf,
  quantity: Schema.BigIntFromSelf,
  buyerUserId: Schema.String,
  sellerUserId: Schema.String,
  buyOrderId: Schema.String,
  sellOrderId: Schema.String,
  makerSide: Schema.Literal("BUY", "SELL"),
  executedAt: Schema.DateFromSelf,
  sourceShard: Schema.Number,
  sourceEpoch: Schema.BigIntFromSelf
})
export type Trade = typeof Trade.Type

const decodeTrades = Schema.decodeUnknown(Schema.Array(Trade))

/** Inserts the trades not yet stored; answers the rows it stored (for the candles). */
const insertNewTrades = (trades: ReadonlyArray<Trade>) =>
  Effect.flatMap(Sql, (sql) =>
    sql.run(
      "trades: insert batch",
      // One statement per batch whatever its size: unnest has no parameter cap, beats multi-row
      // VALUES on PostgreSQL, and PGlite cannot take COPY FROM STDIN.
      (q) => q<Array<{ symbol: string; executedAt: Date; seq: bigint; priceCents: bigint; quantity: bigint }>>`
        insert into trades (trade_id, symbol, seq, price_cents, quantity, buyer_user_id, seller_user_id,
                            buy_order_id, sell_order_id, maker_side, executed_at, source_shard, source_epoch)
        select * from unnest(
          ${trades.map((t) => t.tradeId)}::text[],
          ${trades.map((t) => t.symbol)}::text[],
          ${trades.map((t) => String(t.seq))}::int8[],
          ${trades.map((t) => String(t.priceCents))}::int8[],
          ${trades.map((t) => String(t.quantity))}::int8[],
          ${trades.map((t) => t.buyerUserId)}::text[],
          ${trades.map((t) => t.sellerUserId)}::text[],
          ${trades.map((t) => t.buyOrderId)}::text[],
          ${trades.map((t) => t.sellOrderId)}::text[],
          ${trades.map((t) => t.makerSide)}::text[],
          ${trades.map((t) => t.executedAt.toISOString())}::timestamptz[],
          ${trades.map((t) => t.sourceShard)}::int4[],
          ${trades.map((t) => String(t.sourceEpoch))}::int8[])
        on conflict (trade_id) do nothing
        returning symbol, executed_at, seq, price_cents, quantity`
    )
  )

/**
 * Inserts trades not yet stored and refreshes their candles, in the current transaction.
 * Answers how many were new. Compose it inside `withFence` or `withTransaction`.
 */
export const writeTrades = Effect.fn("Trades.write")(function* (trades: ReadonlyArray<Trade>) {
  if (trades.length === 0) return 0
  const inserted = yield* insertNewTrades(trades)
  // Every touched minute, not only those of new rows: a candle is a function of its minute's
  // trades, so recomputing it is harmless, and the write stays idempotent as a whole.
  yield* refreshCandles(trades)
  return inserted.length
})

/**
 * `writeTrades` for high rates (the sink): the same idempotent insert, but the candles merge only
 * the trades this insert stored (`mergeCandles`), so a batch costs O(batch), not O(trades in its
 * minutes). Answers how many were new. Compose it inside `withFence` or `withTransaction`.
 */
export const appendTrades = Effect.fn("Trades.append")(function* (trades: ReadonlyArray<Trade>) {
  if (trades.length === 0) return 0
  const inserted = yield* insertNewTrades(trades)
  yield* mergeCandles(inserted)
  return inserted.length
})

/** Inserts a batch in its own transaction; answers how many trades were new. */
export const insertTrades = (trades: ReadonlyArray<Trade>) =>
  Effect.flatMap(Sql, (sql) => sql.withTransaction(writeTrades(trades)))

/** Like `insertTrades`, refused with `StaleEpoch` (writing nothing) when a newer owner of the shard has written. */
export const insertTradesFenced = (fence: Fence, trades: ReadonlyArray<Trade>) => withFence(fence, writeTrades(trades))

/** The latest trades of a symbol, newest first. */
export const recentTrades = Effect.fn("Trades.recent")(function* (symbol: string, limit = 100) {
  const sql = yield* Sql
  const rows = yield* sql.run(
    "trades: recent by symbol",
    (q) => q`
      select * from trades where symbol = ${symbol}
      order by executed_at desc, seq desc
      limit ${Math.max(1, Math.min(limit, 1000))}`
  )
  return yield* Effect.orDie(decodeTrades(rows))
})

/** A user's trades (either side), newest first: the portfolio's transactions. */
export const tradesByUser = Effect.fn("Trades.byUser")(function* (userId: string, limit = 100) {
  const sql = yield* Sql
  const rows = yield* sql.run(
    "trades: by user",
    (q) => q`
      select * from trades where buyer_user_id = ${userId}
      union
      select * from trades where seller_user_id = ${userId}
      order by executed_at desc, seq desc
      limit ${Math.max(1, Math.min(limit, 1000))}`
  )
  return yield* Effect.orDie(decodeTrades(rows))
})

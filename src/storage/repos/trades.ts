// Trades as the books printed them: batch inserts through unnest arrays, idempotent on trade_id
// (DESIGN invariant 3 carried into the record), each batch refreshing the candles it touches.
import { Effect, Schema } from "effect"
import { Sql } from "../sql.js"
import { type Columns, columnsOf, type InsertOptions, intFragment, literal, textFragment } from "./array-literal.js"
import { refreshCandles } from "./candles.js"
import { binOrigin } from "./time-range.js"
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
 * A trade as the sink appends it: the wire's plain numbers (cents, units, epoch ms), so a batch
 * goes out with no per-value conversion to bigints and Dates.
 */
export interface TradeInput {
  readonly tradeId: string
  readonly symbol: string
  readonly seq: number
  readonly priceCents: number
  readonly quantity: number
  readonly buyerUserId: string
  readonly sellerUserId: string
  readonly buyOrderId: string
  readonly sellOrderId: string
  readonly makerSide: "BUY" | "SELL"
  readonly executedAt: number
  readonly sourceShard: number
  readonly sourceEpoch: number
}

/** Trades as column fragments (`tradeColumns`), in the order `appendTradeColumns` binds them. */
export const tradeColumns = (trades: ReadonlyArray<TradeInput>): Columns =>
  columnsOf(trades, (rows) => [
    textFragment(rows, (t) => t.tradeId), textFragment(rows, (t) => t.symbol), intFragment(rows, (t) => t.seq),
    intFragment(rows, (t) => t.priceCents), intFragment(rows, (t) => t.quantity),
    textFragment(rows, (t) => t.buyerUserId), textFragment(rows, (t) => t.sellerUserId),
    textFragment(rows, (t) => t.buyOrderId), textFragment(rows, (t) => t.sellOrderId),
    textFragment(rows, (t) => t.makerSide), intFragment(rows, (t) => t.executedAt),
    intFragment(rows, (t) => t.sourceShard), intFragment(rows, (t) => t.sourceEpoch)
  ])

/**
 * `writeTrades` for high rates (the sink), in one statement: the same idempotent insert, and the
 * 1-minute candles fold in only the rows this insert stored, so a batch costs O(batch), not
 * O(trades in its minutes), and a replayed trade (inserted as nothing) is never counted twice.
 * High/low/volume/count merge with the stored candle; open/close are the first/last of the
 * minute's stored trades (one index lookup each: the statement's snapshot shows only the rows
 * stored before it) and its new ones. Assumes one writer per symbol at a time (one fenced sink),
 * like `refreshCandles`. Answers how many trades were new. Compose it inside `withFence(s)`.
 * With `fresh`, a trade already stored fails the statement (see `InsertOptions`).
 */
export const appendTradeColumns = Effect.fn("Trades.append")(function* (trades: Columns, options: InsertOptions = {}) {
  if (trades.count === 0) return 0
  const sql = yield* Sql
  const c = (i: number) => literal(trades, i)
  const [row] = yield* sql.run(
    "trades: append batch and fold candles",
    (q) => q<Array<{ inserted: number }>>`
      with input as (
        select * from unnest(
          ${c(0)}::text::text[], ${c(1)}::text::text[], ${c(2)}::text::int8[], ${c(3)}::text::int8[], ${c(4)}::text::int8[],
          ${c(5)}::text::text[], ${c(6)}::text::text[], ${c(7)}::text::text[], ${c(8)}::text::text[], ${c(9)}::text::text[],
          ${c(10)}::text::int8[], ${c(11)}::text::int4[], ${c(12)}::text::int8[])
        as r ("tradeId", symbol, seq, "priceCents", quantity, "buyerUserId", "sellerUserId", "buyOrderId", "sellOrderId",
              "makerSide", "executedAt", "sourceShard", "sourceEpoch")
      ), ins as (
        insert into trades (trade_id, symbol, seq, price_cents, quantity, buyer_user_id, seller_user_id,
                            buy_order_id, sell_order_id, maker_side, executed_at, source_shard, source_epoch)
        select "tradeId", symbol, seq, "priceCents", quantity, "buyerUserId", "sellerUserId", "buyOrderId",
               "sellOrderId", "makerSide", timestamptz 'epoch' + "executedAt" * interval '1 millisecond',
               "sourceShard", "sourceEpoch"
        from input
        ${options.fresh === true ? q`` : q`on conflict (trade_id) do nothing`}
        returning symbol, date_bin('1 minute', executed_at, ${binOrigin}::timestamptz) as bucket, executed_at, seq, price_cents, quantity
      ), agg as (
        select symbol, bucket, max(price_cents) as high, min(price_cents) as low, sum(quantity)::bigint as volume, count(*)::int as n
        from ins group by symbol, bucket
      ), first_new as (
        select distinct on (symbol, bucket) symbol, bucket, executed_at, seq, price_cents from ins
        order by symbol, bucket, executed_at, seq
      ), last_new as (
        select distinct on (symbol, bucket) symbol, bucket, executed_at, seq, price_cents from ins
        order by symbol, bucket, executed_at desc, seq desc
      ), merged as (
        insert into market_prices (symbol, bucket, open_cents, high_cents, low_cents, close_cents, volume, trade_count)
        select a.symbol, a.bucket,
               (select x.price_cents from (
                  (select t.executed_at, t.seq, t.price_cents from trades t
                    where t.symbol = a.symbol and t.executed_at >= a.bucket and t.executed_at < a.bucket + interval '1 minute'
                    order by t.executed_at, t.seq limit 1)
                  union all select f.executed_at, f.seq, f.price_cents) x
                order by x.executed_at, x.seq limit 1),
               a.high, a.low,
               (select x.price_cents from (
                  (select t.executed_at, t.seq, t.price_cents from trades t
                    where t.symbol = a.symbol and t.executed_at >= a.bucket and t.executed_at < a.bucket + interval '1 minute'
                    order by t.executed_at desc, t.seq desc limit 1)
                  union all select l.executed_at, l.seq, l.price_cents) x
                order by x.executed_at desc, x.seq desc limit 1),
               a.volume, a.n
        from agg a
        join first_new f on f.symbol = a.symbol and f.bucket = a.bucket
        join last_new l on l.symbol = a.symbol and l.bucket = a.bucket
        on conflict (symbol, bucket) do update set
          open_cents = excluded.open_cents, close_cents = excluded.close_cents,
          high_cents = greatest(market_prices.high_cents, excluded.high_cents),
          low_cents = least(market_prices.low_cents, excluded.low_cents),
          volume = market_prices.volume + excluded.volume,
          trade_count = market_prices.trade_count + excluded.trade_count
        returning 1
      )
      select (select count(*) from ins)::int as inserted`
  )
  return row!.inserted
})

/** `appendTradeColumns` of rows. */
export const appendTrades = (trades: ReadonlyArray<TradeInput>) => appendTradeColumns(tradeColumns(trades))

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

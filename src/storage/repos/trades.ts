// Trades as the books printed them: batch inserts through unnest arrays, idempotent on trade_id
// (DESIGN invariant 3 carried into the record), each batch refreshing the candles it touches.
import { Effect, Schema } from "effect"
import { type Query, Sql } from "../sql.js"
import { type Columns, columnsOf, type InsertOptions, intFragment, literal, mergeColumns, noColumns, textFragment } from "./array-literal.js"
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

/** Trades as the sink appends them: their columns, and the 1-minute candles they fold into. */
export interface TradeBatch {
  readonly rows: Columns
  /** Per symbol and minute of the batch (repeats across merged batches): symbol, minute (epoch ms), high, low, volume, count. */
  readonly candles: Columns
}

/** No trades. */
export const noTrades: TradeBatch = { rows: noColumns, candles: noColumns }

const MINUTE_MS = 60_000

interface CandleFold {
  readonly symbol: string
  readonly minute: number
  high: number
  low: number
  volume: number
  count: number
}

const ORIGIN_MS = Date.parse(binOrigin)

/** The batch's trades folded per symbol and minute (minutes aligned on `binOrigin`, as stored buckets are). */
const foldCandles = (trades: ReadonlyArray<TradeInput>): Array<CandleFold> => {
  const folds = new Map<string, CandleFold>()
  for (const t of trades) {
    const minute = ORIGIN_MS + Math.floor((t.executedAt - ORIGIN_MS) / MINUTE_MS) * MINUTE_MS
    const key = `${t.symbol}\u0000${minute}`
    const fold = folds.get(key)
    if (fold === undefined) {
      folds.set(key, { symbol: t.symbol, minute, high: t.priceCents, low: t.priceCents, volume: t.quantity, count: 1 })
      continue
    }
    if (t.priceCents > fold.high) fold.high = t.priceCents
    if (t.priceCents < fold.low) fold.low = t.priceCents
    fold.volume += t.quantity
    fold.count++
  }
  return [...folds.values()]
}

/** Trades as a batch (`appendTradeBatch`), built when a sink job submits them. */
export const tradeBatch = (trades: ReadonlyArray<TradeInput>): TradeBatch => ({
  rows: columnsOf(trades, (rows) => [
    textFragment(rows, (t) => t.tradeId), textFragment(rows, (t) => t.symbol), intFragment(rows, (t) => t.seq),
    intFragment(rows, (t) => t.priceCents), intFragment(rows, (t) => t.quantity),
    textFragment(rows, (t) => t.buyerUserId), textFragment(rows, (t) => t.sellerUserId),
    textFragment(rows, (t) => t.buyOrderId), textFragment(rows, (t) => t.sellOrderId),
    textFragment(rows, (t) => t.makerSide), intFragment(rows, (t) => t.executedAt),
    intFragment(rows, (t) => t.sourceShard), intFragment(rows, (t) => t.sourceEpoch)
  ]),
  candles: columnsOf(foldCandles(trades), (folds) => [
    textFragment(folds, (f) => f.symbol), intFragment(folds, (f) => f.minute), intFragment(folds, (f) => f.high),
    intFragment(folds, (f) => f.low), intFragment(folds, (f) => f.volume), intFragment(folds, (f) => f.count)
  ])
})

/** The trades of several batches, in order. */
export const mergeTradeBatches = (parts: ReadonlyArray<TradeBatch>): TradeBatch => ({
  rows: mergeColumns(parts.map((p) => p.rows)),
  candles: mergeColumns(parts.map((p) => p.candles))
})

/** `insert into trades` of a batch's rows, bound as one array-literal text parameter per column. */
const insertBatch = (q: Query, trades: Columns) => {
  const c = (i: number) => literal(trades, i)
  return q`
    insert into trades (trade_id, symbol, seq, price_cents, quantity, buyer_user_id, seller_user_id,
                        buy_order_id, sell_order_id, maker_side, executed_at, source_shard, source_epoch)
    select "tradeId", symbol, seq, "priceCents", quantity, "buyerUserId", "sellerUserId", "buyOrderId",
           "sellOrderId", "makerSide", timestamptz 'epoch' + "executedAt" * interval '1 millisecond',
           "sourceShard", "sourceEpoch"
    from unnest(
      ${c(0)}::text::text[], ${c(1)}::text::text[], ${c(2)}::text::int8[], ${c(3)}::text::int8[], ${c(4)}::text::int8[],
      ${c(5)}::text::text[], ${c(6)}::text::text[], ${c(7)}::text::text[], ${c(8)}::text::text[], ${c(9)}::text::text[],
      ${c(10)}::text::int8[], ${c(11)}::text::int4[], ${c(12)}::text::int8[])
    as r ("tradeId", symbol, seq, "priceCents", quantity, "buyerUserId", "sellerUserId", "buyOrderId", "sellOrderId",
          "makerSide", "executedAt", "sourceShard", "sourceEpoch")`
}

/**
 * `writeTrades` for high rates (the sink), idempotent on trade_id. With `fresh` (see
 * `InsertOptions`) the trades go in with no conflict check and nothing returned, then their
 * candles fold in from the batch's own per-minute folds; a trade already stored fails the
 * statement instead. Otherwise one statement inserts what is new and folds only the rows it
 * stored, so a replayed trade is never counted twice. Either way a batch costs O(batch), not
 * O(trades in its minutes); high/low/volume/count merge with the stored candle and open/close are
 * the first/last of the minute's trades (one index lookup each). Assumes one writer per symbol
 * at a time (one fenced sink), like `refreshCandles`. Answers how many trades were new. Compose
 * it inside `withFence(s)`.
 */
export const appendTradeBatch = Effect.fn("Trades.append")(function* (batch: TradeBatch, options: InsertOptions = {}) {
  if (batch.rows.count === 0) return 0
  if (options.fresh !== true) return yield* insertNewAndFold(batch.rows)
  const sql = yield* Sql
  const f = (i: number) => literal(batch.candles, i)
  yield* sql.run("trades: append batch", (q) => insertBatch(q, batch.rows))
  // The trades just inserted are visible to this statement: open and close come from the table.
  yield* sql.run(
    "trades: fold candles",
    (q) => q`
      with folded as (
        select symbol, timestamptz 'epoch' + minute * interval '1 millisecond' as bucket,
               max(high) as high, min(low) as low, sum(volume)::bigint as volume, sum(n)::int as n
        from unnest(${f(0)}::text::text[], ${f(1)}::text::int8[], ${f(2)}::text::int8[], ${f(3)}::text::int8[],
                    ${f(4)}::text::int8[], ${f(5)}::text::int4[]) as f (symbol, minute, high, low, volume, n)
        group by 1, 2
      )
      insert into market_prices (symbol, bucket, open_cents, high_cents, low_cents, close_cents, volume, trade_count)
      select f.symbol, f.bucket,
             (select t.price_cents from trades t
               where t.symbol = f.symbol and t.executed_at >= f.bucket and t.executed_at < f.bucket + interval '1 minute'
               order by t.executed_at, t.seq limit 1),
             f.high, f.low,
             (select t.price_cents from trades t
               where t.symbol = f.symbol and t.executed_at >= f.bucket and t.executed_at < f.bucket + interval '1 minute'
               order by t.executed_at desc, t.seq desc limit 1),
             f.volume, f.n
      from folded f
      on conflict (symbol, bucket) do update set
        open_cents = excluded.open_cents, close_cents = excluded.close_cents,
        high_cents = greatest(market_prices.high_cents, excluded.high_cents),
        low_cents = least(market_prices.low_cents, excluded.low_cents),
        volume = market_prices.volume + excluded.volume,
        trade_count = market_prices.trade_count + excluded.trade_count`
  )
  return batch.rows.count
})

/** Inserts the trades not yet stored and folds the ones it stored into their candles, in one statement. */
const insertNewAndFold = Effect.fnUntraced(function* (trades: Columns) {
  const sql = yield* Sql
  const [row] = yield* sql.run(
    "trades: append batch and fold candles",
    (q) => q<Array<{ inserted: number }>>`
      with ins as (
        ${insertBatch(q, trades)}
        on conflict (trade_id) do nothing
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

/** `appendTradeBatch` of rows (skipping those stored already). */
export const appendTrades = (trades: ReadonlyArray<TradeInput>) => appendTradeBatch(tradeBatch(trades))

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


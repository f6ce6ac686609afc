// OHLCV candles (market_prices): 1-minute rows recomputed from trades for every touched minute,
// never incremented (DESIGN §5), and reads of any multiple of a minute bucketed with date_bin.
import { Effect, Schema } from "effect"
import { Sql } from "../sql.js"
import { binOrigin, checkRange, intervalLiteral, type TimeRange } from "./time-range.js"

/** One candle; prices in cents. */
export const Candle = Schema.Struct({
  start: Schema.DateFromSelf,
  openCents: Schema.BigIntFromSelf,
  highCents: Schema.BigIntFromSelf,
  lowCents: Schema.BigIntFromSelf,
  closeCents: Schema.BigIntFromSelf,
  volume: Schema.BigIntFromSelf,
  tradeCount: Schema.Number
})
export type Candle = typeof Candle.Type

const decodeCandles = Schema.decodeUnknown(Schema.Array(Candle))

const minuteMs = 60_000

/**
 * Rebuilds the 1-minute candles of the minutes these trades fall in, from every stored trade of
 * those minutes. Run it in the transaction that inserted the trades; one book (one shard, one
 * fenced sink) writes a symbol, so no other writer races on the same minute.
 */
export const refreshCandles = Effect.fn("Candles.refresh")(function* (
  touched: ReadonlyArray<{ readonly symbol: string; readonly executedAt: Date }>
) {
  const keys = new Map<string, { symbol: string; bucket: string }>()
  for (const { symbol, executedAt } of touched) {
    const bucket = new Date(Math.floor(executedAt.getTime() / minuteMs) * minuteMs).toISOString()
    keys.set(`${symbol}\u0000${bucket}`, { symbol, bucket })
  }
  if (keys.size === 0) return 0
  const symbols = [...keys.values()].map((k) => k.symbol)
  const buckets = [...keys.values()].map((k) => k.bucket)
  const sql = yield* Sql
  const rows = yield* sql.run(
    "market_prices: refresh 1m candles",
    (q) => q`
      insert into market_prices (symbol, bucket, open_cents, high_cents, low_cents, close_cents, volume, trade_count)
      select t.symbol, b.bucket,
             (array_agg(t.price_cents order by t.executed_at, t.seq))[1],
             max(t.price_cents),
             min(t.price_cents),
             (array_agg(t.price_cents order by t.executed_at desc, t.seq desc))[1],
             sum(t.quantity)::bigint,
             count(*)::int
      from unnest(${symbols}::text[], ${buckets}::timestamptz[]) as b (symbol, bucket)
      join trades t on t.symbol = b.symbol
                   and t.executed_at >= b.bucket
                   and t.executed_at < b.bucket + interval '1 minute'
      group by t.symbol, b.bucket
      on conflict (symbol, bucket) do update set
        open_cents = excluded.open_cents, high_cents = excluded.high_cents, low_cents = excluded.low_cents,
        close_cents = excluded.close_cents, volume = excluded.volume, trade_count = excluded.trade_count`
  )
  return rows.count
})

/** Candles of `symbol` in buckets of `range.intervalSeconds` (a multiple of 60), oldest first; empty buckets are absent. */
export const readCandles = Effect.fn("Candles.read")(function* (symbol: string, range: TimeRange) {
  const { intervalSeconds, from, to } = yield* checkRange(range, 60)
  const sql = yield* Sql
  const rows = yield* sql.run(
    "market_prices: read candles",
    (q) => q`
      select date_bin(${intervalLiteral(intervalSeconds)}::interval, bucket, ${binOrigin}::timestamptz) as start,
             (array_agg(open_cents order by bucket))[1] as open_cents,
             max(high_cents) as high_cents,
             min(low_cents) as low_cents,
             (array_agg(close_cents order by bucket desc))[1] as close_cents,
             sum(volume)::bigint as volume,
             sum(trade_count)::int as trade_count
      from market_prices
      where symbol = ${symbol} and bucket >= ${from} and bucket < ${to}
      group by 1
      order by 1`
  )
  return yield* Effect.orDie(decodeCandles(rows))
})

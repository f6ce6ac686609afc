// The sink's protocol (`sink/s<shard>`, one sink per source shard, so no hot singleton): batches
// of analytics rows for PostgreSQL, shaped like the storage repos' inputs. Shared with senders.
import { Schema } from "effect"
import { makeActorKind } from "../../runtime/actor.js"
import { trustedMessage } from "../../runtime/message-codec.js"
import { shardLocalKey } from "../../runtime/address.js"

// Plain JSON numbers on the wire and in the handler: money in integer cents, quantities in units,
// versions and sequences as safe integers, times in epoch milliseconds (as `ctx.time`). Decoding
// them is a check, not a transformation, which matters at 10,000 trades/s; the sink turns them
// into the repos' bigints and Dates.

/** A safe integer: cents, units, a version or a sequence number. */
export const Int64 = Schema.Int

/** A point in time in epoch milliseconds. */
export const Timestamp = Schema.Int

/** One trade as the book printed it; prices in cents, quantities in units. */
export const TradeRow = Schema.Struct({
  tradeId: Schema.String,
  symbol: Schema.String,
  /** The book's trade sequence for the symbol. */
  seq: Int64,
  priceCents: Int64,
  quantity: Int64,
  buyerUserId: Schema.String,
  sellerUserId: Schema.String,
  buyOrderId: Schema.String,
  sellOrderId: Schema.String,
  makerSide: Schema.Literal("BUY", "SELL"),
  executedAt: Timestamp
})
export type TradeRow = typeof TradeRow.Type

/** One order as last reported; `version` grows with every change, and an older one never overwrites a newer. */
export const OrderRow = Schema.Struct({
  orderId: Schema.String,
  userId: Schema.String,
  symbol: Schema.String,
  side: Schema.Literal("BUY", "SELL"),
  type: Schema.Literal("LIMIT", "MARKET", "STOP", "STOP_LIMIT"),
  timeInForce: Schema.Literal("GTC", "GTD", "IOC", "FOK"),
  status: Schema.Literal("PENDING", "PARTIAL", "FILLED", "CANCELLED", "REJECTED", "EXPIRED"),
  priceCents: Schema.NullOr(Int64),
  stopPriceCents: Schema.NullOr(Int64),
  quantity: Int64,
  filled: Int64,
  avgPriceCents: Schema.NullOr(Int64),
  clientOrderId: Schema.NullOr(Schema.String),
  version: Int64,
  createdAt: Timestamp,
  updatedAt: Timestamp
})
export type OrderRow = typeof OrderRow.Type

/** One ledger line; `amount` is signed, in cents for a currency or units for a symbol. */
export const LedgerRow = Schema.Struct({
  entryId: Schema.String,
  wallet: Schema.String,
  /** available, locked, fee, or clearing:<symbol>. */
  account: Schema.String,
  /** ZAR, USD, or a symbol for units. */
  asset: Schema.String,
  amount: Int64,
  reason: Schema.String,
  referenceId: Schema.NullOr(Schema.String),
  createdAt: Timestamp
})
export type LedgerRow = typeof LedgerRow.Type

/**
 * One posting as a wallet applied it, the compact form of its ledger lines (a wallet reports
 * postings, not lines: a fifth of the bytes). Line i is stored as entry `<id>/<i>`; the id's
 * suffix after its last `:` names the reason and the part before is the reference (see
 * `ledgerOfPosting` in sink-rows).
 */
export const PostingRow = Schema.Struct({
  id: Schema.String,
  wallet: Schema.String,
  createdAt: Timestamp,
  /** Each line as [account, asset, amount]: accounts as stored (available, locked, fees, clearing:<symbol>). */
  lines: Schema.Array(Schema.Tuple(Schema.String, Schema.String, Int64))
})
export type PostingRow = typeof PostingRow.Type

/** One trend observation; (symbol, observedAt) is its natural key. */
export const SignalRow = Schema.Struct({
  symbol: Schema.String,
  observedAt: Timestamp,
  viralityScore: Schema.Number,
  sentiment: Schema.Number,
  velocity: Schema.Number,
  volume: Int64,
  engagementRate: Schema.Number
})
export type SignalRow = typeof SignalRow.Type

/** Trades to record (idempotent on tradeId); their 1-minute candles are rebuilt from the stored trades. */
export class RecordTrades extends Schema.TaggedClass<RecordTrades>()("RecordTrades", {
  trades: Schema.Array(TradeRow)
}) {}

/** Order updates to record (an upsert guarded by version). */
export class RecordOrders extends Schema.TaggedClass<RecordOrders>()("RecordOrders", {
  orders: Schema.Array(OrderRow)
}) {}

/** Ledger lines to record (idempotent on entryId). */
export class RecordLedger extends Schema.TaggedClass<RecordLedger>()("RecordLedger", {
  entries: Schema.Array(LedgerRow)
}) {}

/** Trend signals to record in trend_metrics (idempotent on symbol + observedAt). */
export class RecordSignals extends Schema.TaggedClass<RecordSignals>()("RecordSignals", {
  samples: Schema.Array(SignalRow)
}) {}

/**
 * Rows of several kinds at once (a book's trades and order updates of one message): one job and
 * one transaction instead of one per kind. Absent lists are empty.
 */
export class RecordBatch extends Schema.TaggedClass<RecordBatch>()("RecordBatch", {
  trades: Schema.optional(Schema.Array(TradeRow)),
  orders: Schema.optional(Schema.Array(OrderRow)),
  entries: Schema.optional(Schema.Array(LedgerRow)),
  postings: Schema.optional(Schema.Array(PostingRow)),
  samples: Schema.optional(Schema.Array(SignalRow))
}) {}

// Batches `mergeRecords` built: their arrays are its own, so later messages are appended in place
// (merging n messages costs O(rows), not O(n × rows)); each keeps where its orders are, so a later
// version of an order replaces the earlier one instead of travelling beside it.
const accumulators = new WeakMap<object, Map<string, number>>()

const appendTo = (into: Array<unknown>, rows: ReadonlyArray<unknown> | undefined) => {
  if (rows !== undefined) for (const row of rows) into.push(row)
}

/** Adds order rows to an accumulator, one row per order: the newest version (the one storage keeps). */
const appendOrders = (batch: RecordBatch, rows: ReadonlyArray<OrderRow> | undefined) => {
  if (rows === undefined) return
  const orders = batch.orders as Array<OrderRow>
  const at = accumulators.get(batch)!
  for (const row of rows) {
    const i = at.get(row.orderId)
    if (i === undefined) {
      at.set(row.orderId, orders.length)
      orders.push(row)
    } else if (orders[i]!.version < row.version) orders[i] = row
  }
}

const rowsOfMessage = (m: SinkMessage): {
  readonly trades?: ReadonlyArray<TradeRow> | undefined
  readonly orders?: ReadonlyArray<OrderRow> | undefined
  readonly entries?: ReadonlyArray<LedgerRow> | undefined
  readonly postings?: ReadonlyArray<PostingRow> | undefined
  readonly samples?: ReadonlyArray<SignalRow> | undefined
} => {
  switch (m._tag) {
    case "RecordTrades":
      return { trades: m.trades }
    case "RecordOrders":
      return { orders: m.orders }
    case "RecordLedger":
      return { entries: m.entries }
    case "RecordSignals":
      return { samples: m.samples }
    case "RecordBatch":
      return m
  }
}

/**
 * Merges two sink messages into one RecordBatch (`ctx.sendMerged`): the runtime then sends one
 * message per sink per applied batch instead of one per handled message.
 */
export const mergeRecords = (into: SinkMessage, next: SinkMessage): SinkMessage => {
  let batch: RecordBatch
  if (into._tag === "RecordBatch" && accumulators.has(into)) batch = into
  else {
    const first = rowsOfMessage(into)
    batch = trustedMessage(RecordBatch, { trades: [...(first.trades ?? [])], orders: [], entries: [...(first.entries ?? [])], postings: [...(first.postings ?? [])], samples: [...(first.samples ?? [])] })
    accumulators.set(batch, new Map())
    appendOrders(batch, first.orders)
  }
  const more = rowsOfMessage(next)
  appendTo(batch.trades as Array<unknown>, more.trades)
  appendOrders(batch, more.orders)
  appendTo(batch.entries as Array<unknown>, more.entries)
  appendTo(batch.postings as Array<unknown>, more.postings)
  appendTo(batch.samples as Array<unknown>, more.samples)
  return batch
}

/** Every message a sink accepts. */
export const SinkProtocol = Schema.Union(RecordTrades, RecordOrders, RecordLedger, RecordSignals, RecordBatch)
/** A sink message. */
export type SinkMessage = typeof SinkProtocol.Type

/** The sink kind: an effectful actor per source shard. */
export const Sink = makeActorKind("sink", SinkProtocol)

/**
 * The sink a source actor reports to: the one pinned to the source's own shard (DESIGN §5: one
 * per source shard), so reports become the sink's jobs in the source's own commit.
 */
export const sinkFor = (source: { readonly shard: number }) => Sink.ref(shardLocalKey(source.shard))

// What one wallet message changed, reported to the sink (DESIGN §5): the orders it created or
// moved to a new version and the postings it applied (the sink stores their ledger lines), as
// one RecordBatch per handled message after the handler returns (which the runtime merges per
// batch and sink).
// Messages that change nothing send nothing.
import { averagePrice } from "../../domain/book/index.js"
import type { Posting } from "../../domain/ledger.js"
import type { ActorContext, Handlers, Tagged } from "../../runtime/actor.js"
import { trustedMessage } from "../../runtime/message-codec.js"
import { mergeRecords, type OrderRow, type PostingRow, RecordBatch, sinkFor } from "../sink/protocol.js"
import type { OrderView } from "./protocol.js"

// Structural, so wallet-state (whose journal reports here) and this module do not import each other.
type OrderRecord = OrderView
type WalletState = { readonly owner: string }

// One buffer for every wallet in the process: handlers run one at a time, and each message
// starts with an empty one (a handler that threw leaves nothing behind for the next).
const orders: Array<OrderRecord> = []
const postings: Array<Posting> = []

/** Notes an order created or changed by the current message (rows are read when it ends). */
export const reportOrder = (o: OrderRecord): void => {
  orders.push(o)
}

/** Notes postings the current message applied. */
export const reportPostings = (applied: ReadonlyArray<Posting>): void => {
  for (const p of applied) if (p.entries.length > 0) postings.push(p)
}

/** An order row; its version grows with every change, so the newest report wins in storage. */
const orderRow = (owner: string, o: OrderRecord): OrderRow => ({
  orderId: o.orderId, userId: owner, symbol: o.symbol, side: o.side, type: o.type, timeInForce: o.timeInForce, status: o.status,
  priceCents: o.price ?? null, stopPriceCents: o.stopPrice ?? null, quantity: o.qty, filled: o.filled,
  avgPriceCents: o.filled > 0 ? averagePrice(o.notional, o.filled) : null, clientOrderId: o.clientOrderId ?? null,
  version: o.version, createdAt: o.createdAt, updatedAt: o.updatedAt
})

/** The posting as reported: the wallet's own accounts without its name (available, locked, fees), others as they are. */
const postingRow = (owner: string, p: Posting, time: number): PostingRow => {
  const own = `${owner}:`
  return {
    id: p.id, wallet: owner, createdAt: time,
    lines: p.entries.map((e) => [e.account.startsWith(own) ? e.account.slice(own.length) : e.account, e.currency, e.amount] as const)
  }
}

/** Sends what the message changed to the wallet's sink, once, and empties the buffers. */
const flush = (s: WalletState, ctx: ActorContext<unknown, never>): void => {
  if (orders.length === 0 && postings.length === 0) return
  const seen = new Set<string>()
  const orderRows: Array<OrderRow> = []
  // Newest report of an order last: its state after the handler is the one to record.
  for (let i = orders.length - 1; i >= 0; i--) {
    const o = orders[i]!
    if (seen.has(o.orderId)) continue
    seen.add(o.orderId)
    orderRows.push(orderRow(s.owner, o))
  }
  const postingRows = postings.map((p) => postingRow(s.owner, p, ctx.time))
  orders.length = 0
  postings.length = 0
  // Merged by the runtime with the shard's other reports of the batch: one message per sink per batch.
  ctx.sendMerged(sinkFor(ctx), trustedMessage(RecordBatch, {
    ...(orderRows.length > 0 ? { orders: orderRows } : {}),
    ...(postingRows.length > 0 ? { postings: postingRows } : {})
  }), mergeRecords)
}

/** The handlers, each followed by its report to the sink. */
export const reportingToSink = <S extends WalletState, M extends Tagged>(handlers: Handlers<S, M>): Handlers<S, M> => {
  const wrapped: Record<string, (s: S, m: Tagged, ctx: ActorContext<unknown, never>) => S> = {}
  for (const [tag, handler] of Object.entries(handlers) as Array<[string, (s: S, m: Tagged, ctx: ActorContext<unknown, never>) => S]>) {
    wrapped[tag] = (s, m, ctx) => {
      orders.length = 0
      postings.length = 0
      const next = handler(s, m, ctx)
      flush(next, ctx)
      return next
    }
  }
  return wrapped as unknown as Handlers<S, M>
}

// Compact, JSON-safe snapshot of a book for actor snapshots: counters plus one tuple per live
// order, levels listed worst → best and each queue front → back, so restoring by appending
// rebuilds the same price-time priority (and pushes each level at the end, never splicing).
import type { BookSide } from "./book-side.js"
import { hashId, type OrderIndex } from "./order-index.js"
import { RestingOrder } from "./resting-order.js"
import type { StopBook } from "./stop-book.js"

/** One live order: [id, owner, side, type, price, stopPrice, qty, remaining, filled, notional,
 *  tif, postOnly, stp, version, expiresAt, seq, takerFills] (codes as in order-entry.ts). */
export type OrderTuple = [
  string, string, number, number, number, number, number, number, number, number,
  number, 0 | 1, number, number, number, number, number
]

/** Serialisable state of an order book. */
export interface BookSnapshot {
  readonly v: 1
  /** Last trade price in cents; 0 before the first trade. */
  readonly lastPrice: number
  readonly tradeSeq: number
  readonly seq: number
  readonly bids: ReadonlyArray<OrderTuple>
  readonly asks: ReadonlyArray<OrderTuple>
  /** Held stops, each side in trigger order (last triggers first). */
  readonly stops: ReadonlyArray<OrderTuple>
}

/** The parts of a book a snapshot reads and restores. */
export interface SnapshotTarget {
  readonly bids: BookSide
  readonly asks: BookSide
  readonly stops: StopBook
  readonly index: OrderIndex
  lastPrice: number
  tradeSeq: number
  seq: number
}

const tuple = (o: RestingOrder): OrderTuple => [
  o.id, o.owner, o.side, o.type, o.price, o.stopPrice, o.qty, o.remaining, o.filled, o.notional,
  o.tif, o.postOnly ? 1 : 0, o.stp, o.version, o.expiresAt, o.seq, o.takerFills
]

const sideTuples = (side: BookSide): Array<OrderTuple> => {
  const out: Array<OrderTuple> = []
  for (const level of side.levels) {
    for (let o = level.head; o !== null; o = o.next) out.push(tuple(o))
  }
  return out
}

/** Capture a book's state as plain arrays. */
export const writeSnapshot = (b: SnapshotTarget): BookSnapshot => ({
  v: 1,
  lastPrice: b.lastPrice,
  tradeSeq: b.tradeSeq,
  seq: b.seq,
  bids: sideTuples(b.bids),
  asks: sideTuples(b.asks),
  stops: [...b.stops.buys.map(tuple), ...b.stops.sells.map(tuple)]
})

const fromTuple = (t: OrderTuple): RestingOrder => {
  const o = new RestingOrder().init(t[0], hashId(t[0]), t[1], t[2], t[3], t[4], t[5], t[6], t[10], t[11] === 1, t[12], t[13], t[14],
    t[15])
  o.remaining = t[7]
  o.filled = t[8]
  o.notional = t[9]
  o.takerFills = t[16]
  return o
}

/** Load a snapshot into an empty book. */
export const restoreSnapshot = (b: SnapshotTarget, s: BookSnapshot): void => {
  b.lastPrice = s.lastPrice
  b.tradeSeq = s.tradeSeq
  b.seq = s.seq
  for (const [side, tuples] of [[b.bids, s.bids], [b.asks, s.asks]] as const) {
    for (const t of tuples) {
      const o = fromTuple(t)
      side.levelAt(o.price).append(o)
      b.index.insert(o)
    }
  }
  for (const t of s.stops) {
    const o = fromTuple(t)
    b.stops.add(o)
    b.index.insert(o)
  }
}

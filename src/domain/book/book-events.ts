// The reusable event buffer the book writes into: trades (each one is the maker's and the taker's
// fill), order updates, level deltas for the feed, stop triggers and refused requests. Slots are
// pooled and overwritten on the next call, so the matching loop allocates nothing per event.
import type { BookReason, OrderStatus, Side } from "./order-entry.js"

/** A match: the maker's fill and the taker's fill at the maker's price. */
export interface TradeEvent {
  readonly kind: "trade"
  /** Book-wide trade sequence number (1, 2, ...), part of the snapshot. */
  readonly seq: number
  /** 0-based index of this fill among the taker's fills; `tradeId` combines it with the taker id. */
  readonly fillIndex: number
  readonly price: number
  readonly qty: number
  /** Side of the taker (the aggressor). */
  readonly side: Side
  readonly makerId: string
  readonly makerOwner: string
  readonly takerId: string
  readonly takerOwner: string
  readonly makerRemaining: number
  readonly takerRemaining: number
}

/** An order's new state. Emitted once per request for the incoming order, and for a resting order
 *  when it ends (FILLED, CANCELLED, EXPIRED) or is decremented by self-trade prevention. A maker's
 *  partial fills are reported by its trades only. */
export interface OrderEvent {
  readonly kind: "order"
  readonly orderId: string
  readonly owner: string
  readonly side: Side
  readonly status: OrderStatus
  readonly reason: BookReason
  readonly filled: number
  readonly remaining: number
  /** Sum of price × qty over the order's fills (cents); average = notional / filled. */
  readonly notional: number
  readonly version: number
}

/** New aggregate size at a price (0 = the level is gone); absolute, so replaying it is harmless. */
export interface LevelEvent {
  readonly kind: "level"
  readonly side: Side
  readonly price: number
  readonly qty: number
}

/** A held stop order crossed its stop price and now enters the book. */
export interface TriggeredEvent {
  readonly kind: "triggered"
  readonly orderId: string
  readonly owner: string
  readonly stopPrice: number
  /** The last trade price that triggered it. */
  readonly price: number
}

/** A request (duplicate submit, cancel/replace/expire of an unknown or stale order) was refused. */
export interface RejectedEvent {
  readonly kind: "rejected"
  readonly orderId: string
  readonly reason: BookReason
}

/** Everything the book reports. */
export type BookEvent = TradeEvent | OrderEvent | LevelEvent | TriggeredEvent | RejectedEvent

/** Deterministic trade id: the taker order id and the fill's index among its fills. */
export const tradeId = (t: TradeEvent): string => `${t.takerId}#${t.fillIndex}`

// One shape for every slot keeps property access monomorphic; the union above is its typed view.
class EventSlot {
  kind: BookEvent["kind"] = "level"
  seq = 0
  fillIndex = 0
  price = 0
  qty = 0
  side: Side = "BUY"
  makerId = ""
  makerOwner = ""
  takerId = ""
  takerOwner = ""
  makerRemaining = 0
  takerRemaining = 0
  orderId = ""
  owner = ""
  status: OrderStatus = "PENDING"
  reason: BookReason = "NONE"
  filled = 0
  remaining = 0
  notional = 0
  version = 0
  stopPrice = 0
}

/** A reusable list of events. Read `length` and `get(i)`; the book calls `reset()` per request
 *  unless told to append, and overwrites slots in place, so copy what you keep. */
export class BookEvents {
  length = 0
  private readonly slots: Array<EventSlot> = []

  /** Forget the previous request's events (slots are kept for reuse). */
  reset(): void {
    this.length = 0
  }

  /** The i-th event of the current request. */
  get(i: number): BookEvent {
    return this.slots[i] as unknown as BookEvent
  }

  /** Copy of the current events as plain objects (for tests and logs, not the hot path). */
  toArray(): Array<BookEvent> {
    const out: Array<BookEvent> = []
    for (let i = 0; i < this.length; i++) out.push(pick(this.slots[i]!))
    return out
  }

  private next(): EventSlot {
    const i = this.length++
    let s = this.slots[i]
    if (s === undefined) {
      s = new EventSlot()
      this.slots.push(s)
    }
    return s
  }

  /** @internal Record a trade. */
  trade(seq: number, fillIndex: number, price: number, qty: number, side: Side, makerId: string, makerOwner: string,
    takerId: string, takerOwner: string, makerRemaining: number, takerRemaining: number): void {
    const s = this.next()
    s.kind = "trade"
    s.seq = seq
    s.fillIndex = fillIndex
    s.price = price
    s.qty = qty
    s.side = side
    s.makerId = makerId
    s.makerOwner = makerOwner
    s.takerId = takerId
    s.takerOwner = takerOwner
    s.makerRemaining = makerRemaining
    s.takerRemaining = takerRemaining
  }

  /** @internal Record an order's state. */
  order(orderId: string, owner: string, side: Side, status: OrderStatus, reason: BookReason, filled: number,
    remaining: number, notional: number, version: number): void {
    const s = this.next()
    s.kind = "order"
    s.orderId = orderId
    s.owner = owner
    s.side = side
    s.status = status
    s.reason = reason
    s.filled = filled
    s.remaining = remaining
    s.notional = notional
    s.version = version
  }

  /** @internal Record a level's new total. */
  level(side: Side, price: number, qty: number): void {
    const s = this.next()
    s.kind = "level"
    s.side = side
    s.price = price
    s.qty = qty
  }

  /** @internal Record a stop trigger. */
  triggered(orderId: string, owner: string, stopPrice: number, price: number): void {
    const s = this.next()
    s.kind = "triggered"
    s.orderId = orderId
    s.owner = owner
    s.stopPrice = stopPrice
    s.price = price
  }

  /** @internal Record a refused request. */
  rejected(orderId: string, reason: BookReason): void {
    const s = this.next()
    s.kind = "rejected"
    s.orderId = orderId
    s.reason = reason
  }
}

const pick = (s: EventSlot): BookEvent => {
  switch (s.kind) {
    case "trade":
      return {
        kind: "trade", seq: s.seq, fillIndex: s.fillIndex, price: s.price, qty: s.qty, side: s.side,
        makerId: s.makerId, makerOwner: s.makerOwner, takerId: s.takerId, takerOwner: s.takerOwner,
        makerRemaining: s.makerRemaining, takerRemaining: s.takerRemaining
      }
    case "order":
      return {
        kind: "order", orderId: s.orderId, owner: s.owner, side: s.side, status: s.status, reason: s.reason,
        filled: s.filled, remaining: s.remaining, notional: s.notional, version: s.version
      }
    case "level":
      return { kind: "level", side: s.side, price: s.price, qty: s.qty }
    case "triggered":
      return { kind: "triggered", orderId: s.orderId, owner: s.owner, stopPrice: s.stopPrice, price: s.price }
    case "rejected":
      return { kind: "rejected", orderId: s.orderId, reason: s.reason }
  }
}

// One order inside the book: its terms, its fill progress and its links in the FIFO queue of its
// price level. The links make the queue an intrusive doubly-linked list, so cancelling an order
// in the middle is O(1) and leaves everyone else's queue position untouched.
import {
  ORDER_TYPES, type OrderStatus, type OrderType, type Side, SIDES, STP_MODES, type StpMode, type TimeInForce, TIFS
} from "./order-entry.js"
import type { PriceLevel } from "./price-level.js"

/** A live order in the book (resting, or held as an untriggered stop). Mutable by the book only;
 *  the book recycles ended orders, so never keep a reference past the call that returned it. */
export class RestingOrder {
  id = ""
  /** hashId(id), kept so the index never rehashes the string. */
  hash = 0
  owner = ""
  side = 0
  type = 0
  /** Cents: limit price, or the worst price of a MARKET/STOP order. */
  price = 0
  stopPrice = 0
  qty = 0
  /** Units still open; filled + remaining can be below qty after a DECREMENT self-trade. */
  remaining = 0
  /** Units traded so far. */
  filled = 0
  /** Sum of price × qty over fills, in cents: the exact basis for the average price. */
  notional = 0
  /** Fills this order took as the taker; numbers its trades deterministically. */
  takerFills = 0
  tif = 0
  postOnly = false
  stp = 0
  version = 0
  expiresAt = 0
  /** Book arrival number; orders held stops. */
  seq = 0
  /** True while held in the stop book waiting for its trigger. */
  held = false
  prev: RestingOrder | null = null
  next: RestingOrder | null = null
  level: PriceLevel | null = null

  /** (Re)initialise every field, so a recycled order carries nothing over. */
  init(id: string, hash: number, owner: string, side: number, type: number, price: number, stopPrice: number,
    qty: number, tif: number, postOnly: boolean, stp: number, version: number, expiresAt: number, seq: number): this {
    this.id = id
    this.hash = hash
    this.owner = owner
    this.side = side
    this.type = type
    this.price = price
    this.stopPrice = stopPrice
    this.qty = qty
    this.remaining = qty
    this.filled = 0
    this.notional = 0
    this.takerFills = 0
    this.tif = tif
    this.postOnly = postOnly
    this.stp = stp
    this.version = version
    this.expiresAt = expiresAt
    this.seq = seq
    this.held = false
    this.prev = null
    this.next = null
    this.level = null
    return this
  }
}

/** Average fill price in cents, rounded half up; 0 when nothing filled. */
export const averagePrice = (notional: number, filled: number): number => {
  if (filled === 0) return 0
  const q = Math.floor(notional / filled)
  const r = notional - q * filled
  return 2 * r >= filled ? q + 1 : q
}

/** A live order as seen from outside the book (a copy; safe to keep). */
export interface OrderView {
  readonly id: string
  readonly owner: string
  readonly side: Side
  readonly type: OrderType
  readonly price: number
  readonly stopPrice: number
  readonly qty: number
  readonly filled: number
  readonly remaining: number
  readonly notional: number
  /** notional / filled in cents, rounded half up (0 when nothing filled). */
  readonly avgPrice: number
  readonly status: OrderStatus
  readonly tif: TimeInForce
  readonly postOnly: boolean
  readonly stp: StpMode
  readonly version: number
  readonly expiresAt: number
  /** True while a stop waits for its trigger. */
  readonly held: boolean
}

/** Copy a live order into its outside view. */
export const viewOf = (o: RestingOrder): OrderView => ({
  id: o.id, owner: o.owner, side: SIDES[o.side]!, type: ORDER_TYPES[o.type]!, price: o.price,
  stopPrice: o.stopPrice, qty: o.qty, filled: o.filled, remaining: o.remaining, notional: o.notional,
  avgPrice: averagePrice(o.notional, o.filled), status: o.filled > 0 ? "PARTIAL" : "PENDING", tif: TIFS[o.tif]!,
  postOnly: o.postOnly, stp: STP_MODES[o.stp]!, version: o.version, expiresAt: o.expiresAt, held: o.held
})

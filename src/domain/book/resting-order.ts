// One order inside the book: its terms, its fill progress and its links in the FIFO queue of its
// price level. The links make the queue an intrusive doubly-linked list, so cancelling an order
// in the middle is O(1) and leaves everyone else's queue position untouched.
import type { PriceLevel } from "./price-level.js"

/** A live order in the book (resting, or held as an untriggered stop). Mutable by the book only. */
export class RestingOrder {
  /** Units still open; filled + remaining can be below qty after a DECREMENT self-trade. */
  remaining: number
  /** Units traded so far. */
  filled = 0
  /** Sum of price × qty over fills, in cents: the exact basis for the average price. */
  notional = 0
  /** Fills this order took as the taker; numbers its trades deterministically. */
  takerFills = 0
  prev: RestingOrder | null = null
  next: RestingOrder | null = null
  level: PriceLevel | null = null
  /** True while held in the stop book waiting for its trigger. */
  held = false

  constructor(
    public id: string,
    readonly owner: string,
    readonly side: number,
    public type: number,
    public price: number,
    readonly stopPrice: number,
    public qty: number,
    public tif: number,
    readonly postOnly: boolean,
    readonly stp: number,
    public version: number,
    public expiresAt: number,
    public seq: number
  ) {
    this.remaining = qty
  }
}

/** Average fill price in cents, rounded half up; 0 when nothing filled. */
export const averagePrice = (notional: number, filled: number): number => {
  if (filled === 0) return 0
  const q = Math.floor(notional / filled)
  const r = notional - q * filled
  return 2 * r >= filled ? q + 1 : q
}

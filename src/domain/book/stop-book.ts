// Stop and stop-limit orders waiting for the last trade price to cross their stop price.
// Each side is an array with the next order to trigger at the end (closest stop, then earliest),
// so triggering is a pop; stops are few compared with resting orders, so cancel is a search.
import { BUY } from "./order-entry.js"
import type { RestingOrder } from "./resting-order.js"

/** Held stops: BUY triggers when last >= stop, SELL when last <= stop. */
export class StopBook {
  readonly buys: Array<RestingOrder> = []
  readonly sells: Array<RestingOrder> = []

  /** Hold a stop order. */
  add(o: RestingOrder): void {
    const arr = o.side === BUY ? this.buys : this.sells
    let lo = 0
    let hi = arr.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (outranks(arr[mid]!, o)) hi = mid
      else lo = mid + 1
    }
    arr.splice(lo, 0, o)
    o.held = true
  }

  /** Stop holding an order (cancel or replace). */
  remove(o: RestingOrder): void {
    const arr = o.side === BUY ? this.buys : this.sells
    const i = arr.lastIndexOf(o)
    if (i >= 0) arr.splice(i, 1)
    o.held = false
  }

  /** Take the next stop that `last` triggers, earliest first across sides; null when none. */
  takeTriggered(last: number): RestingOrder | null {
    const b = this.buys.length > 0 ? this.buys[this.buys.length - 1]! : null
    const s = this.sells.length > 0 ? this.sells[this.sells.length - 1]! : null
    const bOk = b !== null && last >= b.stopPrice
    const sOk = s !== null && last <= s.stopPrice
    let pick: RestingOrder | null = null
    if (bOk && sOk) pick = b!.seq < s!.seq ? b : s
    else if (bOk) pick = b
    else if (sOk) pick = s
    if (pick !== null) {
      ;(pick.side === BUY ? this.buys : this.sells).pop()
      pick.held = false
    }
    return pick
  }

  /** True when a stop with this side and stop price would trigger at once at `last`. */
  static crossed(side: number, stopPrice: number, last: number): boolean {
    return last > 0 && (side === BUY ? last >= stopPrice : last <= stopPrice)
  }
}

// `e` triggers before `o`: a closer stop price, or the same one placed earlier.
const outranks = (e: RestingOrder, o: RestingOrder): boolean =>
  o.side === BUY
    ? e.stopPrice < o.stopPrice || (e.stopPrice === o.stopPrice && e.seq < o.seq)
    : e.stopPrice > o.stopPrice || (e.stopPrice === o.stopPrice && e.seq < o.seq)

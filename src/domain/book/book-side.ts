// One side of the book: price levels kept in a sorted array with the best price at the end, and a
// Map from price to level. Most activity is near the top, so push/pop at the end is the common
// case and a binary search plus splice (a memmove) handles the rest.
import { PriceLevel } from "./price-level.js"

/** Bids or asks: sorted levels (best last) plus price → level lookup. */
export class BookSide {
  /** Levels from worst to best; `levels[levels.length - 1]` is the best price. */
  readonly levels: Array<PriceLevel> = []
  readonly byPrice = new Map<number, PriceLevel>()
  // Emptied levels kept for reuse: prices come and go constantly near the touch.
  private readonly spare: Array<PriceLevel> = []

  /** `isBid`: best is the highest price; otherwise the lowest. */
  constructor(readonly isBid: boolean) {}

  /** Best level or null when the side is empty. */
  best(): PriceLevel | null {
    const n = this.levels.length
    return n === 0 ? null : this.levels[n - 1]!
  }

  /** The level at `price`, created and inserted in order if missing. */
  levelAt(price: number): PriceLevel {
    const found = this.byPrice.get(price)
    if (found !== undefined) return found
    const level = this.spare.pop()?.reuse(price) ?? new PriceLevel(price)
    this.byPrice.set(price, level)
    const levels = this.levels
    const n = levels.length
    // Fast path: a new best price goes at the end.
    if (n === 0 || this.better(price, levels[n - 1]!.price)) {
      levels.push(level)
      return level
    }
    // Shift by hand: splice would allocate the (empty) array of removed elements.
    const at = this.search(price)
    levels.push(level)
    for (let i = n; i > at; i--) levels[i] = levels[i - 1]!
    levels[at] = level
    return level
  }

  /** Drop an empty level. */
  remove(level: PriceLevel): void {
    this.byPrice.delete(level.price)
    if (this.spare.length < 1024) this.spare.push(level)
    const levels = this.levels
    const n = levels.length
    if (levels[n - 1] === level) {
      levels.pop()
      return
    }
    const at = this.search(level.price)
    if (levels[at] !== level) return
    for (let i = at; i < n - 1; i++) levels[i] = levels[i + 1]!
    levels.pop()
  }

  /** True when `a` is a strictly better price than `b` on this side. */
  better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b
  }

  /** First index whose price is not worse than `price` (lower bound in worst→best order). */
  private search(price: number): number {
    const levels = this.levels
    let lo = 0
    let hi = levels.length
    const bid = this.isBid
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      const p = levels[mid]!.price
      if (bid ? p < price : p > price) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  /** Top `n` levels as [price, total] pairs, best first. */
  depth(n: number): Array<[number, number]> {
    const out: Array<[number, number]> = []
    const levels = this.levels
    for (let i = levels.length - 1; i >= 0 && out.length < n; i--) {
      const l = levels[i]!
      out.push([l.price, l.total])
    }
    return out
  }
}

// The matching core for one symbol: price-time priority, trades at the resting order's price,
// LIMIT / MARKET / STOP / STOP_LIMIT, GTC / GTD / IOC / FOK, post-only and self-trade prevention.
// Plain TypeScript; the hot loop walks linked queues and writes into a reusable BookEvents.
import { BookSide } from "./book-side.js"
import type { BookEvents } from "./book-events.js"
import { type BookSnapshot, restoreSnapshot, writeSnapshot } from "./book-snapshot.js"
import {
  BUY, type BookReason, type OrderEntry, type OrderStatus, SIDES, sideCode, STP_DECREMENT, STP_EXPIRE_BOTH,
  STP_EXPIRE_MAKER, STP_EXPIRE_TAKER, stpCode, T_LIMIT, T_MARKET, T_STOP, T_STOP_LIMIT, TIF_FOK, TIF_GTD, TIF_IOC,
  tifCode, typeCode, validateEntry
} from "./order-entry.js"
import type { PriceLevel } from "./price-level.js"
import { hashId, OrderIndex } from "./order-index.js"
import { type OrderView, RestingOrder, viewOf } from "./resting-order.js"
import { StopBook } from "./stop-book.js"

/** Per-symbol trading rules the book enforces. */
export interface BookConfig {
  readonly symbol: string
  /** Quantity step in units (default 1). */
  readonly lot?: number
  /** Price step in cents (default 1 = R0.01). */
  readonly tick?: number
  /** Highest accepted price in cents (default R1,000,000); bounds notional to safe integers. */
  readonly maxPrice?: number
}

// Outcomes, as the wallet sees them in the incoming order's final OrderEvent:
//   rests → PENDING / PARTIAL; fully traded → FILLED;
//   IOC remainder → CANCELLED IOC_REMAINDER; MARKET/STOP remainder → CANCELLED PRICE_COLLAR or NO_LIQUIDITY;
//   MARKET/STOP with nothing inside its worst price → REJECTED PRICE_COLLAR or NO_LIQUIDITY (never rests);
//   FOK that cannot fill completely (checked before any mutation) → REJECTED FOK_UNFILLABLE;
//   post-only that would cross → REJECTED POST_ONLY_WOULD_CROSS; self-trade prevention → EXPIRED SELF_TRADE.
// A stop (held while PENDING) triggers when the last trade price reaches its stop: BUY at last ≥ stop,
// SELL at last ≤ stop (at once if already there), then runs as MARKET (STOP) or LIMIT (STOP_LIMIT).
// Only FILLED, CANCELLED, REJECTED and EXPIRED are terminal; DESIGN §3 lets only these release funds.

/** One symbol's order book. Methods append events to `out`; call `out.reset()` between requests. */
export class OrderBook {
  readonly symbol: string
  readonly lot: number
  readonly tick: number
  readonly maxPrice: number
  readonly bids = new BookSide(true)
  readonly asks = new BookSide(false)
  readonly stops = new StopBook()
  /** Live orders (resting and held stops) by id: O(1) cancel. */
  readonly index = new OrderIndex()
  /** Last trade price in cents, 0 before the first trade; drives stop triggers. */
  lastPrice = 0
  tradeSeq = 0
  /** Arrival counter; orders the stop queue. */
  seq = 0
  // Ended orders kept for reuse: a steady book then allocates nothing per order.
  private readonly pool: Array<RestingOrder> = []

  constructor(config: BookConfig) {
    this.symbol = config.symbol
    this.lot = config.lot ?? 1
    this.tick = config.tick ?? 1
    this.maxPrice = config.maxPrice ?? 100_000_000
  }

  /** Rebuild a book from `toSnapshot()` output; it behaves exactly like the live one. */
  static fromSnapshot(config: BookConfig, snapshot: BookSnapshot): OrderBook {
    const book = new OrderBook(config)
    restoreSnapshot(book, snapshot)
    return book
  }

  /** Plain-array state for actor snapshots. */
  toSnapshot(): BookSnapshot {
    return writeSnapshot(this)
  }

  /** Submit an order; returns its status after this request (events say the rest). */
  submit(e: OrderEntry, out: BookEvents): OrderStatus {
    const reason = validateEntry(e, this)
    if (reason !== "NONE") {
      out.order(e.id, e.owner, e.side === "SELL" ? "SELL" : "BUY", "REJECTED", reason, 0, e.qty, 0, e.version ?? 0)
      return "REJECTED"
    }
    const hash = hashId(e.id)
    if (this.index.get(e.id, hash) !== undefined) {
      out.rejected(e.id, "DUPLICATE_ORDER_ID")
      return "REJECTED"
    }
    const type = typeCode(e.type)
    let tif = tifCode(e.tif)
    // A market order never rests: it is IOC unless it asked for all-or-nothing.
    if ((type === T_MARKET || type === T_STOP) && tif !== TIF_FOK) tif = TIF_IOC
    const side = sideCode(e.side)
    const o = (this.pool.pop() ?? new RestingOrder()).init(e.id, hash, e.owner, side, type, e.price, e.stopPrice ?? 0,
      e.qty, tif, e.postOnly === true, stpCode(e.stp), e.version ?? 0, e.expiresAt ?? 0, ++this.seq)
    if (type === T_STOP || type === T_STOP_LIMIT) {
      if (!StopBook.crossed(side, o.stopPrice, this.lastPrice)) {
        this.stops.add(o)
        this.index.insert(o)
        this.emit(o, "PENDING", "NONE", out)
        return "PENDING"
      }
      out.triggered(o.id, o.owner, o.stopPrice, this.lastPrice)
    }
    const status = this.execute(o, out)
    if (this.stops.buys.length + this.stops.sells.length > 0) this.runStops(out)
    return status
  }

  /** Cancel a live order (resting or held stop); refused as a value when unknown. */
  cancel(orderId: string, out: BookEvents): boolean {
    const o = this.index.get(orderId)
    if (o === undefined) {
      out.rejected(orderId, "UNKNOWN_ORDER")
      return false
    }
    this.takeOut(o, out)
    this.end(o, "CANCELLED", "USER_CANCELLED", out)
    this.recycle(o)
    return true
  }

  /** Expire a GTD order if it is still the same version the expiry timer was set for. */
  expire(orderId: string, version: number, out: BookEvents): boolean {
    const o = this.index.get(orderId)
    const refusal: BookReason =
      o === undefined ? "UNKNOWN_ORDER" : o.version !== version ? "STALE_EXPIRY" : o.tif !== TIF_GTD ? "NOT_GTD" : "NONE"
    if (o === undefined || refusal !== "NONE") {
      out.rejected(orderId, refusal)
      return false
    }
    this.takeOut(o, out)
    this.end(o, "EXPIRED", "EXPIRED", out)
    this.recycle(o)
    return true
  }

  /**
   * Cancel-replace: the old order ends CANCELLED/REPLACED and `e` (which must carry a new id)
   * takes its place. Queue priority is kept only when nothing that matters to others grows: same
   * LIMIT price, same terms and `e.qty` ≤ the old remaining; otherwise `e` is submitted afresh at
   * the back of its level and may match. An invalid `e` leaves the old order untouched.
   */
  replace(orderId: string, e: OrderEntry, out: BookEvents): OrderStatus {
    const old = this.index.get(orderId)
    if (old === undefined) {
      out.rejected(orderId, "UNKNOWN_ORDER")
      return "REJECTED"
    }
    const reason = validateEntry(e, this)
    if (reason !== "NONE") {
      out.order(e.id, e.owner, e.side === "SELL" ? "SELL" : "BUY", "REJECTED", reason, 0, e.qty, 0, e.version ?? 0)
      return "REJECTED"
    }
    if (this.index.get(e.id) !== undefined) {
      out.rejected(e.id, "DUPLICATE_ORDER_ID")
      return "REJECTED"
    }
    if (e.owner !== old.owner || sideCode(e.side) !== old.side) {
      out.rejected(orderId, "REPLACE_MISMATCH")
      return "REJECTED"
    }
    const level = old.level
    const keep = level !== null && old.type === T_LIMIT && typeCode(e.type) === T_LIMIT && e.price === old.price &&
      e.qty <= old.remaining && tifCode(e.tif) === old.tif && stpCode(e.stp) === old.stp &&
      (e.postOnly === true) === old.postOnly
    if (!keep) {
      this.takeOut(old, out)
      this.end(old, "CANCELLED", "REPLACED", out)
      this.recycle(old)
      return this.submit(e, out)
    }
    // Same node, new identity: the queue position is kept and the new order starts unfilled.
    this.end(old, "CANCELLED", "REPLACED", out)
    this.index.remove(old)
    level.total += e.qty - old.remaining
    old.id = e.id
    old.hash = hashId(e.id)
    old.qty = e.qty
    old.remaining = e.qty
    old.filled = 0
    old.notional = 0
    old.takerFills = 0
    old.version = e.version ?? 0
    old.expiresAt = e.expiresAt ?? 0
    this.index.insert(old)
    out.level(SIDES[old.side]!, old.price, level.total)
    this.emit(old, "PENDING", "NONE", out)
    return "PENDING"
  }

  /** A live order's state, or undefined once it has ended. */
  order(orderId: string): OrderView | undefined {
    const o = this.index.get(orderId)
    return o === undefined ? undefined : viewOf(o)
  }

  /** Top `levels` price levels per side, aggregated, best first: [price, qty]. */
  depth(levels: number): { bids: Array<[number, number]>; asks: Array<[number, number]> } {
    return { bids: this.bids.depth(levels), asks: this.asks.depth(levels) }
  }

  /** Best bid in cents, 0 when none. */
  bestBid(): number {
    return this.bids.best()?.price ?? 0
  }

  /** Best ask in cents, 0 when none. */
  bestAsk(): number {
    return this.asks.best()?.price ?? 0
  }

  // Run an order as the taker, then rest, cancel or reject what is left. Returns its status.
  private execute(o: RestingOrder, out: BookEvents): OrderStatus {
    const opp = o.side === BUY ? this.asks : this.bids
    const best = opp.best()
    const crosses = best !== null && (o.side === BUY ? best.price <= o.price : best.price >= o.price)
    const market = o.type === T_MARKET || o.type === T_STOP
    if (o.postOnly && crosses) return this.finish(o, "REJECTED", "POST_ONLY_WOULD_CROSS", out)
    // A market order never sweeps an empty book, nor trades beyond the wallet's collar.
    if (market && !crosses) return this.finish(o, "REJECTED", best === null ? "NO_LIQUIDITY" : "PRICE_COLLAR", out)
    if (o.tif === TIF_FOK && !this.canFill(o, opp)) return this.finish(o, "REJECTED", "FOK_UNFILLABLE", out)
    const selfTrade = crosses && this.match(o, opp, out)
    if (selfTrade || (o.remaining === 0 && o.filled < o.qty)) return this.finish(o, "EXPIRED", "SELF_TRADE", out)
    if (o.remaining === 0) return this.finish(o, "FILLED", "NONE", out)
    if (o.tif === TIF_IOC || o.tif === TIF_FOK) {
      const why: BookReason = !market ? "IOC_REMAINDER" : opp.best() === null ? "NO_LIQUIDITY" : "PRICE_COLLAR"
      return this.finish(o, "CANCELLED", why, out)
    }
    const level = (o.side === BUY ? this.bids : this.asks).levelAt(o.price)
    level.append(o)
    this.index.insert(o)
    out.level(SIDES[o.side]!, o.price, level.total)
    const status = o.filled > 0 ? "PARTIAL" : "PENDING"
    this.emit(o, status, "NONE", out)
    return status
  }

  // The hot loop: walk the opposite side best-first while it crosses. Returns true when
  // self-trade prevention expired the taker.
  private match(t: RestingOrder, opp: BookSide, out: BookEvents): boolean {
    const buy = t.side === BUY
    const levels = opp.levels
    const limit = t.price
    const owner = t.owner
    const takerSide = SIDES[t.side]!
    const makerSide = SIDES[1 - t.side]!
    let expired = false
    while (t.remaining > 0 && levels.length > 0) {
      const level = levels[levels.length - 1]!
      const price = level.price
      if (buy ? price > limit : price < limit) break
      const before = level.total
      let m = level.head
      while (m !== null) {
        const next = m.next
        if (m.owner === owner) {
          expired = this.preventSelfTrade(t, m, level, out)
          if (expired || t.remaining === 0) break
          m = next
          continue
        }
        const mr = m.remaining
        const tr = t.remaining
        const q = mr < tr ? mr : tr
        const n = q * price
        m.remaining = mr - q
        m.filled += q
        m.notional += n
        t.remaining = tr - q
        t.filled += q
        t.notional += n
        level.total -= q
        this.lastPrice = price
        out.trade(++this.tradeSeq, t.takerFills++, price, q, takerSide, m.id, m.owner, t.id, owner, mr - q, tr - q)
        if (mr === q) {
          level.unlink(m)
          this.index.remove(m)
          out.order(m.id, m.owner, makerSide, "FILLED", "NONE", m.filled, 0, m.notional, m.version)
          this.recycle(m)
        }
        if (tr === q) break
        m = next
      }
      if (level.total !== before) out.level(makerSide, price, level.total)
      if (level.count === 0) opp.remove(level)
      if (expired) break
    }
    return expired
  }

  // Taker and maker share an owner: apply the taker's STP mode. Returns true to expire the taker.
  private preventSelfTrade(t: RestingOrder, m: RestingOrder, level: PriceLevel, out: BookEvents): boolean {
    const mode = t.stp
    if (mode === STP_EXPIRE_TAKER) return true
    if (mode === STP_DECREMENT) {
      // Both shrink by the smaller size without trading; whichever reaches zero ends.
      const d = m.remaining < t.remaining ? m.remaining : t.remaining
      t.remaining -= d
      m.remaining -= d
      level.total -= d
      if (m.remaining === 0) {
        level.unlink(m)
        this.index.remove(m)
        this.finish(m, "EXPIRED", "SELF_TRADE", out)
      } else {
        this.emit(m, m.filled > 0 ? "PARTIAL" : "PENDING", "SELF_TRADE", out)
      }
      return false
    }
    level.unlink(m)
    this.index.remove(m)
    this.finish(m, "EXPIRED", "SELF_TRADE", out)
    return mode === STP_EXPIRE_BOTH
  }

  // FOK pre-check without mutating: would the order fill completely, STP included?
  private canFill(t: RestingOrder, opp: BookSide): boolean {
    const buy = t.side === BUY
    const levels = opp.levels
    let need = t.remaining
    for (let i = levels.length - 1; i >= 0; i--) {
      const level = levels[i]!
      if (buy ? level.price > t.price : level.price < t.price) return false
      for (let m = level.head; m !== null; m = m.next) {
        if (m.owner === t.owner) {
          if (t.stp === STP_EXPIRE_MAKER) continue
          return false
        }
        need -= m.remaining
        if (need <= 0) return true
      }
    }
    return false
  }

  // Triggered stops enter one at a time, each seeing the last price its predecessors printed.
  private runStops(out: BookEvents): void {
    let o: RestingOrder | null
    while ((o = this.stops.takeTriggered(this.lastPrice)) !== null) {
      this.index.remove(o)
      out.triggered(o.id, o.owner, o.stopPrice, this.lastPrice)
      this.execute(o, out)
    }
  }

  // Remove a live order from wherever it is held, reporting the level change.
  private takeOut(o: RestingOrder, out: BookEvents): void {
    this.index.remove(o)
    if (o.held) {
      this.stops.remove(o)
      return
    }
    const level = o.level
    if (level === null) return
    level.unlink(o)
    out.level(SIDES[o.side]!, level.price, level.total)
    if (level.count === 0) (o.side === BUY ? this.bids : this.asks).remove(level)
  }

  // Terminal event: `remaining` reports the never-filled quantity (what a wallet releases).
  private end(o: RestingOrder, status: OrderStatus, reason: BookReason, out: BookEvents): OrderStatus {
    out.order(o.id, o.owner, SIDES[o.side]!, status, reason, o.filled, o.qty - o.filled, o.notional, o.version)
    return status
  }

  // Terminal event, then the order object goes back to the pool.
  private finish(o: RestingOrder, status: OrderStatus, reason: BookReason, out: BookEvents): OrderStatus {
    this.end(o, status, reason, out)
    this.recycle(o)
    return status
  }

  private recycle(o: RestingOrder): void {
    o.prev = null
    o.next = null
    o.level = null
    if (this.pool.length < 65_536) this.pool.push(o)
  }

  private emit(o: RestingOrder, status: OrderStatus, reason: BookReason, out: BookEvents): void {
    out.order(o.id, o.owner, SIDES[o.side]!, status, reason, o.filled, o.remaining, o.notional, o.version)
  }
}

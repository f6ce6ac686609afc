// The order book actor: runs the matching core for one symbol and turns its events into the
// saga's messages — a Settle per fill to each side's wallet, order updates and the single
// terminal Release to the owner — plus the public `trades` and `book` feeds and one record of
// the message's trades for the sink. The core mutates in place, so every check happens before
// it is called (DESIGN §2 "Errors are outcomes").
import { BookEvents, OrderBook, type OrderEntry, tradeId } from "../../domain/book/index.js"
import { trustedMessage } from "../../runtime/message-codec.js"
import type { ActorContext, Handlers } from "../../runtime/actor.js"
import { Issue, OrderUpdated, Release, Settle, Wallet, houseKey } from "../wallet/protocol.js"
import { type BookDelta, type BookMessage, Expire, type MarketTerms, type TradePrinted } from "./protocol.js"
import { InvalidAddress, makeAddress } from "../../runtime/address.js"
import { mergeRecords, RecordTrades, sinkFor, type TradeRow } from "../sink/protocol.js"
import type { BookSnapshot } from "../../domain/book/index.js"

/** One book's state: its terms once listed, the halt flag, and the matching core. */
export interface BookState {
  readonly symbol: string
  terms: MarketTerms | null
  halted: boolean
  haltReason: string
  book: OrderBook
  stats: MarketStats
}

/** Feed positions and trading statistics for the market view (DESIGN §3 "Pricing"). */
export interface MarketStats {
  /** Last sequence number written to the `book` and `trades` feeds: a depth snapshot's position. */
  bookSeq: number
  tradesSeq: number
  lastTradeAt: number
  /** Hourly buckets of the last 24 h, oldest first: [hour start (ms), first price, units traded]. */
  hours: Array<[number, number, number]>
}

const HOUR = 3_600_000
const DAY = 24 * HOUR

const noStats = (): MarketStats => ({ bookSeq: 0, tradesSeq: 0, lastTradeAt: 0, hours: [] })

/** Adds a trade to the hourly buckets, dropping those older than a day. */
const recordTrade = (stats: MarketStats, time: number, price: number, qty: number): void => {
  const hour = time - (time % HOUR)
  const last = stats.hours[stats.hours.length - 1]
  if (last !== undefined && last[0] === hour) last[2] += qty
  else stats.hours.push([hour, price, qty])
  while (stats.hours.length > 0 && stats.hours[0]![0] <= time - DAY) stats.hours.shift()
  stats.lastTradeAt = time
}

/** Snapshot form: the core's compact arrays. */
interface StoredBook {
  readonly symbol: string
  readonly terms: MarketTerms | null
  readonly halted: boolean
  readonly haltReason: string
  readonly book: BookSnapshot
  readonly stats: MarketStats
}

const coreFor = (symbol: string, terms: MarketTerms | null) =>
  terms === null ? { symbol } : { symbol, lot: terms.lot, tick: terms.tick, maxPrice: terms.maxPrice }

/** A book that is not listed yet. */
export const emptyBook = (symbol: string): BookState => ({ symbol, terms: null, halted: false, haltReason: "", book: new OrderBook({ symbol }), stats: noStats() })

/** Snapshot codec: the order book as tuples. */
export const bookSnapshot = {
  encode: (s: BookState): StoredBook => ({ symbol: s.symbol, terms: s.terms, halted: s.halted, haltReason: s.haltReason, book: s.book.toSnapshot(), stats: s.stats }),
  decode: (data: unknown): BookState => {
    const d = data as StoredBook
    return {
      symbol: d.symbol, terms: d.terms, halted: d.halted, haltReason: d.haltReason, book: OrderBook.fromSnapshot(coreFor(d.symbol, d.terms), d.book),
      stats: structuredClone(d.stats)
    }
  }
}

// One buffer for every book in the process: handlers run one at a time and copy what they keep.
const out = new BookEvents()

const sameTerms = (a: MarketTerms, b: MarketTerms): boolean =>
  a.tick === b.tick && a.lot === b.lot && a.maxPrice === b.maxPrice && a.makerBps === b.makerBps && a.takerBps === b.takerBps &&
  a.collarBps === b.collarBps

const TERMINAL = new Set(["FILLED", "CANCELLED", "REJECTED", "EXPIRED"])

/** Turns the core's events of this message into messages and feed entries. */
const dispatch = (s: BookState, ctx: ActorContext<unknown, BookMessage>): void => {
  const levels: Array<readonly ["BUY" | "SELL", number, number]> = []
  let trades: Array<TradeRow> | undefined
  for (let i = 0; i < out.length; i++) {
    const e = out.get(i)
    switch (e.kind) {
      case "trade": {
        const id = tradeId(e)
        const makerSide = e.side === "BUY" ? "SELL" : "BUY"
        ctx.send(Wallet.ref(e.makerOwner), trustedMessage(Settle, { symbol: s.symbol, orderId: e.makerId, tradeId: id, side: makerSide, role: "MAKER", price: e.price, qty: e.qty, time: ctx.time }))
        ctx.send(Wallet.ref(e.takerOwner), trustedMessage(Settle, { symbol: s.symbol, orderId: e.takerId, tradeId: id, side: e.side, role: "TAKER", price: e.price, qty: e.qty, time: ctx.time }))
        const printed: TradePrinted = { type: "order:matched", symbol: s.symbol, tradeId: id, seq: e.seq, price: e.price, qty: e.qty, side: e.side, time: ctx.time }
        s.stats.tradesSeq = ctx.publish("trades", printed)
        recordTrade(s.stats, ctx.time, e.price, e.qty)
        const takerBuys = e.side === "BUY"
        ;(trades ??= []).push({
          tradeId: id, symbol: s.symbol, seq: e.seq, priceCents: e.price, quantity: e.qty,
          buyerUserId: takerBuys ? e.takerOwner : e.makerOwner, sellerUserId: takerBuys ? e.makerOwner : e.takerOwner,
          buyOrderId: takerBuys ? e.takerId : e.makerId, sellOrderId: takerBuys ? e.makerId : e.takerId,
          makerSide, executedAt: ctx.time
        })
        break
      }
      case "order":
        if (TERMINAL.has(e.status)) {
          ctx.send(Wallet.ref(e.owner), trustedMessage(Release, { symbol: s.symbol, orderId: e.orderId, status: e.status, reason: e.reason, filled: e.filled, notional: e.notional, time: ctx.time }))
        } else {
          ctx.send(Wallet.ref(e.owner), trustedMessage(OrderUpdated, { symbol: s.symbol, orderId: e.orderId, status: e.status, reason: e.reason, filled: e.filled, remaining: e.remaining, time: ctx.time }))
        }
        break
      case "level":
        levels.push([e.side, e.price, e.qty])
        break
      case "triggered":
      case "rejected":
        break
    }
  }
  if (levels.length > 0) {
    const delta: BookDelta = { type: "order:book", symbol: s.symbol, levels, time: ctx.time }
    s.stats.bookSeq = ctx.publish("book", delta)
  }
  // All trades of this message for the sink (DESIGN §5), merged with the shard's other reports
  // of the batch into one message; none, nothing sent.
  if (trades !== undefined) ctx.sendMerged(sinkFor(ctx), trustedMessage(RecordTrades, { trades }), mergeRecords)
}

/** Refuses an order without touching the core: its terminal REJECTED event releases the reservation. */
const refuse = (s: BookState, ctx: ActorContext<unknown, BookMessage>, orderId: string, owner: string, reason: string): BookState => {
  ctx.send(Wallet.ref(owner), trustedMessage(Release, { symbol: s.symbol, orderId, status: "REJECTED", reason, filled: 0, notional: 0, time: ctx.time }))
  return s
}

/** Open price and volume over the day before `time` (0 / 0 without trades in it). */
const last24h = (stats: MarketStats, time: number): { open24h: number; volume24h: number } => {
  let open24h = 0
  let volume24h = 0
  for (const [hour, open, volume] of stats.hours) {
    if (hour <= time - DAY) continue
    if (open24h === 0) open24h = open
    volume24h += volume
  }
  return { open24h, volume24h }
}

/** The book's handler record. */
export const bookHandlers: Handlers<BookState, BookMessage> = {
  Open: (s, m, ctx) => {
    if (s.terms !== null) return s
    const core = new OrderBook(coreFor(s.symbol, m.terms))
    s.terms = m.terms
    s.book = core
    if (m.plan !== undefined) ctx.send(Wallet.ref(houseKey(s.symbol)), new Issue({ symbol: s.symbol, terms: m.terms, plan: m.plan }))
    s.stats.bookSeq = ctx.publish("book", { type: "market:listed", symbol: s.symbol, terms: m.terms, time: ctx.time })
    return s
  },

  Submit: (s, m, ctx) => {
    // Every message this order causes goes to its owner's wallet: an unusable owner is refused
    // before the core is touched (a throw after it would leave a half-applied book).
    if (makeAddress(Wallet.name, m.owner) instanceof InvalidAddress) throw new Error(`order ${m.orderId} has an invalid owner`)
    if (s.terms === null) return refuse(s, ctx, m.orderId, m.owner, "UNKNOWN_SYMBOL")
    if (s.halted) return refuse(s, ctx, m.orderId, m.owner, "HALTED")
    if (!sameTerms(s.terms, m.terms)) return refuse(s, ctx, m.orderId, m.owner, "MARKET_TERMS_CHANGED")
    const entry: OrderEntry = {
      id: m.orderId, owner: m.owner, side: m.side, type: m.type, price: m.price, qty: m.qty, tif: m.tif, postOnly: m.postOnly,
      stp: m.stp, version: m.version,
      ...(m.stopPrice === undefined ? {} : { stopPrice: m.stopPrice }),
      ...(m.expiresAt === undefined ? {} : { expiresAt: m.expiresAt })
    }
    out.reset()
    s.book.submit(entry, out)
    dispatch(s, ctx)
    if (m.tif === "GTD" && m.expiresAt !== undefined && s.book.order(m.orderId) !== undefined) {
      ctx.schedule(Math.max(0, m.expiresAt - ctx.time), trustedMessage(Expire, { orderId: m.orderId, version: m.version }))
    }
    return s
  },

  Cancel: (s, m, ctx) => {
    const live = s.book.order(m.orderId)
    // Unknown (already ended: its Release is on its way) or not the owner's: nothing to do.
    if (live === undefined || live.owner !== m.owner) return s
    out.reset()
    s.book.cancel(m.orderId, out)
    dispatch(s, ctx)
    return s
  },

  Expire: (s, m, ctx) => {
    const live = s.book.order(m.orderId)
    if (live === undefined || live.version !== m.version || live.tif !== "GTD") return s
    out.reset()
    s.book.expire(m.orderId, m.version, out)
    dispatch(s, ctx)
    return s
  },

  Halt: (s, m, ctx) => {
    s.halted = true
    s.haltReason = m.reason
    s.stats.bookSeq = ctx.publish("book", { type: "market:halted", symbol: s.symbol, reason: m.reason, time: ctx.time })
    return s
  },

  Resume: (s, _m, ctx) => {
    s.halted = false
    s.haltReason = ""
    s.stats.bookSeq = ctx.publish("book", { type: "market:resumed", symbol: s.symbol, time: ctx.time })
    return s
  },

  GetBook: (s, m, ctx) => {
    const depth = s.book.depth(Math.max(1, Math.min(1000, Math.trunc(m.depth) || 1)))
    ctx.reply({
      symbol: s.symbol, open: s.terms !== null, halted: s.halted, terms: s.terms, lastPrice: s.book.lastPrice,
      tradeSeq: s.book.tradeSeq, bids: depth.bids, asks: depth.asks, orders: s.book.index.size, bookSeq: s.stats.bookSeq,
      tradesSeq: s.stats.tradesSeq, lastTradeAt: s.stats.lastTradeAt, ...last24h(s.stats, ctx.time)
    })
    return s
  }
}


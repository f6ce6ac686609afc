// The house market maker: quotes a ladder around the index price as one ReplaceLadder message
// with a rising version; its wallet enforces the inventory and loss limits by its reservations.
// Deterministic: the ladder is a pure function of index, terms and parameters.
import type { ActorContext, Handlers } from "../../runtime/actor.js"
import type { MakerParams, MarketTerms } from "../book/protocol.js"
import { houseKey, type Quote, ReplaceLadder, Wallet } from "../wallet/protocol.js"
import type { MakerMessage } from "./protocol.js"

/** One market maker's state. */
export interface MakerState {
  readonly symbol: string
  running: boolean
  terms: MarketTerms | null
  params: MakerParams | null
  indexPrice: number
  version: number
}

/** A maker not started yet. */
export const emptyMaker = (symbol: string): MakerState => ({ symbol, running: false, terms: null, params: null, indexPrice: 0, version: 0 })

/** The ladder around `index`, best rungs first, bids and asks alternating; BigInt keeps it exact. */
export const ladder = (index: number, t: MarketTerms, p: MakerParams): Array<Quote> => {
  const quotes: Array<Quote> = []
  const tick = BigInt(t.tick)
  const maxPrice = t.maxPrice - (t.maxPrice % t.tick)
  for (let i = 0; i < p.levels; i++) {
    const offset = BigInt(p.spreadBps + i * p.stepBps)
    const bid = Number(((BigInt(index) * (10_000n - offset)) / 10_000n / tick) * tick)
    const askRaw = (BigInt(index) * (10_000n + offset) + 9_999n) / 10_000n
    const ask = Number(((askRaw + tick - 1n) / tick) * tick)
    if (bid > 0 && bid < index) quotes.push({ side: "BUY", price: bid, qty: p.size })
    if (ask <= maxPrice && ask > index) quotes.push({ side: "SELL", price: ask, qty: p.size })
  }
  return quotes
}

const quote = (s: MakerState, ctx: ActorContext<unknown, MakerMessage>, quotes: ReadonlyArray<Quote>): void => {
  s.version++
  ctx.send(Wallet.ref(houseKey(s.symbol)), new ReplaceLadder({
    symbol: s.symbol, version: s.version, terms: s.terms!, quotes, maxUnits: s.params!.maxUnits, minCash: s.params!.minCash
  }))
}

const validParams = (p: MakerParams): boolean =>
  [p.levels, p.spreadBps, p.stepBps, p.size, p.maxUnits, p.minCash].every((n) => Number.isSafeInteger(n) && n >= 0) &&
  p.levels <= 50 && p.spreadBps + p.levels * p.stepBps < 10_000 && p.size >= 1

/** The market maker's handler record. */
export const makerHandlers: Handlers<MakerState, MakerMessage> = {
  Start: (s, m, ctx) => {
    if (!validParams(m.params) || !Number.isSafeInteger(m.indexPrice) || m.indexPrice < 1) throw new Error(`market maker parameters of ${s.symbol} are malformed`)
    s.running = true
    s.terms = m.terms
    s.params = m.params
    // A Requote may have overtaken the Start (it comes from the pricing actor): keep the newer index.
    if (s.indexPrice === 0) s.indexPrice = m.indexPrice
    quote(s, ctx, ladder(s.indexPrice, m.terms, m.params))
    return s
  },

  Requote: (s, m, ctx) => {
    if (!Number.isSafeInteger(m.indexPrice) || m.indexPrice < 1 || m.indexPrice === s.indexPrice) return s
    s.indexPrice = m.indexPrice
    if (s.running) quote(s, ctx, ladder(s.indexPrice, s.terms!, s.params!))
    return s
  },

  Stop: (s, _m, ctx) => {
    if (!s.running) return s
    s.running = false
    quote(s, ctx, [])
    return s
  },

  GetMaker: (s, _m, ctx) => {
    ctx.reply({ running: s.running, version: s.version, indexPrice: s.indexPrice })
    return s
  }
}

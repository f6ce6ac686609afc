// The listing actor: topic -> symbol (SymbolNormalizer over the registry in its state), then the
// listing chain as messages: pricing configured, book opened; the book issues the supply to the
// house wallet, which starts the market maker — each step caused by the previous one, so no
// order can reach a book before it is open (DESIGN §3 "Symbols and listing").
import { Either } from "effect"
import { defaultCategoryParams } from "../../domain/pricing.js"
import { normalize, type SymbolRegistry, emptyRegistry } from "../../domain/symbol.js"
import type { Handlers } from "../../runtime/actor.js"
import { Book, defaultTerms, Halt, type MakerParams, Open, Resume } from "../book/protocol.js"
import { Configure, Pricing } from "../pricing/protocol.js"
import { checkTerms } from "../wallet/placement.js"
import { type ListingMessage, ListingRejected, type MarketInfo } from "./protocol.js"

/** The listing registry's state. */
export interface ListingState {
  registry: SymbolRegistry
  markets: Record<string, MarketInfo>
}

/** No markets yet. */
export const emptyListing = (): ListingState => ({ registry: emptyRegistry, markets: {} })

/** Default house market maker: 5 rungs a side, 0.5% apart, 100 units each. */
export const defaultMaker = (supply: number): MakerParams => ({ levels: 5, spreadBps: 50, stepBps: 50, size: 100, maxUnits: supply * 2, minCash: 0 })

const isCount = (n: number | undefined): boolean => n === undefined || (Number.isSafeInteger(n) && n >= 0)

/** The listing handler record. */
export const listingHandlers: Handlers<ListingState, ListingMessage> = {
  ListTrend: (s, m, ctx) => {
    const named = normalize(s.registry, m.topic, m.category)
    if (Either.isLeft(named)) {
      ctx.fail(new ListingRejected({ reason: "INVALID_TOPIC", detail: named.left }))
      return s
    }
    const { symbol, registry } = named.right
    if (s.markets[symbol] !== undefined) {
      ctx.reply({ symbol, created: false })
      return s
    }
    const terms = m.terms ?? defaultTerms
    const params = m.pricing ?? defaultCategoryParams
    const indexPrice = m.indexPrice ?? params.base
    const supply = m.supply ?? 1_000_000
    const cash = m.cash ?? 10_000_000
    const maker = m.marketMaker === undefined ? defaultMaker(supply) : m.marketMaker
    const bad = checkTerms(terms) ?? (![supply, cash].every(isCount) || !Number.isSafeInteger(indexPrice) || indexPrice < terms.tick || indexPrice > terms.maxPrice
      ? { detail: "supply, cash and index price must be whole numbers in range" }
      : undefined)
    if (bad !== undefined) {
      ctx.fail(new ListingRejected({ reason: "INVALID_PLAN", detail: bad.detail }))
      return s
    }
    const category = symbol.slice("VIRAL/SA_".length).split("_")[0] ?? ""
    // Messages first: a constructor that throws must find the registry untouched.
    const configure = new Configure({ params, base: indexPrice, marketMaker: maker !== null })
    const open = new Open({ terms, plan: { supply, cash, indexPrice, ...(maker === null ? {} : { marketMaker: maker }) } })
    s.registry = registry
    s.markets[symbol] = { symbol, topic: m.topic, category, terms, supply, listedAt: ctx.time, halted: false }
    ctx.send(Pricing.ref(symbol), configure)
    ctx.send(Book.ref(symbol), open)
    ctx.reply({ symbol, created: true })
    return s
  },

  GetMarkets: (s, _m, ctx) => {
    ctx.reply(Object.values(s.markets))
    return s
  },

  GetMarket: (s, m, ctx) => {
    const market = s.markets[m.symbol]
    if (market === undefined) ctx.fail(new ListingRejected({ reason: "UNKNOWN_SYMBOL", detail: `${m.symbol} is not listed` }))
    else ctx.reply(market)
    return s
  },

  SetHalted: (s, m, ctx) => {
    const market = s.markets[m.symbol]
    if (market === undefined) {
      ctx.fail(new ListingRejected({ reason: "UNKNOWN_SYMBOL", detail: `${m.symbol} is not listed` }))
      return s
    }
    const next = { ...market, halted: m.halted }
    s.markets[m.symbol] = next
    ctx.send(Book.ref(m.symbol), m.halted ? new Halt({ reason: m.reason ?? "operator" }) : new Resume())
    ctx.reply(next)
    return s
  }
}

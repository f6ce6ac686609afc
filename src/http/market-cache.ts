// The edge's short-lived copy of listed markets (terms and halted flag), so placing an order does
// not ask the one listing actor every time: that actor lives on one shard, and every order of
// every user would queue behind it. An entry lives one second; a halt or resume on this edge
// drops it at once. An order another edge lets through in that second is still refused by the
// book (reason HALTED), and its funds are released: the cache only moves where a refusal happens.
import { Effect } from "effect"
import { GetMarket, Listing, LISTING_KEY, type MarketInfo } from "../actors/listing/protocol.js"
import { ActorClient } from "../runtime/actor-client.js"

/** How long a listed market is served from memory. */
const TTL_MS = 1000
/** Bound on entries: symbols spelled many ways cannot grow memory without end. */
const MAX_ENTRIES = 10_000

/** Markets by the symbol as requested. */
export interface MarketCache {
  /** The market, from memory when fresh, else from the listing actor (failures are not kept). */
  readonly get: (symbol: string) => ReturnType<typeof askMarket>
  /** Drops what this edge knows of a symbol (after it halted or resumed it). */
  readonly forget: (symbol: string) => void
}

const askMarket = (symbol: string) => Effect.flatMap(ActorClient, (client) => client.ask(Listing.ref(LISTING_KEY), new GetMarket({ symbol })))

/** A fresh, empty cache (one per app). */
export const makeMarketCache = (): MarketCache => {
  const entries = new Map<string, { readonly market: MarketInfo; readonly until: number }>()
  return {
    get: (symbol) =>
      Effect.suspend(() => {
        const hit = entries.get(symbol)
        if (hit !== undefined && hit.until > Date.now()) return Effect.succeed(hit.market)
        return Effect.tap(askMarket(symbol), (market) =>
          Effect.sync(() => {
            if (entries.size >= MAX_ENTRIES) entries.clear()
            entries.set(symbol, { market, until: Date.now() + TTL_MS })
          })
        )
      }),
    forget: (symbol) => {
      for (const [key, entry] of entries) if (key === symbol || entry.market.symbol === symbol) entries.delete(key)
    }
  }
}

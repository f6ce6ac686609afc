// Which feed stream serves each channel, and how: public channels read a symbol's `book`,
// `trades` or `prices` feed; private ones the user's wallet `events` feed, filtered by event
// type. The stream key is the one the writer's shard commits to (keys.ts, shard-actors.ts).
import { Effect } from "effect"
import { Book, GetBook } from "../../actors/book/protocol.js"
import { GetMarket, Listing, LISTING_KEY } from "../../actors/listing/protocol.js"
import { Pricing } from "../../actors/pricing/protocol.js"
import { Wallet } from "../../actors/wallet/protocol.js"
import { ActorClient } from "../../runtime/actor-client.js"
import { InvalidAddress, makeAddress } from "../../runtime/address.js"
import { feedStreamKey } from "../../runtime/feed-stream.js"
import type { Keys } from "../../runtime/keys.js"
import type { Principal } from "../auth/principal.js"
import { presentDepth } from "../routes/orderbook.js"
import { PRIVATE_CHANNELS, type Channel } from "./client-message.js"
import { presentBookEvent, presentOrderEvent, presentPriceEvent, presentTradeEvent, presentWalletEvent } from "./feed-events.js"
import type { SubscriptionSpec } from "./feed-subscription.js"

/** Levels per side in an order book snapshot: the whole book a client rebuilds (the book's own cap). */
export const SNAPSHOT_DEPTH = 1000

/** Why a subscription was refused, as an error event's code and message. */
export class ChannelRefused {
  constructor(
    readonly code: "UNAUTHORIZED" | "BAD_SUBSCRIPTION" | "UNKNOWN_SYMBOL",
    readonly message: string
  ) {}
}

/** The feed stream key of an actor's feed. */
const feedKey = (keys: Keys, kind: string, key: string, feed: string) => {
  const address = makeAddress(kind, key)
  if (address instanceof InvalidAddress) return new ChannelRefused("BAD_SUBSCRIPTION", address.reason)
  return feedStreamKey(keys, address, feed)
}

/** The subscription spec of `channel` for this socket's principal, or why not. */
export const resolveChannel = (channel: Channel, symbol: string | undefined, principal: Principal | undefined) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    if (PRIVATE_CHANNELS.has(channel)) {
      if (principal === undefined || principal.role !== "user") {
        return new ChannelRefused("UNAUTHORIZED", `the ${channel} channel needs a user token: send {"op":"auth","token":…}, an Authorization header or ?token= on connect`)
      }
      if (symbol !== undefined) return new ChannelRefused("BAD_SUBSCRIPTION", `the ${channel} channel takes no symbol`)
      const key = feedKey(client.keys, Wallet.name, principal.userId, "events")
      if (key instanceof ChannelRefused) return key
      return { channel, symbol: undefined, streamKey: key, present: channel === "orders" ? presentOrderEvent : presentWalletEvent } satisfies SubscriptionSpec
    }
    if (symbol === undefined) return new ChannelRefused("BAD_SUBSCRIPTION", `the ${channel} channel needs a symbol`)
    const market = yield* client.ask(Listing.ref(LISTING_KEY), new GetMarket({ symbol })).pipe(Effect.either)
    if (market._tag === "Left") return new ChannelRefused("UNKNOWN_SYMBOL", `no market ${symbol}`)
    const listed = market.right.symbol
    const key = channel === "price" ? feedKey(client.keys, Pricing.name, listed, "prices") : feedKey(client.keys, Book.name, listed, channel === "trades" ? "trades" : "book")
    if (key instanceof ChannelRefused) return key
    if (channel === "trades") return { channel, symbol: listed, streamKey: key, present: presentTradeEvent } satisfies SubscriptionSpec
    if (channel === "price") return { channel, symbol: listed, streamKey: key, present: presentPriceEvent } satisfies SubscriptionSpec
    return {
      channel,
      symbol: listed,
      streamKey: key,
      present: presentBookEvent,
      snapshot: Effect.map(
        Effect.flatMap(ActorClient, (c) => c.ask(Book.ref(listed), new GetBook({ depth: SNAPSHOT_DEPTH }))),
        (view) => {
          const { seq, ...depth } = presentDepth(view)
          return { seq, payload: { event: "order:book", type: "snapshot", ...depth } }
        }
      )
    } satisfies SubscriptionSpec
  })

// What a WebSocket client may send on `/ws`, as Effect Schemas: every frame is decoded here
// before anything acts on it; a frame that does not match gets an error event, never a crash.
import { Schema } from "effect"

/** Public channels (per symbol) and private ones (the authenticated user's). */
export const Channel = Schema.Literal("orderbook", "trades", "price", "orders", "wallet")
export type Channel = typeof Channel.Type

/** Channels that need an authenticated user. */
export const PRIVATE_CHANNELS: ReadonlySet<Channel> = new Set(["orders", "wallet"])

const Symbol = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))

/** Subscribes; `fromSeq` replays the channel's stream from that seq (inclusive), then goes live. */
export const Subscribe = Schema.Struct({
  op: Schema.Literal("subscribe"),
  channel: Channel,
  symbol: Schema.optional(Symbol),
  fromSeq: Schema.optional(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)))
})

/** Ends a subscription. */
export const Unsubscribe = Schema.Struct({ op: Schema.Literal("unsubscribe"), channel: Channel, symbol: Schema.optional(Symbol) })

/** Application-level ping: answered with a `pong` event. */
export const Ping = Schema.Struct({ op: Schema.Literal("ping") })

/** Authenticates the socket with the same bearer token as REST. */
export const Auth = Schema.Struct({ op: Schema.Literal("auth"), token: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(4096)) })

/** Every client frame. */
export const ClientMessage = Schema.Union(Subscribe, Unsubscribe, Ping, Auth)
export type ClientMessage = typeof ClientMessage.Type

/** Decodes a parsed frame; excess properties are refused like REST bodies. */
export const decodeClientMessage = Schema.decodeUnknownEither(ClientMessage, { errors: "all", onExcessProperty: "error" })

// The listing actor's protocol (`listing/markets`): turns a trend topic into a symbol and starts
// the listing chain (book -> house wallet -> market maker); keeps the market registry.
import { Schema } from "effect"
import { makeActorKind } from "../../runtime/actor.js"
import { MakerParams, MarketTerms } from "../book/protocol.js"
import { CategoryParams } from "../pricing/protocol.js"

/** The registry's key: listings are rare, so one actor holds them all. */
export const LISTING_KEY = "markets"

/** Why a listing request was refused. */
export class ListingRejected extends Schema.TaggedError<ListingRejected>()("ListingRejected", {
  reason: Schema.Literal("INVALID_TOPIC", "INVALID_PLAN", "UNKNOWN_SYMBOL"),
  detail: Schema.String
}) {}

/** A listed market. */
export const MarketInfo = Schema.Struct({
  symbol: Schema.String,
  topic: Schema.String,
  category: Schema.String,
  terms: MarketTerms,
  supply: Schema.Number,
  listedAt: Schema.Number,
  halted: Schema.Boolean
})
export type MarketInfo = typeof MarketInfo.Type

/** Lists a trend (idempotent: the same topic answers its symbol with `created: false`). */
export class ListTrend extends Schema.TaggedRequest<ListTrend>()("ListTrend", {
  failure: ListingRejected,
  success: Schema.Struct({ symbol: Schema.String, created: Schema.Boolean }),
  payload: {
    topic: Schema.String,
    category: Schema.optional(Schema.String),
    /** Units issued to the house wallet (default 1,000,000). */
    supply: Schema.optional(Schema.Number),
    /** Cents deposited for the maker's bids (default R100,000). */
    cash: Schema.optional(Schema.Number),
    /** Listing price in cents (default the category base). */
    indexPrice: Schema.optional(Schema.Number),
    terms: Schema.optional(MarketTerms),
    pricing: Schema.optional(CategoryParams),
    /** Market maker parameters; `null` lists without one. */
    marketMaker: Schema.optional(Schema.NullOr(MakerParams))
  }
}) {}

/** Every listed market. */
export class GetMarkets extends Schema.TaggedRequest<GetMarkets>()("GetMarkets", {
  failure: Schema.Never,
  success: Schema.Array(MarketInfo),
  payload: {}
}) {}

/** One market. */
export class GetMarket extends Schema.TaggedRequest<GetMarket>()("GetMarket", {
  failure: ListingRejected,
  success: MarketInfo,
  payload: { symbol: Schema.String }
}) {}

/** Halts (or resumes) a market's book. */
export class SetHalted extends Schema.TaggedRequest<SetHalted>()("SetHalted", {
  failure: ListingRejected,
  success: MarketInfo,
  payload: { symbol: Schema.String, halted: Schema.Boolean, reason: Schema.optional(Schema.String) }
}) {}

/** Every message the listing accepts. */
export const ListingProtocol = Schema.Union(ListTrend, GetMarkets, GetMarket, SetHalted)
export type ListingMessage = typeof ListingProtocol.Type

/** The listing kind. */
export const Listing = makeActorKind("listing", ListingProtocol)

// The order book actor's protocol (`book/<symbol>`): orders arrive only from wallets (Submit,
// Cancel), expiries from its own timers, terms and halts from the listing. Shared with senders.
import { Schema } from "effect"
import { makeActorKind } from "../../runtime/actor.js"
import { OrderType, Side, StpMode, TimeInForce } from "../../domain/order.js"

/** A market's trading terms, fixed at listing; a wallet reserves with them and the book checks them. */
export const MarketTerms = Schema.Struct({
  /** Price step in cents. */
  tick: Schema.Int,
  /** Quantity step in units. */
  lot: Schema.Int,
  /** Highest price in cents. */
  maxPrice: Schema.Int,
  makerBps: Schema.Int,
  takerBps: Schema.Int,
  /** MARKET / STOP protection collar in basis points of the reference (stop) price. */
  collarBps: Schema.Int
})
/** A market's trading terms. */
export type MarketTerms = typeof MarketTerms.Type

/** Default terms of a fresh listing: tick R0.01, lot 1, fees 10/20 bp, collar 10%. */
export const defaultTerms: MarketTerms = { tick: 1, lot: 1, maxPrice: 100_000_000, makerBps: 10, takerBps: 20, collarBps: 1000 }

/** The house market maker's parameters (integers; basis points of the index price). */
export const MakerParams = Schema.Struct({
  /** Rungs per side. */
  levels: Schema.Int,
  /** Distance of the best bid and ask from the index, each side. */
  spreadBps: Schema.Int,
  /** Extra distance per further rung. */
  stepBps: Schema.Int,
  /** Units per rung. */
  size: Schema.Int,
  /** Inventory limit in units. */
  maxUnits: Schema.Int,
  /** Loss limit: cash (cents) the ladder never reserves below. */
  minCash: Schema.Int
})
/** The house market maker's parameters. */
export type MakerParams = typeof MakerParams.Type

/** What the listing hands down the chain: house supply, its cash, and the market maker's start. */
export const ListingPlan = Schema.Struct({
  /** Units issued to `wallet/house:<symbol>`. */
  supply: Schema.Int,
  /** ZAR cents deposited into the house wallet for the market maker's bids (its loss limit). */
  cash: Schema.Int,
  indexPrice: Schema.Int,
  /** Market maker parameters; absent: no market maker. */
  marketMaker: Schema.optional(MakerParams)
})
/** What the listing hands down the chain. */
export type ListingPlan = typeof ListingPlan.Type

/** Opens (lists) the book with its terms; the first Open also starts the listing chain. Idempotent. */
export class Open extends Schema.TaggedClass<Open>()("Open", {
  terms: MarketTerms,
  plan: Schema.optional(ListingPlan)
}) {}

/** An order from its owner's wallet, priced at the worst price the wallet reserved for. */
export class Submit extends Schema.TaggedClass<Submit>()("Submit", {
  orderId: Schema.String,
  owner: Schema.String,
  side: Side,
  type: OrderType,
  /** Limit price, or the worst (collar) price of a MARKET / STOP order, in cents. */
  price: Schema.Number,
  qty: Schema.Number,
  stopPrice: Schema.optional(Schema.Number),
  tif: TimeInForce,
  postOnly: Schema.Boolean,
  stp: StpMode,
  expiresAt: Schema.optional(Schema.Number),
  version: Schema.Number,
  /** The terms the wallet reserved with; an order reserved under other terms is rejected. */
  terms: MarketTerms
}) {}

/** Cancels a live order; only its owner's wallet sends it, on the same path as the order. */
export class Cancel extends Schema.TaggedClass<Cancel>()("Cancel", { orderId: Schema.String, owner: Schema.String }) {}

/** A GTD order's expiry timer; a no-op once that order version has ended. */
export class Expire extends Schema.TaggedClass<Expire>()("Expire", { orderId: Schema.String, version: Schema.Number }) {}

/** Stops matching: new orders are rejected, cancels still work. */
export class Halt extends Schema.TaggedClass<Halt>()("Halt", { reason: Schema.String }) {}
/** Resumes matching after a halt. */
export class Resume extends Schema.TaggedClass<Resume>()("Resume", {}) {}

/** Depth, last price and counters (read model for the edge and tests). */
export const BookView = Schema.Struct({
  symbol: Schema.String,
  open: Schema.Boolean,
  halted: Schema.Boolean,
  terms: Schema.NullOr(MarketTerms),
  lastPrice: Schema.Number,
  tradeSeq: Schema.Number,
  bids: Schema.Array(Schema.Tuple(Schema.Number, Schema.Number)),
  asks: Schema.Array(Schema.Tuple(Schema.Number, Schema.Number)),
  /** Live orders (resting and held stops). */
  orders: Schema.Number,
  /** Sequence of the last `book` feed event this depth includes: apply deltas after it. */
  bookSeq: Schema.Number,
  tradesSeq: Schema.Number,
  lastTradeAt: Schema.Number,
  /** First trade price within the last 24 h (0: none) and units traded in them. */
  open24h: Schema.Number,
  volume24h: Schema.Number
})
export type BookView = typeof BookView.Type

/** Asks for the book's depth (top `depth` levels per side). */
export class GetBook extends Schema.TaggedRequest<GetBook>()("GetBook", {
  failure: Schema.Never,
  success: BookView,
  payload: { depth: Schema.Number }
}) {}

/** Every message a book accepts. */
export const BookProtocol = Schema.Union(Open, Submit, Cancel, Expire, Halt, Resume, GetBook)
/** A book message. */
export type BookMessage = typeof BookProtocol.Type

/** The order book kind, one actor per symbol. */
export const Book = makeActorKind("book", BookProtocol)

/** One trade on the public `trades` feed of `book/<symbol>`. */
export interface TradePrinted {
  readonly type: "order:matched"
  readonly symbol: string
  readonly tradeId: string
  readonly seq: number
  readonly price: number
  readonly qty: number
  /** The aggressor's side. */
  readonly side: "BUY" | "SELL"
  readonly time: number
}

/** Level deltas of one message on the public `book` feed: [side, price, new total qty]. */
export interface BookDelta {
  readonly type: "order:book"
  readonly symbol: string
  readonly levels: ReadonlyArray<readonly ["BUY" | "SELL", number, number]>
  readonly time: number
}

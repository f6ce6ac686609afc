// The wallet actor's protocol (`wallet/<userId>`): the edge places and cancels orders and asks for
// balances; the book settles fills and releases reservations; the listing issues house supply; the
// market maker re-quotes its ladder. Shared with senders (the HTTP edge builds on these).
import { Schema } from "effect"
import { makeActorKind } from "../../runtime/actor.js"
import { OrderStatus, OrderType, Side, StpMode, TimeInForce } from "../../domain/order.js"
import { ListingPlan, MarketTerms } from "../book/protocol.js"

/** Why the wallet refused a request. */
export const WalletReason = Schema.Literal(
  "INVALID_SYMBOL",
  "INVALID_TERMS",
  "INVALID_QUANTITY",
  "INVALID_PRICE",
  "INVALID_STOP_PRICE",
  "INVALID_EXPIRY",
  "INVALID_ORDER",
  "REFERENCE_PRICE_REQUIRED",
  "INSUFFICIENT_FUNDS",
  "INSUFFICIENT_UNITS",
  "UNKNOWN_ORDER",
  "ORDER_NOT_OPEN",
  "INVALID_AMOUNT",
  "INVALID_CURRENCY",
  "REFERENCE_REUSED",
  "NOT_HOUSE_WALLET"
)
/** Why the wallet refused a request. */
export type WalletReason = typeof WalletReason.Type

/** A refusal: the wallet changed nothing. */
export class WalletRejected extends Schema.TaggedError<WalletRejected>()("WalletRejected", {
  reason: WalletReason,
  detail: Schema.String
}) {}

/** Trading and deposit currencies. */
export const Currency = Schema.Literal("ZAR", "USD")
export type Currency = typeof Currency.Type

/** One order as the wallet keeps it: its terms, reservation and progress. */
export const OrderView = Schema.Struct({
  orderId: Schema.String,
  clientOrderId: Schema.optional(Schema.String),
  symbol: Schema.String,
  side: Side,
  type: OrderType,
  qty: Schema.Number,
  price: Schema.optional(Schema.Number),
  stopPrice: Schema.optional(Schema.Number),
  /** The price the book executes at most (BUY) / at least (SELL). */
  worstPrice: Schema.Number,
  timeInForce: TimeInForce,
  postOnly: Schema.Boolean,
  expiresAt: Schema.optional(Schema.Number),
  status: OrderStatus,
  reason: Schema.String,
  /** Cents (BUY) or units (SELL) reserved at placement, and still locked. */
  reserved: Schema.Number,
  locked: Schema.Number,
  filled: Schema.Number,
  /** Sum of price × qty over fills, cents; average price = notional / filled. */
  notional: Schema.Number,
  avgPrice: Schema.Number,
  fees: Schema.Number,
  createdAt: Schema.Number,
  updatedAt: Schema.Number,
  /** Grows with every change of the order: a read model keeps the highest. */
  version: Schema.Number
})
/** One order as the wallet keeps it. */
export type OrderView = typeof OrderView.Type

/** Available and locked amount of one currency or symbol. */
export const Balance = Schema.Struct({ available: Schema.Number, locked: Schema.Number })

/** A wallet read model. `accounts` is the raw double-entry ledger (`account|currency` -> amount). */
export const WalletView = Schema.Struct({
  owner: Schema.String,
  balances: Schema.Record({ key: Schema.String, value: Balance }),
  positions: Schema.Array(Schema.Struct({
    symbol: Schema.String,
    available: Schema.Number,
    locked: Schema.Number,
    /** Cost basis of the units held, cents; avgPrice = cost / units. */
    cost: Schema.Number,
    avgPrice: Schema.Number
  })),
  /** Fees paid, per currency (the wallet's fee sub-account). */
  fees: Schema.Record({ key: Schema.String, value: Schema.Number }),
  openOrders: Schema.Number,
  accounts: Schema.Record({ key: Schema.String, value: Schema.Number }),
  /** The last postings touching this wallet, newest last (bounded; see wallet-state LIMITS). */
  journal: Schema.Array(Schema.Struct({
    id: Schema.String,
    entries: Schema.Array(Schema.Struct({ account: Schema.String, currency: Schema.String, amount: Schema.Number }))
  }))
})
export type WalletView = typeof WalletView.Type

/**
 * What PlaceOrder answers once the book has taken the order (the answer waits for it): the order
 * id (deterministic: the placing message's id), the status the book gave it, and what it filled
 * on arrival. A repeated clientOrderId is answered at once with the order as it stands.
 */
export const OrderAccepted = Schema.Struct({
  orderId: Schema.String,
  status: OrderStatus,
  /** Why the book ended or refused it; NONE otherwise. */
  reason: Schema.String,
  /** True when `clientOrderId` was seen before: nothing new was reserved. */
  duplicate: Schema.Boolean,
  reserved: Schema.Number,
  worstPrice: Schema.Number,
  /** Units filled so far and their average price in cents (0 when none). */
  filled: Schema.Number,
  avgPrice: Schema.Number
})
export type OrderAccepted = typeof OrderAccepted.Type

/** Admin deposit, idempotent by `reference`. Amount in minor units (cents). */
export class Credit extends Schema.TaggedRequest<Credit>()("Credit", {
  failure: WalletRejected,
  success: Schema.Struct({ available: Schema.Number, duplicate: Schema.Boolean }),
  payload: { currency: Schema.String, amount: Schema.Number, reference: Schema.String }
}) {}

/** The fields of an order request, shared by PlaceOrder and ReplaceOrder. */
const orderFields = {
  symbol: Schema.String,
  side: Side,
  type: OrderType,
  /** Units. */
  quantity: Schema.Number,
  /** Limit price in cents (LIMIT, STOP_LIMIT). */
  price: Schema.optional(Schema.Number),
  /** Trigger price in cents (STOP, STOP_LIMIT). */
  stopPrice: Schema.optional(Schema.Number),
  timeInForce: Schema.optional(TimeInForce),
  /** GTD expiry, epoch ms. */
  expiresAt: Schema.optional(Schema.Number),
  postOnly: Schema.optional(Schema.Boolean),
  selfTradePrevention: Schema.optional(StpMode),
  clientOrderId: Schema.optional(Schema.String),
  /** Last trade or index price (cents) the edge saw: the MARKET collar is computed from it. */
  referencePrice: Schema.optional(Schema.Number),
  /** The market's terms as listed; the book rejects an order reserved under other terms. */
  terms: MarketTerms
}

/** Places an order: validate, reserve, then Submit to the book at the worst price. */
export class PlaceOrder extends Schema.TaggedRequest<PlaceOrder>()("PlaceOrder", {
  failure: WalletRejected,
  success: OrderAccepted,
  payload: orderFields
}) {}

/**
 * Cancel-replace: reserves the whole new order before anything of the old one is released, then
 * sends Cancel(old) and Submit(new) to the book in that order. Same symbol and side as the old order.
 */
export class ReplaceOrder extends Schema.TaggedRequest<ReplaceOrder>()("ReplaceOrder", {
  failure: WalletRejected,
  success: OrderAccepted,
  payload: {
    /** The order replaced, by id or by its clientOrderId. */
    replaces: Schema.optional(Schema.String),
    replacesClientOrderId: Schema.optional(Schema.String),
    ...orderFields
  }
}) {}

/** Withdrawal of available funds, idempotent by `reference`. Amount in cents. */
export class Withdraw extends Schema.TaggedRequest<Withdraw>()("Withdraw", {
  failure: WalletRejected,
  success: Schema.Struct({ available: Schema.Number, duplicate: Schema.Boolean }),
  payload: { currency: Schema.String, amount: Schema.Number, reference: Schema.String }
}) {}

/** Requests a cancel; it travels wallet -> book behind the order. Only the book's terminal event releases. */
export class CancelOrder extends Schema.TaggedRequest<CancelOrder>()("CancelOrder", {
  failure: WalletRejected,
  success: Schema.Struct({ orderId: Schema.String }),
  payload: { orderId: Schema.optional(Schema.String), clientOrderId: Schema.optional(Schema.String) }
}) {}

/** One order's state (open, or among the recently ended). */
export class GetOrder extends Schema.TaggedRequest<GetOrder>()("GetOrder", {
  failure: WalletRejected,
  success: OrderView,
  payload: { orderId: Schema.optional(Schema.String), clientOrderId: Schema.optional(Schema.String) }
}) {}

/** Open orders plus the recently ended ones, optionally filtered by status. */
export class GetOrders extends Schema.TaggedRequest<GetOrders>()("GetOrders", {
  failure: Schema.Never,
  success: Schema.Array(OrderView),
  payload: { status: Schema.optional(OrderStatus) }
}) {}

/** Balances, positions, fees and the raw ledger. */
export class GetWallet extends Schema.TaggedRequest<GetWallet>()("GetWallet", {
  failure: Schema.Never,
  success: WalletView,
  payload: {}
}) {}

/** From the book: one fill of one of this wallet's orders (each side gets its own). */
export class Settle extends Schema.TaggedClass<Settle>()("Settle", {
  symbol: Schema.String,
  orderId: Schema.String,
  tradeId: Schema.String,
  side: Side,
  role: Schema.Literal("MAKER", "TAKER"),
  price: Schema.Number,
  qty: Schema.Number,
  time: Schema.Number
}) {}

/** From the book: a non-terminal change (accepted and resting, partially filled, decremented). */
export class OrderUpdated extends Schema.TaggedClass<OrderUpdated>()("OrderUpdated", {
  symbol: Schema.String,
  orderId: Schema.String,
  status: OrderStatus,
  reason: Schema.String,
  filled: Schema.Number,
  remaining: Schema.Number,
  time: Schema.Number
}) {}

/** From the book: the order's single terminal event; releases what is still locked. */
export class Release extends Schema.TaggedClass<Release>()("Release", {
  symbol: Schema.String,
  orderId: Schema.String,
  status: OrderStatus,
  reason: Schema.String,
  filled: Schema.Number,
  notional: Schema.Number,
  time: Schema.Number
}) {}

/** From the book on listing: issue the fixed supply and the maker's cash to `wallet/house:<symbol>`. */
export class Issue extends Schema.TaggedClass<Issue>()("Issue", {
  symbol: Schema.String,
  terms: MarketTerms,
  plan: ListingPlan
}) {}

/** One rung of a market maker's ladder. */
export const Quote = Schema.Struct({ side: Side, price: Schema.Number, qty: Schema.Number })
export type Quote = typeof Quote.Type

/**
 * From the market maker: cancel this symbol's previous ladder and place `quotes` (best first),
 * each reserved in full before the old ones are released; rungs that do not fit the limits or
 * the wallet's available funds are skipped. Older versions are ignored.
 */
export class ReplaceLadder extends Schema.TaggedClass<ReplaceLadder>()("ReplaceLadder", {
  symbol: Schema.String,
  version: Schema.Number,
  terms: MarketTerms,
  quotes: Schema.Array(Quote),
  /** Inventory limit: units held plus bought by open bids stay within it. */
  maxUnits: Schema.Number,
  /** Loss limit: available cash after reserving bids stays at least this. */
  minCash: Schema.Number
}) {}

/** Every message a wallet accepts. */
export const WalletProtocol = Schema.Union(
  Credit, Withdraw, PlaceOrder, ReplaceOrder, CancelOrder, GetOrder, GetOrders, GetWallet, Settle, OrderUpdated, Release, Issue, ReplaceLadder
)
export type WalletMessage = typeof WalletProtocol.Type

/** The wallet kind, one actor per user (`house:<symbol>` for a market's house account). */
export const Wallet = makeActorKind("wallet", WalletProtocol)

/** The house wallet key of a symbol. */
export const houseKey = (symbol: string): string => `house:${symbol}`

// Order vocabulary as Schemas for the wire (protocols, HTTP bodies), matching the plain literal
// types the matching core uses, plus the order request the edge decodes once.
import { Schema } from "effect"
import type * as Book from "./book/order-entry.js"
import { PriceInput, QuantityInput } from "./money.js"

/** BUY or SELL. */
export const Side = Schema.Literal("BUY", "SELL")
/** LIMIT, MARKET, STOP or STOP_LIMIT. */
export const OrderType = Schema.Literal("LIMIT", "MARKET", "STOP", "STOP_LIMIT")
/** GTC, GTD, IOC or FOK. */
export const TimeInForce = Schema.Literal("GTC", "GTD", "IOC", "FOK")
/** Self-trade prevention mode of the incoming order. */
export const StpMode = Schema.Literal("EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT")
/** Order lifecycle status. */
export const OrderStatus = Schema.Literal("PENDING", "PARTIAL", "FILLED", "CANCELLED", "REJECTED", "EXPIRED")

/** Order id: deterministic, derived from the message that placed it. */
export const OrderId = Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(128), Schema.brand("OrderId"))
/** Order id. */
export type OrderId = typeof OrderId.Type

/** What a user asks for; the wallet turns it into a book `OrderEntry` (worst price, version). */
export const OrderRequest = Schema.Struct({
  side: Side,
  type: OrderType,
  quantity: QuantityInput,
  /** Limit price; for MARKET the wallet computes the collar from the reference price instead. */
  price: Schema.optional(PriceInput),
  stopPrice: Schema.optional(PriceInput),
  timeInForce: Schema.optionalWith(TimeInForce, { default: () => "GTC" as const }),
  /** Caller's GTD expiry, epoch milliseconds. */
  expiresAt: Schema.optional(Schema.Int),
  postOnly: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  selfTradePrevention: Schema.optionalWith(StpMode, { default: () => "EXPIRE_TAKER" as const }),
  clientOrderId: Schema.optional(Schema.NonEmptyTrimmedString.pipe(Schema.maxLength(64)))
})
/** A decoded order request. */
export type OrderRequest = typeof OrderRequest.Type

// Compile-time check that the wire literals and the core's literals never drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const agree: [
  Same<typeof Side.Type, Book.Side>,
  Same<typeof OrderType.Type, Book.OrderType>,
  Same<typeof TimeInForce.Type, Book.TimeInForce>,
  Same<typeof StpMode.Type, Book.StpMode>,
  Same<typeof OrderStatus.Type, Book.OrderStatus>
] = [true, true, true, true, true]
void agree

// Order validation and reservation, pure: turns a PlaceOrder into the worst price the book may
// execute at and the amount to lock (DESIGN §3 "The wallet fixes the worst price"), or a reason.
import { Either } from "effect"
import { buyReservation } from "../../domain/fees.js"
import type { OrderType, Side, StpMode, TimeInForce } from "../../domain/book/index.js"
import { isMarketSymbol } from "../../domain/symbol.js"
import type { MarketTerms } from "../book/protocol.js"
import type { WalletReason } from "./protocol.js"

/** A refusal as a value. */
export interface Refusal {
  readonly reason: WalletReason
  readonly detail: string
}

/** What the wallet locks for an order and how the book will execute it. */
export interface Placement {
  readonly worstPrice: number
  /** "ZAR" for a BUY (cents), the symbol for a SELL (units). */
  readonly currency: string
  readonly reserve: number
  readonly tif: TimeInForce
  readonly postOnly: boolean
  readonly stp: StpMode
}

/** The order fields placement looks at. */
export interface OrderInput {
  readonly symbol: string
  readonly side: Side
  readonly type: OrderType
  readonly quantity: number
  readonly price?: number | undefined
  readonly stopPrice?: number | undefined
  readonly timeInForce?: TimeInForce | undefined
  readonly expiresAt?: number | undefined
  readonly postOnly?: boolean | undefined
  readonly selfTradePrevention?: StpMode | undefined
  readonly referencePrice?: number | undefined
  readonly terms: MarketTerms
}

const refuse = (reason: WalletReason, detail: string): Either.Either<never, Refusal> => Either.left({ reason, detail })

const isInt = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n)

/** Terms a market can trade under: positive steps, rates 0..10,000 bp, collar below 100%. */
export const checkTerms = (t: MarketTerms): Refusal | undefined => {
  const ok = isInt(t.tick) && t.tick >= 1 && isInt(t.lot) && t.lot >= 1 && isInt(t.maxPrice) && t.maxPrice >= t.tick &&
    [t.makerBps, t.takerBps].every((r) => isInt(r) && r >= 0 && r <= 10_000) && isInt(t.collarBps) && t.collarBps >= 0 &&
    t.collarBps < 10_000
  return ok ? undefined : { reason: "INVALID_TERMS", detail: "market terms are malformed" }
}

/** A valid price under `terms`: a positive multiple of the tick, at most maxPrice. */
export const validPrice = (p: number | undefined, t: MarketTerms): p is number =>
  isInt(p) && p > 0 && p <= t.maxPrice && p % t.tick === 0

/** The collar price: reference ± collar, on the tick, inside (0, maxPrice]. BigInt keeps it exact. */
export const collarPrice = (side: Side, reference: number, t: MarketTerms): number => {
  const ref = BigInt(reference)
  const tick = BigInt(t.tick)
  if (side === "BUY") {
    const raw = (ref * BigInt(10_000 + t.collarBps)) / 10_000n
    const p = Number((raw / tick) * tick)
    return Math.min(p, t.maxPrice - (t.maxPrice % t.tick))
  }
  const raw = (ref * BigInt(10_000 - t.collarBps) + 9_999n) / 10_000n
  const p = Number(((raw + tick - 1n) / tick) * tick)
  return Math.max(p, t.tick)
}

/** Validates an order at `time` and computes its reservation, or says why not. */
export const placeOrder = (o: OrderInput, time: number): Either.Either<Placement, Refusal> => {
  if (typeof o.symbol !== "string" || !isMarketSymbol(o.symbol)) return refuse("INVALID_SYMBOL", `"${o.symbol}" is not a market symbol`)
  const terms = o.terms
  const bad = checkTerms(terms)
  if (bad !== undefined) return Either.left(bad)
  const q = o.quantity
  if (!isInt(q) || q <= 0) return refuse("INVALID_QUANTITY", "quantity must be a positive whole number of units")
  if (q % terms.lot !== 0) return refuse("INVALID_QUANTITY", `quantity must be a multiple of the lot ${terms.lot}`)
  if (q * terms.maxPrice > Number.MAX_SAFE_INTEGER) return refuse("INVALID_QUANTITY", "quantity is too large")
  const tif: TimeInForce = o.timeInForce ?? "GTC"
  const postOnly = o.postOnly === true
  const stp: StpMode = o.selfTradePrevention ?? "EXPIRE_TAKER"
  const isStop = o.type === "STOP" || o.type === "STOP_LIMIT"
  if (o.stopPrice !== undefined && !isStop) return refuse("INVALID_STOP_PRICE", "stopPrice is only for STOP and STOP_LIMIT orders")
  if (isStop && !validPrice(o.stopPrice, terms)) {
    return refuse("INVALID_STOP_PRICE", `stopPrice must be a positive multiple of the tick ${terms.tick} up to ${terms.maxPrice}`)
  }
  let worstPrice: number
  switch (o.type) {
    case "LIMIT":
    case "STOP_LIMIT":
      if (!validPrice(o.price, terms)) {
        return refuse("INVALID_PRICE", `price must be a positive multiple of the tick ${terms.tick} up to ${terms.maxPrice}`)
      }
      worstPrice = o.price
      break
    case "MARKET":
      if (o.referencePrice === undefined) return refuse("REFERENCE_PRICE_REQUIRED", "a market order needs a reference price for its collar")
      if (!validPrice(o.referencePrice, terms)) return refuse("INVALID_PRICE", "the reference price is not a valid price")
      worstPrice = collarPrice(o.side, o.referencePrice, terms)
      break
    case "STOP":
      worstPrice = collarPrice(o.side, o.stopPrice!, terms)
      break
    default:
      return refuse("INVALID_ORDER", "unknown order type")
  }
  if (tif === "GTD") {
    if (!isInt(o.expiresAt) || o.expiresAt <= time) return refuse("INVALID_EXPIRY", "a GTD order needs expiresAt (epoch ms) in the future")
  } else if (o.expiresAt !== undefined) {
    return refuse("INVALID_EXPIRY", "expiresAt is only for GTD orders")
  }
  if (postOnly && (o.type === "MARKET" || o.type === "STOP" || tif === "IOC" || tif === "FOK")) {
    return refuse("INVALID_ORDER", "postOnly needs a resting LIMIT or STOP_LIMIT order (GTC or GTD)")
  }
  if (o.side === "BUY") {
    const reserve = buyReservation({ makerBps: terms.makerBps, takerBps: terms.takerBps }, worstPrice, q)
    if (!Number.isSafeInteger(reserve)) return refuse("INVALID_QUANTITY", "order value is too large")
    return Either.right({ worstPrice, currency: "ZAR", reserve, tif, postOnly, stp })
  }
  return Either.right({ worstPrice, currency: o.symbol, reserve: q, tif, postOnly, stp })
}

// What a caller submits to the order book, and the small integer codes the hot loop uses instead.
// Plain TypeScript (no Effect) so the matching core stays allocation-light; `domain/order.ts`
// mirrors these literals as Schemas for the wire.

/** Which way an order trades. */
export type Side = "BUY" | "SELL"
/** Order type; MARKET and STOP execute as a limit at the worst price the wallet fixed. */
export type OrderType = "LIMIT" | "MARKET" | "STOP" | "STOP_LIMIT"
/** Time in force; GTD expiry is driven by an `expire(orderId, version)` message. */
export type TimeInForce = "GTC" | "GTD" | "IOC" | "FOK"
/** Self-trade prevention, decided by the incoming (taker) order. */
export type StpMode = "EXPIRE_TAKER" | "EXPIRE_MAKER" | "EXPIRE_BOTH" | "DECREMENT"
/** Lifecycle of an order; CANCELLED, REJECTED, EXPIRED and FILLED are terminal. */
export type OrderStatus = "PENDING" | "PARTIAL" | "FILLED" | "CANCELLED" | "REJECTED" | "EXPIRED"

/** Why an order ended early or a request was refused. */
export type BookReason =
  | "NONE"
  | "INVALID_QUANTITY"
  | "INVALID_PRICE"
  | "INVALID_STOP_PRICE"
  | "INVALID_ORDER"
  | "DUPLICATE_ORDER_ID"
  | "UNKNOWN_ORDER"
  | "POST_ONLY_WOULD_CROSS"
  | "FOK_UNFILLABLE"
  | "IOC_REMAINDER"
  | "NO_LIQUIDITY"
  | "PRICE_COLLAR"
  | "SELF_TRADE"
  | "USER_CANCELLED"
  | "REPLACED"
  | "EXPIRED"
  | "STALE_EXPIRY"
  | "NOT_GTD"
  | "REPLACE_MISMATCH"

/** An order as submitted. `price` is the limit price, or the worst price for MARKET and STOP. */
export interface OrderEntry {
  readonly id: string
  readonly owner: string
  readonly side: Side
  readonly type: OrderType
  /** Cents. LIMIT/STOP_LIMIT: limit price. MARKET/STOP: collar (worst) price fixed by the wallet. */
  readonly price: number
  /** Units, a positive multiple of the symbol's lot. */
  readonly qty: number
  /** Cents; required for STOP and STOP_LIMIT. */
  readonly stopPrice?: number
  readonly tif?: TimeInForce
  readonly postOnly?: boolean
  readonly stp?: StpMode
  /** Caller's version of this order id; `expire` only acts on the same version. */
  readonly version?: number
  /** Caller's expiry instant for GTD (opaque to the book, kept for snapshots and views). */
  readonly expiresAt?: number
}

// Integer codes: array lookups and small-integer compares in the hot loop instead of strings.
export const BUY = 0
export const SELL = 1
export const T_LIMIT = 0
export const T_MARKET = 1
export const T_STOP = 2
export const T_STOP_LIMIT = 3
export const TIF_GTC = 0
export const TIF_GTD = 1
export const TIF_IOC = 2
export const TIF_FOK = 3
export const STP_EXPIRE_TAKER = 0
export const STP_EXPIRE_MAKER = 1
export const STP_EXPIRE_BOTH = 2
export const STP_DECREMENT = 3

/** Side names indexed by code. */
export const SIDES: ReadonlyArray<Side> = ["BUY", "SELL"]
/** Order type names indexed by code. */
export const ORDER_TYPES: ReadonlyArray<OrderType> = ["LIMIT", "MARKET", "STOP", "STOP_LIMIT"]
/** Time-in-force names indexed by code. */
export const TIFS: ReadonlyArray<TimeInForce> = ["GTC", "GTD", "IOC", "FOK"]
/** STP mode names indexed by code. */
export const STP_MODES: ReadonlyArray<StpMode> = ["EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT"]

/** Code of a side name (-1 when unknown, so validation can reject it as a value). */
export const sideCode = (s: string): number => (s === "BUY" ? BUY : s === "SELL" ? SELL : -1)
/** Code of an order type name (-1 when unknown). */
export const typeCode = (t: string): number =>
  t === "LIMIT" ? T_LIMIT : t === "MARKET" ? T_MARKET : t === "STOP" ? T_STOP : t === "STOP_LIMIT" ? T_STOP_LIMIT : -1
/** Code of a time in force name; absent means GTC (-1 when unknown). */
export const tifCode = (t: string | undefined): number =>
  t === undefined || t === "GTC" ? TIF_GTC : t === "GTD" ? TIF_GTD : t === "IOC" ? TIF_IOC : t === "FOK" ? TIF_FOK : -1
/** Code of an STP mode; absent means EXPIRE_TAKER (-1 when unknown). */
export const stpCode = (m: string | undefined): number =>
  m === undefined || m === "EXPIRE_TAKER"
    ? STP_EXPIRE_TAKER
    : m === "EXPIRE_MAKER"
      ? STP_EXPIRE_MAKER
      : m === "EXPIRE_BOTH"
        ? STP_EXPIRE_BOTH
        : m === "DECREMENT"
          ? STP_DECREMENT
          : -1

/** The per-symbol limits an entry is checked against. */
export interface EntryRules {
  readonly lot: number
  readonly tick: number
  readonly maxPrice: number
}

const validPrice = (p: number, r: EntryRules): boolean =>
  Number.isSafeInteger(p) && p > 0 && p <= r.maxPrice && p % r.tick === 0

/** Why an entry is malformed, or "NONE": bad input becomes a REJECTED event, never an exception. */
export const validateEntry = (e: OrderEntry, r: EntryRules): BookReason => {
  const type = typeCode(e.type)
  const tif = tifCode(e.tif)
  if (sideCode(e.side) < 0 || type < 0 || tif < 0 || stpCode(e.stp) < 0) return "INVALID_ORDER"
  const q = e.qty
  // qty × maxPrice within the safe range keeps every notional an exact integer.
  if (!Number.isSafeInteger(q) || q <= 0 || q % r.lot !== 0 || q * r.maxPrice > Number.MAX_SAFE_INTEGER) {
    return "INVALID_QUANTITY"
  }
  if (!validPrice(e.price, r)) return "INVALID_PRICE"
  if ((type === T_STOP || type === T_STOP_LIMIT) && (e.stopPrice === undefined || !validPrice(e.stopPrice, r))) {
    return "INVALID_STOP_PRICE"
  }
  if (e.postOnly === true && (type === T_MARKET || type === T_STOP || tif === TIF_IOC || tif === TIF_FOK)) {
    return "INVALID_ORDER"
  }
  return "NONE"
}

// How feed events look on the WebSocket: the actors' stored events (integer cents, epoch ms)
// turned into the seeds' wire shapes (decimal rand strings, ISO times), one function per feed.
// An event a channel does not carry answers undefined (the private wallet feed is filtered).
import type { BookDelta, TradePrinted } from "../../actors/book/protocol.js"
import type { PriceUpdated } from "../../actors/pricing/protocol.js"
import type { OrderView } from "../../actors/wallet/protocol.js"
import { formatCents } from "../../domain/money.js"
import { presentOrder } from "../presenters.js"
import { presentLevels } from "../routes/orderbook.js"

/** A stored event: a record with its `type`. */
type Stored = { readonly type?: unknown; readonly time?: unknown } & Record<string, unknown>

const iso = (time: unknown) => (typeof time === "number" ? new Date(time).toISOString() : undefined)
const cents = (value: unknown) => (typeof value === "number" ? formatCents(value) : undefined)

const asStored = (event: unknown): Stored | undefined => (typeof event === "object" && event !== null ? (event as Stored) : undefined)

/** `book` feed of `book/<symbol>`: level deltas (quantity 0 removes a level) and market states. */
export const presentBookEvent = (event: unknown) => {
  const e = asStored(event)
  if (e === undefined) return undefined
  if (e.type === "order:book") {
    const delta = e as unknown as BookDelta
    const side = (s: "BUY" | "SELL") => presentLevels(delta.levels.filter((l) => l[0] === s).map((l) => [l[1], l[2]] as const))
    return { event: "order:book", type: "delta", bids: side("BUY"), asks: side("SELL"), time: iso(delta.time) }
  }
  // market:listed, market:halted, market:resumed: they move the seq, so clients see them.
  return { event: String(e.type), ...(typeof e["reason"] === "string" ? { reason: e["reason"] } : {}), time: iso(e.time) }
}

/** `trades` feed of `book/<symbol>`: one print per fill, at the resting order's price. */
export const presentTradeEvent = (event: unknown) => {
  const e = asStored(event) as TradePrinted | undefined
  if (e?.type !== "order:matched") return undefined
  return { event: "order:matched", tradeId: e.tradeId, price: formatCents(e.price), quantity: e.qty, side: e.side, time: iso(e.time) }
}

/** `prices` feed of `pricing/<symbol>`: the index price from virality signals. */
export const presentPriceEvent = (event: unknown) => {
  const e = asStored(event) as PriceUpdated | undefined
  if (e?.type !== "price:updated") return undefined
  return { event: "price:updated", indexPrice: formatCents(e.indexPrice), viralityScore: e.viralityScore, sentiment: e.sentimentPermille / 1000, time: iso(e.time) }
}

/** `orders` channel: the order events of the user's wallet feed. */
export const presentOrderEvent = (event: unknown) => {
  const e = asStored(event)
  if (e === undefined) return undefined
  if (e.type === "order:created" || e.type === "order:updated") {
    return { event: e.type, order: presentOrder(e["order"] as OrderView), time: iso(e.time) }
  }
  if (e.type === "order:matched") {
    return {
      event: "order:matched",
      orderId: e["orderId"],
      tradeId: e["tradeId"],
      symbol: e["symbol"],
      side: e["side"],
      role: e["role"],
      price: cents(e["price"]),
      quantity: e["qty"],
      fee: cents(e["fee"]),
      time: iso(e.time)
    }
  }
  return undefined
}

/** `wallet` channel: balance changes of the user's wallet feed (cash in rands, units as counts). */
export const presentWalletEvent = (event: unknown) => {
  const e = asStored(event)
  if (e?.type !== "wallet:updated") return undefined
  return {
    event: "wallet:updated",
    ...(typeof e["currency"] === "string" ? { currency: e["currency"], available: cents(e["available"]), locked: cents(e["locked"]) } : {}),
    ...(typeof e["symbol"] === "string" ? { symbol: e["symbol"], units: e["units"], cash: cents(e["cash"]) } : {}),
    time: iso(e.time)
  }
}

// A seeded burst of random trading through HTTP: limit and market orders on both sides around
// the house market maker's ladder, and cancels of earlier orders. Refusals (no units to sell,
// an order already filled) are part of the mix; they change nothing.
import { Effect } from "effect"
import type { LiveExchange } from "./live-edge.js"

/** A user of the burst, with the ids of the orders they placed. */
export interface BurstTrader {
  readonly userId: string
  readonly token: string
  readonly orders: Array<string>
}

const cents = (n: number) => `${Math.floor(n / 100)}.${String(n % 100).padStart(2, "0")}`

/** Runs `count` random operations, one after another. */
export const orderBurst = (exchange: LiveExchange, traders: ReadonlyArray<BurstTrader>, random: () => number, count: number) =>
  Effect.gen(function* () {
    const pick = <T>(items: ReadonlyArray<T>) => items[Math.floor(random() * items.length)]!
    for (let i = 0; i < count; i++) {
      const trader = pick(traders)
      const roll = random()
      if (roll < 0.15 && trader.orders.length > 0) {
        yield* exchange.http("DELETE", `/order/${pick(trader.orders)}`, undefined, trader.token)
        continue
      }
      const side = roll < 0.6 ? "BUY" : "SELL"
      const market = random() < 0.15
      const body = market
        ? { symbol: exchange.symbol, side, type: "MARKET", quantity: 1 + Math.floor(random() * 3) }
        : { symbol: exchange.symbol, side, type: "LIMIT", quantity: 1 + Math.floor(random() * 5), price: cents(900 + Math.floor(random() * 200)) }
      const placed = yield* exchange.http<{ orderId?: string }>("POST", "/order", body, trader.token)
      if (placed.body?.orderId !== undefined) trader.orders.push(placed.body.orderId)
    }
  })

/**
 * Waits until the book has seen every order and cancel of `traders`: a wallet sends to the book
 * in order, so once an IOC sent after them has its terminal status, the book processed them all.
 */
export const bookQuiet = (exchange: LiveExchange, traders: ReadonlyArray<BurstTrader>) =>
  Effect.forEach(traders, (trader) =>
    Effect.gen(function* () {
      const marker = yield* exchange.http<{ orderId: string }>("POST", "/order", { symbol: exchange.symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "0.01", timeInForce: "IOC" }, trader.token)
      for (;;) {
        const order = yield* exchange.http<{ status: string }>("GET", `/order/${marker.body.orderId}`, undefined, trader.token)
        if (order.body.status !== "PENDING") return
        yield* Effect.sleep(10)
      }
    })
  )

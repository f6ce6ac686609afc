// `GET /portfolio` (DESIGN §4): the user's cash, positions valued at the market price, open
// orders and recent transactions, read from their wallet and the markets they hold.
import { Effect, Option } from "effect"
import { Hono } from "hono"
import { GetOrders, GetWallet, Wallet, type WalletView } from "../../actors/wallet/protocol.js"
import { formatCents } from "../../domain/money.js"
import { ActorClient } from "../../runtime/actor-client.js"
import type { RouteDoc } from "../api-docs.js"
import { authenticateRequest, requireRole } from "../auth/tokens.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import { marketPrice } from "../market-price.js"
import { presentOrder } from "../presenters.js"
import { runHandler } from "../run.js"

/** Operations of this sub-app, for the OpenAPI document. */
export const portfolioDocs: ReadonlyArray<RouteDoc> = [
  {
    method: "get",
    path: "/portfolio",
    tag: "wallet",
    summary: "Your cash (balance: ZAR available; locked: ZAR held by open orders), equity, positions at market price with P&L, open orders and recent transactions",
    auth: "user",
    responses: { 200: "portfolio", 401: "no token" }
  }
]

const CASH = new Set(["ZAR", "USD"])
const OPEN = new Set(["PENDING", "PARTIAL"])

/** "+5.45%": the change of `value` against `cost`, both cents. */
const pnlPercent = (value: number, cost: number) => {
  const percent = cost > 0 ? ((value - cost) / cost) * 100 : 0
  return `${percent >= 0 ? "+" : "-"}${Math.abs(percent).toFixed(2)}%`
}

/** An amount as shown: rands for cash, whole units for a symbol. */
const showAmount = (currency: string, amount: number) => (CASH.has(currency) ? `${amount > 0 ? "+" : ""}${formatCents(amount)}` : amount)

const TYPES: Record<string, string> = { credit: "DEPOSIT", withdraw: "WITHDRAWAL", BUY: "BUY", SELL: "SELL" }

/**
 * The journal's postings as the user sees them, newest first: what each changed in their holdings
 * (available + locked) per currency, and the fee it charged. Reservations and releases only move
 * money between available and locked, so they change nothing here and are left out.
 */
const transactions = (wallet: WalletView) => {
  const mine = new Set([`${wallet.owner}:available`, `${wallet.owner}:locked`])
  const fees = `${wallet.owner}:fees`
  const shown = []
  for (const posting of [...wallet.journal].reverse()) {
    const changes = new Map<string, number>()
    let fee = 0
    for (const entry of posting.entries) {
      if (mine.has(entry.account)) changes.set(entry.currency, (changes.get(entry.currency) ?? 0) + entry.amount)
      else if (entry.account === fees) fee += entry.amount
    }
    const moved = [...changes].filter(([, amount]) => amount !== 0)
    if (moved.length === 0) continue
    const suffix = posting.id.slice(posting.id.lastIndexOf(":") + 1)
    shown.push({
      id: posting.id,
      type: TYPES[suffix] ?? suffix.toUpperCase(),
      changes: moved.map(([currency, amount]) => ({ currency, amount: showAmount(currency, amount) })),
      ...(fee !== 0 ? { fee: formatCents(fee) } : {})
    })
  }
  return shown
}

/** The portfolio sub-app. */
export const portfolioRoutes = (runtime: EdgeRuntime) =>
  new Hono().get("/portfolio", (c) =>
    runHandler(
      runtime,
      c,
      Effect.gen(function* () {
        const principal = yield* requireRole(yield* authenticateRequest(c), "user")
        const client = yield* ActorClient
        const wallet = Wallet.ref(principal.userId)
        const [view, orders] = yield* Effect.all([client.ask(wallet, new GetWallet()), client.ask(wallet, new GetOrders({}))], { concurrency: 2 })
        const positions = yield* Effect.forEach(
          view.positions,
          (p) =>
            Effect.map(marketPrice(p.symbol), (price) => {
              const quantity = p.available + p.locked
              // A market with no trade and no index yet is valued at cost: no made-up P&L.
              const current = Option.getOrElse(price, () => p.avgPrice)
              const value = current * quantity
              return { symbol: p.symbol, quantity, avgPrice: formatCents(p.avgPrice), currentPrice: formatCents(current), pnl: pnlPercent(value, p.cost), value: formatCents(value), cents: value }
            }),
          { concurrency: 8 }
        )
        const zar = view.balances["ZAR"] ?? { available: 0, locked: 0 }
        const equity = zar.available + zar.locked + positions.reduce((sum, p) => sum + p.cents, 0)
        return c.json({
          balance: formatCents(zar.available),
          locked: formatCents(zar.locked),
          equity: formatCents(equity),
          positions: positions.map(({ cents: _cents, ...shown }) => shown),
          orders: orders.filter((o) => OPEN.has(o.status)).map(presentOrder),
          transactions: transactions(view)
        })
      })
    )
  )

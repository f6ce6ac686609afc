// Orders and wallets of the authenticated user (DESIGN §4): every request goes edge -> wallet
// through the runtime's ask, so a cancel can never overtake the order it cancels.
import { Effect, Option, Schema } from "effect"
import { Hono, type Context } from "hono"
import { CancelOrder, Credit, GetOrder, GetOrders, GetWallet, PlaceOrder, Wallet, WalletRejected } from "../../actors/wallet/protocol.js"
import { ActorClient } from "../../runtime/actor-client.js"
import { AskTimeout } from "../../runtime/errors.js"
import { trustedMessage } from "../../runtime/message-codec.js"
import { findUserById } from "../../storage/repos/users.js"
import { formatCents, MoneyInput, PriceInput, QuantityInput } from "../../domain/money.js"
import { presentOrder, presentWallet } from "../presenters.js"
import { OrderStatus, OrderType, Side, TimeInForce } from "../../domain/order.js"
import type { RouteDoc } from "../api-docs.js"
import type { Principal } from "../auth/principal.js"
import { authenticateRequest, requireRole } from "../auth/tokens.js"
import { decodeBody } from "../decode.js"
import type { MarketCache } from "../market-cache.js"
import { marketPrice } from "../market-price.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import type { EdgeMetrics } from "../metrics.js"
import { idempotent } from "../idempotency.js"
import { HttpProblem } from "../problem.js"
import { runHandler } from "../run.js"

/** `POST /order`: prices as numbers or decimal strings in ZAR, quantities in units. */
export const OrderRequest = Schema.Struct({
  symbol: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)),
  side: Side,
  type: Schema.optional(OrderType),
  /** The seeds' name for `type`. */
  orderType: Schema.optional(OrderType),
  quantity: QuantityInput,
  price: Schema.optional(PriceInput),
  stopPrice: Schema.optional(PriceInput),
  timeInForce: Schema.optional(TimeInForce),
  postOnly: Schema.optional(Schema.Boolean),
  clientOrderId: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64)))
})

/** `POST /admin/wallets/:userId/credit`. */
export const CreditRequest = Schema.Struct({ currency: Schema.Literal("ZAR", "USD"), amount: MoneyInput })

/** Operations of this sub-app, for the OpenAPI document. */
export const tradingDocs: ReadonlyArray<RouteDoc> = [
  { method: "post", path: "/order", tag: "orders", summary: "Place an order (alias POST /orders)", auth: "user", body: OrderRequest, responses: { 201: "the order as the book took it: status, reason, filled, avgPrice", 202: "accepted, still in flight: poll GET /order/:id", 400: "invalid order", 401: "no token", 404: "unknown symbol", 409: "market halted", 422: "refused (funds, units, terms)" } },
  { method: "get", path: "/order/:id", tag: "orders", summary: "One of your orders", auth: "user", responses: { 200: "the order", 404: "no such order" } },
  { method: "delete", path: "/order/:id", tag: "orders", summary: "Cancel one of your orders", auth: "user", responses: { 202: "cancel requested (the book's answer releases funds)", 404: "no such order", 422: "not open" } },
  { method: "get", path: "/orders", tag: "orders", summary: "Your open and recent orders (?status=)", auth: "user", responses: { 200: "orders", 400: "bad status" } },
  { method: "get", path: "/wallet", tag: "wallet", summary: "Your balances, positions and fees", auth: "user", responses: { 200: "wallet" } },
  { method: "post", path: "/admin/wallets/:userId/credit", tag: "admin", summary: "Credit a wallet (idempotent with Idempotency-Key)", auth: "operator", body: CreditRequest, responses: { 200: "new available balance", 403: "not an operator", 404: "no such user", 422: "refused" } }
]

const user = (c: Context) => Effect.flatMap(authenticateRequest(c), (p) => requireRole(p, "user"))

const placeOrder = (c: Context, markets: MarketCache, metrics: EdgeMetrics) =>
  Effect.flatMap(user(c), (principal) => idempotent(c, principal.userId, placeOrderOf(c, principal, markets, metrics)))

const placeOrderOf = (c: Context, principal: Principal, markets: MarketCache, metrics: EdgeMetrics) =>
  Effect.gen(function* () {
    const body = yield* decodeBody(c, OrderRequest)
    if (body.type !== undefined && body.orderType !== undefined && body.type !== body.orderType) {
      return yield* new HttpProblem({ status: 400, title: "Invalid request", errors: [{ path: "orderType", message: "differs from type; send one of them" }] })
    }
    const type = body.type ?? body.orderType
    if (type === undefined) return yield* new HttpProblem({ status: 400, title: "Invalid request", errors: [{ path: "type", message: "is missing" }] })
    const missing = [
      ...((type === "LIMIT" || type === "STOP_LIMIT") && body.price === undefined ? [{ path: "price", message: `is missing (a ${type} order needs one)` }] : []),
      ...((type === "STOP" || type === "STOP_LIMIT") && body.stopPrice === undefined ? [{ path: "stopPrice", message: `is missing (a ${type} order needs one)` }] : [])
    ]
    if (missing.length > 0) return yield* new HttpProblem({ status: 400, title: "Invalid request", errors: missing })
    const client = yield* ActorClient
    const market = yield* markets.get(body.symbol)
    // The book refuses it too (an order already on its way when the halt lands), but only after
    // the wallet accepted it; refusing here gives the client a clear answer and changes nothing.
    if (market.halted) return yield* new HttpProblem({ status: 409, title: "Market halted", detail: `${market.symbol} is halted; orders are refused until it resumes` })
    const reference = type === "MARKET" || type === "STOP" ? Option.getOrUndefined(yield* marketPrice(body.symbol)) : undefined
    // Checked against the wallet's protocol when the ask encodes it; the constructor would check it twice.
    const order = trustedMessage(PlaceOrder, {
      symbol: market.symbol,
      side: body.side,
      type,
      quantity: body.quantity,
      ...(body.price !== undefined ? { price: body.price } : {}),
      ...(body.stopPrice !== undefined ? { stopPrice: body.stopPrice } : {}),
      ...(body.timeInForce !== undefined ? { timeInForce: body.timeInForce } : {}),
      ...(body.postOnly !== undefined ? { postOnly: body.postOnly } : {}),
      ...(body.clientOrderId !== undefined ? { clientOrderId: body.clientOrderId } : {}),
      ...(reference !== undefined ? { referencePrice: reference } : {}),
      terms: market.terms
    })
    return yield* client.ask(Wallet.ref(principal.userId), order).pipe(
      Effect.tapBoth({
        onSuccess: (accepted) => Effect.sync(() => metrics.orders.inc({ outcome: accepted.duplicate ? "DUPLICATE" : accepted.status })),
        onFailure: (e) => Effect.sync(() => metrics.orders.inc({ outcome: e instanceof AskTimeout ? "IN_FLIGHT" : e instanceof WalletRejected ? "REFUSED" : "FAILED" }))
      }),
      Effect.map((accepted) =>
        // The wallet answers once the book has taken the order: this is what the book did.
        c.json(
          {
            orderId: accepted.orderId,
            status: accepted.status,
            reason: accepted.reason,
            duplicate: accepted.duplicate,
            worstPrice: formatCents(accepted.worstPrice),
            filled: accepted.filled,
            avgPrice: accepted.filled > 0 ? formatCents(accepted.avgPrice) : null
          },
          201
        )
      ),
      // The order is in the wallet's inbox and will be processed: never a lost order.
      Effect.catchIf((e): e is AskTimeout => e instanceof AskTimeout, (e) => Effect.succeed(c.json({ orderId: e.messageId, status: "PENDING" }, 202)))
    )
  })

/** The trading sub-app. */
export const tradingRoutes = (runtime: EdgeRuntime, markets: MarketCache, metrics: EdgeMetrics) =>
  new Hono()
    .post("/order", (c) => runHandler(runtime, c, placeOrder(c, markets, metrics)))
    .post("/orders", (c) => runHandler(runtime, c, placeOrder(c, markets, metrics)))
    .get("/order/:id", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const principal = yield* user(c)
          const client = yield* ActorClient
          // Asked through the wallet's inbox: ordered after the order itself.
          return c.json(presentOrder(yield* client.ask(Wallet.ref(principal.userId), new GetOrder({ orderId: c.req.param("id") }))))
        })
      )
    )
    .delete("/order/:id", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const principal = yield* user(c)
          const client = yield* ActorClient
          return c.json(yield* client.ask(Wallet.ref(principal.userId), new CancelOrder({ orderId: c.req.param("id") })), 202)
        })
      )
    )
    .get("/orders", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const principal = yield* user(c)
          const status = c.req.query("status")
          const decoded = status === undefined ? undefined : yield* Schema.decodeUnknown(OrderStatus)(status.toUpperCase())
          const client = yield* ActorClient
          const orders = yield* client.ask(Wallet.ref(principal.userId), new GetOrders(decoded === undefined ? {} : { status: decoded }))
          return c.json(orders.map(presentOrder))
        })
      )
    )
    .get("/wallet", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const principal = yield* user(c)
          const client = yield* ActorClient
          return c.json(presentWallet(yield* client.ask(Wallet.ref(principal.userId), new GetWallet())))
        })
      )
    )
    .post("/admin/wallets/:userId/credit", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const principal = yield* requireRole(yield* authenticateRequest(c), "operator")
          // The key is also the deposit's reference in the wallet, which keeps it for good: a repeat
          // after the edge forgot the response still credits once.
          return yield* idempotent(
            c,
            principal.userId,
            Effect.gen(function* () {
              const body = yield* decodeBody(c, CreditRequest)
              const userId = c.req.param("userId")
              // A mistyped id would otherwise open a wallet nobody can log in to and swallow the deposit.
              if (Option.isNone(yield* findUserById(userId))) {
                return yield* new HttpProblem({ status: 404, title: "Not found", detail: `no user "${userId}"` })
              }
              const reference = c.req.header("Idempotency-Key") ?? `credit-${crypto.randomUUID()}`
              const client = yield* ActorClient
              const credited = yield* client.ask(Wallet.ref(userId), new Credit({ currency: body.currency, amount: body.amount, reference }))
              return c.json({ currency: body.currency, available: formatCents(credited.available), duplicate: credited.duplicate })
            })
          )
        })
      )
    )

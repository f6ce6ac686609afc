// The Hono application: middleware (body size, CORS, metrics), every resource's routes, and
// problem+json for whatever no route answers.
import { Hono } from "hono"
import { cors } from "hono/cors"
import type { RouteDoc } from "./api-docs.js"
import type { EdgeRuntime } from "./edge-runtime.js"
import { makeMarketCache } from "./market-cache.js"
import { type EdgeMetrics, makeMetrics } from "./metrics.js"
import { HttpProblem, respondProblem } from "./problem.js"
import { rateLimit } from "./rate-limit.js"
import { readBodies } from "./request-body.js"
import { adminMarketDocs, adminMarketRoutes } from "./routes/admin-markets.js"
import { analyticsDocs, analyticsRoutes } from "./routes/analytics.js"
import { apiKeyDocs, apiKeyRoutes } from "./routes/api-keys.js"
import { authDocs, authRoutes } from "./routes/auth.js"
import { docsRoutes } from "./routes/docs.js"
import { historyDocs, historyRoutes } from "./routes/history.js"
import { marketDocs, marketRoutes } from "./routes/markets.js"
import { opsDocs, opsRoutes } from "./routes/ops.js"
import { orderbookDocs, orderbookRoutes } from "./routes/orderbook.js"
import { portfolioDocs, portfolioRoutes } from "./routes/portfolio.js"
import { tradingDocs, tradingRoutes } from "./routes/trading.js"
import { feedDocs, feedRoutes } from "./ws/feed-route.js"

/** Options of the app. */
export interface AppOptions {
  /** Origins allowed by CORS; empty: same origin only. */
  readonly corsOrigins?: ReadonlyArray<string>
  /** Largest request body in bytes. */
  readonly maxBodyBytes?: number
  /** The registry `/metrics` serves (the server adds its WebSocket gauges to it); a new one by default. */
  readonly metrics?: EdgeMetrics
  /** Requests per window of one user; 0 or unset: unlimited. */
  readonly rateLimitPerUser?: number
  /** Requests per window from one client address; 0 or unset: unlimited. */
  readonly rateLimitPerIp?: number
  /** The rate-limit window (default 60 s). */
  readonly rateLimitWindowMs?: number
  /** Client address from X-Forwarded-For (behind a proxy you run). */
  readonly trustProxy?: boolean
}

/** Builds the edge app on a runtime. */
export const makeApp = (runtime: EdgeRuntime, options: AppOptions = {}) => {
  const metrics = options.metrics ?? makeMetrics()
  const markets = makeMarketCache()
  const docs: ReadonlyArray<RouteDoc> = [
    ...opsDocs, ...authDocs, ...apiKeyDocs, ...tradingDocs, ...portfolioDocs, ...marketDocs, ...orderbookDocs, ...historyDocs, ...analyticsDocs,
    ...adminMarketDocs, ...feedDocs
  ]
  const app = new Hono()
  app.use(metrics.middleware)
  app.use(readBodies(options.maxBodyBytes ?? 64 * 1024))
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) app.use(cors({ origin: [...options.corsOrigins] }))
  if ((options.rateLimitPerUser ?? 0) > 0 || (options.rateLimitPerIp ?? 0) > 0) {
    app.use(
      rateLimit(runtime, {
        perUser: options.rateLimitPerUser ?? 0,
        perIp: options.rateLimitPerIp ?? 0,
        windowMs: options.rateLimitWindowMs ?? 60_000,
        trustProxy: options.trustProxy ?? false
      })
    )
  }
  app.route("/", opsRoutes(runtime, metrics))
  app.route("/", authRoutes(runtime))
  app.route("/", apiKeyRoutes(runtime))
  app.route("/", tradingRoutes(runtime, markets, metrics))
  app.route("/", portfolioRoutes(runtime))
  app.route("/", adminMarketRoutes(runtime, markets))
  // Before marketRoutes: its `/market/*` catch-all would take `/market/<symbol>/orderbook`.
  app.route("/", orderbookRoutes(runtime))
  app.route("/", marketRoutes(runtime))
  app.route("/", historyRoutes(runtime))
  app.route("/", analyticsRoutes(runtime))
  app.route("/", feedRoutes())
  app.route("/", docsRoutes(docs))
  app.notFound((c) => respondProblem(c, new HttpProblem({ status: 404, title: "Not found", detail: `no route for ${c.req.method} ${c.req.path}` })))
  app.onError((_error, c) => respondProblem(c, new HttpProblem({ status: 500, title: "Internal error" })))
  return app
}

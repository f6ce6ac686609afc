// The Hono application: middleware (body size, CORS, metrics), every resource's routes, and
// problem+json for whatever no route answers.
import { Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { cors } from "hono/cors"
import type { RouteDoc } from "./api-docs.js"
import type { EdgeRuntime } from "./edge-runtime.js"
import { makeMetrics } from "./metrics.js"
import { HttpProblem, respondProblem } from "./problem.js"
import { analyticsDocs, analyticsRoutes } from "./routes/analytics.js"
import { authDocs, authRoutes } from "./routes/auth.js"
import { docsRoutes } from "./routes/docs.js"
import { historyDocs, historyRoutes } from "./routes/history.js"
import { marketDocs, marketRoutes } from "./routes/markets.js"
import { opsDocs, opsRoutes } from "./routes/ops.js"
import { tradingDocs, tradingRoutes } from "./routes/trading.js"

/** Options of the app. */
export interface AppOptions {
  /** Origins allowed by CORS; empty: same origin only. */
  readonly corsOrigins?: ReadonlyArray<string>
  /** Largest request body in bytes. */
  readonly maxBodyBytes?: number
}

/** Builds the edge app on a runtime. */
export const makeApp = (runtime: EdgeRuntime, options: AppOptions = {}) => {
  const metrics = makeMetrics()
  const docs: ReadonlyArray<RouteDoc> = [...opsDocs, ...authDocs, ...tradingDocs, ...marketDocs, ...historyDocs, ...analyticsDocs]
  const app = new Hono()
  app.use(metrics.middleware)
  app.use(
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 64 * 1024,
      onError: (c) => respondProblem(c, new HttpProblem({ status: 413, title: "Request too large", detail: `bodies are limited to ${options.maxBodyBytes ?? 64 * 1024} bytes` }))
    })
  )
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) app.use(cors({ origin: [...options.corsOrigins] }))
  app.route("/", opsRoutes(runtime, metrics))
  app.route("/", authRoutes(runtime))
  app.route("/", tradingRoutes(runtime))
  app.route("/", marketRoutes(runtime))
  app.route("/", historyRoutes(runtime))
  app.route("/", analyticsRoutes(runtime))
  app.route("/", docsRoutes(docs))
  app.notFound((c) => respondProblem(c, new HttpProblem({ status: 404, title: "Not found", detail: `no route for ${c.req.method} ${c.req.path}` })))
  app.onError((_error, c) => respondProblem(c, new HttpProblem({ status: 500, title: "Internal error" })))
  return app
}

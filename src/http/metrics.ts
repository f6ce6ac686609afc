// Prometheus metrics of one edge (prom-client): requests and latencies per route and orders by
// outcome, plus what the routes read at scrape time (inbox lag per shard, trades per market).
// One registry per app, so tests are isolated.
import type { MiddlewareHandler } from "hono"
import { Counter, Gauge, Histogram, Registry } from "prom-client"
import type { FeedGatewayStats } from "./ws/feed-gateway.js"

/** The edge's metrics. */
export interface EdgeMetrics {
  readonly registry: Registry
  readonly middleware: MiddlewareHandler
  /** Orders placed through this edge, by outcome: the book's status, DUPLICATE, REFUSED by the wallet, IN_FLIGHT (answered 202) or FAILED. */
  readonly orders: Counter<"outcome">
}

/** Creates the registry and the request-measuring middleware. */
export const makeMetrics = (): EdgeMetrics => {
  const registry = new Registry()
  const requests = new Counter({
    name: "viralfx_http_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry]
  })
  const duration = new Histogram({
    name: "viralfx_http_request_duration_seconds",
    help: "HTTP request latency by route",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry]
  })
  const middleware: MiddlewareHandler = async function measureRequests(c, next) {
    const started = performance.now()
    await next()
    // The matched route pattern, not the raw path: one series per route, not per order id.
    const route = c.req.routePath
    requests.inc({ method: c.req.method, route, status: String(c.res.status) })
    duration.observe({ method: c.req.method, route }, (performance.now() - started) / 1000)
  }
  const orders = new Counter({
    name: "viralfx_orders_total",
    help: "Orders placed through this edge, by outcome (the book's status, REFUSED, IN_FLIGHT)",
    labelNames: ["outcome"] as const,
    registers: [registry]
  })
  return { registry, middleware, orders }
}

/** Adds the WebSocket gateway's figures to the registry, read at scrape time. */
export const registerFeedMetrics = (metrics: EdgeMetrics, counts: () => FeedGatewayStats): void => {
  const gauge = (name: string, help: string, read: (c: FeedGatewayStats) => number) =>
    new Gauge({ name, help, registers: [metrics.registry], collect() { this.set(read(counts())) } })
  gauge("viralfx_ws_connections", "Open /ws sockets on this edge", (c) => c.connections)
  gauge("viralfx_ws_streams", "Feed streams this edge's shared reader follows", (c) => c.streams)
  gauge("viralfx_ws_slow_consumers_closed", "Sockets closed for buffering past the bound (4008), since start", (c) => c.slowConsumersClosed)
  gauge("viralfx_ws_heartbeats_missed", "Sockets closed for missing a heartbeat, since start", (c) => c.heartbeatsMissed)
}

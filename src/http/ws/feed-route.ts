// `GET /ws` without an upgrade: a 426 problem pointing at the WebSocket protocol, and the entry
// of the feeds in the OpenAPI document (the upgrade itself is taken by feed-gateway.ts).
import { Hono } from "hono"
import type { RouteDoc } from "../api-docs.js"
import { HttpProblem, respondProblem } from "../problem.js"
import { FEED_PATH } from "./feed-gateway.js"

/** The feeds' entry in the OpenAPI document. */
export const feedDocs: ReadonlyArray<RouteDoc> = [
  {
    method: "get",
    path: FEED_PATH,
    tag: "feeds",
    summary:
      "WebSocket feeds (upgrade; token by Authorization header, ?token= or {op:auth}): {op:subscribe, channel: orderbook|trades|price|orders|wallet, symbol?, fromSeq?}, unsubscribe, ping. Events carry their stream seq; the order book starts with a snapshot. A socket is closed (4001, TOKEN_EXPIRED) when its token expires unless renewed with {op:auth}. See README.",
    responses: { 101: "switching protocols", 401: "bad token", 426: "not a WebSocket upgrade" }
  }
]

/** Answers plain HTTP requests to the feed path. */
export const feedRoutes = () =>
  new Hono().get(FEED_PATH, (c) =>
    respondProblem(c, new HttpProblem({ status: 426, title: "Upgrade required", detail: "connect with a WebSocket client", headers: { Upgrade: "websocket" } }))
  )

// Serves the edge app over HTTP as a scoped resource: listening while the scope is open, with
// the `/ws` feed gateway on the same server.
import { serve } from "@hono/node-server"
import type { Server } from "node:http"
import { Effect, Layer, ManagedRuntime } from "effect"
import { makeApp, type AppOptions } from "./app.js"
import { makeMetrics, registerFeedMetrics } from "./metrics.js"
import type { EdgeServices } from "./edge-runtime.js"
import { attachFeedGateway, type FeedGateway, type FeedGatewayOptions } from "./ws/feed-gateway.js"

/** Where the edge listens, and the app's options. */
export interface EdgeOptions extends AppOptions {
  readonly port: number
  readonly host: string
  /** Settings of the `/ws` gateway. */
  readonly ws?: FeedGatewayOptions
}

/** A running edge. */
export interface EdgeServer {
  /** The bound port (the asked one, or the ephemeral one for port 0). */
  readonly port: number
  readonly feeds: FeedGateway
}

/** Starts the HTTP server (and `/ws`) for the life of the scope. */
export const serveEdge = (options: EdgeOptions) =>
  Effect.gen(function* () {
    const services = yield* Effect.context<EdgeServices>()
    const runtime = yield* Effect.acquireRelease(
      Effect.sync(() => ManagedRuntime.make(Layer.succeedContext(services))),
      (rt) => Effect.promise(() => rt.dispose())
    )
    const metrics = options.metrics ?? makeMetrics()
    const app = makeApp(runtime, { ...options, metrics })
    const server = yield* Effect.acquireRelease(
      Effect.async<ReturnType<typeof serve>>((resume) => {
        const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resume(Effect.succeed(s)))
      }),
      (s) => Effect.async<void>((resume) => void s.close(() => resume(Effect.void)))
    )
    // Released before the server: sockets are closed first, so `close` is not held open by them.
    const feeds = yield* attachFeedGateway(server as Server, runtime, options.ws)
    registerFeedMetrics(metrics, feeds.stats)
    const address = server.address()
    return { port: typeof address === "object" && address !== null ? address.port : options.port, feeds } satisfies EdgeServer
  })

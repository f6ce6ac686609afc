// Serves the edge app over HTTP as a scoped resource: listening while the scope is open.
import { serve } from "@hono/node-server"
import { Effect, Layer, ManagedRuntime } from "effect"
import { makeApp, type AppOptions } from "./app.js"
import type { EdgeServices } from "./edge-runtime.js"

/** Where the edge listens, and the app's options. */
export interface EdgeOptions extends AppOptions {
  readonly port: number
  readonly host: string
}

/** Starts the HTTP server for the life of the scope; answers the bound port. */
export const serveEdge = (options: EdgeOptions) =>
  Effect.gen(function* () {
    const services = yield* Effect.context<EdgeServices>()
    const runtime = yield* Effect.acquireRelease(
      Effect.sync(() => ManagedRuntime.make(Layer.succeedContext(services))),
      (rt) => Effect.promise(() => rt.dispose())
    )
    const app = makeApp(runtime, options)
    const server = yield* Effect.acquireRelease(
      Effect.async<ReturnType<typeof serve>>((resume) => {
        const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resume(Effect.succeed(s)))
      }),
      (s) => Effect.async<void>((resume) => void s.close(() => resume(Effect.void)))
    )
    const address = server.address()
    return typeof address === "object" && address !== null ? address.port : options.port
  })


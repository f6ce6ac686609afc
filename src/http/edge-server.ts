// Serves the edge app over HTTP as a scoped resource: listening while the scope is open.
import { serve } from "@hono/node-server"
import { Effect, Layer, ManagedRuntime } from "effect"
import { ActorClient } from "../runtime/actor-client.js"
import { RedisClient } from "../runtime/redis.js"
import { makeApp } from "./app.js"

/** Where the edge listens. */
export interface EdgeOptions {
  readonly port: number
  readonly host: string
}

/** Starts the HTTP server for the life of the scope; answers the bound port. */
export const serveEdge = (options: EdgeOptions) =>
  Effect.gen(function* () {
    const services = yield* Effect.context<ActorClient | RedisClient>()
    const runtime = yield* Effect.acquireRelease(
      Effect.sync(() => ManagedRuntime.make(Layer.succeedContext(services))),
      (rt) => Effect.promise(() => rt.dispose())
    )
    const app = makeApp(runtime)
    const server = yield* Effect.acquireRelease(
      Effect.async<ReturnType<typeof serve>>((resume) => {
        const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resume(Effect.succeed(s)))
      }),
      (s) => Effect.async<void>((resume) => void s.close(() => resume(Effect.void)))
    )
    const address = server.address()
    return typeof address === "object" && address !== null ? address.port : options.port
  })


// Rate limits per user and per client address, counted in Redis so every edge process shares them:
// a fixed window that starts with a client's first request (SET NX PX, INCR, PTTL in one script,
// so the counter and its expiry are born together). Over the limit: 429 with Retry-After.
import { Effect } from "effect"
import type { Context, MiddlewareHandler } from "hono"
import { getConnInfo } from "@hono/node-server/conninfo"
import { ActorClient } from "../runtime/actor-client.js"
import { RedisClient } from "../runtime/redis.js"
import { luaScript, runLuaScript } from "../runtime/scripts.js"
import type { EdgeRuntime } from "./edge-runtime.js"
import { edgeKeys } from "./edge-keys.js"
import { HttpProblem, respondProblem } from "./problem.js"

/** Limits; 0 turns one off. */
export interface RateLimitSettings {
  /** Requests per window of one user (JWT or API key; operators and ML services are not limited). */
  readonly perUser: number
  /** Requests per window from one client address. */
  readonly perIp: number
  readonly windowMs: number
  /** Take the client address from the first X-Forwarded-For entry (only behind a proxy you run). */
  readonly trustProxy: boolean
}

/** Charges one request to a user's or an address's window. */
export interface RateLimiter {
  readonly charge: (scope: "user" | "ip", id: string) => Effect.Effect<void, HttpProblem, ActorClient | RedisClient>
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set by the rate-limit middleware; authentication charges the user's window through it. */
    rateLimiter?: RateLimiter
  }
}

/** Operations probes must always reach. */
const EXEMPT = new Set(["/healthz", "/readyz", "/metrics"])

/**
 * One request counted in its window: the window's counter born with its expiry (SET NX PX), the
 * count, and the time left. One script, so one write and one reply per request where a MULTI of
 * the three cost five of each; run by its hash, so a request does not carry its source.
 */
const COUNT_IN_WINDOW = luaScript(`
redis.call("SET", KEYS[1], 0, "PX", ARGV[1], "NX")
return { redis.call("INCR", KEYS[1]), redis.call("PTTL", KEYS[1]) }`)

/** Counts one request in the window and fails with 429 past `limit`. */
const makeLimiter = (settings: RateLimitSettings): RateLimiter => ({
  charge: (scope, id) =>
    Effect.gen(function* () {
      const limit = scope === "user" ? settings.perUser : settings.perIp
      if (limit <= 0) return
      const redis = yield* RedisClient
      const key = edgeKeys.rateLimit((yield* ActorClient).keys.prefix, scope, id)
      const reply = yield* redis
        .call("rate limit: count", (r) => runLuaScript(r, COUNT_IN_WINDOW, [key], [settings.windowMs]) as Promise<[number, number]>)
        // Redis down: the request fails on its own further on; a limiter must not turn that into a 429.
        .pipe(Effect.orElseSucceed(() => null))
      if (reply === null) return
      const [count, ttlMs] = reply
      if (count <= limit) return
      const retryAfter = Math.max(1, Math.ceil((ttlMs > 0 ? ttlMs : settings.windowMs) / 1000))
      return yield* new HttpProblem({
        status: 429,
        title: "Too many requests",
        detail: `more than ${limit} requests in ${settings.windowMs / 1000} s from this ${scope === "user" ? "user" : "address"}`,
        headers: { "Retry-After": String(retryAfter) }
      })
    })
})

/** The client's address: the socket's peer, or the first X-Forwarded-For entry behind a trusted proxy. */
const clientAddress = (c: Context, trustProxy: boolean): string => {
  const forwarded = trustProxy ? c.req.header("X-Forwarded-For")?.split(",")[0]?.trim() : undefined
  if (forwarded) return forwarded
  try {
    return getConnInfo(c).remote.address ?? "unknown"
  } catch {
    // No socket (a request handed to app.request in-process): one shared bucket.
    return "local"
  }
}

/** Middleware: charges the client address, and makes the limiter available to authentication. */
export const rateLimit = (runtime: EdgeRuntime, settings: RateLimitSettings): MiddlewareHandler => {
  const limiter = makeLimiter(settings)
  return async function rateLimitMiddleware(c, next) {
    if (EXEMPT.has(c.req.path)) return next()
    c.set("rateLimiter", limiter)
    const exit = await runtime.runPromiseExit(limiter.charge("ip", clientAddress(c, settings.trustProxy)))
    if (exit._tag === "Failure" && exit.cause._tag === "Fail") return respondProblem(c, exit.cause.error)
    return next()
  }
}

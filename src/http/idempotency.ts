// `Idempotency-Key` on creating POSTs: the first response (status and body) is kept in Redis for
// 24 h under principal + key, and a repeat of the same request gets it back instead of running
// again. The same key with another request is a 422; while the first still runs, a repeat is a
// 409: an in-flight marker set with SET NX lets only one of concurrent duplicates execute.
import { Cause, Effect, Exit, Schema } from "effect"
import type { Context } from "hono"
import { createHash } from "node:crypto"
import { ActorClient } from "../runtime/actor-client.js"
import { RedisClient } from "../runtime/redis.js"
import { edgeKeys } from "./edge-keys.js"
import { HttpProblem, problemBody, toProblem } from "./problem.js"
import { requestBody } from "./request-body.js"

/** How long a response is kept for repeats. */
const KEEP_MS = 24 * 3600 * 1000
/** How long an in-flight marker outlives a crashed edge (longer than any request's asks). */
const IN_FLIGHT_MS = 60 * 1000
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/

const Stored = Schema.parseJson(
  Schema.Union(
    Schema.Struct({ state: Schema.Literal("running"), fingerprint: Schema.String }),
    Schema.Struct({ state: Schema.Literal("done"), fingerprint: Schema.String, status: Schema.Number, contentType: Schema.String, body: Schema.String })
  )
)
type Stored = typeof Stored.Type

/** Options of one idempotent route. */
export interface IdempotencyOptions {
  /** Rewrites a body before it is stored (e.g. drops a secret that must be shown only once). */
  readonly redact?: (body: string) => string
}

/** The request's identity: method, path and body, JSON canonicalised so key order and spacing do not matter. */
const fingerprintOf = (c: Context): string => {
  const text = requestBody(c)
  let canonical = text
  try {
    canonical = JSON.stringify(JSON.parse(text), (_key, value: unknown) =>
      value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : value
    )
  } catch {
    // Not JSON: the raw text is the identity (the handler answers it with a 400 anyway).
  }
  return createHash("sha256").update(`${c.req.method} ${c.req.path}\n${canonical}`).digest("hex")
}

const replay = (stored: Extract<Stored, { state: "done" }>) =>
  new Response(stored.body, { status: stored.status, headers: { "Content-Type": stored.contentType, "Idempotent-Replayed": "true" } })

const reused = new HttpProblem({ status: 422, title: "Idempotency-Key reused", detail: "this Idempotency-Key was used for a different request" })
const inFlight = new HttpProblem({ status: 409, title: "Request in progress", detail: "a request with this Idempotency-Key is still running; retry shortly", headers: { "Retry-After": "1" } })

/** Statuses worth keeping: 5xx and 429 say nothing happened yet, so a repeat may run again. */
const keeps = (status: number) => status < 500 && status !== 429

/**
 * Runs `handler` at most once per `principal` and Idempotency-Key header (without the header, it
 * just runs). A repeat answers the stored response, marked `Idempotent-Replayed: true`.
 */
export const idempotent = <E, R>(c: Context, principal: string, handler: Effect.Effect<Response, E, R>, options: IdempotencyOptions = {}) =>
  Effect.gen(function* () {
    const header = c.req.header("Idempotency-Key")
    if (header === undefined) return yield* handler
    if (!KEY_PATTERN.test(header)) {
      return yield* new HttpProblem({ status: 400, title: "Invalid request", errors: [{ path: "Idempotency-Key", message: "must be 1-255 visible ASCII characters" }] })
    }
    const redis = yield* RedisClient
    const key = edgeKeys.idempotency((yield* ActorClient).keys.prefix, principal, header)
    const fingerprint = fingerprintOf(c)
    const running = JSON.stringify({ state: "running", fingerprint })
    const claimed = yield* redis.call("idempotency: claim", (r) => r.set(key, running, "PX", IN_FLIGHT_MS, "NX"))
    if (claimed === null) {
      const raw = yield* redis.call("idempotency: read", (r) => r.get(key))
      // Gone between the two calls (the first attempt failed and let go): the client may retry.
      if (raw === null) return yield* inFlight
      const stored = yield* Effect.orDie(Schema.decode(Stored)(raw))
      if (stored.fingerprint !== fingerprint) return yield* reused
      if (stored.state === "running") return yield* inFlight
      return replay(stored)
    }
    const exit = yield* Effect.exit(handler)
    const outcome = Exit.isSuccess(exit)
      ? { status: exit.value.status, contentType: exit.value.headers.get("Content-Type") ?? "application/json", body: yield* Effect.promise(() => exit.value.clone().text()) }
      : Cause.failureOption(exit.cause).pipe((failure) => {
          if (failure._tag === "None") return undefined
          const problem = toProblem(failure.value)
          return { status: problem.status as number, contentType: "application/problem+json", body: problemBody(problem) }
        })
    if (outcome !== undefined && keeps(outcome.status)) {
      const done = JSON.stringify({ state: "done", fingerprint, ...outcome, body: options.redact ? options.redact(outcome.body) : outcome.body })
      // The handler's work is done: a failed store must not turn its answer into an error (the
      // marker then expires and a repeat runs again, as without a key).
      yield* redis.call("idempotency: store", (r) => r.set(key, done, "PX", KEEP_MS)).pipe(Effect.catchAll((e) => Effect.logWarning("idempotency: response not stored", e)))
    } else {
      yield* redis.call("idempotency: release", (r) => r.del(key)).pipe(Effect.ignore)
    }
    return yield* exit
  })

// API keys for bots: a user creates keys (the secret is shown once, only its hash is kept), lists
// and revokes them. A key is sent as `Authorization: Bearer <key>` or `X-API-Key` and acts as its user.
import { Effect, Option, Schema } from "effect"
import { Hono, type Context } from "hono"
import { createApiKey, listApiKeys, revokeApiKey, type ApiKey } from "../../storage/repos/api-keys.js"
import type { RouteDoc } from "../api-docs.js"
import { mintApiKey } from "../auth/api-key-secret.js"
import { authenticateRequest, requireRole } from "../auth/tokens.js"
import { jsonBody } from "../decode.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import { idempotent } from "../idempotency.js"
import { HttpProblem } from "../problem.js"
import { requestBody } from "../request-body.js"
import { runHandler } from "../run.js"

/** `POST /auth/api-keys`: an optional label to tell keys apart. */
export const ApiKeyRequest = Schema.Struct({ label: Schema.optional(Schema.String.pipe(Schema.maxLength(100))) })

/** Operations of this sub-app, for the OpenAPI document. */
export const apiKeyDocs: ReadonlyArray<RouteDoc> = [
  { method: "post", path: "/auth/api-keys", tag: "auth", summary: "Create an API key (the secret is shown once; idempotent with Idempotency-Key)", auth: "user", body: ApiKeyRequest, responses: { 201: "{ keyId, secret, prefix, label, createdAt }", 400: "invalid body", 401: "no token" } },
  { method: "get", path: "/auth/api-keys", tag: "auth", summary: "Your API keys (never their secrets)", auth: "user", responses: { 200: "keys, newest first", 401: "no token" } },
  { method: "delete", path: "/auth/api-keys/:id", tag: "auth", summary: "Revoke one of your API keys", auth: "user", responses: { 200: "the key, revoked", 401: "no token", 404: "no such key of yours" } }
]

const present = (key: ApiKey) => ({
  keyId: key.keyId,
  prefix: key.prefix,
  label: key.label,
  createdAt: key.createdAt.toISOString(),
  lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
  revokedAt: key.revokedAt?.toISOString() ?? null
})

const withoutSecret = (body: string) => {
  const parsed = JSON.parse(body) as Record<string, unknown>
  return JSON.stringify("secret" in parsed ? { ...parsed, secret: null } : parsed)
}

const user = (c: Context) => Effect.flatMap(authenticateRequest(c), (p) => requireRole(p, "user"))

/** The body, where an empty one means `{}` (a client may POST nothing). */
const optionalBody = (c: Context) =>
  requestBody(c).trim() === "" ? Effect.succeed<typeof ApiKeyRequest.Type>({}) : Effect.flatMap(jsonBody(c), Schema.decodeUnknown(ApiKeyRequest, { errors: "all", onExcessProperty: "error" }))

/** `/auth/api-keys`. */
export const apiKeyRoutes = (runtime: EdgeRuntime) =>
  new Hono()
    .post("/auth/api-keys", (c) =>
      runHandler(
        runtime,
        c,
        Effect.flatMap(user(c), (principal) =>
          idempotent(
            c,
            principal.userId,
            Effect.gen(function* () {
              const body = yield* optionalBody(c)
              const minted = mintApiKey()
              const key = yield* createApiKey({ keyId: minted.keyId, userId: principal.userId, prefix: minted.prefix, label: body.label ?? "", keyHash: minted.keyHash })
              const { lastUsedAt: _used, revokedAt: _revoked, ...shown } = present(key)
              return c.json({ ...shown, secret: minted.secret }, 201)
            }),
            // The secret is shown once and never stored: a repeat names the key it created, with
            // `secret: null` (revoke it and create another if the first answer was lost).
            { redact: withoutSecret }
          )
        )
      )
    )
    .get("/auth/api-keys", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const principal = yield* user(c)
          return c.json((yield* listApiKeys(principal.userId)).map(present))
        })
      )
    )
    .delete("/auth/api-keys/:id", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const principal = yield* user(c)
          const revoked = yield* revokeApiKey(principal.userId, c.req.param("id"))
          if (Option.isNone(revoked)) return yield* new HttpProblem({ status: 404, title: "Not found", detail: `you have no API key ${c.req.param("id")}` })
          return c.json(present(revoked.value))
        })
      )
    )

// JWTs (HS256, via jose) for users, API keys for bots, and the bootstrap tokens for operators and
// ML services.
import { Effect, Option } from "effect"
import type { Context } from "hono"
import { jwtVerify, SignJWT } from "jose"
import { timingSafeEqual } from "node:crypto"
import { findLiveApiKey } from "../../storage/repos/api-keys.js"
import { HttpProblem } from "../problem.js"
import { API_KEY_PREFIX, hashApiKey } from "./api-key-secret.js"
import { AuthConfig, type Principal, type Role } from "./principal.js"

const ISSUER = "viralfx"
const ROLES: ReadonlyArray<Role> = ["user", "operator", "ml-service"]

/** Signs a token for a principal. */
export const issueToken = (principal: Principal) =>
  Effect.flatMap(AuthConfig, (auth) =>
    Effect.promise(() =>
      new SignJWT({ role: principal.role })
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(principal.userId)
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime(`${auth.tokenTtlSeconds}s`)
        .sign(auth.jwtSecret)
    )
  )

/**
 * JWTs already verified, by their text, per secret (an edge has one; tests run several): checking
 * an HS256 signature through WebCrypto cost the edge more CPU than the order it carried. The same
 * text carries the same signature, so a hit is as good as a check until the token's `exp`, which
 * is compared on every hit. Bounded, oldest first out.
 */
const verifiedBySecret = new WeakMap<Uint8Array, Map<string, Principal>>()
const VERIFIED_TOKENS = 10_000

const verifiedTokens = (secret: Uint8Array) => {
  let cache = verifiedBySecret.get(secret)
  if (cache === undefined) verifiedBySecret.set(secret, (cache = new Map()))
  return cache
}

const remember = (cache: Map<string, Principal>, token: string, principal: Principal) => {
  if (cache.size >= VERIFIED_TOKENS) cache.delete(cache.keys().next().value!)
  cache.set(token, principal)
}

const unauthorized = (detail: string) =>
  new HttpProblem({ status: 401, title: "Unauthorized", detail, headers: { "WWW-Authenticate": 'Bearer realm="viralfx"' } })

const sameSecret = (given: string, expected: string | undefined) =>
  expected !== undefined && expected.length > 0 && given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))

/** The user of a live API key (acting with the role user), or a 401: unknown and revoked keys alike. */
const apiKeyPrincipal = (secret: string) =>
  Effect.gen(function* () {
    const key = yield* findLiveApiKey(hashApiKey(secret))
    if (Option.isNone(key)) return yield* unauthorized("the API key is unknown or revoked")
    return { userId: key.value.userId, role: "user" } satisfies Principal
  })

/**
 * The principal of an `Authorization: Bearer` header (a JWT, an API key or a bootstrap token) or,
 * without one, of an `X-API-Key` header; else a 401.
 */
export const authenticate = (header: string | undefined, apiKey?: string) =>
  Effect.gen(function* () {
    const auth = yield* AuthConfig
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1]
    if (token === undefined && header === undefined && apiKey !== undefined) return yield* apiKeyPrincipal(apiKey.trim())
    if (token === undefined) return yield* unauthorized("send Authorization: Bearer <token> or X-API-Key: <key>")
    if (sameSecret(token, auth.adminToken)) return { userId: "operator", role: "operator" } satisfies Principal
    if (sameSecret(token, auth.signalToken)) return { userId: "ml-service", role: "ml-service" } satisfies Principal
    if (token.startsWith(API_KEY_PREFIX)) return yield* apiKeyPrincipal(token)
    const cache = verifiedTokens(auth.jwtSecret)
    const known = cache.get(token)
    if (known !== undefined) {
      if (known.expiresAt === undefined || known.expiresAt > Date.now()) return known
      cache.delete(token)
    }
    const verified = yield* Effect.tryPromise({
      try: () => jwtVerify(token, auth.jwtSecret, { issuer: ISSUER, algorithms: ["HS256"] }),
      catch: () => unauthorized("the token is invalid or expired")
    })
    const role = verified.payload["role"]
    if (typeof verified.payload.sub !== "string" || !ROLES.includes(role as Role)) return yield* unauthorized("the token is invalid")
    const exp = verified.payload.exp
    const principal: Principal = { userId: verified.payload.sub, role: role as Role, ...(typeof exp === "number" ? { expiresAt: exp * 1000 } : {}) }
    remember(cache, token, principal)
    return principal
  })

/**
 * The principal of a request, from its Authorization or X-API-Key header; a user's request is
 * charged to their rate-limit window (a 429 past it).
 */
export const authenticateRequest = (c: Context) =>
  Effect.tap(authenticate(c.req.header("Authorization"), c.req.header("X-API-Key")), (principal) => {
    const limiter = c.get("rateLimiter")
    return limiter !== undefined && principal.role === "user" ? limiter.charge("user", principal.userId) : Effect.void
  })

/** Fails with 403 unless the principal has one of `roles`. */
export const requireRole = (principal: Principal, ...roles: ReadonlyArray<Role>) =>
  roles.includes(principal.role)
    ? Effect.succeed(principal)
    : Effect.fail(new HttpProblem({ status: 403, title: "Forbidden", detail: `this route needs the role ${roles.join(" or ")}` }))

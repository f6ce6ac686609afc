// JWT checks at the edge: a token verified once is taken from memory, never past its expiry and
// never by an edge holding another secret.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { afterEach, vi } from "vitest"
import { AuthConfig, type AuthSettings } from "../../src/http/auth/principal.js"
import { authenticate, issueToken } from "../../src/http/auth/tokens.js"
import type { HttpProblem } from "../../src/http/problem.js"
import { Sql } from "../../src/storage/sql.js"

const settings = (secret: string): AuthSettings => ({
  jwtSecret: new TextEncoder().encode(secret),
  tokenTtlSeconds: 60,
  adminToken: undefined,
  signalToken: undefined
})

// A JWT is checked without the database (only API keys are looked up there).
const noDatabase = new Proxy({}, { get: () => { throw new Error("a JWT check used the database") } }) as Sql["Type"]

const check = (auth: AuthSettings, token: string) =>
  Effect.either(authenticate(`Bearer ${token}`)).pipe(Effect.provideService(AuthConfig, auth), Effect.provideService(Sql, noDatabase))

const refused = (outcome: Either.Either<unknown, { readonly _tag: string }>) =>
  Either.isLeft(outcome) && outcome.left._tag === "HttpProblem" && (outcome.left as HttpProblem).status === 401

afterEach(() => {
  vi.useRealTimers()
})

describe("tokens", () => {
  it.effect("a token accepted before is accepted again until its expiry, then refused with 401", () =>
    Effect.gen(function* () {
      vi.useFakeTimers({ toFake: ["Date"] })
      vi.setSystemTime(Date.UTC(2026, 0, 1, 12, 0, 0))
      const auth = settings("secret-a")
      const token = yield* issueToken({ userId: "u_1", role: "user" }).pipe(Effect.provideService(AuthConfig, auth))
      const first = yield* check(auth, token)
      assert.isTrue(Either.isRight(first) && first.right.userId === "u_1")
      vi.setSystemTime(Date.UTC(2026, 0, 1, 12, 0, 59))
      assert.isTrue(Either.isRight(yield* check(auth, token)))
      vi.setSystemTime(Date.UTC(2026, 0, 1, 12, 1, 1))
      assert.isTrue(refused(yield* check(auth, token)))
    }))

  it.effect("a token accepted under one secret is refused by an edge with another", () =>
    Effect.gen(function* () {
      const a = settings("secret-a")
      const token = yield* issueToken({ userId: "u_2", role: "user" }).pipe(Effect.provideService(AuthConfig, a))
      assert.isTrue(Either.isRight(yield* check(a, token)))
      assert.isTrue(refused(yield* check(settings("secret-b"), token)))
    }))
})

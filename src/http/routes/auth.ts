// Accounts: register and log in with email and password; answers carry a JWT for
// `Authorization: Bearer`.
import { Effect, Option, Schema } from "effect"
import { Hono } from "hono"
import { randomUUID } from "node:crypto"
import { createUser, findUserByEmail } from "../../storage/repos/users.js"
import type { RouteDoc } from "../api-docs.js"
import { hashPassword, verifyPassword } from "../auth/passwords.js"
import { issueToken } from "../auth/tokens.js"
import { decodeBody } from "../decode.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import { HttpProblem } from "../problem.js"
import { runHandler } from "../run.js"

/** Email and password, as both routes take them. */
export const Credentials = Schema.Struct({
  email: Schema.String.pipe(
    Schema.trimmed(),
    Schema.maxLength(254),
    Schema.pattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "must be an email address" })
  ),
  password: Schema.String.pipe(
    Schema.minLength(8, { message: () => "must be at least 8 characters" }),
    Schema.maxLength(200, { message: () => "must be at most 200 characters" })
  )
})

/** Operations of this sub-app, for the OpenAPI document. */
export const authDocs: ReadonlyArray<RouteDoc> = [
  { method: "post", path: "/auth/register", tag: "auth", summary: "Create an account", body: Credentials, responses: { 201: "{ userId, token }", 400: "invalid email or password", 409: "email already registered" } },
  { method: "post", path: "/auth/login", tag: "auth", summary: "Log in", body: Credentials, responses: { 200: "{ token }", 400: "invalid body", 401: "wrong email or password" } }
]

const wrongCredentials = new HttpProblem({ status: 401, title: "Unauthorized", detail: "wrong email or password" })

/** `/auth/register`, `/auth/login`. */
export const authRoutes = (runtime: EdgeRuntime) =>
  new Hono()
    .post("/auth/register", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const { email, password } = yield* decodeBody(c, Credentials)
          const passwordHash = yield* Effect.promise(() => hashPassword(password))
          const user = yield* createUser({ id: `u_${randomUUID().replaceAll("-", "").slice(0, 20)}`, email, passwordHash, role: "trader" })
          const token = yield* issueToken({ userId: user.id, role: "user" })
          return c.json({ userId: user.id, token }, 201)
        })
      )
    )
    .post("/auth/login", (c) =>
      runHandler(
        runtime,
        c,
        Effect.gen(function* () {
          const { email, password } = yield* decodeBody(c, Credentials)
          const user = yield* findUserByEmail(email)
          // Same work whether or not the email exists, so timing does not reveal accounts.
          const stored = Option.match(user, { onNone: () => "scrypt$16384$AAAA$AAAA", onSome: (u) => u.passwordHash })
          const matches = yield* Effect.promise(() => verifyPassword(password, stored))
          if (Option.isNone(user) || !matches) return yield* wrongCredentials
          const role = user.value.role === "admin" ? "operator" : user.value.role === "service" ? "ml-service" : "user"
          const token = yield* issueToken({ userId: user.value.id, role })
          return c.json({ token })
        })
      )
    )

// Accounts: one per email whatever its case, found by email and by id.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { randomUUID } from "node:crypto"
import { createUser, EmailTaken, findUserByEmail, findUserById } from "../../src/storage/repos/users.js"
import { backends, migrated } from "../support/database.js"

const newUser = () => {
  const id = `u_${randomUUID()}`
  return { id, email: `${id}@Example.com`, passwordHash: "scrypt$abc", role: "trader" as const }
}

for (const backend of backends) {
  describe(backend.name, () => {
    it.layer(migrated(backend), { timeout: 60_000 })("users", (it) => {
      it.effect("a created user is found by email in any case and by id", () =>
        Effect.gen(function* () {
          const user = yield* createUser(newUser())
          assert.deepStrictEqual(yield* findUserByEmail(user.email.toUpperCase()), Option.some(user))
          assert.deepStrictEqual(yield* findUserById(user.id), Option.some(user))
        }))

      it.effect("registering an email that exists in another case fails with EmailTaken", () =>
        Effect.gen(function* () {
          const first = newUser()
          yield* createUser(first)
          const error = yield* Effect.flip(createUser({ ...newUser(), email: first.email.toLowerCase() }))
          assert.instanceOf(error, EmailTaken)
        }))

      it.effect("an unknown email finds no user", () =>
        Effect.gen(function* () {
          assert.isTrue(Option.isNone(yield* findUserByEmail("nobody@example.com")))
        }))
    })
  })
}

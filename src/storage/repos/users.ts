// Accounts: created once per email (case-insensitive), found by email at login and by id.
import { Data, Effect, Option, Schema } from "effect"
import { Sql } from "../sql.js"

/** A stored account. */
export const User = Schema.Struct({
  id: Schema.String,
  email: Schema.String,
  passwordHash: Schema.String,
  role: Schema.Literal("trader", "admin", "service"),
  createdAt: Schema.DateFromSelf
})
export type User = typeof User.Type

/** Registration with an email that already has an account. */
export class EmailTaken extends Data.TaggedError("EmailTaken")<{ readonly email: string }> {
  override get message() {
    return `an account with email ${this.email} already exists`
  }
}

const decodeUsers = Schema.decodeUnknown(Schema.Array(User))

/** Creates an account; fails with `EmailTaken` when the email (in any case) is registered. */
export const createUser = Effect.fn("Users.create")(function* (user: Omit<User, "createdAt">) {
  const sql = yield* Sql
  const rows = yield* sql
    .run(
      "users: create",
      (q) => q`
        insert into users (id, email, password_hash, role)
        values (${user.id}, ${user.email}, ${user.passwordHash}, ${user.role})
        returning *`
    )
    .pipe(
      Effect.catchIf(
        (error) => error.code === "23505" && error.constraint === "users_email_key",
        () => Effect.fail(new EmailTaken({ email: user.email }))
      )
    )
  const [created] = yield* Effect.orDie(decodeUsers(rows))
  return created!
})

/** The account with this email, in any case. */
export const findUserByEmail = Effect.fn("Users.findByEmail")(function* (email: string) {
  const sql = yield* Sql
  const rows = yield* sql.run("users: find by email", (q) => q`select * from users where lower(email) = lower(${email})`)
  return Option.fromNullable((yield* Effect.orDie(decodeUsers(rows)))[0])
})

/** The account with this id. */
export const findUserById = Effect.fn("Users.findById")(function* (id: string) {
  const sql = yield* Sql
  const rows = yield* sql.run("users: find by id", (q) => q`select * from users where id = ${id}`)
  return Option.fromNullable((yield* Effect.orDie(decodeUsers(rows)))[0])
})

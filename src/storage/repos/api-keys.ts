// API keys for bots (table api_keys, migration 0001): only a hash of each secret is stored; a key
// is found by that hash while it is not revoked, and listed and revoked by its owner.
import { Effect, Option, Schema } from "effect"
import { Sql } from "../sql.js"

/** A stored key, without its hash. */
export const ApiKey = Schema.Struct({
  keyId: Schema.String,
  userId: Schema.String,
  prefix: Schema.String,
  label: Schema.String,
  createdAt: Schema.DateFromSelf,
  lastUsedAt: Schema.NullOr(Schema.DateFromSelf),
  revokedAt: Schema.NullOr(Schema.DateFromSelf)
})
export type ApiKey = typeof ApiKey.Type

const decodeKeys = Schema.decodeUnknown(Schema.Array(ApiKey))
const columns = "key_id, user_id, prefix, label, created_at, last_used_at, revoked_at"

/** Stores a new key by the hash of its secret. */
export const createApiKey = Effect.fn("ApiKeys.create")(function* (key: { keyId: string; userId: string; prefix: string; label: string; keyHash: string }) {
  const sql = yield* Sql
  const rows = yield* sql.run(
    "api keys: create",
    (q) => q`
      insert into api_keys (key_id, user_id, prefix, key_hash, label)
      values (${key.keyId}, ${key.userId}, ${key.prefix}, ${key.keyHash}, ${key.label})
      returning ${q.unsafe(columns)}`
  )
  const [created] = yield* Effect.orDie(decodeKeys(rows))
  return created!
})

/** The live (not revoked) key whose secret has this hash. */
export const findLiveApiKey = Effect.fn("ApiKeys.findLive")(function* (keyHash: string) {
  const sql = yield* Sql
  const rows = yield* sql.run("api keys: find by hash", (q) => q`select ${q.unsafe(columns)} from api_keys where key_hash = ${keyHash} and revoked_at is null`)
  return Option.fromNullable((yield* Effect.orDie(decodeKeys(rows)))[0])
})

/** A user's keys, newest first, revoked ones included. */
export const listApiKeys = Effect.fn("ApiKeys.list")(function* (userId: string) {
  const sql = yield* Sql
  const rows = yield* sql.run("api keys: list", (q) => q`select ${q.unsafe(columns)} from api_keys where user_id = ${userId} order by created_at desc, key_id`)
  return yield* Effect.orDie(decodeKeys(rows))
})

/** Revokes one of the user's keys; None when the user has no such key. Revoking twice keeps the first time. */
export const revokeApiKey = Effect.fn("ApiKeys.revoke")(function* (userId: string, keyId: string) {
  const sql = yield* Sql
  const rows = yield* sql.run(
    "api keys: revoke",
    (q) => q`
      update api_keys set revoked_at = coalesce(revoked_at, now())
      where key_id = ${keyId} and user_id = ${userId}
      returning ${q.unsafe(columns)}`
  )
  return Option.fromNullable((yield* Effect.orDie(decodeKeys(rows)))[0])
})

// Reading and replaying dead letters. A replayed message goes back to its actor under a new
// envelope id that keeps the original id as its idempotency key (DESIGN §2), so an effectful
// actor that already did the work can recognise it.
import { Effect, Either, Schema } from "effect"
import type { Client } from "./actor-client.js"
import type { DeadLetter } from "./commit-batch.js"
import { Envelope } from "./envelope.js"
import type { Keys } from "./keys.js"
import type { RedisConnections } from "./redis.js"

/** A dead letter with where it is stored. */
export interface StoredDeadLetter extends DeadLetter {
  readonly shard: number
  /** Its ID in the shard's dead-letter stream. */
  readonly id: string
}

/** Why a dead letter could not be replayed. */
export class DeadLetterNotReplayable extends Schema.TaggedError<DeadLetterNotReplayable>()("DeadLetterNotReplayable", {
  shard: Schema.Number,
  id: Schema.String,
  reason: Schema.String
}) {}

/** Lists up to `count` dead letters of a shard, oldest first. */
export const listDeadLetters = (redis: RedisConnections, keys: Keys, shard: number, count = 100) =>
  Effect.map(
    redis.call("XRANGE dead letters", (r) => r.xrange(keys.shard(shard).deadLetters, "-", "+", "COUNT", count)),
    (entries): Array<StoredDeadLetter> =>
      entries.map(([id, fields]) => ({ ...(JSON.parse(fields[1] ?? "{}") as DeadLetter), shard, id }))
  )

/** Counts dead letters per shard. */
export const countDeadLetters = (redis: RedisConnections, keys: Keys) =>
  Effect.forEach(Array.from({ length: keys.shardCount }, (_, s) => s), (shard) =>
    redis.call("XLEN dead letters", (r) => r.xlen(keys.shard(shard).deadLetters))
  )

/** Sends a dead letter to its actor again, then removes it from the dead-letter stream. */
export const replayDeadLetter = (redis: RedisConnections, keys: Keys, client: Client, shard: number, id: string) =>
  Effect.gen(function* () {
    const entries = yield* redis.call("XRANGE dead letter", (r) => r.xrange(keys.shard(shard).deadLetters, id, id))
    const fields = entries[0]?.[1]
    if (fields === undefined) return yield* new DeadLetterNotReplayable({ shard, id, reason: "no such dead letter" })
    const letter = JSON.parse(fields[1] ?? "{}") as DeadLetter
    const envelope = Schema.decodeUnknownEither(Envelope)(letter.envelope)
    if (Either.isLeft(envelope)) {
      return yield* new DeadLetterNotReplayable({ shard, id, reason: `its envelope is malformed (${letter.reason}); it can only be deleted` })
    }
    const messageId = yield* client.resend(envelope.right, envelope.right.x ?? envelope.right.i)
    yield* redis.call("XDEL dead letter", (r) => r.xdel(keys.shard(shard).deadLetters, id))
    return messageId
  })

// Runs the effectful actors' jobs of one owned shard (DESIGN §2 "Effectful actors"): I/O off the
// processing fiber, only while the lease deadline holds, at least once, idempotent by message
// id; retried after the configured delays through the jobs set, then dead-lettered.
import { Cause, Effect, Either, ParseResult, Schema } from "effect"
import type { Tagged } from "./actor.js"
import { makeAddress, InvalidAddress } from "./address.js"
import { DEAD_LETTER_CAP, ShardLost } from "./commit.js"
import type { DeadLetter } from "./commit-batch.js"
import { entryTime } from "./envelope.js"
import type { OwnedShard } from "./owned-shard.js"
import type { StoredJob } from "./shard-actors.js"

const CLAIM_LIMIT = 64
const CONCURRENCY = 16

type Outcome = { readonly _tag: "done" } | { readonly _tag: "failed"; readonly reason: string }

const runOne = (owned: OwnedShard, job: StoredJob): Effect.Effect<Outcome> => {
  const address = makeAddress(job.e.k, job.e.a)
  const kind = address instanceof InvalidAddress ? undefined : owned.registry.get(address.kind)
  if (address instanceof InvalidAddress || kind === undefined || kind.mode._tag !== "effectful") {
    return Effect.succeed({ _tag: "failed", reason: `no effectful behaviour for ${job.e.k}` })
  }
  const decoded = Schema.decodeUnknownEither(kind.protocol)(job.e.b)
  if (Either.isLeft(decoded)) {
    return Effect.succeed({ _tag: "failed", reason: `undecodable: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}` })
  }
  const ctx = { address, messageId: job.e.i, idempotencyKey: job.e.x ?? job.e.i, attempt: job.n, shard: owned.shard, epoch: owned.lease.epoch }
  return kind.mode.run(decoded.right as Tagged, ctx).pipe(
    Effect.as<Outcome>({ _tag: "done" }),
    Effect.catchAllCause((cause) => Effect.succeed<Outcome>({ _tag: "failed", reason: Cause.pretty(cause).split("\n")[0]! }))
  )
}

/** Records the attempt's outcome: done, a retry after the next delay, or a dead letter. */
const finish = (owned: OwnedShard, member: string, job: StoredJob, outcome: Outcome) => {
  const { keys, lease, settings } = owned
  const delays = settings.retryDelaysMs
  let args: Array<string | number>
  if (outcome._tag === "done") args = [lease.epoch, member, "done", "", 0, DEAD_LETTER_CAP]
  else if (job.n <= delays.length) {
    const next: StoredJob = { ...job, n: job.n + 1 }
    args = [lease.epoch, member, "retry", JSON.stringify(next), delays[job.n - 1]!, DEAD_LETTER_CAP]
  } else {
    const letter: DeadLetter = { reason: `failed after ${job.n} attempts: ${outcome.reason}`, entryId: job.entryId, envelope: job.e, at: entryTime(job.entryId), attempts: job.n }
    args = [lease.epoch, member, "dead", JSON.stringify(letter), 0, DEAD_LETTER_CAP]
  }
  return owned.redis.script("finish-job-3", [keys.epoch, keys.jobs, keys.deadLetters], args)
}

/** Runs the job worker until the shard is lost or stopped. */
export const runJobWorker = (owned: OwnedShard) =>
  Effect.gen(function* () {
    const { keys, lease, settings } = owned
    while (!owned.stopping) {
      const reply = (yield* owned.redis.script("claim-jobs-2", [keys.epoch, keys.jobs], [lease.epoch, CLAIM_LIMIT, settings.jobVisibilityMs])) as Array<unknown>
      if (reply[0] === 0) return yield* new ShardLost({ shard: owned.shard, reason: "fenced" })
      const nextMs = Number(reply[1])
      const members = reply.slice(2) as Array<string>
      yield* Effect.forEach(
        members,
        (member) =>
          Effect.gen(function* () {
            // I/O only while the lease holds; a job not run now comes due again after its visibility timeout.
            if (owned.remaining() <= 0) return
            const job = JSON.parse(member) as StoredJob
            const outcome = yield* runOne(owned, job)
            yield* finish(owned, member, job, outcome)
          }),
        { concurrency: CONCURRENCY, discard: true }
      )
      if (members.length === CLAIM_LIMIT) continue
      yield* owned.wake.jobs.wait(nextMs === -1 ? 1000 : Math.min(1000, nextMs))
    }
  })

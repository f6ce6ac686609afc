// Ends the attempts of a worker round's effectful jobs in one fenced script call
// (finish-jobs-4.lua) instead of one call per job: each is done, retried after its next delay, or
// dead-lettered after its last attempt (DESIGN §2 "Effectful actors").
import { Effect } from "effect"
import { DEAD_LETTER_CAP } from "./commit.js"
import type { DeadLetter } from "./commit-batch.js"
import { entryTime } from "./envelope.js"
import type { RedisError } from "./errors.js"
import type { ShardKeys } from "./keys.js"
import type { RedisConnections } from "./redis.js"
import type { StoredJob } from "./shard-actors.js"

/** How one attempt ended. A permanent failure (an undecodable message) is dead-lettered at once. */
export type JobOutcome =
  | { readonly _tag: "done" }
  | { readonly _tag: "failed"; readonly reason: string; readonly permanent?: boolean }

/** A claimed job (its id in the jobs set; its stored form unless its data was gone) and how its attempt ended. */
export interface FinishedJob {
  readonly id: string
  readonly job?: StoredJob
  readonly outcome: JobOutcome
}

/** The script's four arguments for one job. */
const argsOf = (retryDelaysMs: ReadonlyArray<number>, { id, job, outcome }: FinishedJob): Array<string | number> => {
  if (outcome._tag === "done" || job === undefined) return [id, "done", "", 0]
  if (outcome.permanent !== true && job.n <= retryDelaysMs.length) {
    const next: StoredJob = { ...job, n: job.n + 1 }
    return [id, "retry", JSON.stringify(next), retryDelaysMs[job.n - 1]!]
  }
  const reason = outcome.permanent === true ? outcome.reason : `failed after ${job.n} attempts: ${outcome.reason}`
  const letter: DeadLetter = { reason, entryId: job.entryId, envelope: job.e, at: entryTime(job.entryId), attempts: job.n }
  return [id, "dead", JSON.stringify(letter), 0]
}

/**
 * Records the outcomes of `finished` in one call, only while `epoch` is the shard's epoch: a
 * fenced-out worker changes nothing (its jobs come due again for the new owner after their
 * visibility timeout). A job no longer in the set (ended by someone else) is skipped.
 */
export const finishJobs = (
  redis: RedisConnections,
  keys: ShardKeys,
  epoch: number,
  retryDelaysMs: ReadonlyArray<number>,
  finished: ReadonlyArray<FinishedJob>
): Effect.Effect<"finished" | "fenced", RedisError> => {
  if (finished.length === 0) return Effect.succeed("finished")
  const args: Array<string | number> = [epoch, DEAD_LETTER_CAP]
  for (const f of finished) args.push(...argsOf(retryDelaysMs, f))
  return Effect.map(redis.script("finish-jobs-4", [keys.epoch, keys.jobs, keys.jobData, keys.deadLetters], args), (ended) =>
    Number(ended) === -1 ? "fenced" : "finished"
  )
}

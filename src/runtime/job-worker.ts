// Runs the effectful actors' jobs of one owned shard (DESIGN §2 "Effectful actors"): I/O off the
// processing fiber, only while the lease deadline holds, at least once, idempotent by message
// id; retried after the configured delays through the jobs set, then dead-lettered. A round
// claims up to CLAIM_LIMIT jobs in one call, runs them (a kind's jobs as one batch when the kind
// has a batch handler), and ends them all in one call.
import { Cause, Effect, Either, Exit, ParseResult } from "effect"
import type { EffectContext, Tagged } from "./actor.js"
import { makeAddress, InvalidAddress } from "./address.js"
import { ShardLost } from "./commit.js"
import { finishJobs, type FinishedJob, type JobOutcome } from "./job-finish.js"
import { messageDecoder } from "./message-codec.js"
import type { OwnedShard } from "./owned-shard.js"
import type { EffectfulMode } from "./registry.js"
import { yieldToEventLoop } from "./replay.js"
import type { StoredJob } from "./shard-actors.js"

const CLAIM_LIMIT = 64
const CONCURRENCY = 16
/** Decoding yields to the event loop this often (DESIGN §2: at least every 50 ms; lease renewals wait behind it). */
const DECODE_SLICE_MS = 20

/** A claimed job ready to run: its decoded message and delivery. */
interface ReadyJob {
  readonly id: string
  readonly job: StoredJob
  readonly mode: EffectfulMode
  readonly message: Tagged
  readonly ctx: EffectContext
}

const done: JobOutcome = { _tag: "done" }

/** Parses and decodes a claimed job; answers the job ready to run, or how it already ended. */
const prepare = (owned: OwnedShard, id: string, json: string): ReadyJob | FinishedJob => {
  const job = JSON.parse(json) as StoredJob
  const address = makeAddress(job.e.k, job.e.a)
  const kind = address instanceof InvalidAddress ? undefined : owned.registry.get(address.kind)
  if (address instanceof InvalidAddress || kind === undefined || kind.mode._tag !== "effectful") {
    // Another version of the behaviours may run it: retried as a failure, as before.
    return { id, job, outcome: { _tag: "failed", reason: `no effectful behaviour for ${job.e.k}` } }
  }
  const decoded = messageDecoder(kind.protocol)(job.e.b)
  if (Either.isLeft(decoded)) {
    // Decoding is deterministic: retrying cannot help, so it is dead-lettered at once.
    const reason = `undecodable: ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`
    return { id, job, outcome: { _tag: "failed", reason, permanent: true } }
  }
  const ctx: EffectContext = { address, messageId: job.e.i, idempotencyKey: job.e.x ?? job.e.i, attempt: job.n, shard: owned.shard, epoch: owned.lease.epoch }
  return { id, job, mode: kind.mode, message: decoded.right, ctx }
}

const failedOf = (cause: Cause.Cause<unknown>): JobOutcome => ({ _tag: "failed", reason: Cause.pretty(cause).split("\n")[0]! })

/** Runs one job through its handler; nothing when the lease deadline has passed (it comes due again). */
const runAlone = (owned: OwnedShard, ready: ReadyJob): Effect.Effect<FinishedJob | undefined> =>
  Effect.suspend(() => {
    if (owned.remaining() <= 0) return Effect.succeed(undefined)
    return Effect.map(Effect.exit(ready.mode.run(ready.message, ready.ctx)), (exit) => ({
      id: ready.id,
      job: ready.job,
      outcome: Exit.isSuccess(exit) ? done : failedOf(exit.cause)
    }))
  })

/** Runs one kind's jobs of a round as one batch; if the batch fails, each job alone. */
const runBatch = (owned: OwnedShard, batch: NonNullable<EffectfulMode["runBatch"]>, jobs: ReadonlyArray<ReadyJob>) =>
  Effect.gen(function* () {
    if (owned.remaining() <= 0) return []
    const exit = yield* Effect.exit(batch(jobs))
    if (Exit.isSuccess(exit)) return jobs.map((j): FinishedJob => ({ id: j.id, job: j.job, outcome: done }))
    // One poison job must not fail its neighbours: each runs (and is retried) on its own.
    return yield* Effect.forEach(jobs, (j) => runAlone(owned, j), { concurrency: CONCURRENCY })
  })

/** A claimed job: its id and its JSON (null when its data is gone). */
type Claimed = readonly [id: string, json: string | null]

/** Runs a round's claimed jobs; answers the jobs that ran (or could not), to be ended together. */
const runRound = (owned: OwnedShard, claimed: ReadonlyArray<Claimed>) =>
  Effect.gen(function* () {
    const finished: Array<FinishedJob> = []
    const batches = new Map<EffectfulMode, Array<ReadyJob>>()
    const alone: Array<ReadyJob> = []
    let sliceStart = Date.now()
    for (const [id, json] of claimed) {
      // 64 merged messages of a busy exchange take 60-80 ms to parse and decode.
      if (Date.now() - sliceStart > DECODE_SLICE_MS) {
        yield* yieldToEventLoop
        sliceStart = Date.now()
      }
      // A member written before job data had its own hash is the job's JSON itself.
      const stored = json ?? (id.startsWith("{") ? id : null)
      if (stored === null) {
        finished.push({ id, outcome: done }) // no data: nothing to run
        continue
      }
      const prepared = prepare(owned, id, stored)
      if ("outcome" in prepared) finished.push(prepared)
      else if (prepared.mode.runBatch === undefined) alone.push(prepared)
      else {
        const group = batches.get(prepared.mode)
        if (group === undefined) batches.set(prepared.mode, [prepared])
        else group.push(prepared)
      }
    }
    const runs = [
      ...[...batches].map(([mode, jobs]) => (jobs.length === 1 ? Effect.map(runAlone(owned, jobs[0]!), (f) => [f]) : runBatch(owned, mode.runBatch!, jobs))),
      Effect.forEach(alone, (ready) => runAlone(owned, ready), { concurrency: CONCURRENCY })
    ]
    for (const results of yield* Effect.all(runs, { concurrency: "unbounded" })) {
      for (const f of results) if (f !== undefined) finished.push(f)
    }
    return finished
  })

/** Runs the job worker until the shard is lost or stopped. */
export const runJobWorker = (owned: OwnedShard) =>
  Effect.gen(function* () {
    const { keys, lease, settings } = owned
    while (!owned.stopping) {
      const reply = (yield* owned.redis.script("claim-jobs-3", [keys.epoch, keys.jobs, keys.jobData], [lease.epoch, CLAIM_LIMIT, settings.jobVisibilityMs])) as Array<unknown>
      if (reply[0] === 0) return yield* new ShardLost({ shard: owned.shard, reason: "fenced" })
      const nextMs = Number(reply[1])
      const claimed: Array<Claimed> = []
      for (let i = 2; i + 1 < reply.length; i += 2) claimed.push([reply[i] as string, (reply[i + 1] as string | null) ?? null])
      if (claimed.length > 0) {
        // Ended once the whole round ran: only this worker claims the shard's jobs (claims are
        // fenced), so none of them comes due again meanwhile unless the shard moves.
        const finished = yield* runRound(owned, claimed)
        const result = yield* finishJobs(owned.redis, keys, lease.epoch, settings.retryDelaysMs, finished)
        if (result === "fenced") return yield* new ShardLost({ shard: owned.shard, reason: "fenced" })
      }
      if (claimed.length === CLAIM_LIMIT) continue
      const signalled = yield* owned.wake.jobs.wait(nextMs === -1 ? 1000 : Math.min(1000, nextMs))
      // Woken by a commit: let the commits of the next moments add their jobs too, so one round
      // (a claim, one batch per kind, a finish) serves many. A round's fixed cost is about what
      // its jobs cost; without the wait a busy shard ran a round per commit.
      if (signalled && settings.jobLingerMs > 0) yield* Effect.sleep(settings.jobLingerMs)
    }
  })

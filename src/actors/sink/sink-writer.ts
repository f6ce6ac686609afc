// Group commit for the sinks of one node: messages that arrive while a write is in flight are
// merged into the next transaction (each shard's fence checked in it), so N concurrent jobs cost
// one round of fence + unnest inserts instead of N. A message completes only once its rows are
// committed; a stale shard or a bad message fails alone, never its neighbours.
import { Cause, Deferred, Effect, Exit, type Scope } from "effect"
import type { Fence, StaleEpoch } from "../../storage/repos/sink-epochs.js"
import type { SqlError } from "../../storage/sql.js"
import { Sql } from "../../storage/sql.js"
import { mergeRows, rowCount, type SinkRows, writeRows } from "./sink-rows.js"

/** Why a sink write failed: a newer owner of the shard has written (fenced out), or the database failed. */
export type SinkWriteError = StaleEpoch | SqlError

/** Submits rows and waits until they are committed. */
export interface SinkWriter {
  readonly submit: (fence: Fence, rows: SinkRows) => Effect.Effect<void, SinkWriteError>
}

/** Options of the writer. */
export interface SinkWriterOptions {
  /** Most rows merged into one transaction (a bigger backlog takes several). */
  readonly maxRows?: number
  /** Transactions in flight at once (they queue on shared fences' row locks, in shard order). */
  readonly concurrency?: number
}

interface Pending {
  readonly fence: Fence
  readonly rows: SinkRows
  readonly done: Deferred.Deferred<void, SinkWriteError>
}

// A deadlock or serialization failure is the database asking us to try again; anything else
// goes back to the runtime's retries (2 s, 4 s), then to the dead letters.
const transient = (error: SinkWriteError) => error._tag === "SqlError" && (error.code === "40P01" || error.code === "40001")

const staleOf = (exit: Exit.Exit<unknown, SinkWriteError>) => {
  if (Exit.isSuccess(exit)) return undefined
  const failure = Cause.failureOption(exit.cause)
  return failure._tag === "Some" && failure.value._tag === "StaleEpoch" ? failure.value : undefined
}

/** Makes a writer whose flush fibers live in the current scope. */
export const makeSinkWriter = (options: SinkWriterOptions = {}): Effect.Effect<SinkWriter, never, Sql | Scope.Scope> =>
  Effect.gen(function* () {
    const maxRows = options.maxRows ?? 10_000
    const concurrency = options.concurrency ?? 2
    const context = yield* Effect.context<Sql>()
    const scope = yield* Effect.scope
    const queue: Array<Pending> = []
    const inFlight = new Set<Pending>()
    let running = 0

    const write = (fences: ReadonlyArray<Fence>, rows: SinkRows) =>
      writeRows(fences, rows).pipe(Effect.retry({ times: 3, while: transient }), Effect.provide(context))

    /** Takes queued messages up to `maxRows` rows, one epoch per shard (a later epoch waits its turn). */
    const take = () => {
      const batch: Array<Pending> = []
      const rest: Array<Pending> = []
      const epochs = new Map<number, bigint>()
      let rows = 0
      for (const p of queue) {
        const n = rowCount(p.rows)
        const epoch = epochs.get(p.fence.shard)
        if ((batch.length > 0 && rows + n > maxRows) || (epoch !== undefined && epoch !== p.fence.epoch)) {
          rest.push(p)
          continue
        }
        epochs.set(p.fence.shard, p.fence.epoch)
        batch.push(p)
        rows += n
      }
      queue.length = 0
      for (const p of rest) queue.push(p)
      return batch
    }

    const complete = (batch: ReadonlyArray<Pending>, exit: Exit.Exit<unknown, SinkWriteError>) =>
      Effect.forEach(batch, (p) => Deferred.done(p.done, Exit.asVoid(exit)), { discard: true })

    const writeBatch = (batch: ReadonlyArray<Pending>) =>
      Effect.gen(function* () {
        let remaining = batch
        while (remaining.length > 0) {
          const fences = [...new Map(remaining.map((p) => [p.fence.shard, p.fence])).values()]
          const exit = yield* Effect.exit(write(fences, mergeRows(remaining.map((p) => p.rows))))
          const stale = staleOf(exit)
          if (Exit.isSuccess(exit) || remaining.length === 1) return yield* complete(remaining, exit)
          if (stale !== undefined) {
            // That shard's owner has moved on: fail its messages, write the others' again.
            yield* complete(remaining.filter((p) => p.fence.shard === stale.shard), exit)
            remaining = remaining.filter((p) => p.fence.shard !== stale.shard)
            continue
          }
          // One bad message must not fail its neighbours: write each on its own.
          for (const p of remaining) yield* complete([p], yield* Effect.exit(write([p.fence], p.rows)))
          return
        }
      })

    const drain: Effect.Effect<void> = Effect.gen(function* () {
      while (queue.length > 0) {
        const batch = take()
        for (const p of batch) inFlight.add(p)
        yield* writeBatch(batch)
        for (const p of batch) inFlight.delete(p)
      }
      // Synchronous with the emptiness check above: a submit either sees this drainer running
      // (and queues for it) or sees it gone (and starts one).
      running--
    })

    // Closing the layer interrupts the drainers; their waiters are interrupted with them.
    const abandon = Effect.suspend(() =>
      Effect.forEach([...inFlight, ...queue.splice(0)], (p) => Deferred.interrupt(p.done), { discard: true })
    )

    const submit = (fence: Fence, rows: SinkRows): Effect.Effect<void, SinkWriteError> =>
      Effect.gen(function* () {
        if (rowCount(rows) === 0) return
        const done = yield* Deferred.make<void, SinkWriteError>()
        queue.push({ fence, rows, done })
        if (running < concurrency) {
          running++
          // The layer's fiber, not the caller's: an interrupted job must not strand the others it carries.
          yield* Effect.forkIn(Effect.onInterrupt(drain, () => abandon), scope)
        }
        return yield* Deferred.await(done)
      })

    return { submit }
  })

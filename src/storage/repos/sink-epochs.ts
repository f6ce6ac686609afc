// The fencing of sink writes (DESIGN §5): each source shard's highest epoch lives in PostgreSQL and
// a write under a lower one is refused, so a fenced-out node cannot reach the record either.
import { Data, Effect } from "effect"
import { Sql } from "../sql.js"

/** The source shard and the fencing epoch its owner holds (from the runtime's lease). */
export interface Fence {
  readonly shard: number
  readonly epoch: bigint
}

/** A newer owner of the shard has already written: this writer is fenced out. */
export class StaleEpoch extends Data.TaggedError("StaleEpoch")<{
  readonly shard: number
  readonly epoch: bigint
  readonly current: bigint
}> {
  override get message() {
    return `shard ${this.shard}: epoch ${this.epoch} is below the recorded epoch ${this.current}`
  }
}

/**
 * Checks and raises the shard's epoch. Call it first inside the transaction that writes: the row
 * lock it takes serialises writers of one shard until commit, so the check cannot go stale.
 */
export const checkEpoch = Effect.fn("SinkEpochs.check")(function* (fence: Fence) {
  const sql = yield* Sql
  // ON CONFLICT ... WHERE locks the existing row even when the WHERE refuses the update.
  const rows = yield* sql.run(
    "sink_epochs: raise",
    (q) => q<Array<{ epoch: bigint }>>`
      insert into sink_epochs (shard, epoch) values (${fence.shard}, ${fence.epoch})
      on conflict (shard) do update set epoch = excluded.epoch, updated_at = now()
        where sink_epochs.epoch <= excluded.epoch
      returning epoch`
  )
  if (rows.length > 0) return
  const [current] = yield* sql.run(
    "sink_epochs: read",
    (q) => q<Array<{ epoch: bigint }>>`select epoch from sink_epochs where shard = ${fence.shard}`
  )
  return yield* new StaleEpoch({ ...fence, current: current?.epoch ?? fence.epoch })
})

/** Runs `effect` in one transaction that first passes the shard's fence; nothing is written if it fails. */
export const withFence = <A, E, R>(fence: Fence, effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Sql, (sql) => sql.withTransaction(Effect.zipRight(checkEpoch(fence), effect)))

/**
 * `checkEpoch` for several shards in one statement (a sink writing many shards' rows in one
 * transaction). Shards must be distinct; rows are locked in shard order, so two writers cannot
 * deadlock. Fails with the `StaleEpoch` of one refused shard; the caller drops it and retries.
 */
export const checkEpochs = Effect.fn("SinkEpochs.checkAll")(function* (fences: ReadonlyArray<Fence>) {
  if (fences.length === 1) return yield* checkEpoch(fences[0]!)
  const sorted = [...fences].sort((a, b) => a.shard - b.shard)
  const sql = yield* Sql
  const rows = yield* sql.run(
    "sink_epochs: raise many",
    (q) => q<Array<{ shard: number }>>`
      insert into sink_epochs (shard, epoch)
      select * from unnest(${sorted.map((f) => f.shard)}::int4[], ${sorted.map((f) => String(f.epoch))}::int8[]) order by 1
      on conflict (shard) do update set epoch = excluded.epoch, updated_at = now()
        where sink_epochs.epoch <= excluded.epoch
      returning shard`
  )
  if (rows.length === sorted.length) return
  const raised = new Set(rows.map((row) => row.shard))
  const stale = sorted.find((f) => !raised.has(f.shard))!
  const [current] = yield* sql.run(
    "sink_epochs: read",
    (q) => q<Array<{ epoch: bigint }>>`select epoch from sink_epochs where shard = ${stale.shard}`
  )
  return yield* new StaleEpoch({ ...stale, current: current?.epoch ?? stale.epoch })
})

/** `withFence` for several shards at once: one transaction, nothing written if any is stale. */
export const withFences = <A, E, R>(fences: ReadonlyArray<Fence>, effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Sql, (sql) => sql.withTransaction(Effect.zipRight(checkEpochs(fences), effect)))

/** The recorded epoch of every shard (for `viralfx status`). */
export const listEpochs = Effect.fn("SinkEpochs.list")(function* () {
  const sql = yield* Sql
  return yield* sql.run(
    "sink_epochs: list",
    (q) => q<Array<{ shard: number; epoch: bigint }>>`select shard, epoch from sink_epochs order by shard`
  )
})

// The sink's handlers (an effectful actor: at least once, retried, then dead-lettered): each
// message becomes rows for the node's group-commit writer, fenced by the running shard's epoch,
// so a node that has lost the shard cannot write to the record (DESIGN §5).
import { Effect } from "effect"
import type { EffectContext, EffectHandlers, EffectJob } from "../../runtime/actor.js"
import type { Fence } from "../../storage/repos/sink-epochs.js"
import type { SinkMessage } from "./protocol.js"
import { mergeRows, rowsOf, type SinkRows } from "./sink-rows.js"
import type { SinkWriter } from "./sink-writer.js"

/** The fence of a delivery: the shard running the job and its owner's epoch. */
export const fenceOf = (ctx: EffectContext): Fence => ({ shard: ctx.shard, epoch: BigInt(ctx.epoch) })

const record = (writer: SinkWriter) => (message: SinkMessage, ctx: EffectContext) => {
  const fence = fenceOf(ctx)
  return writer.submit(fence, rowsOf(message, fence))
}

/**
 * The handler record. Idempotence is by natural key in the tables (trade, order version, ledger
 * entry, signal), not by message id: the same row sent twice, in any message, is written once.
 */
export const sinkHandlers = (writer: SinkWriter): EffectHandlers<SinkMessage, never> => ({
  RecordTrades: record(writer),
  RecordOrders: record(writer),
  RecordLedger: record(writer),
  RecordSignals: record(writer),
  RecordBatch: record(writer)
})

/**
 * The batch handler: a worker round's messages as one submit (one transaction with the fence,
 * the unnest inserts and the candle merge) instead of one per message. Idempotent as the handlers
 * are, row by row; if it fails the worker runs each message alone, so a bad one fails alone.
 */
export const sinkBatch = (writer: SinkWriter) => (jobs: ReadonlyArray<EffectJob<SinkMessage>>) =>
  Effect.suspend(() => {
    // One worker round is one shard under one epoch; grouped anyway, as a fence must be one per write.
    const byFence = new Map<string, { fence: Fence; rows: Array<SinkRows> }>()
    for (const { message, ctx } of jobs) {
      const key = `${ctx.shard}:${ctx.epoch}`
      let group = byFence.get(key)
      if (group === undefined) byFence.set(key, (group = { fence: fenceOf(ctx), rows: [] }))
      group.rows.push(rowsOf(message, group.fence))
    }
    return Effect.forEach(byFence.values(), ({ fence, rows }) => writer.submit(fence, mergeRows(rows)), { concurrency: "unbounded", discard: true })
  })

// The sink's handlers (an effectful actor: at least once, retried, then dead-lettered): each
// message becomes rows for the node's group-commit writer, fenced by the running shard's epoch,
// so a node that has lost the shard cannot write to the record (DESIGN §5).
import type { EffectContext, EffectHandlers } from "../../runtime/actor.js"
import type { Fence } from "../../storage/repos/sink-epochs.js"
import type { SinkMessage } from "./protocol.js"
import { rowsOf } from "./sink-rows.js"
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

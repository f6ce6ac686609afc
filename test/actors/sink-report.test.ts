// What reaches the sink: merged reports carry one row per order (its newest version), and a
// posting stands for its ledger lines exactly as the record stores them.
import { assert, describe, it } from "@effect/vitest"
import { mergeRecords, RecordBatch, RecordTrades, type SinkMessage } from "../../src/actors/sink/protocol.js"
import { ledgerOfPosting } from "../../src/actors/sink/sink-rows.js"
import type { LedgerRow } from "../../src/actors/sink/protocol.js"
import { orderRow, tradeRows } from "./fixtures/sink-data.js"

const merged = (messages: ReadonlyArray<SinkMessage>) => messages.reduce((into, next) => mergeRecords(into, next)) as RecordBatch

describe("sink reports", () => {
  it("merged reports keep one row per order, its newest version, where the order first appeared", () => {
    const batch = merged([
      new RecordBatch({ orders: [orderRow("o1", "S", 1, 0), orderRow("o2", "S", 1, 0)] }),
      new RecordBatch({ orders: [orderRow("o1", "S", 3, 10)] }),
      new RecordBatch({ orders: [orderRow("o1", "S", 2, 5), orderRow("o3", "S", 1, 0)] })
    ])
    assert.deepStrictEqual(batch.orders!.map((o) => [o.orderId, o.version]), [["o1", 3], ["o2", 1], ["o3", 1]])
  })

  it("merged reports keep every trade, posting and line of every message, in order", () => {
    const posting = (id: string) => ({ id, wallet: "w", createdAt: 1, lines: [["available", "ZAR", -5], ["locked", "ZAR", 5]] as const })
    const batch = merged([
      new RecordTrades({ trades: tradeRows("S", 0, 2) }),
      new RecordBatch({ postings: [posting("a:reserve")] }),
      new RecordBatch({ trades: tradeRows("S", 2, 1), postings: [posting("b:release")] })
    ])
    assert.deepStrictEqual(batch.trades!.map((t) => t.seq), [1, 2, 3])
    assert.deepStrictEqual(batch.postings!.map((p) => p.id), ["a:reserve", "b:release"])
  })

  it("a posting's lines are stored as entries <id>/<i>, with the reason its suffix names and the reference before it", () => {
    const rows: Array<LedgerRow> = []
    ledgerOfPosting({ id: "o7#0:BUY", wallet: "u1", createdAt: 42, lines: [["locked", "ZAR", -1000], ["clearing:S", "ZAR", 990], ["fees", "ZAR", 10]] }, rows)
    ledgerOfPosting({ id: "k9:credit", wallet: "u1", createdAt: 43, lines: [["external:deposits", "ZAR", -5], ["available", "ZAR", 5]] }, rows)
    assert.deepStrictEqual(rows[0], { entryId: "o7#0:BUY/0", wallet: "u1", account: "locked", asset: "ZAR", amount: -1000, reason: "trade", referenceId: "o7#0", createdAt: 42 })
    assert.deepStrictEqual(rows.map((r) => [r.entryId, r.reason, r.referenceId]), [
      ["o7#0:BUY/0", "trade", "o7#0"], ["o7#0:BUY/1", "trade", "o7#0"], ["o7#0:BUY/2", "trade", "o7#0"],
      ["k9:credit/0", "deposit", "k9"], ["k9:credit/1", "deposit", "k9"]
    ])
  })
})

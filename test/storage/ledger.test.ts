// Ledger lines in the record: idempotent on entry_id, read per wallet newest first.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { insertLedgerEntries, ledgerByWallet, type LedgerEntry } from "../../src/storage/repos/ledger.js"
import { backends, migrated } from "../support/database.js"

const entries = (wallet: string): ReadonlyArray<LedgerEntry> => [
  { entryId: `${wallet}:1`, wallet, account: "available", asset: "ZAR", amount: -12_550n, reason: "reserve", referenceId: "o1", createdAt: new Date("2024-01-01T10:00:00Z") },
  { entryId: `${wallet}:2`, wallet, account: "locked", asset: "ZAR", amount: 12_550n, reason: "reserve", referenceId: null, createdAt: new Date("2024-01-01T10:00:01Z") }
]

for (const backend of backends) {
  describe(backend.name, () => {
    it.layer(migrated(backend), { timeout: 60_000 })("ledger", (it) => {
      it.effect("a replayed ledger batch writes each line once and reads back newest first", () =>
        Effect.gen(function* () {
          const wallet = `u_${randomUUID()}`
          const batch = entries(wallet)
          assert.strictEqual(yield* insertLedgerEntries(batch), 2)
          assert.strictEqual(yield* insertLedgerEntries(batch), 0)
          assert.deepStrictEqual(yield* ledgerByWallet(wallet), [batch[1]!, batch[0]!])
        }))
    })
  })
}

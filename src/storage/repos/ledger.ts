// Ledger lines as the wallets wrote them: batch inserts idempotent on entry_id, and a wallet's
// lines newest first (the portfolio's transactions).
import { Effect, Schema } from "effect"
import { Sql } from "../sql.js"

/** One ledger line; `amount` is signed, in cents for a currency or units for a symbol. */
export const LedgerEntry = Schema.Struct({
  entryId: Schema.String,
  wallet: Schema.String,
  /** available, locked, fee, or clearing:<symbol>. */
  account: Schema.String,
  /** ZAR, USD, or a symbol for units. */
  asset: Schema.String,
  amount: Schema.BigIntFromSelf,
  reason: Schema.String,
  referenceId: Schema.NullOr(Schema.String),
  createdAt: Schema.DateFromSelf
})
export type LedgerEntry = typeof LedgerEntry.Type

const decodeEntries = Schema.decodeUnknown(Schema.Array(LedgerEntry))

/** Inserts lines not yet stored; answers how many were new. */
export const insertLedgerEntries = Effect.fn("Ledger.insert")(function* (entries: ReadonlyArray<LedgerEntry>) {
  if (entries.length === 0) return 0
  const sql = yield* Sql
  const result = yield* sql.run(
    "ledger_entries: insert batch",
    (q) => q`
      insert into ledger_entries (entry_id, wallet, account, asset, amount, reason, reference_id, created_at)
      select * from unnest(
        ${entries.map((e) => e.entryId)}::text[],
        ${entries.map((e) => e.wallet)}::text[],
        ${entries.map((e) => e.account)}::text[],
        ${entries.map((e) => e.asset)}::text[],
        ${entries.map((e) => String(e.amount))}::int8[],
        ${entries.map((e) => e.reason)}::text[],
        ${entries.map((e) => e.referenceId)}::text[],
        ${entries.map((e) => e.createdAt.toISOString())}::timestamptz[])
      on conflict (entry_id) do nothing`
  )
  return result.count
})

/** A wallet's ledger lines, newest first. */
export const ledgerByWallet = Effect.fn("Ledger.byWallet")(function* (wallet: string, limit = 100) {
  const sql = yield* Sql
  const rows = yield* sql.run(
    "ledger_entries: by wallet",
    (q) => q`
      select * from ledger_entries where wallet = ${wallet}
      order by created_at desc, entry_id desc
      limit ${Math.max(1, Math.min(limit, 1000))}`
  )
  return yield* Effect.orDie(decodeEntries(rows))
})

// Ledger lines as the wallets wrote them: batch inserts idempotent on entry_id, and a wallet's
// lines newest first (the portfolio's transactions).
import { Effect, Schema } from "effect"
import { Sql } from "../sql.js"
import { type Columns, columnsOf, type InsertOptions, intFragment, literal, textFragment } from "./array-literal.js"

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

/** A ledger line as the sink appends it: the wire's plain numbers (amount, epoch ms). */
export interface LedgerInput {
  readonly entryId: string
  readonly wallet: string
  readonly account: string
  readonly asset: string
  readonly amount: number | bigint
  readonly reason: string
  readonly referenceId: string | null
  readonly createdAt: number
}

/** Ledger lines as column fragments, in the order `insertLedgerColumns` binds them. */
export const ledgerColumns = (entries: ReadonlyArray<LedgerInput>): Columns =>
  columnsOf(entries, (rows) => [
    textFragment(rows, (e) => e.entryId), textFragment(rows, (e) => e.wallet),
    textFragment(rows, (e) => e.account), textFragment(rows, (e) => e.asset),
    intFragment(rows, (e) => e.amount), textFragment(rows, (e) => e.reason),
    textFragment(rows, (e) => e.referenceId), intFragment(rows, (e) => e.createdAt)
  ])

/** Inserts lines not yet stored (with `fresh`, fails on one already stored); answers how many were new. */
export const insertLedgerColumns = Effect.fn("Ledger.insert")(function* (entries: Columns, options: InsertOptions = {}) {
  if (entries.count === 0) return 0
  const sql = yield* Sql
  const c = (i: number) => literal(entries, i)
  const result = yield* sql.run(
    "ledger_entries: insert batch",
    (q) => q`
      insert into ledger_entries (entry_id, wallet, account, asset, amount, reason, reference_id, created_at)
      select e, w, a, s, m, why, ref, timestamptz 'epoch' + t * interval '1 millisecond' from unnest(
        ${c(0)}::text::text[], ${c(1)}::text::text[], ${c(2)}::text::text[], ${c(3)}::text::text[],
        ${c(4)}::text::int8[], ${c(5)}::text::text[], ${c(6)}::text::text[], ${c(7)}::text::int8[])
        as x (e, w, a, s, m, why, ref, t)
      ${options.fresh === true ? q`` : q`on conflict (entry_id) do nothing`}`
  )
  return result.count
})

/** Inserts lines not yet stored; answers how many were new. */
export const insertLedgerEntries = (entries: ReadonlyArray<LedgerEntry>) =>
  insertLedgerColumns(ledgerColumns(entries.map((e) => ({ ...e, createdAt: e.createdAt.getTime() }))))

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

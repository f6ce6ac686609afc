// Double-entry ledger: every movement is a posting whose entries sum to zero per currency.
// Wallet accounts are `<owner>:available|locked|fees`, a book's clearing account is
// `clearing:<symbol>` and the outside world is `external:deposits` / `issuance:<symbol>`.
import { Either } from "effect"

/** "ZAR", "USD", or a market symbol when the amount is trend units. */
export type Currency = string

/** One line of a posting: a signed integer amount (cents or units) on an account. */
export interface Entry {
  readonly account: string
  readonly currency: Currency
  readonly amount: number
}

/** A balanced set of entries with a deterministic id (the message id that caused it). */
export interface Posting {
  readonly id: string
  readonly entries: ReadonlyArray<Entry>
}

/** Why a posting was refused. */
export interface LedgerError {
  readonly _tag: "LedgerError"
  readonly reason: "Empty" | "BadAmount" | "BadAccount" | "Unbalanced" | "Overdrawn"
  readonly detail: string
}

const fail = (reason: LedgerError["reason"], detail: string): Either.Either<never, LedgerError> =>
  Either.left({ _tag: "LedgerError", reason, detail })

/** Account names, built in one place. */
export const Account = {
  available: (owner: string) => `${owner}:available`,
  locked: (owner: string) => `${owner}:locked`,
  /** Fee sub-account per wallet: fees are summed for reports, so no single fee account is hot. */
  fees: (owner: string) => `${owner}:fees`,
  clearing: (symbol: string) => `clearing:${symbol}`,
  deposits: "external:deposits",
  issuance: (symbol: string) => `issuance:${symbol}`
} as const

/** Accounts that may hold a negative balance: the outside world, and clearing between the two
 *  legs of a trade (the seller's leg may settle before the buyer's). */
export const mayGoNegative = (account: string): boolean =>
  account.startsWith("external:") || account.startsWith("issuance:") || account.startsWith("clearing:")

// Builders drop zero lines (e.g. a zero fee) so every stored entry moves something.
const posting = (id: string, entries: ReadonlyArray<Entry>): Posting => ({ id, entries: entries.filter((e) => e.amount !== 0) })

/** Check a posting: non-empty, safe non-zero integer amounts, named accounts, zero sum per currency. */
export const validatePosting = (p: Posting): Either.Either<Posting, LedgerError> => {
  if (p.entries.length === 0) return fail("Empty", `posting ${p.id} has no entries`)
  const sums = new Map<Currency, number>()
  for (const e of p.entries) {
    if (!Number.isSafeInteger(e.amount) || e.amount === 0) return fail("BadAmount", `${e.account}: ${e.amount}`)
    if (e.account === "" || e.currency === "") return fail("BadAccount", `posting ${p.id} has an unnamed account`)
    const s = (sums.get(e.currency) ?? 0) + e.amount
    if (!Number.isSafeInteger(s)) return fail("BadAmount", `posting ${p.id} overflows in ${e.currency}`)
    sums.set(e.currency, s)
  }
  for (const [currency, s] of sums) {
    if (s !== 0) return fail("Unbalanced", `posting ${p.id} sums to ${s} in ${currency}`)
  }
  return Either.right(p)
}

/** Balances keyed by `balanceKey(account, currency)`. */
export type Balances = Readonly<Record<string, number>>

/** Key of one account's balance in one currency. */
export const balanceKey = (account: string, currency: Currency): string => `${account}|${currency}`

/**
 * Applies postings in order, each checked as it comes (valid, no wallet account overdrawn after
 * it), and answers the balances; refuses as a value. In place, and only once every posting fits:
 * a refusal leaves the balances untouched. (Copying every balance per posting was a fifth of a
 * wallet's time.)
 */
export const applyPostingsInPlace = (
  balances: Record<string, number>,
  postings: ReadonlyArray<Posting>
): Either.Either<Record<string, number>, LedgerError> => {
  const touched = new Map<string, number>()
  for (const p of postings) {
    const valid = validatePosting(p)
    if (Either.isLeft(valid)) return Either.left(valid.left)
    for (const e of p.entries) {
      const k = balanceKey(e.account, e.currency)
      touched.set(k, (touched.get(k) ?? balances[k] ?? 0) + e.amount)
    }
    for (const e of p.entries) {
      const v = touched.get(balanceKey(e.account, e.currency))!
      if (v < 0 && !mayGoNegative(e.account)) return fail("Overdrawn", `${e.account} would hold ${v} ${e.currency}`)
    }
  }
  for (const [k, v] of touched) balances[k] = v
  return Either.right(balances)
}

/** Apply a valid posting to a copy of the balances; refuses (as a value) to overdraw any wallet account. */
export const applyPosting = (balances: Balances, p: Posting): Either.Either<Balances, LedgerError> =>
  applyPostingsInPlace({ ...balances }, [p])

/** Money in from outside: external deposits → available. */
export const depositPosting = (id: string, owner: string, currency: Currency, amount: number): Posting =>
  posting(id, [
    { account: Account.deposits, currency, amount: -amount },
    { account: Account.available(owner), currency, amount }
  ])

/** Money out: available → external deposits. */
export const withdrawPosting = (id: string, owner: string, currency: Currency, amount: number): Posting =>
  posting(id, [
    { account: Account.available(owner), currency, amount: -amount },
    { account: Account.deposits, currency, amount }
  ])

/** Listing: a fixed supply of a symbol's units issued to its house wallet. */
export const issuePosting = (id: string, house: string, symbol: string, units: number): Posting =>
  posting(id, [
    { account: Account.issuance(symbol), currency: symbol, amount: -units },
    { account: Account.available(house), currency: symbol, amount: units }
  ])

/** Reserve for an order: available → locked (cents for a BUY, units for a SELL). */
export const reservePosting = (id: string, owner: string, currency: Currency, amount: number): Posting =>
  posting(id, [
    { account: Account.available(owner), currency, amount: -amount },
    { account: Account.locked(owner), currency, amount }
  ])

/** Release what an ended order no longer needs: locked → available. */
export const releasePosting = (id: string, owner: string, currency: Currency, amount: number): Posting =>
  posting(id, [
    { account: Account.locked(owner), currency, amount: -amount },
    { account: Account.available(owner), currency, amount }
  ])

/** Charge a fee out of locked funds into the wallet's fee sub-account. */
export const feePosting = (id: string, owner: string, currency: Currency, fee: number): Posting =>
  posting(id, [
    { account: Account.locked(owner), currency, amount: -fee },
    { account: Account.fees(owner), currency, amount: fee }
  ])

/** One side of a fill, as the wallet settles it. */
export interface FillLeg {
  readonly owner: string
  readonly symbol: string
  readonly currency: Currency
  readonly qty: number
  readonly notional: number
  readonly fee: number
}

/** Buyer's leg: locked cash pays notional to clearing and the fee to its fee account; units
 *  come out of clearing into available. */
export const settleBuyPosting = (id: string, f: FillLeg): Posting =>
  posting(id, [
    { account: Account.locked(f.owner), currency: f.currency, amount: -(f.notional + f.fee) },
    { account: Account.clearing(f.symbol), currency: f.currency, amount: f.notional },
    { account: Account.fees(f.owner), currency: f.currency, amount: f.fee },
    { account: Account.clearing(f.symbol), currency: f.symbol, amount: -f.qty },
    { account: Account.available(f.owner), currency: f.symbol, amount: f.qty }
  ])

/** Seller's leg: locked units go to clearing; the notional comes out of clearing, the fee to the
 *  fee account and the rest (rounded down, since the fee rounded up) to available. */
export const settleSellPosting = (id: string, f: FillLeg): Posting =>
  posting(id, [
    { account: Account.locked(f.owner), currency: f.symbol, amount: -f.qty },
    { account: Account.clearing(f.symbol), currency: f.symbol, amount: f.qty },
    { account: Account.clearing(f.symbol), currency: f.currency, amount: -f.notional },
    { account: Account.fees(f.owner), currency: f.currency, amount: f.fee },
    { account: Account.available(f.owner), currency: f.currency, amount: f.notional - f.fee }
  ])

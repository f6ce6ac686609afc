// A wallet's state: its double-entry ledger balances (the only record of money and units), open
// orders with their reservations, recently ended orders, idempotency keys and cost basis.
// JSON-safe as it is, so the snapshot codec is the identity.
import type { FeeAccrual } from "../../domain/fees.js"
import { Account, balanceKey, type Posting } from "../../domain/ledger.js"
import { averagePrice } from "../../domain/book/index.js"
import type { ReplyHandle } from "../../runtime/actor-context.js"
import type { OrderAccepted, OrderView, WalletView } from "./protocol.js"
import { reportPostings } from "./sink-report.js"

/** An order with its reservation: what is locked for it, what it filled, what fees it paid. */
export type OrderRecord = {
  -readonly [K in keyof OrderView]: OrderView[K]
} & {
  /** "ZAR" (BUY, cents) or the symbol (SELL, units): what `locked` is counted in. */
  currency: string
  makerBps: number
  takerBps: number
  accrual: FeeAccrual
  /** Ladder orders of the market maker, replaced as a whole. */
  ladder: boolean
  cancelRequested: boolean
  /** Set on an order a ReplaceOrder cancelled: its cancel then ends as REPLACED. */
  replacedBy?: string
  /** The placing ask, answered when the book reports the order's first outcome. */
  replyTo?: ReplyHandle
}

/** The state of one wallet. */
export interface WalletState {
  readonly owner: string
  /** Ledger balances keyed `account|currency`; includes the wallet's view of external and clearing accounts. */
  accounts: Record<string, number>
  /** Open orders by id (a reservation each). */
  orders: Record<string, OrderRecord>
  /** Recently ended orders, oldest first (bounded). */
  closed: Array<OrderRecord>
  /** clientOrderId -> orderId, with its insertion log to bound it. */
  clientOrders: Record<string, string>
  clientLog: Array<string>
  /** Deposit / issue references already applied -> what they applied (idempotency). */
  references: Record<string, string>
  /** Cost basis of units held per symbol, cents. */
  costs: Record<string, number>
  /** Last postings, newest last (bounded; the full ledger is the `ledger` feed). */
  journal: Array<Posting>
  /** Last ladder version applied per symbol. */
  ladders: Record<string, number>
}

/** How many ended orders, client ids and postings a wallet keeps. */
export const LIMITS = { closed: 200, clientOrders: 10_000, journal: 50 } as const

/** An empty wallet. */
export const emptyWallet = (owner: string): WalletState => ({
  owner,
  accounts: {},
  orders: {},
  closed: [],
  clientOrders: {},
  clientLog: [],
  references: {},
  costs: {},
  journal: [],
  ladders: {}
})

/** Balance of one account in one currency. */
export const balanceOf = (s: WalletState, account: string, currency: string): number =>
  s.accounts[balanceKey(account, currency)] ?? 0

/** Available amount of a currency or symbol. */
export const available = (s: WalletState, currency: string): number => balanceOf(s, Account.available(s.owner), currency)
/** Locked amount of a currency or symbol. */
export const locked = (s: WalletState, currency: string): number => balanceOf(s, Account.locked(s.owner), currency)

/** Records applied postings in the bounded journal and the sink's report (mutates; call after validation). */
export const journal = (s: WalletState, postings: ReadonlyArray<Posting>): void => {
  reportPostings(postings)
  for (const p of postings) if (p.entries.length > 0) s.journal.push(p)
  if (s.journal.length > LIMITS.journal) s.journal.splice(0, s.journal.length - LIMITS.journal)
}

/** Moves an ended order from the open set to the bounded closed list (mutates). */
export const close = (s: WalletState, o: OrderRecord): void => {
  delete s.orders[o.orderId]
  s.closed.push(o)
  if (s.closed.length > LIMITS.closed) s.closed.splice(0, s.closed.length - LIMITS.closed)
}

/** Remembers a clientOrderId (mutates), forgetting the oldest past the bound. */
export const rememberClientOrder = (s: WalletState, clientOrderId: string, orderId: string): void => {
  s.clientOrders[clientOrderId] = orderId
  s.clientLog.push(clientOrderId)
  if (s.clientLog.length > LIMITS.clientOrders) {
    for (const old of s.clientLog.splice(0, s.clientLog.length - LIMITS.clientOrders)) delete s.clientOrders[old]
  }
}

/** Finds an order, open or recently ended, by id or clientOrderId. */
export const findOrder = (s: WalletState, orderId?: string, clientOrderId?: string): OrderRecord | undefined => {
  const id = orderId ?? (clientOrderId === undefined ? undefined : s.clientOrders[clientOrderId])
  if (id === undefined) return undefined
  const open = s.orders[id]
  if (open !== undefined) return open
  for (let i = s.closed.length - 1; i >= 0; i--) if (s.closed[i]!.orderId === id) return s.closed[i]
  return undefined
}

/** What a placement answers for `o`. */
export const acceptedView = (o: OrderRecord, duplicate: boolean): OrderAccepted => ({
  orderId: o.orderId,
  status: o.status,
  reason: o.reason,
  duplicate,
  reserved: o.reserved,
  worstPrice: o.worstPrice,
  filled: o.filled,
  avgPrice: averagePrice(o.notional, o.filled)
})

/** The public view of an order (no internal bookkeeping). */
export const orderView = (o: OrderRecord): OrderView => ({
  orderId: o.orderId,
  ...(o.clientOrderId === undefined ? {} : { clientOrderId: o.clientOrderId }),
  symbol: o.symbol,
  side: o.side,
  type: o.type,
  qty: o.qty,
  ...(o.price === undefined ? {} : { price: o.price }),
  ...(o.stopPrice === undefined ? {} : { stopPrice: o.stopPrice }),
  worstPrice: o.worstPrice,
  timeInForce: o.timeInForce,
  postOnly: o.postOnly,
  ...(o.expiresAt === undefined ? {} : { expiresAt: o.expiresAt }),
  status: o.status,
  reason: o.reason,
  reserved: o.reserved,
  locked: o.locked,
  filled: o.filled,
  notional: o.notional,
  avgPrice: averagePrice(o.notional, o.filled),
  fees: o.fees,
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
  version: o.version
})

const SUFFIX = { available: ":available", locked: ":locked", fees: ":fees" } as const

/** The wallet's balances, positions and fees, read from its ledger. */
export const walletView = (s: WalletState): WalletView => {
  const balances: Record<string, { available: number; locked: number }> = { ZAR: { available: 0, locked: 0 }, USD: { available: 0, locked: 0 } }
  const units: Record<string, { available: number; locked: number }> = {}
  const fees: Record<string, number> = {}
  const prefix = s.owner
  for (const [key, amount] of Object.entries(s.accounts)) {
    const bar = key.lastIndexOf("|")
    const account = key.slice(0, bar)
    const currency = key.slice(bar + 1)
    if (!account.startsWith(prefix)) continue
    const which = account.slice(prefix.length)
    if (which === SUFFIX.fees) {
      fees[currency] = amount
      continue
    }
    if (which !== SUFFIX.available && which !== SUFFIX.locked) continue
    const target = currency === "ZAR" || currency === "USD" ? balances : units
    const b = (target[currency] ??= { available: 0, locked: 0 })
    if (which === SUFFIX.available) b.available = amount
    else b.locked = amount
  }
  const positions = Object.entries(units)
    .filter(([, b]) => b.available + b.locked > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([symbol, b]) => {
      const cost = s.costs[symbol] ?? 0
      return { symbol, available: b.available, locked: b.locked, cost, avgPrice: averagePrice(cost, b.available + b.locked) }
    })
  return { owner: s.owner, balances, positions, fees, openOrders: Object.keys(s.orders).length, accounts: { ...s.accounts }, journal: [...s.journal] }
}

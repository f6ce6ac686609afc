// The wallet's handlers (DESIGN §3 "The order saga"): every change of money or units is a
// balanced posting checked by the ledger before anything is mutated (validate, then mutate), so
// a rejection or a defect leaves the wallet exactly as it was.
import { Either } from "effect"
import { accrueFee } from "../../domain/fees.js"
import {
  applyPostingsInPlace, depositPosting, issuePosting, type Posting, releasePosting, settleBuyPosting, settleSellPosting,
  withdrawPosting
} from "../../domain/ledger.js"
import { isMarketSymbol } from "../../domain/symbol.js"
import { trustedMessage } from "../../runtime/message-codec.js"
import type { ActorContext, Handlers } from "../../runtime/actor.js"
import { Book, Cancel } from "../book/protocol.js"
import { MarketMaker, Start } from "../market-maker/protocol.js"
import { checkTerms, type Refusal } from "./placement.js"
import { type Credit, houseKey, type WalletMessage, WalletRejected, type Withdraw } from "./protocol.js"
import { placeLadder } from "./ladder.js"
import { answerPlacement, commitOrder, emitEvent, knownClientOrder, prepareOrder } from "./prepare-order.js"
import { reportOrder } from "./sink-report.js"
import { available, close, findOrder, journal, locked, orderView, walletView, type WalletState } from "./wallet-state.js"

const rejected = (r: Refusal) => new WalletRejected(r)

const isInt = (n: unknown): n is number => typeof n === "number" && Number.isSafeInteger(n)

/** Applies postings or throws: used where the book's facts must fit (a misfit is a broken invariant). */
const mustPost = (s: WalletState, postings: ReadonlyArray<Posting>): Record<string, number> => {
  const next = applyPostingsInPlace(s.accounts, postings)
  if (Either.isLeft(next)) throw new Error(`ledger refused: ${next.left.reason} ${next.left.detail}`)
  return next.right
}

/** A deposit or withdrawal's currency, amount and reference, or why not. */
const checkAmount = (m: { readonly currency: string; readonly amount: number; readonly reference: string }): Refusal | undefined => {
  if (m.currency !== "ZAR" && m.currency !== "USD") return { reason: "INVALID_CURRENCY", detail: `currency must be ZAR or USD, not "${m.currency}"` }
  if (!isInt(m.amount) || m.amount <= 0) return { reason: "INVALID_AMOUNT", detail: "amount must be a positive whole number of cents" }
  if (m.reference.length === 0 || m.reference.length > 128) return { reason: "INVALID_AMOUNT", detail: "a reference of 1 to 128 characters is required" }
  return undefined
}

/** A deposit or withdrawal, idempotent by its reference: refusals change nothing. */
const moveFunds = (
  s: WalletState,
  m: { readonly currency: string; readonly amount: number; readonly reference: string },
  ctx: ActorContext<Credit | Withdraw, WalletMessage>,
  kind: "credit" | "withdraw"
): WalletState => {
  const bad = checkAmount(m)
  if (bad !== undefined) {
    ctx.fail(rejected(bad))
    return s
  }
  const fingerprint = `${kind}:${m.currency}:${m.amount}`
  const seen = s.references[m.reference]
  if (seen !== undefined) {
    if (seen !== fingerprint) ctx.fail(rejected({ reason: "REFERENCE_REUSED", detail: `reference ${m.reference} was used for ${seen}` }))
    else ctx.reply({ available: available(s, m.currency), duplicate: true })
    return s
  }
  const posting = kind === "credit"
    ? depositPosting(`${ctx.idempotencyKey}:credit`, s.owner, m.currency, m.amount)
    : withdrawPosting(`${ctx.idempotencyKey}:withdraw`, s.owner, m.currency, m.amount)
  const next = applyPostingsInPlace(s.accounts, [posting])
  if (Either.isLeft(next)) {
    ctx.fail(rejected(kind === "credit"
      ? { reason: "INVALID_AMOUNT", detail: next.left.detail }
      : { reason: "INSUFFICIENT_FUNDS", detail: `needs ${m.amount} available, has ${available(s, m.currency)}` }))
    return s
  }
  s.accounts = next.right
  s.references[m.reference] = fingerprint
  journal(s, [posting])
  emitEvent(ctx, "wallet:updated", { currency: m.currency, available: available(s, m.currency), locked: locked(s, m.currency) })
  ctx.reply({ available: available(s, m.currency), duplicate: false })
  return s
}

/** The wallet's handler record. */
export const walletHandlers: Handlers<WalletState, WalletMessage> = {
  Credit: (s, m, ctx) => moveFunds(s, m, ctx, "credit"),


  PlaceOrder: (s, m, ctx) => {
    const known = knownClientOrder(s, m.clientOrderId)
    if (known !== undefined) {
      if (Either.isLeft(known)) ctx.fail(rejected(known.left))
      else ctx.reply(known.right)
      return s
    }
    const prepared = prepareOrder(s, m, ctx.idempotencyKey, ctx.time)
    if (Either.isLeft(prepared)) {
      ctx.fail(rejected(prepared.left))
      return s
    }
    return commitOrder(s, prepared.right, ctx)
  },

  ReplaceOrder: (s, m, ctx) => {
    const known = knownClientOrder(s, m.clientOrderId)
    if (known !== undefined) {
      if (Either.isLeft(known)) ctx.fail(rejected(known.left))
      else ctx.reply(known.right)
      return s
    }
    const found = findOrder(s, m.replaces, m.replacesClientOrderId)
    const old = found === undefined ? undefined : s.orders[found.orderId]
    if (old === undefined || old.cancelRequested) {
      const reason = found === undefined ? "UNKNOWN_ORDER" : "ORDER_NOT_OPEN"
      ctx.fail(rejected({ reason, detail: `order ${m.replaces ?? m.replacesClientOrderId ?? "(none given)"} is not open` }))
      return s
    }
    if (old.symbol !== m.symbol || old.side !== m.side) {
      ctx.fail(rejected({ reason: "INVALID_ORDER", detail: "a replacement keeps the symbol and side of the order it replaces" }))
      return s
    }
    // The new order is reserved in full from available funds; the old one's reservation is
    // released only by the book's terminal event for it (DESIGN §3 saga, step 4).
    const prepared = prepareOrder(s, m, ctx.idempotencyKey, ctx.time)
    if (Either.isLeft(prepared)) {
      ctx.fail(rejected(prepared.left))
      return s
    }
    old.cancelRequested = true
    old.replacedBy = prepared.right.order.orderId
    ctx.send(Book.ref(old.symbol), trustedMessage(Cancel, { orderId: old.orderId, owner: s.owner }))
    return commitOrder(s, prepared.right, ctx)
  },

  Withdraw: (s, m, ctx) => moveFunds(s, m, ctx, "withdraw"),


  CancelOrder: (s, m, ctx) => {
    const o = findOrder(s, m.orderId, m.clientOrderId)
    if (o === undefined) {
      ctx.fail(rejected({ reason: "UNKNOWN_ORDER", detail: `no order ${m.orderId ?? m.clientOrderId ?? "(none given)"}` }))
      return s
    }
    if (s.orders[o.orderId] === undefined) {
      ctx.fail(rejected({ reason: "ORDER_NOT_OPEN", detail: `order ${o.orderId} is ${o.status}` }))
      return s
    }
    // Same path as the order (wallet -> book), so it can never overtake it; the release comes
    // only with the book's terminal event.
    if (!o.cancelRequested) {
      o.cancelRequested = true
      ctx.send(Book.ref(o.symbol), trustedMessage(Cancel, { orderId: o.orderId, owner: s.owner }))
    }
    ctx.reply({ orderId: o.orderId })
    return s
  },

  GetOrder: (s, m, ctx) => {
    const o = findOrder(s, m.orderId, m.clientOrderId)
    if (o === undefined) ctx.fail(rejected({ reason: "UNKNOWN_ORDER", detail: `no order ${m.orderId ?? m.clientOrderId ?? "(none given)"}` }))
    else ctx.reply(orderView(o))
    return s
  },

  GetOrders: (s, m, ctx) => {
    const all = [...s.closed, ...Object.values(s.orders)]
    ctx.reply(all.filter((o) => m.status === undefined || o.status === m.status).map(orderView))
    return s
  },

  GetWallet: (s, _m, ctx) => {
    ctx.reply(walletView(s))
    return s
  },

  Settle: (s, m, ctx) => {
    const o = s.orders[m.orderId]
    if (o === undefined) throw new Error(`settle of ${m.tradeId} for unknown order ${m.orderId}`)
    if (!isInt(m.qty) || m.qty <= 0 || !isInt(m.price) || m.price <= 0 || o.filled + m.qty > o.qty) {
      throw new Error(`settle of ${m.tradeId} does not fit order ${m.orderId}`)
    }
    const notional = m.price * m.qty
    const { fee, accrual } = accrueFee(o.accrual, m.role === "MAKER" ? o.makerBps : o.takerBps, notional)
    const leg = { owner: s.owner, symbol: m.symbol, currency: "ZAR", qty: m.qty, notional, fee }
    const buy = o.side === "BUY"
    const spend = buy ? notional + fee : m.qty
    if (spend > o.locked) throw new Error(`settle of ${m.tradeId} needs ${spend} but order ${m.orderId} holds ${o.locked}`)
    const posting = (buy ? settleBuyPosting : settleSellPosting)(`${m.tradeId}:${o.side}`, leg)
    const held = available(s, m.symbol) + locked(s, m.symbol)
    const accounts = mustPost(s, [posting])
    const cost = s.costs[m.symbol] ?? 0
    // Average cost: a buy adds its notional; a sell takes its share of the basis (BigInt: cost × qty may pass 2^53).
    s.costs[m.symbol] = buy ? cost + notional : held === m.qty ? 0 : cost - Number((BigInt(cost) * BigInt(m.qty)) / BigInt(held))
    s.accounts = accounts
    o.filled += m.qty
    o.notional += notional
    o.fees += fee
    o.accrual = accrual
    o.locked -= spend
    o.status = "PARTIAL"
    o.updatedAt = m.time
    o.version++
    reportOrder(o)
    journal(s, [posting])
    emitEvent(ctx, "order:matched", { orderId: o.orderId, tradeId: m.tradeId, symbol: m.symbol, side: o.side, role: m.role, price: m.price, qty: m.qty, fee })
    return s
  },

  OrderUpdated: (s, m, ctx) => {
    const o = s.orders[m.orderId]
    if (o === undefined) return s
    o.status = m.status
    o.reason = m.reason
    o.updatedAt = m.time
    o.version++
    answerPlacement(o, ctx)
    reportOrder(o)
    emitEvent(ctx, "order:updated", { order: orderView(o) })
    return s
  },

  Release: (s, m, ctx) => {
    const o = s.orders[m.orderId]
    if (o === undefined) throw new Error(`release for unknown order ${m.orderId}`)
    if (m.filled !== o.filled) throw new Error(`release of ${m.orderId} says ${m.filled} filled, wallet settled ${o.filled}`)
    const postings = o.locked > 0 ? [releasePosting(`${o.orderId}:release`, s.owner, o.currency, o.locked)] : []
    s.accounts = mustPost(s, postings)
    o.locked = 0
    o.status = m.status
    o.reason = o.replacedBy !== undefined && m.reason === "USER_CANCELLED" ? "REPLACED" : m.reason
    o.updatedAt = m.time
    o.version++
    answerPlacement(o, ctx)
    reportOrder(o)
    close(s, o)
    journal(s, postings)
    emitEvent(ctx, "order:updated", { order: orderView(o) })
    return s
  },

  Issue: (s, m, ctx) => {
    if (s.owner !== houseKey(m.symbol) || !isMarketSymbol(m.symbol)) throw new Error(`wallet ${s.owner} is not the house wallet of ${m.symbol}`)
    const reference = `issue:${m.symbol}`
    if (s.references[reference] !== undefined) return s
    if (checkTerms(m.terms) !== undefined || !isInt(m.plan.supply) || m.plan.supply < 0 || !isInt(m.plan.cash) || m.plan.cash < 0) {
      throw new Error(`listing plan of ${m.symbol} is malformed`)
    }
    const postings = [
      issuePosting(`${ctx.idempotencyKey}:issue`, s.owner, m.symbol, m.plan.supply),
      depositPosting(`${ctx.idempotencyKey}:cash`, s.owner, "ZAR", m.plan.cash)
    ].filter((p) => p.entries.length > 0)
    // Messages are built before anything changes: a constructor that throws must find the wallet untouched.
    const start = m.plan.marketMaker === undefined ? undefined : new Start({ terms: m.terms, params: m.plan.marketMaker, indexPrice: m.plan.indexPrice })
    s.accounts = mustPost(s, postings)
    s.references[reference] = `issue:${m.plan.supply}:${m.plan.cash}`
    journal(s, postings)
    emitEvent(ctx, "wallet:updated", { symbol: m.symbol, units: available(s, m.symbol), cash: available(s, "ZAR") })
    if (start !== undefined) ctx.send(MarketMaker.ref(m.symbol), start)
    return s
  },

  ReplaceLadder: (s, m, ctx) => placeLadder(s, m, ctx)
}

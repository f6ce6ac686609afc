// Placing an order inside the wallet, shared by PlaceOrder and ReplaceOrder: clientOrderId
// idempotency, validation and reservation computed without touching the wallet (prepare), then
// applied in one step (commit) — validate, then mutate.
import { Either } from "effect"
import { noFees } from "../../domain/fees.js"
import { applyPostingsInPlace, type Posting, reservePosting } from "../../domain/ledger.js"
import { trustedMessage } from "../../runtime/message-codec.js"
import type { ActorContext } from "../../runtime/actor.js"
import { Book, Submit } from "../book/protocol.js"
import { type OrderInput, placeOrder, type Refusal } from "./placement.js"
import { reportOrder } from "./sink-report.js"
import { type OrderAccepted, PlaceOrder, type ReplaceOrder, type WalletMessage } from "./protocol.js"
import { acceptedView, available, findOrder, journal, type OrderRecord, orderView, rememberClientOrder, type WalletState } from "./wallet-state.js"

/** Answers the ask that placed `o`, if it still waits: the book has reported the order's outcome. */
export const answerPlacement = (o: OrderRecord, ctx: ActorContext<unknown, WalletMessage>): void => {
  if (o.replyTo === undefined) return
  ctx.replyLater(o.replyTo, PlaceOrder, acceptedView(o, false))
  delete o.replyTo
}

/** Publishes one private event on the wallet's `events` feed. */
export const emitEvent = (ctx: ActorContext<unknown, WalletMessage>, type: string, payload: object): void => {
  ctx.publish("events", { type, time: ctx.time, ...payload })
}

type Accepted = OrderAccepted

/** A clientOrderId seen before answers its first order (idempotent per user); undefined when new. */
export const knownClientOrder = (s: WalletState, clientOrderId: string | undefined): Either.Either<Accepted, Refusal> | undefined => {
  if (clientOrderId === undefined) return undefined
  if (clientOrderId.length === 0 || clientOrderId.length > 64) return Either.left({ reason: "INVALID_ORDER", detail: "clientOrderId must be 1 to 64 characters" })
  const knownId = s.clientOrders[clientOrderId]
  if (knownId === undefined) return undefined
  const known = findOrder(s, knownId)
  // An order ended long ago may have left the wallet's memory: its id is still the answer.
  return Either.right(
    known === undefined
      ? { orderId: knownId, status: "PENDING", reason: "NONE", duplicate: true, reserved: 0, worstPrice: 0, filled: 0, avgPrice: 0 }
      : acceptedView(known, true)
  )
}

/** A validated, reserved order not yet applied: the order, the new balances, its posting. */
export interface Prepared {
  readonly order: OrderRecord
  readonly accounts: Record<string, number>
  readonly posting: Posting
  readonly submit: Submit
}

/** Validates an order and computes its reservation against the wallet, without changing it. */
export const prepareOrder = (s: WalletState, m: OrderInput & { readonly clientOrderId?: string | undefined }, orderId: string, time: number): Either.Either<Prepared, Refusal> => {
  const placed = placeOrder(m, time)
  if (Either.isLeft(placed)) return Either.left(placed.left)
  const p = placed.right
  const short = (detail: string): Refusal => ({ reason: m.side === "BUY" ? "INSUFFICIENT_FUNDS" : "INSUFFICIENT_UNITS", detail })
  if (available(s, p.currency) < p.reserve) {
    return Either.left(short(`needs ${p.reserve} ${m.side === "BUY" ? "cents" : `units of ${m.symbol}`} available, has ${available(s, p.currency)}`))
  }
  // Order ids are message ids, unique by construction; an open duplicate would be a runtime defect.
  if (s.orders[orderId] !== undefined) throw new Error(`order id ${orderId} placed twice`)
  const posting = reservePosting(`${orderId}:reserve`, s.owner, p.currency, p.reserve)
  const next = applyPostingsInPlace(s.accounts, [posting])
  if (Either.isLeft(next)) return Either.left(short(next.left.detail))
  const order: OrderRecord = {
    orderId, symbol: m.symbol, side: m.side, type: m.type, qty: m.quantity, worstPrice: p.worstPrice,
    ...(m.clientOrderId === undefined ? {} : { clientOrderId: m.clientOrderId }),
    ...(m.type === "LIMIT" || m.type === "STOP_LIMIT" ? { price: m.price } : {}),
    ...(m.stopPrice === undefined ? {} : { stopPrice: m.stopPrice }),
    ...(m.expiresAt === undefined ? {} : { expiresAt: m.expiresAt }),
    timeInForce: p.tif, postOnly: p.postOnly, status: "PENDING", reason: "NONE", reserved: p.reserve, locked: p.reserve,
    filled: 0, notional: 0, avgPrice: 0, fees: 0, createdAt: time, updatedAt: time, version: 1, currency: p.currency,
    makerBps: m.terms.makerBps, takerBps: m.terms.takerBps, accrual: noFees, ladder: false, cancelRequested: false
  }
  const submit = trustedMessage(Submit, {
    orderId, owner: s.owner, side: m.side, type: m.type, price: p.worstPrice, qty: m.quantity,
    ...(m.stopPrice === undefined ? {} : { stopPrice: m.stopPrice }),
    ...(m.expiresAt === undefined ? {} : { expiresAt: m.expiresAt }),
    tif: p.tif, postOnly: p.postOnly, stp: p.stp, version: 1, terms: m.terms
  })
  return Either.right({ order, accounts: next.right, posting, submit })
}

/** Applies a prepared order: reserve, record, Submit to the book, answer. */
export const commitOrder = (s: WalletState, p: Prepared, ctx: ActorContext<PlaceOrder | ReplaceOrder, WalletMessage>): WalletState => {
  const o = p.order
  s.accounts = p.accounts
  s.orders[o.orderId] = o
  reportOrder(o)
  if (o.clientOrderId !== undefined) rememberClientOrder(s, o.clientOrderId, o.orderId)
  journal(s, [p.posting])
  ctx.send(Book.ref(o.symbol), p.submit)
  emitEvent(ctx, "order:created", { order: orderView(o) })
  // Answered when the book reports back (answerPlacement), so the asker learns what it did.
  const asker = ctx.deferReply()
  if (asker !== undefined) o.replyTo = asker
  return s
}


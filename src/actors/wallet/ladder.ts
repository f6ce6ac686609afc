// A market maker's re-quote inside its wallet: cancel the previous ladder, reserve and submit the
// new rungs that fit the inventory and loss limits and the available funds (DESIGN §3 "Symbols and
// listing"). The old rungs stay reserved until the book ends them: new before old is released.
import { Either } from "effect"
import { noFees } from "../../domain/fees.js"
import { applyPostingsInPlace, type Posting, reservePosting } from "../../domain/ledger.js"
import { trustedMessage } from "../../runtime/message-codec.js"
import type { ActorContext } from "../../runtime/actor.js"
import { Book, Cancel, Submit } from "../book/protocol.js"
import { checkTerms, placeOrder } from "./placement.js"
import type { ReplaceLadder, WalletMessage } from "./protocol.js"
import { reportOrder } from "./sink-report.js"
import { available, journal, locked, type OrderRecord, type WalletState } from "./wallet-state.js"

/** Handles ReplaceLadder (stale versions are ignored). */
export const placeLadder = (s: WalletState, m: ReplaceLadder, ctx: ActorContext<ReplaceLadder, WalletMessage>): WalletState => {
  if ((s.ladders[m.symbol] ?? 0) >= m.version || checkTerms(m.terms) !== undefined) return s
  const old = Object.values(s.orders).filter((o) => o.ladder && o.symbol === m.symbol)
  // Units held or already bid for count against the inventory limit.
  let units = available(s, m.symbol) + locked(s, m.symbol)
  for (const o of Object.values(s.orders)) if (o.symbol === m.symbol && o.side === "BUY") units += o.qty - o.filled
  let cash = available(s, "ZAR")
  let freeUnits = available(s, m.symbol)
  const postings: Array<Posting> = []
  const placed: Array<OrderRecord> = []
  m.quotes.forEach((q, i) => {
    const p = placeOrder({ symbol: m.symbol, side: q.side, type: "LIMIT", quantity: q.qty, price: q.price, postOnly: true, terms: m.terms }, ctx.time)
    if (Either.isLeft(p)) return
    const { reserve } = p.right
    if (q.side === "BUY") {
      if (cash - reserve < m.minCash || units + q.qty > m.maxUnits) return
      cash -= reserve
      units += q.qty
    } else {
      if (freeUnits < q.qty) return
      freeUnits -= q.qty
    }
    const orderId = `${ctx.idempotencyKey}:${i}`
    postings.push(reservePosting(`${orderId}:reserve`, s.owner, p.right.currency, reserve))
    placed.push({
      orderId, symbol: m.symbol, side: q.side, type: "LIMIT", qty: q.qty, price: q.price, worstPrice: q.price,
      timeInForce: "GTC", postOnly: true, status: "PENDING", reason: "NONE", reserved: reserve, locked: reserve, filled: 0,
      notional: 0, avgPrice: 0, fees: 0, createdAt: ctx.time, updatedAt: ctx.time, version: 1, currency: p.right.currency,
      makerBps: m.terms.makerBps, takerBps: m.terms.takerBps, accrual: noFees, ladder: true, cancelRequested: false
    })
  })
  const next = applyPostingsInPlace(s.accounts, postings)
  if (Either.isLeft(next)) throw new Error(`ladder ${m.version} of ${m.symbol} does not fit: ${next.left.detail}`)
  s.accounts = next.right
  s.ladders[m.symbol] = m.version
  journal(s, postings)
  const book = Book.ref(m.symbol)
  for (const o of old) {
    if (o.cancelRequested) continue
    o.cancelRequested = true
    ctx.send(book, trustedMessage(Cancel, { orderId: o.orderId, owner: s.owner }))
  }
  for (const o of placed) {
    s.orders[o.orderId] = o
    reportOrder(o)
    ctx.send(book, trustedMessage(Submit, {
      orderId: o.orderId, owner: s.owner, side: o.side, type: "LIMIT", price: o.worstPrice, qty: o.qty, tif: "GTC",
      postOnly: true, stp: "EXPIRE_TAKER", version: m.version, terms: m.terms
    }))
  }
  ctx.publish("events", { type: "ladder:replaced", time: ctx.time, symbol: m.symbol, version: m.version, placed: placed.length, cancelled: old.length })
  return s
}

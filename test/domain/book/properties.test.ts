import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { type BookEvent, BookEvents } from "../../../src/domain/book/book-events.js"
import type { OrderEntry } from "../../../src/domain/book/order-entry.js"
import { OrderBook } from "../../../src/domain/book/order-book.js"

const CONFIG = { symbol: "VIRAL/SA_TEST_001" }

type Op =
  | { readonly op: "submit"; readonly entry: OrderEntry }
  | { readonly op: "cancel"; readonly id: string }
  | { readonly op: "replace"; readonly id: string; readonly entry: OrderEntry }
  | { readonly op: "expire"; readonly id: string; readonly version: number }

// Order ids are drawn from a small pool so cancels, replaces and duplicates hit live orders.
const idArb = fc.integer({ min: 0, max: 40 }).map((n) => `o${n}`)
const entryArb: fc.Arbitrary<OrderEntry> = fc.record({
  id: idArb,
  owner: fc.constantFrom("ann", "ben", "cat", "dan"),
  side: fc.constantFrom("BUY" as const, "SELL" as const),
  type: fc.constantFrom("LIMIT" as const, "LIMIT" as const, "LIMIT" as const, "MARKET" as const, "STOP" as const, "STOP_LIMIT" as const),
  price: fc.integer({ min: 95, max: 105 }),
  stopPrice: fc.integer({ min: 95, max: 105 }),
  qty: fc.integer({ min: 1, max: 10 }),
  tif: fc.constantFrom("GTC" as const, "GTC" as const, "GTD" as const, "IOC" as const, "FOK" as const),
  postOnly: fc.boolean(),
  stp: fc.constantFrom("EXPIRE_TAKER" as const, "EXPIRE_MAKER" as const, "EXPIRE_BOTH" as const, "DECREMENT" as const),
  version: fc.integer({ min: 0, max: 2 })
})
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: entryArb.map((entry) => ({ op: "submit" as const, entry })) },
  { weight: 2, arbitrary: idArb.map((id) => ({ op: "cancel" as const, id })) },
  { weight: 1, arbitrary: fc.tuple(idArb, entryArb).map(([id, entry]) => ({ op: "replace" as const, id, entry })) },
  { weight: 1, arbitrary: fc.tuple(idArb, fc.integer({ min: 0, max: 2 })).map(([id, version]) => ({ op: "expire" as const, id, version })) }
)
const streamArb = fc.array(opArb, { minLength: 1, maxLength: 120 })

const apply = (b: OrderBook, op: Op, out: BookEvents): void => {
  if (op.op === "submit") b.submit(op.entry, out)
  else if (op.op === "cancel") b.cancel(op.id, out)
  else if (op.op === "replace") b.replace(op.id, op.entry, out)
  else b.expire(op.id, op.version, out)
}

// Run a stream, returning every request's events.
const play = (b: OrderBook, ops: ReadonlyArray<Op>): Array<Array<BookEvent>> =>
  ops.map((op) => {
    const out = new BookEvents()
    apply(b, op, out)
    return out.toArray()
  })

// Internal consistency of a book: levels sorted, totals equal the sum of their queues, index exact.
const checkStructure = (b: OrderBook): void => {
  let live = 0
  for (const side of [b.bids, b.asks]) {
    for (let i = 1; i < side.levels.length; i++) expect(side.better(side.levels[i]!.price, side.levels[i - 1]!.price)).toBe(true)
    for (const level of side.levels) {
      let total = 0
      let count = 0
      for (let o = level.head; o !== null; o = o.next) {
        expect(o.remaining).toBeGreaterThan(0)
        expect(o.filled + o.remaining).toBeLessThanOrEqual(o.qty)
        expect(b.index.get(o.id)).toBe(o)
        total += o.remaining
        count++
      }
      expect([level.total, level.count]).toEqual([total, count])
      expect(count).toBeGreaterThan(0)
      live += count
    }
  }
  expect(b.index.size).toBe(live + b.stops.buys.length + b.stops.sells.length)
}

describe("order book properties", () => {
  it("keeps the book uncrossed after every request", () => {
    fc.assert(
      fc.property(streamArb, (ops) => {
        const b = new OrderBook(CONFIG)
        const out = new BookEvents()
        for (const op of ops) {
          out.reset()
          apply(b, op, out)
          const bid = b.bestBid()
          const ask = b.bestAsk()
          if (bid > 0 && ask > 0) expect(bid).toBeLessThan(ask)
          checkStructure(b)
        }
      }),
      { seed: 42, numRuns: 200 }
    )
  })

  it("never fills an order beyond its quantity, and every order's filled matches its trades", () => {
    fc.assert(
      fc.property(streamArb, (ops) => {
        const b = new OrderBook(CONFIG)
        // Ids are reused once an order ends, so fills are counted per incarnation.
        const filled = new Map<string, number>()
        for (const evs of play(b, ops)) {
          for (const e of evs) {
            if (e.kind === "trade") {
              for (const id of [e.makerId, e.takerId]) filled.set(id, (filled.get(id) ?? 0) + e.qty)
            } else if (e.kind === "order" && e.status !== "REJECTED") {
              expect(e.filled).toBe(filled.get(e.orderId) ?? 0)
              if (e.status !== "PENDING" && e.status !== "PARTIAL") filled.delete(e.orderId)
            }
          }
          for (const [id, f] of filled) {
            const o = b.order(id)
            if (o !== undefined) expect([o.filled, f <= o.qty]).toEqual([f, true])
          }
        }
      }),
      { seed: 42, numRuns: 200 }
    )
  })

  it("conserves quantity: what buy orders filled equals what sell orders filled", () => {
    fc.assert(
      fc.property(streamArb, (ops) => {
        const b = new OrderBook(CONFIG)
        const byOrder = new Map<string, { side: string; filled: number }>()
        let boughtAtEnd = 0
        let soldAtEnd = 0
        let traded = 0
        for (const evs of play(b, ops)) {
          for (const e of evs) {
            if (e.kind === "trade") traded += e.qty
            if (e.kind === "order" && e.status !== "PENDING" && e.status !== "PARTIAL") {
              if (e.side === "BUY") boughtAtEnd += e.filled
              else soldAtEnd += e.filled
            }
          }
        }
        for (const live of b.index.values()) {
          const o = b.order(live.id)!
          byOrder.set(o.id, { side: o.side, filled: o.filled })
        }
        for (const { side, filled } of byOrder.values()) {
          if (side === "BUY") boughtAtEnd += filled
          else soldAtEnd += filled
        }
        expect(boughtAtEnd).toBe(traded)
        expect(soldAtEnd).toBe(traded)
      }),
      { seed: 42, numRuns: 200 }
    )
  })

  it("restores from a snapshot to a book that behaves exactly like the live one", () => {
    fc.assert(
      fc.property(streamArb, fc.nat(), (ops, cut) => {
        const k = cut % (ops.length + 1)
        const live = new OrderBook(CONFIG)
        play(live, ops.slice(0, k))
        const snapshot = live.toSnapshot()
        const restored = OrderBook.fromSnapshot(CONFIG, JSON.parse(JSON.stringify(snapshot)))
        expect(restored.toSnapshot()).toEqual(snapshot)
        expect(play(restored, ops.slice(k))).toEqual(play(live, ops.slice(k)))
        expect(restored.toSnapshot()).toEqual(live.toSnapshot())
      }),
      { seed: 42, numRuns: 200 }
    )
  })
})

import { describe, expect, it } from "vitest"
import { type BookEvent, BookEvents, type OrderEvent, type TradeEvent, tradeId } from "../../../src/domain/book/book-events.js"
import type { OrderEntry, Side } from "../../../src/domain/book/order-entry.js"
import { OrderBook } from "../../../src/domain/book/order-book.js"

const newBook = () => new OrderBook({ symbol: "VIRAL/SA_TEST_001" })

// Run one request and return its events as plain objects.
const run = (f: (out: BookEvents) => unknown): Array<BookEvent> => {
  const out = new BookEvents()
  f(out)
  return out.toArray()
}

const limit = (id: string, owner: string, side: Side, price: number, qty: number, extra: Partial<OrderEntry> = {}): OrderEntry =>
  ({ id, owner, side, type: "LIMIT", price, qty, ...extra })

const place = (b: OrderBook, ...orders: Array<OrderEntry>) => orders.map((o) => run((out) => b.submit(o, out)))

const tradesOf = (evs: Array<BookEvent>) => evs.filter((e): e is TradeEvent => e.kind === "trade")
const fills = (evs: Array<BookEvent>) => tradesOf(evs).map((t) => [t.makerId, t.price, t.qty])
const lastOrder = (evs: Array<BookEvent>, id: string): OrderEvent =>
  evs.filter((e): e is OrderEvent => e.kind === "order" && e.orderId === id).at(-1)!

describe("matching scenarios", () => {
  it("fills the best price first and, within a price, the earliest order first", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 1), limit("s2", "u2", "SELL", 100, 1), limit("s3", "u3", "SELL", 99, 1))
    const evs = run((out) => b.submit(limit("b1", "u9", "BUY", 100, 3), out))
    expect(fills(evs)).toEqual([["s3", 99, 1], ["s1", 100, 1], ["s2", 100, 1]])
  })

  it("prints a trade at the resting order's price, not the taker's", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 5))
    const evs = run((out) => b.submit(limit("b1", "u2", "BUY", 105, 5), out))
    expect(tradesOf(evs)[0]!.price).toBe(100)
  })

  it("partially fills a resting order and leaves the remainder on the book", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 10))
    const evs = run((out) => b.submit(limit("b1", "u2", "BUY", 100, 4), out))
    expect(tradesOf(evs)[0]).toMatchObject({ qty: 4, makerRemaining: 6, takerRemaining: 0 })
    expect(lastOrder(evs, "b1").status).toBe("FILLED")
    expect(b.order("s1")).toMatchObject({ status: "PARTIAL", filled: 4, remaining: 6 })
  })

  it("keeps a partially filled order's queue position", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 10), limit("s2", "u2", "SELL", 100, 5), limit("b1", "u3", "BUY", 100, 4))
    const evs = run((out) => b.submit(limit("b2", "u3", "BUY", 100, 7), out))
    expect(fills(evs)).toEqual([["s1", 100, 6], ["s2", 100, 1]])
  })

  it("rejects a FOK order that cannot fill completely and leaves the book untouched", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 5))
    const before = b.toSnapshot()
    const evs = run((out) => b.submit(limit("b1", "u2", "BUY", 100, 6, { tif: "FOK" }), out))
    expect(lastOrder(evs, "b1")).toMatchObject({ status: "REJECTED", reason: "FOK_UNFILLABLE", filled: 0 })
    expect(tradesOf(evs)).toEqual([])
    expect(b.toSnapshot()).toEqual({ ...before, seq: before.seq + 1 })
  })

  it("fills a FOK order that the book can fill completely", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 2), limit("s2", "u3", "SELL", 101, 3))
    const evs = run((out) => b.submit(limit("b1", "u2", "BUY", 101, 5, { tif: "FOK" }), out))
    expect(lastOrder(evs, "b1")).toMatchObject({ status: "FILLED", filled: 5 })
  })

  it("cancels the unfilled remainder of an IOC order instead of resting it", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 5))
    const evs = run((out) => b.submit(limit("b1", "u2", "BUY", 100, 8, { tif: "IOC" }), out))
    expect(lastOrder(evs, "b1")).toMatchObject({ status: "CANCELLED", reason: "IOC_REMAINDER", filled: 5, remaining: 3 })
    expect(b.bestBid()).toBe(0)
  })

  it("rejects a post-only order that would cross", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 5))
    const evs = run((out) => b.submit(limit("b1", "u2", "BUY", 100, 1, { postOnly: true }), out))
    expect(lastOrder(evs, "b1")).toMatchObject({ status: "REJECTED", reason: "POST_ONLY_WOULD_CROSS" })
    expect(tradesOf(evs)).toEqual([])
  })

  it("rests a post-only order that does not cross", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 5))
    const evs = run((out) => b.submit(limit("b1", "u2", "BUY", 99, 1, { postOnly: true }), out))
    expect(lastOrder(evs, "b1").status).toBe("PENDING")
  })

  it("holds a stop until the last trade crosses it, then executes it at its worst price", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 1), limit("s2", "u1", "SELL", 101, 10))
    const held = run((out) => b.submit({ id: "st", owner: "u2", side: "BUY", type: "STOP", stopPrice: 100, price: 110, qty: 5 }, out))
    expect(lastOrder(held, "st").status).toBe("PENDING")
    expect(b.order("st")!.held).toBe(true)
    const evs = run((out) => b.submit(limit("b1", "u3", "BUY", 100, 1), out))
    expect(evs.some((e) => e.kind === "triggered" && e.orderId === "st")).toBe(true)
    expect(tradesOf(evs).filter((t) => t.takerId === "st").map((t) => [t.price, t.qty])).toEqual([[101, 5]])
    expect(lastOrder(evs, "st").status).toBe("FILLED")
  })

  it("rests a triggered stop-limit order at its limit when it cannot fill", () => {
    const b = newBook()
    place(b, limit("b0", "u1", "BUY", 96, 1), limit("b1", "u1", "BUY", 90, 1))
    place(b, { id: "sl", owner: "u2", side: "SELL", type: "STOP_LIMIT", stopPrice: 96, price: 95, qty: 3 })
    const evs = run((out) => b.submit(limit("s1", "u3", "SELL", 96, 1), out))
    expect(lastOrder(evs, "sl")).toMatchObject({ status: "PENDING", remaining: 3 })
    expect(b.bestAsk()).toBe(95)
  })

  describe("self-trade prevention", () => {
    const setup = () => {
      const b = newBook()
      place(b, limit("bob1", "bob", "SELL", 100, 3), limit("al1", "alice", "SELL", 100, 5), limit("car1", "carol", "SELL", 100, 4))
      return b
    }

    it("expires the taker by default when it meets its owner's order", () => {
      const b = setup()
      const evs = run((out) => b.submit(limit("al2", "alice", "BUY", 100, 10), out))
      expect(fills(evs)).toEqual([["bob1", 100, 3]])
      expect(lastOrder(evs, "al2")).toMatchObject({ status: "EXPIRED", reason: "SELF_TRADE", filled: 3 })
      expect(b.order("al1")!.remaining).toBe(5)
    })

    it("expires the resting order with EXPIRE_MAKER and keeps matching", () => {
      const b = setup()
      const evs = run((out) => b.submit(limit("al2", "alice", "BUY", 100, 10, { stp: "EXPIRE_MAKER" }), out))
      expect(fills(evs)).toEqual([["bob1", 100, 3], ["car1", 100, 4]])
      expect(lastOrder(evs, "al1")).toMatchObject({ status: "EXPIRED", reason: "SELF_TRADE" })
      expect(lastOrder(evs, "al2")).toMatchObject({ status: "PARTIAL", filled: 7, remaining: 3 })
    })

    it("expires both orders with EXPIRE_BOTH", () => {
      const b = setup()
      const evs = run((out) => b.submit(limit("al2", "alice", "BUY", 100, 10, { stp: "EXPIRE_BOTH" }), out))
      expect(fills(evs)).toEqual([["bob1", 100, 3]])
      expect(lastOrder(evs, "al1").status).toBe("EXPIRED")
      expect(lastOrder(evs, "al2")).toMatchObject({ status: "EXPIRED", filled: 3 })
      expect(b.order("car1")!.remaining).toBe(4)
    })

    it("shrinks both orders by the smaller size without trading with DECREMENT", () => {
      const b = newBook()
      place(b, limit("al1", "alice", "SELL", 100, 5))
      const evs = run((out) => b.submit(limit("al2", "alice", "BUY", 100, 3, { stp: "DECREMENT" }), out))
      expect(tradesOf(evs)).toEqual([])
      expect(lastOrder(evs, "al1")).toMatchObject({ status: "PENDING", reason: "SELF_TRADE", remaining: 2 })
      expect(lastOrder(evs, "al2")).toMatchObject({ status: "EXPIRED", reason: "SELF_TRADE", remaining: 3 })
      expect(b.depth(1).asks).toEqual([[100, 2]])
    })
  })

  it("stops a market order at the wallet's collar and cancels the rest", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 2), limit("s2", "u1", "SELL", 105, 3), limit("s3", "u1", "SELL", 120, 5))
    const evs = run((out) => b.submit({ id: "m1", owner: "u2", side: "BUY", type: "MARKET", price: 110, qty: 10 }, out))
    expect(fills(evs)).toEqual([["s1", 100, 2], ["s2", 105, 3]])
    expect(lastOrder(evs, "m1")).toMatchObject({ status: "CANCELLED", reason: "PRICE_COLLAR", filled: 5, remaining: 5 })
    expect(b.depth(5).asks).toEqual([[120, 5]])
  })

  it("rejects a market order whose collar is below the best price", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 120, 2))
    const evs = run((out) => b.submit({ id: "m1", owner: "u2", side: "BUY", type: "MARKET", price: 110, qty: 1 }, out))
    expect(lastOrder(evs, "m1")).toMatchObject({ status: "REJECTED", reason: "PRICE_COLLAR" })
  })

  it("rejects a market order on an empty book rather than resting or sweeping", () => {
    const b = newBook()
    const evs = run((out) => b.submit({ id: "m1", owner: "u2", side: "SELL", type: "MARKET", price: 1, qty: 1 }, out))
    expect(lastOrder(evs, "m1")).toMatchObject({ status: "REJECTED", reason: "NO_LIQUIDITY" })
    expect(b.depth(1)).toEqual({ bids: [], asks: [] })
  })

  it("cancels a partially filled order and reports what stays unfilled", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 10), limit("b1", "u2", "BUY", 100, 4))
    const evs = run((out) => b.cancel("s1", out))
    expect(lastOrder(evs, "s1")).toMatchObject({ status: "CANCELLED", reason: "USER_CANCELLED", filled: 4, remaining: 6, notional: 400 })
    expect(evs).toContainEqual({ kind: "level", side: "SELL", price: 100, qty: 0 })
    expect(b.order("s1")).toBeUndefined()
  })

  it("keeps everyone else's queue position after an interior cancel", () => {
    const b = newBook()
    place(b, limit("a", "u1", "SELL", 100, 2), limit("bb", "u2", "SELL", 100, 2), limit("c", "u3", "SELL", 100, 2))
    const cancel = run((out) => b.cancel("bb", out))
    expect(cancel).toContainEqual({ kind: "level", side: "SELL", price: 100, qty: 4 })
    const evs = run((out) => b.submit(limit("t", "u9", "BUY", 100, 3), out))
    expect(fills(evs)).toEqual([["a", 100, 2], ["c", 100, 1]])
  })

  it("expires a GTD order only for the version its timer was set for", () => {
    const b = newBook()
    place(b, limit("g1", "u1", "BUY", 90, 1, { tif: "GTD", version: 3, expiresAt: 1_700_000_000_000 }), limit("g2", "u1", "BUY", 90, 1))
    expect(run((out) => b.expire("g1", 2, out))).toEqual([{ kind: "rejected", orderId: "g1", reason: "STALE_EXPIRY" }])
    expect(run((out) => b.expire("g2", 0, out))).toEqual([{ kind: "rejected", orderId: "g2", reason: "NOT_GTD" }])
    const evs = run((out) => b.expire("g1", 3, out))
    expect(lastOrder(evs, "g1")).toMatchObject({ status: "EXPIRED", reason: "EXPIRED", version: 3 })
  })

  it("keeps queue priority on a replace that only shrinks the order", () => {
    const b = newBook()
    place(b, limit("a", "u1", "SELL", 100, 5), limit("c", "u2", "SELL", 100, 5))
    const evs = run((out) => b.replace("a", limit("a2", "u1", "SELL", 100, 3), out))
    expect(lastOrder(evs, "a")).toMatchObject({ status: "CANCELLED", reason: "REPLACED" })
    expect(lastOrder(evs, "a2").status).toBe("PENDING")
    expect(fills(run((out) => b.submit(limit("t", "u9", "BUY", 100, 4), out)))).toEqual([["a2", 100, 3], ["c", 100, 1]])
  })

  it("loses queue priority on a replace that grows the order or moves its price", () => {
    const b = newBook()
    place(b, limit("a", "u1", "SELL", 100, 5), limit("c", "u2", "SELL", 100, 5))
    run((out) => b.replace("a", limit("a2", "u1", "SELL", 100, 6), out))
    expect(fills(run((out) => b.submit(limit("t", "u9", "BUY", 100, 1), out)))).toEqual([["c", 100, 1]])
  })

  it("lets a replace at a crossing price trade at once", () => {
    const b = newBook()
    place(b, limit("s", "u1", "SELL", 100, 5), limit("bid", "u2", "BUY", 95, 5))
    const evs = run((out) => b.replace("bid", limit("bid2", "u2", "BUY", 100, 5), out))
    expect(fills(evs)).toEqual([["s", 100, 5]])
  })

  it("refuses a cancel of an unknown order as a value", () => {
    expect(run((out) => newBook().cancel("nope", out))).toEqual([{ kind: "rejected", orderId: "nope", reason: "UNKNOWN_ORDER" }])
  })

  it("refuses a second live order with the same id", () => {
    const b = newBook()
    place(b, limit("x", "u1", "BUY", 90, 1))
    expect(place(b, limit("x", "u1", "BUY", 91, 1))[0]).toEqual([{ kind: "rejected", orderId: "x", reason: "DUPLICATE_ORDER_ID" }])
  })

  it("rejects malformed orders with a reason instead of throwing", () => {
    const b = new OrderBook({ symbol: "VIRAL/SA_TEST_001", lot: 10, tick: 5 })
    const bad: Array<[OrderEntry, string]> = [
      [limit("q0", "u", "BUY", 100, 0), "INVALID_QUANTITY"],
      [limit("q1", "u", "BUY", 100, 15), "INVALID_QUANTITY"],
      [limit("q2", "u", "BUY", 100, 1.5), "INVALID_QUANTITY"],
      [limit("p1", "u", "BUY", 101, 10), "INVALID_PRICE"],
      [limit("p2", "u", "BUY", Number.NaN, 10), "INVALID_PRICE"],
      [limit("p3", "u", "BUY", -5, 10), "INVALID_PRICE"],
      [{ id: "s1", owner: "u", side: "BUY", type: "STOP", price: 100, qty: 10 }, "INVALID_STOP_PRICE"],
      [{ ...limit("o1", "u", "BUY", 100, 10), side: "UP" as Side }, "INVALID_ORDER"],
      [limit("o2", "u", "BUY", 100, 10, { postOnly: true, tif: "IOC" }), "INVALID_ORDER"]
    ]
    for (const [entry, reason] of bad) {
      expect(lastOrder(place(b, entry)[0]!, entry.id)).toMatchObject({ status: "REJECTED", reason })
    }
    expect(b.index.size).toBe(0)
  })

  it("reports depth as aggregated levels, best first", () => {
    const b = newBook()
    place(b, limit("1", "u", "BUY", 98, 2), limit("2", "v", "BUY", 99, 1), limit("3", "w", "BUY", 99, 4), limit("4", "x", "SELL", 101, 7))
    expect(b.depth(2)).toEqual({ bids: [[99, 5], [98, 2]], asks: [[101, 7]] })
  })

  it("keeps cumulative notional so the average price is exact, rounded half up", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 1), limit("s2", "u1", "SELL", 101, 1), limit("b1", "u2", "BUY", 101, 3))
    expect(b.order("b1")).toMatchObject({ filled: 2, notional: 201, avgPrice: 101, status: "PARTIAL" })
  })

  it("derives trade ids from the taker id and fill index", () => {
    const b = newBook()
    place(b, limit("s1", "u1", "SELL", 100, 1), limit("s2", "u1", "SELL", 100, 1))
    const evs = run((out) => b.submit(limit("b1", "u2", "BUY", 100, 2), out))
    expect(tradesOf(evs).map(tradeId)).toEqual(["b1#0", "b1#1"])
  })
})

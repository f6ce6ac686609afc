import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { eventually } from "../support/eventually.js"
import { liveExchange, type RestBook } from "./live-edge.js"

describe("GET /market/:symbol/orderbook", () => {
  it.scopedLive("shows the house ladder as decimal-price levels, best first, with the book feed's seq", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const book = yield* eventually(exchange.orderbook(), (b) => b.bids.length === 5 && b.asks.length === 5, "the house ladder")
      assert.deepStrictEqual(book.bids.map((l) => l.price), ["9.95", "9.90", "9.85", "9.80", "9.75"])
      assert.deepStrictEqual(book.asks.map((l) => l.price), ["10.05", "10.10", "10.15", "10.20", "10.25"])
      assert.isTrue(book.bids.every((l) => l.quantity === 100))
      assert.isAbove(book.seq, 0)
      assert.strictEqual(book.symbol, exchange.symbol)
    })
  )

  it.scopedLive("depth limits the levels per side; the raw symbol with its slash works as well as the encoded one", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      yield* eventually(exchange.orderbook(), (b) => b.asks.length === 5, "the house ladder")
      const top = yield* exchange.http<RestBook>("GET", `/market/${exchange.symbol}/orderbook?depth=2`)
      assert.strictEqual(top.status, 200)
      assert.deepStrictEqual(top.body.asks.map((l) => l.price), ["10.05", "10.10"])
      assert.strictEqual(top.body.bids.length, 2)
    })
  )

  it.scopedLive("a bad depth is a 400 problem and an unknown symbol a 404", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      for (const depth of ["0", "501", "2.5", "ten", "-1", ""]) {
        const answer = yield* exchange.http("GET", `/market/${encodeURIComponent(exchange.symbol)}/orderbook?depth=${depth}`)
        assert.strictEqual(answer.status, 400, `depth=${depth}`)
        assert.strictEqual(answer.body.errors[0].path, "depth")
      }
      const unknown = yield* exchange.http("GET", "/market/VIRAL%2FSA_NOPE_001/orderbook")
      assert.strictEqual(unknown.status, 404)
      const badEncoding = yield* exchange.http("GET", "/market/%E0%A4%A/orderbook")
      assert.strictEqual(badEncoding.status, 400)
    })
  )
})

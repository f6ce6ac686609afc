import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { makeAddress, shardOf, type Address } from "../../src/runtime/address.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { seededRandom } from "../support/seeded-random.js"
import { connect, type FeedClient } from "./feed-client.js"
import { liveExchange, type LiveExchange } from "./live-edge.js"
import { bookQuiet, orderBurst, type BurstTrader } from "./order-burst.js"

const traders = (exchange: LiveExchange) =>
  Effect.forEach(["amahle@example.com", "sipho@example.com", "lerato@example.com"], (email) =>
    Effect.map(exchange.trader(email), ({ userId, token }): BurstTrader => ({ userId, token, orders: [] }))
  )

/** Waits until the client has applied exactly the seq GET .../orderbook shows, then compares the books. */
const assertSameBook = (exchange: LiveExchange, client: FeedClient) =>
  Effect.gen(function* () {
    const rest = yield* exchange.orderbook()
    yield* client.until(() => client.book.seq >= rest.seq, `the client to reach seq ${rest.seq}`)
    assert.strictEqual(client.book.seq, rest.seq)
    assert.deepStrictEqual(client.book.view(), { bids: [...rest.bids], asks: [...rest.asks] })
    assert.deepStrictEqual(client.book.problems, [])
    return rest
  })

describe("/ws orderbook channel", () => {
  it.scopedLive("a client rebuilds the book from snapshot + deltas and it equals GET .../orderbook after a burst of random orders", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const users = yield* traders(exchange)
      const client = yield* connect(exchange.wsUrl)
      client.send({ op: "subscribe", channel: "orderbook", symbol: exchange.symbol })
      const snapshot = yield* client.next((e) => e.event === "order:book", "the snapshot")
      assert.strictEqual(snapshot.type, "snapshot")
      yield* orderBurst(exchange, users, seededRandom(5), 150)
      yield* bookQuiet(exchange, users)
      const rest = yield* assertSameBook(exchange, client)
      // The burst moved the book: many deltas, all after the one snapshot and gapless.
      assert.isAbove(rest.seq - snapshot.seq, 50)
      assert.strictEqual(client.book.snapshots, 1)
      assert.deepStrictEqual(client.book.seqs, Array.from({ length: rest.seq - snapshot.seq + 1 }, (_, i) => snapshot.seq + i))
    })
  )

  it.scopedLive("a client that disconnects mid-burst and resumes with fromSeq sees gapless seqs and the same book", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const users = yield* traders(exchange)
      const random = seededRandom(11)
      const first = yield* connect(exchange.wsUrl)
      first.send({ op: "subscribe", channel: "orderbook", symbol: exchange.symbol })
      yield* first.next((e) => e.event === "order:book", "the snapshot")
      yield* orderBurst(exchange, users, random, 60)
      yield* first.close()
      const book = first.book
      const resumeFrom = book.seq + 1
      yield* orderBurst(exchange, users, random, 60)
      const second = yield* connect(exchange.wsUrl)
      // The second socket carries on the first one's book: no snapshot, only what it missed.
      Object.assign(second, { book })
      second.send({ op: "subscribe", channel: "orderbook", symbol: exchange.symbol, fromSeq: resumeFrom })
      yield* orderBurst(exchange, users, random, 30)
      yield* bookQuiet(exchange, users)
      const rest = yield* assertSameBook(exchange, second)
      assert.isAbove(rest.seq, resumeFrom + 20)
      assert.strictEqual(book.snapshots, 1)
      assert.isFalse(second.events.some((e) => e.type === "snapshot"))
      const seqs = book.seqs
      assert.deepStrictEqual(seqs, Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i))
    })
  )

  it.scopedLive("clients of two edges rebuild the same book, each edge reading the feed itself", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const other = yield* exchange.anotherEdge()
      const users = yield* traders(exchange)
      const clients = [yield* connect(exchange.wsUrl), yield* connect(other.wsUrl)]
      for (const client of clients) client.send({ op: "subscribe", channel: "orderbook", symbol: exchange.symbol })
      yield* orderBurst(exchange, users, seededRandom(23), 60)
      yield* bookQuiet(exchange, users)
      for (const client of clients) yield* assertSameBook(exchange, client)
      assert.strictEqual(exchange.server.feeds.stats().streams, 1)
      assert.strictEqual(other.server.feeds.stats().streams, 1)
    })
  )

  it.scopedLive("a resume from a seq the stream no longer holds gets an explicit error and a fresh snapshot", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const users = yield* traders(exchange)
      yield* orderBurst(exchange, users, seededRandom(3), 20)
      yield* bookQuiet(exchange, users)
      // What the feed cap (XADD MAXLEN ~) does to a long stream, done at once: keep the last 2.
      const streamKey = yield* exchange.run(
        Effect.map(ActorClient, (c) => c.keys.shard(shardOf(makeAddress("book", exchange.symbol) as Address, c.keys.shardCount)).feed(`book/${exchange.symbol}:book`))
      )
      yield* exchange.run(Effect.flatMap(RedisClient, (r) => r.call("XTRIM", (redis) => redis.xtrim(streamKey, "MAXLEN", 2))))
      for (const fromSeq of [1, 1_000_000]) {
        const client = yield* connect(exchange.wsUrl)
        client.send({ op: "subscribe", channel: "orderbook", symbol: exchange.symbol, fromSeq })
        const error = yield* client.next((e) => e.event === "error", "the resume error")
        assert.strictEqual(error.code, "RESUME_UNAVAILABLE")
        const snapshot = yield* client.next((e) => e.event === "order:book", "the snapshot")
        assert.strictEqual(snapshot.type, "snapshot")
        yield* assertSameBook(exchange, client)
      }
    })
  )
})

// The /ws feed on a three-master Redis Cluster: a node and an edge in this process, and one
// subscriber whose streams lie in different hash slots. One XREAD over both would fail with
// CROSSSLOT; the edge's shared reader must read each slot on its own.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Book } from "../../src/actors/book/protocol.js"
import { Wallet } from "../../src/actors/wallet/protocol.js"
import { makeAddress, type Address } from "../../src/runtime/address.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { feedStreamKey } from "../../src/runtime/feed-stream.js"
import { hashSlot } from "../../src/runtime/hash-slot.js"
import { RedisClient } from "../../src/runtime/redis.js"
import { connect } from "../http/feed-client.js"
import { liveExchange } from "../http/live-edge.js"
import { startRedisCluster } from "./redis-cluster-server.js"

describe("/ws on a three-master Redis Cluster", () => {
  it.scopedLive("a subscriber gets the book snapshot, then a delta and its own order event, from streams in different slots", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange({}, { redisUrl: yield* startRedisCluster })
      assert.isTrue(yield* exchange.run(Effect.map(RedisClient, (redis) => redis.cluster)))
      const keys = yield* exchange.run(Effect.map(ActorClient, (client) => client.keys))
      const slotOf = (kind: string, key: string, feed: string) =>
        hashSlot(/\{(.+?)\}/.exec(feedStreamKey(keys, makeAddress(kind, key) as Address, feed))![1]!)
      const bookSlot = slotOf(Book.name, exchange.symbol, "book")
      // A trader whose wallet feed shares no slot with the book's (a random user id hits the book's shard one time in 8).
      let trader = yield* exchange.trader("thandi-0@example.com")
      for (let i = 1; slotOf(Wallet.name, trader.userId, "events") === bookSlot; i++) trader = yield* exchange.trader(`thandi-${i}@example.com`)

      const feed = yield* connect(exchange.wsUrl, { Authorization: `Bearer ${trader.token}` })
      feed.send({ op: "subscribe", channel: "orderbook", symbol: exchange.symbol })
      const snapshot = yield* feed.next((e) => e.event === "order:book" && e.type === "snapshot", "the snapshot")
      feed.send({ op: "subscribe", channel: "orders" })
      yield* feed.next((e) => e.event === "subscribed" && e.channel === "orders", "the orders subscription")
      assert.strictEqual(exchange.server.feeds.stats().streams, 2)

      const placed = yield* exchange.http<{ orderId: string }>("POST", "/order", { symbol: exchange.symbol, side: "BUY", type: "LIMIT", quantity: 2, price: "5.00" }, trader.token)
      assert.strictEqual(placed.status, 201)
      const delta = yield* feed.next((e) => e.event === "order:book" && e.type === "delta", "the delta")
      assert.strictEqual(delta.seq, snapshot.seq + 1)
      assert.deepStrictEqual(delta.bids, [{ price: "5.00", quantity: 2 }])
      const created = yield* feed.next((e) => e.event === "order:created", "the order:created")
      assert.strictEqual(created.order.orderId, placed.body.orderId)
      assert.deepStrictEqual(feed.book.problems, [])
    }),
    { timeout: 120_000 }
  )
})

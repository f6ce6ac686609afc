import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { connect } from "./feed-client.js"
import { liveExchange } from "./live-edge.js"

describe("/ws private channels", () => {
  it.scopedLive("a user sees their own order events and not another user's", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const thandi = yield* exchange.trader("thandi@example.com")
      const bongani = yield* exchange.trader("bongani@example.com")
      // One authenticates with the header on connect, the other with ?token=.
      const thandiFeed = yield* connect(exchange.wsUrl, { Authorization: `Bearer ${thandi.token}` })
      const bonganiFeed = yield* connect(`${exchange.wsUrl}?token=${bongani.token}`)
      for (const feed of [thandiFeed, bonganiFeed]) {
        feed.send({ op: "subscribe", channel: "orders" })
        yield* feed.next((e) => e.event === "subscribed", "the subscription")
      }
      const order = { symbol: exchange.symbol, side: "BUY", type: "LIMIT", quantity: 2, price: "5.00" }
      const mine = yield* exchange.http<{ orderId: string }>("POST", "/order", order, thandi.token)
      const created = yield* thandiFeed.next((e) => e.event === "order:created", "thandi's order:created")
      assert.strictEqual(created.order.orderId, mine.body.orderId)
      assert.strictEqual(created.order.price, "5.00")
      assert.strictEqual(created.channel, "orders")
      assert.isNumber(created.seq)
      const theirs = yield* exchange.http<{ orderId: string }>("POST", "/order", order, bongani.token)
      yield* bonganiFeed.next((e) => e.event === "order:created" && e.order.orderId === theirs.body.orderId, "bongani's order:created")
      // Thandi orders again and sees it: by then both feeds have had every event they would get.
      const again = yield* exchange.http<{ orderId: string }>("POST", "/order", order, thandi.token)
      yield* thandiFeed.next((e) => e.event === "order:created" && e.order.orderId === again.body.orderId, "thandi's second order:created")
      assert.isFalse(bonganiFeed.events.some((e) => e.order?.orderId === mine.body.orderId || e.order?.orderId === again.body.orderId))
      assert.isFalse(thandiFeed.events.some((e) => e.order?.orderId === theirs.body.orderId))
    })
  )

  it.scopedLive("the wallet channel shows balance changes in decimal rands, after an auth message", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const user = yield* exchange.trader("naledi@example.com")
      const feed = yield* connect(exchange.wsUrl)
      feed.send({ op: "auth", token: user.token })
      assert.strictEqual((yield* feed.next((e) => e.event === "authenticated", "the auth")).userId, user.userId)
      // The credit happened before: resume from seq 1 replays it.
      feed.send({ op: "subscribe", channel: "wallet", fromSeq: 1 })
      const credited = yield* feed.next((e) => e.event === "wallet:updated", "the credit")
      assert.deepInclude(credited, { channel: "wallet", currency: "ZAR", available: "100000.00", seq: 1 })
    })
  )

  it.scopedLive("an unauthenticated private subscription is refused", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const feed = yield* connect(exchange.wsUrl)
      for (const channel of ["orders", "wallet"]) {
        const from = feed.events.length
        feed.send({ op: "subscribe", channel })
        const error = yield* feed.next((e) => e.event === "error", `the refusal of ${channel}`, from)
        assert.strictEqual(error.code, "UNAUTHORIZED")
      }
      const from = feed.events.length
      feed.send({ op: "auth", token: "forged" })
      assert.strictEqual((yield* feed.next((e) => e.event === "error", "the bad token's refusal", from)).code, "UNAUTHORIZED")
      feed.send({ op: "subscribe", channel: "orders" })
      yield* feed.next((e) => e.event === "error" && e.channel === "orders", "the refusal after a bad token", from + 1)
    })
  )
})

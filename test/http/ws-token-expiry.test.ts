import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { connect, type FeedClient } from "./feed-client.js"
import { liveExchange } from "./live-edge.js"

/** Lifetime of the short tokens: long enough to connect and subscribe on a loaded machine. */
const TTL_SECONDS = 3

/** Waits for the socket to be closed by the edge, well past the short tokens' expiry. */
const closed = (feed: FeedClient) => Effect.map(feed.until(() => feed.closed !== undefined, "the close", (TTL_SECONDS + 10) * 1000), () => feed.closed!)

describe("/ws token expiry", () => {
  it.scopedLive("when its token expires a socket gets a TOKEN_EXPIRED error and is closed with 4001, however it authenticated", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const user = yield* exchange.trader("thandi@example.com")
      const token = yield* exchange.tokenFor(user.userId, TTL_SECONDS)
      const viaHeader = yield* connect(exchange.wsUrl, { Authorization: `Bearer ${token}` })
      const viaFrame = yield* connect(exchange.wsUrl)
      viaFrame.send({ op: "auth", token })
      yield* viaFrame.next((e) => e.event === "authenticated", "the auth")
      for (const feed of [viaHeader, viaFrame]) {
        feed.send({ op: "subscribe", channel: "orders" })
        yield* feed.next((e) => e.event === "subscribed", "the orders subscription")
      }
      for (const feed of [viaHeader, viaFrame]) {
        const close = yield* closed(feed)
        assert.strictEqual(close.code, 4001)
        const last = feed.events[feed.events.length - 1]!
        assert.strictEqual(last.event, "error")
        assert.strictEqual(last.code, "TOKEN_EXPIRED")
      }
    })
  )

  it.scopedLive("a fresh token sent on the open socket before expiry keeps the socket and its private channels", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const user = yield* exchange.trader("bongani@example.com")
      const token = yield* exchange.tokenFor(user.userId, TTL_SECONDS)
      const kept = yield* connect(exchange.wsUrl, { Authorization: `Bearer ${token}` })
      // Same token, never refreshed: its close marks the moment the old deadline has passed.
      const witness = yield* connect(exchange.wsUrl, { Authorization: `Bearer ${token}` })
      const welcome = yield* kept.next((e) => e.event === "welcome", "the welcome")
      kept.send({ op: "subscribe", channel: "orders" })
      yield* kept.next((e) => e.event === "subscribed", "the orders subscription")
      kept.send({ op: "auth", token: user.token })
      const renewed = yield* kept.next((e) => e.event === "authenticated", "the re-auth")
      assert.isAbove(Date.parse(renewed.expiresAt), Date.parse(welcome.expiresAt))

      assert.strictEqual((yield* closed(witness)).code, 4001)
      const placed = yield* exchange.http<{ orderId: string }>("POST", "/order", { symbol: exchange.symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "5.00" }, user.token)
      yield* kept.next((e) => e.event === "order:created" && e.order.orderId === placed.body.orderId, "the order:created after the old token's expiry")
      assert.isUndefined(kept.closed)
      assert.isFalse(kept.events.some((e) => e.code === "TOKEN_EXPIRED"))
    })
  )

  it.scopedLive("a socket without a token is not closed when tokens expire", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const user = yield* exchange.trader("naledi@example.com")
      const guest = yield* connect(exchange.wsUrl)
      const witness = yield* connect(exchange.wsUrl, { Authorization: `Bearer ${yield* exchange.tokenFor(user.userId, TTL_SECONDS)}` })
      guest.send({ op: "subscribe", channel: "orderbook", symbol: exchange.symbol })
      const snapshot = yield* guest.next((e) => e.event === "order:book" && e.type === "snapshot", "the snapshot")

      assert.strictEqual((yield* closed(witness)).code, 4001)
      yield* exchange.http("POST", "/order", { symbol: exchange.symbol, side: "BUY", type: "LIMIT", quantity: 1, price: "5.00" }, user.token)
      yield* guest.next((e) => e.event === "order:book" && e.seq === snapshot.seq + 1, "the delta after the expiry")
      assert.isUndefined(guest.closed)
    })
  )
})

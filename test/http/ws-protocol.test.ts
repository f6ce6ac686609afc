import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { connect, upgradeStatus } from "./feed-client.js"
import { liveExchange } from "./live-edge.js"

describe("/ws protocol", () => {
  it.scopedLive("malformed frames get error events and the socket stays usable", () =>
    Effect.gen(function* () {
      const { wsUrl, symbol } = yield* liveExchange()
      const client = yield* connect(wsUrl)
      const frames: Array<[unknown, string]> = [
        ["not json", "BAD_MESSAGE"],
        [{ op: "explode" }, "BAD_MESSAGE"],
        [{ op: "subscribe" }, "BAD_MESSAGE"],
        [{ op: "subscribe", channel: "orderbook", symbol, fromSeq: -3 }, "BAD_MESSAGE"],
        [{ op: "subscribe", channel: "orderbook", symbol, extra: 1 }, "BAD_MESSAGE"],
        [{ op: "subscribe", channel: "orderbook" }, "BAD_SUBSCRIPTION"],
        [{ op: "subscribe", channel: "trades", symbol: "VIRAL/SA_NOPE_001" }, "UNKNOWN_SYMBOL"],
        [[1, 2, 3], "BAD_MESSAGE"]
      ]
      for (const [frame, code] of frames) {
        const from = client.events.length
        client.send(frame)
        const error = yield* client.next((e) => e.event === "error", `the error for ${JSON.stringify(frame)}`, from)
        assert.strictEqual(error.code, code, JSON.stringify(frame))
      }
      const from = client.events.length
      client.ws.send(Buffer.from([1, 2, 3]), { binary: true })
      assert.strictEqual((yield* client.next((e) => e.event === "error", "the binary frame's error", from)).code, "BAD_MESSAGE")
      client.send({ op: "ping" })
      yield* client.next((e) => e.event === "pong", "the pong")
      client.send({ op: "subscribe", channel: "orderbook", symbol })
      const snapshot = yield* client.next((e) => e.event === "order:book", "the snapshot")
      assert.strictEqual(snapshot.type, "snapshot")
      assert.isUndefined(client.closed)
    })
  )

  it.scopedLive("frames are answered in the order they were sent, pings and bad frames included", () =>
    Effect.gen(function* () {
      const { wsUrl, symbol } = yield* liveExchange()
      const client = yield* connect(wsUrl)
      client.send({ op: "subscribe", channel: "orderbook", symbol })
      client.send({ op: "subscribe", channel: "trades", symbol })
      client.send({ op: "ping" })
      client.ws.send("not json")
      client.ws.send(`${"[".repeat(3000)}${"]".repeat(3000)}`)
      client.send({ op: "subscribe", channel: "trades", symbol: "VIRAL/SA_NOPE_001" })
      client.send({ op: "subscribe", channel: "bogus", symbol })
      yield* client.next((e) => e.event === "error" && e.code === "BAD_MESSAGE" && client.events.filter((x) => x.event === "error").length === 4, "every answer")
      const answers = client.events.filter((e) => e.event !== "order:book" && e.event !== "order:matched").map((e) => (e.event === "error" ? `error ${String(e.code)}` : String(e.event)))
      assert.deepStrictEqual(answers, ["welcome", "subscribed", "subscribed", "pong", "error BAD_MESSAGE", "error BAD_MESSAGE", "error UNKNOWN_SYMBOL", "error BAD_MESSAGE"])
      assert.isUndefined(client.closed)
    })
  )

  it.scopedLive("/metrics shows the open sockets and the streams the edge reads", () =>
    Effect.gen(function* () {
      const { wsUrl, symbol, base } = yield* liveExchange()
      const client = yield* connect(wsUrl)
      client.send({ op: "subscribe", channel: "trades", symbol })
      yield* client.next((e) => e.event === "subscribed", "the subscription")
      const text = yield* Effect.promise(async () => (await fetch(`${base}/metrics`)).text())
      assert.include(text, "viralfx_ws_connections 1")
      assert.include(text, "viralfx_ws_streams 1")
      assert.include(text, "viralfx_ws_slow_consumers_closed 0")
    })
  )

  it.scopedLive("after an unsubscribe no more events arrive and the edge stops reading the stream", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const user = yield* exchange.trader("zanele@example.com")
      const client = yield* connect(exchange.wsUrl)
      client.send({ op: "subscribe", channel: "trades", symbol: exchange.symbol })
      yield* client.next((e) => e.event === "subscribed", "the subscription")
      assert.strictEqual(exchange.server.feeds.stats().streams, 1)
      client.send({ op: "unsubscribe", channel: "trades", symbol: exchange.symbol })
      yield* client.next((e) => e.event === "unsubscribed", "the unsubscription")
      assert.strictEqual(exchange.server.feeds.stats().streams, 0)
      // A second socket still watches the trades: once it has the print, the hub has fanned it out.
      const watcher = yield* connect(exchange.wsUrl)
      watcher.send({ op: "subscribe", channel: "trades", symbol: exchange.symbol })
      yield* watcher.next((e) => e.event === "subscribed", "the watcher's subscription")
      const placed = yield* exchange.http("POST", "/order", { symbol: exchange.symbol, side: "BUY", type: "MARKET", quantity: 1 }, user.token)
      assert.strictEqual(placed.status, 201)
      yield* watcher.next((e) => e.event === "order:matched", "the print on the watcher")
      client.send({ op: "ping" })
      yield* client.next((e) => e.event === "pong", "the pong")
      assert.isFalse(client.events.some((e) => e.event === "order:matched"))
    })
  )

  it.scopedLive("an upgrade with a bad token is refused with 401, and other paths with 404", () =>
    Effect.gen(function* () {
      const { wsUrl } = yield* liveExchange()
      assert.strictEqual(yield* upgradeStatus(wsUrl, { Authorization: "Bearer nope" }), 401)
      assert.strictEqual(yield* upgradeStatus(`${wsUrl}?token=nope`), 401)
      assert.strictEqual(yield* upgradeStatus(wsUrl.replace("/ws", "/elsewhere")), 404)
      assert.strictEqual(yield* upgradeStatus(wsUrl), 101)
    })
  )
})

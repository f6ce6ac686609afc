import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import WebSocket from "ws"
import { until } from "../support/eventually.js"
import { connect, FeedClient } from "./feed-client.js"
import { liveExchange } from "./live-edge.js"
import { SIGNAL_TOKEN } from "./test-edge.js"

describe("/ws public channels and heartbeats", () => {
  it.scopedLive("a fill prints on the trades channel and a signal on the price channel, each with its stream's seq", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const user = yield* exchange.trader("kagiso@example.com")
      const client = yield* connect(exchange.wsUrl)
      client.send({ op: "subscribe", channel: "trades", symbol: exchange.symbol })
      client.send({ op: "subscribe", channel: "price", symbol: exchange.symbol })
      yield* client.until(() => client.events.filter((e) => e.event === "subscribed").length === 2, "both subscriptions")
      const placed = yield* exchange.http("POST", "/order", { symbol: exchange.symbol, side: "BUY", type: "LIMIT", quantity: 3, price: "10.05" }, user.token)
      assert.strictEqual(placed.status, 201)
      const trade = yield* client.next((e) => e.event === "order:matched", "the print")
      assert.deepInclude(trade, { channel: "trades", symbol: exchange.symbol, price: "10.05", quantity: 3, side: "BUY", seq: 1 })
      const signal = yield* exchange.http("POST", "/signals", { topic: "DJ Zinhle dance challenge", viralityScore: 90, sentiment: 0.5, velocity: 1 }, SIGNAL_TOKEN)
      assert.strictEqual(signal.status, 202)
      const price = yield* client.next((e) => e.event === "price:updated", "the price")
      assert.deepInclude(price, { channel: "price", symbol: exchange.symbol, viralityScore: 90, sentiment: 0.5 })
      assert.match(price.indexPrice, /^\d+\.\d{2}$/)
      assert.isNumber(price.seq)
    })
  )

  it.scopedLive("the server pings every heartbeat and closes a connection that stops answering", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange({ heartbeatMs: 100 })
      const answering = yield* connect(exchange.wsUrl)
      let pings = 0
      answering.ws.on("ping", () => pings++)
      // A peer that never pongs: the ws client answers pings itself unless told not to.
      const silent = yield* Effect.acquireRelease(
        Effect.async<FeedClient>((resume) => {
          const ws = new WebSocket(exchange.wsUrl, { autoPong: false })
          const client = new FeedClient(ws)
          ws.once("open", () => resume(Effect.succeed(client)))
        }),
        (c) => Effect.sync(() => c.ws.terminate())
      )
      yield* silent.until(() => silent.closed !== undefined, "the silent client to be closed")
      assert.strictEqual(exchange.server.feeds.stats().heartbeatsMissed, 1)
      yield* until(() => pings >= 3, "three pings")
      assert.isUndefined(answering.closed)
    })
  )
})

import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Socket } from "node:net"
import { until } from "../support/eventually.js"
import { connect } from "./feed-client.js"
import { liveExchange } from "./live-edge.js"

const BOUND = 256 * 1024

describe("/ws slow consumers", () => {
  it.scopedLive("a client that stops reading is closed with 4008 once its unsent bytes pass the bound; others are served", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange({ maxBufferedBytes: BOUND })
      const user = yield* exchange.trader("slow@example.com")
      // A history worth replaying: each order is an order:created and an order:updated on the user's feed.
      for (let i = 0; i < 150; i++) {
        const placed = yield* exchange.http("POST", "/order", { symbol: exchange.symbol, side: "BUY", type: "LIMIT", quantity: 1, price: `1.${String(i % 100).padStart(2, "0")}` }, user.token)
        assert.strictEqual(placed.status, 201)
      }
      const slow = yield* connect(exchange.wsUrl, { Authorization: `Bearer ${user.token}` })
      const healthy = yield* connect(exchange.wsUrl)
      yield* slow.next((e) => e.event === "welcome", "the welcome")
      // Stop reading: what the server sends now piles up in the kernel's buffers, then in its own.
      const socket = (slow.ws as unknown as { _socket: Socket })._socket
      socket.pause()
      // Each replay of the user's history is well over 100 KiB; sixty of them overflow any socket buffer.
      for (let i = 0; i < 60; i++) slow.send({ op: "subscribe", channel: "orders", fromSeq: 1 })
      yield* until(() => exchange.server.feeds.stats().slowConsumersClosed === 1, "the slow consumer's cut-off")
      healthy.send({ op: "ping" })
      yield* healthy.next((e) => e.event === "pong", "the healthy client's pong")
      socket.resume()
      yield* slow.until(() => slow.closed !== undefined, "the slow client to see the close")
      assert.strictEqual(slow.closed!.code, 4008)
      assert.match(slow.closed!.reason, /slow consumer/)
      assert.isUndefined(healthy.closed)
    })
  )
})

// Request bodies on a real server, where the edge reads Node's request stream itself: the size
// limit holds whether the length is declared or the body comes in chunks, and a body split
// anywhere (even inside a UTF-8 character) is read whole.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { connect } from "node:net"
import { eventually } from "../support/eventually.js"
import { liveExchange } from "./live-edge.js"

const LIMIT = 64 * 1024

/** POSTs `chunks` as a chunked body (no Content-Length) and answers the status and problem body. */
const postChunked = (base: string, path: string, chunks: ReadonlyArray<Uint8Array>) =>
  Effect.promise(async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk)
        controller.close()
      }
    })
    const response = await fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body, duplex: "half" } as RequestInit)
    return { status: response.status, contentType: response.headers.get("content-type"), body: (await response.json()) as Record<string, unknown> }
  })

describe("request bodies on the live edge", () => {
  it.scopedLive("a chunked body past the limit is a 413 problem", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const piece = new TextEncoder().encode(" ".repeat(16 * 1024))
      const answer = yield* postChunked(exchange.base, "/auth/register", Array.from({ length: 6 }, () => piece))
      assert.strictEqual(answer.status, 413)
      assert.strictEqual(answer.contentType, "application/problem+json")
      assert.include(String(answer.body["detail"]), `${LIMIT} bytes`)
    })
  )

  it.scopedLive("a declared length past the limit is a 413 problem", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const answer = yield* exchange.http("POST", "/auth/register", { email: "big@example.com", password: "x".repeat(LIMIT) })
      assert.strictEqual(answer.status, 413)
    })
  )

  it.scopedLive("a body split inside a UTF-8 character is read whole", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const password = "pässwörd-één"
      const bytes = new TextEncoder().encode(JSON.stringify({ email: "utf8@example.com", password }))
      const split = bytes.indexOf(0xc3) + 1 // between the two bytes of "ä"
      const registered = yield* postChunked(exchange.base, "/auth/register", [bytes.slice(0, split), bytes.slice(split)])
      assert.strictEqual(registered.status, 201)
      const login = yield* exchange.http("POST", "/auth/login", { email: "utf8@example.com", password })
      assert.strictEqual(login.status, 200)
    })
  )

  it.scopedLive("a body that is not JSON is a 400 problem", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      const answer = yield* postChunked(exchange.base, "/auth/register", [new TextEncoder().encode("{not json")])
      assert.strictEqual(answer.status, 400)
      assert.strictEqual(answer.body["title"], "Invalid JSON")
    })
  )

  it.scopedLive("a client gone in the middle of its body leaves no request waiting: it is answered 400 and counted", () =>
    Effect.gen(function* () {
      const exchange = yield* liveExchange()
      yield* Effect.async<void>((resume) => {
        const socket = connect(exchange.server.port, "127.0.0.1", () => {
          socket.write("POST /auth/register HTTP/1.1\r\nHost: edge\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\":")
          setTimeout(() => {
            socket.destroy()
            resume(Effect.void)
          }, 100)
        })
      })
      const metrics = Effect.promise(async () => (await fetch(`${exchange.base}/metrics`)).text())
      yield* eventually(metrics, (text) => /viralfx_http_requests_total\{method="POST",[^}]*status="400"\} 1/.test(text), "the abandoned request answered")
    })
  )
})

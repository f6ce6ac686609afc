// A WebSocket client for tests: records every event, waits for one by predicate (no sleeps),
// and rebuilds an order book from `order:book` snapshot + deltas, checking seqs are gapless.
import { Effect } from "effect"
import WebSocket from "ws"
import type { Level } from "./live-edge.js"

/** An event as received. */
export type Event = Record<string, any> & { readonly event: string }

/** An order book rebuilt from the `orderbook` channel. */
export class BookReplica {
  readonly bids = new Map<string, number>()
  readonly asks = new Map<string, number>()
  seq = 0
  snapshots = 0
  /** Seqs of every `orderbook` event applied, in order. */
  readonly seqs: Array<number> = []
  /** Every gap or overlap seen (should stay empty). */
  readonly problems: Array<string> = []

  apply(event: Event): void {
    if (event.channel !== "orderbook" || typeof event.seq !== "number") return
    if (event.event === "order:book" && event.type === "snapshot") {
      this.bids.clear()
      this.asks.clear()
      this.snapshots++
    } else if (event.seq !== this.seq + 1) {
      this.problems.push(`gap or overlap: seq ${event.seq} after ${this.seq}`)
    }
    this.seq = event.seq
    this.seqs.push(event.seq)
    if (event.event !== "order:book") return
    for (const [side, levels] of [[this.bids, event.bids], [this.asks, event.asks]] as const) {
      for (const level of levels as ReadonlyArray<Level>) {
        if (level.quantity === 0) side.delete(level.price)
        else side.set(level.price, level.quantity)
      }
    }
  }

  /** Bids best first, asks best first: the shape of GET .../orderbook. */
  view(): { bids: Array<Level>; asks: Array<Level> } {
    const sorted = (side: Map<string, number>, descending: boolean) =>
      [...side].map(([price, quantity]) => ({ price, quantity })).sort((a, b) => (descending ? Number(b.price) - Number(a.price) : Number(a.price) - Number(b.price)))
    return { bids: sorted(this.bids, true), asks: sorted(this.asks, false) }
  }
}

/** A connected test client. */
export class FeedClient {
  readonly events: Array<Event> = []
  readonly book = new BookReplica()
  closed: { code: number; reason: string } | undefined
  private waiters: Array<() => void> = []

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const event = JSON.parse(data.toString()) as Event
      this.events.push(event)
      this.book.apply(event)
      this.notify()
    })
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() }
      this.notify()
    })
  }

  private notify() {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  /** Sends a frame (an object is sent as JSON, a string as it is). */
  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame))
  }

  /** Waits until `accept` holds (checked on every event and on close). */
  until(accept: () => boolean, what: string, timeoutMs = 30_000): Effect.Effect<void> {
    return Effect.async<void>((resume) => {
      const timer = setTimeout(() => resume(Effect.dieMessage(`timed out waiting for ${what}; last events: ${JSON.stringify(this.events.slice(-5))}`)), timeoutMs)
      const check = () => {
        if (accept()) {
          clearTimeout(timer)
          resume(Effect.void)
        } else this.waiters.push(check)
      }
      check()
      return Effect.sync(() => clearTimeout(timer))
    })
  }

  /** Waits for the first event after index `from` that matches; returns it. */
  next(match: (e: Event) => boolean, what: string, from = 0): Effect.Effect<Event> {
    let found: Event | undefined
    return this.until(() => (found = this.events.slice(from).find(match)) !== undefined, what).pipe(Effect.map(() => found!))
  }

  /** Closes the socket and waits for it to be closed. */
  close(): Effect.Effect<void> {
    this.ws.close()
    return this.until(() => this.closed !== undefined, "the close")
  }
}

/** Connects for the scope; fails the test if the upgrade is refused. */
export const connect = (url: string, headers: Record<string, string> = {}) =>
  Effect.acquireRelease(
    Effect.async<FeedClient>((resume) => {
      const ws = new WebSocket(url, { headers })
      const client = new FeedClient(ws)
      ws.once("open", () => resume(Effect.succeed(client)))
      ws.once("unexpected-response", (_req, res) => resume(Effect.dieMessage(`upgrade refused: ${res.statusCode}`)))
      ws.once("error", (error) => resume(Effect.die(error)))
    }),
    (client) => Effect.sync(() => client.ws.terminate())
  )

/** Tries to connect and answers the HTTP status of a refused upgrade (or 101). */
export const upgradeStatus = (url: string, headers: Record<string, string> = {}) =>
  Effect.async<number>((resume) => {
    const ws = new WebSocket(url, { headers })
    ws.once("open", () => {
      ws.terminate()
      resume(Effect.succeed(101))
    })
    ws.once("unexpected-response", (_req, res) => {
      resume(Effect.succeed(res.statusCode ?? 0))
      ws.terminate()
    })
    ws.once("error", () => {})
  })

// One `/ws` socket: decodes its frames, holds its principal and subscriptions, and sends
// with a bound — once the socket's unsent bytes pass it, the socket is closed (4008), never
// allowed to grow memory without end. A socket lives no longer than its token (4001).
import { Effect, Either, Exit, ParseResult } from "effect"
import WebSocket from "ws"
import type { Principal } from "../auth/principal.js"
import { authenticate } from "../auth/tokens.js"
import type { EdgeRuntime, EdgeServices } from "../edge-runtime.js"
import { jsonDepth, MAX_JSON_DEPTH } from "../decode.js"
import { fieldErrors } from "../problem.js"
import { ChannelRefused, resolveChannel } from "./channels.js"
import { decodeClientMessage, type ClientMessage } from "./client-message.js"
import type { FeedHub } from "./feed-hub.js"
import { FeedSubscription, type Payload } from "./feed-subscription.js"
import { TokenExpiry } from "./token-expiry.js"

/** Close code of a consumer cut off for not reading (private range; 1013 is "try again later"). */
export const SLOW_CONSUMER_CLOSE = 4008

/** Close code of a socket whose token expired before the client sent a fresh one. */
export const TOKEN_EXPIRED_CLOSE = 4001

/** Frames a socket may have waiting for an answer (a subscribe waits for its snapshot). */
const MAX_QUEUED_FRAMES = 64

/** Per-socket limits. */
export interface ConnectionLimits {
  /** Unsent bytes past which the socket is closed as a slow consumer. */
  readonly maxBufferedBytes: number
  /** Subscriptions one socket may hold. */
  readonly maxSubscriptions: number
}

/** What a connection needs from its gateway. */
export interface ConnectionDeps {
  readonly runtime: EdgeRuntime
  readonly hub: FeedHub
  readonly limits: ConnectionLimits
  /** Called once when the socket is cut off as a slow consumer. */
  readonly onSlowConsumer: () => void
}

type Subscribe = Extract<ClientMessage, { op: "subscribe" }>

/** A connected socket. */
export class FeedConnection {
  /** Set by any frame or pong; the heartbeat closes a socket that stayed silent a whole round. */
  alive = true
  private closed = false
  private readonly subscriptions = new Map<string, FeedSubscription>()
  /** Frames waiting to be handled, in order. */
  private queue: Promise<unknown> = Promise.resolve()
  private queued = 0
  /** Private channels show a user's data only while the token that proved it holds. */
  private readonly expiry = new TokenExpiry(() => this.tokenExpired())

  constructor(
    private readonly ws: WebSocket,
    private principal: Principal | undefined,
    private readonly deps: ConnectionDeps
  ) {
    this.expiry.arm(principal?.expiresAt)
  }

  /** Sends one event; false when the socket is closed. Cuts a slow consumer off. */
  send(payload: Payload): boolean {
    return this.sendText(JSON.stringify(payload))
  }

  /** Sends one serialised event, as `send`. */
  sendText(text: string): boolean {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return false
    this.ws.send(text)
    if (this.ws.bufferedAmount > this.deps.limits.maxBufferedBytes) {
      this.cutOff(SLOW_CONSUMER_CLOSE, `slow consumer: more than ${this.deps.limits.maxBufferedBytes} bytes unread`)
      this.deps.onSlowConsumer()
      return false
    }
    return true
  }

  /** Stops every subscription and closes the socket with `code`. */
  cutOff(code: number, reason: string): void {
    if (this.closed) return
    this.dispose()
    this.ws.close(code, reason)
  }

  /** Stops every subscription (the socket closed). */
  dispose(): void {
    this.closed = true
    this.expiry.close()
    for (const subscription of this.subscriptions.values()) subscription.stop()
    this.subscriptions.clear()
  }

  /**
   * Handles one frame from the client. Every frame is answered in arrival order: a ping or a bad
   * frame is answered at once only when nothing before it still waits for its answer.
   */
  handleFrame(data: WebSocket.RawData, isBinary: boolean): void {
    this.alive = true
    if (isBinary) return this.inOrder(() => this.error("BAD_MESSAGE", "frames must be JSON text"))
    const text = data.toString()
    if (jsonDepth(text) > MAX_JSON_DEPTH) return this.inOrder(() => this.error("BAD_MESSAGE", `the frame nests deeper than ${MAX_JSON_DEPTH} levels`))
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return this.inOrder(() => this.error("BAD_MESSAGE", "the frame is not valid JSON"))
    }
    const decoded = decodeClientMessage(parsed)
    if (Either.isLeft(decoded)) {
      const errors = fieldErrors(decoded.left as ParseResult.ParseError)
      return this.inOrder(() => this.send({ event: "error", code: "BAD_MESSAGE", message: "the frame does not match the protocol", errors }))
    }
    const message = decoded.right
    if (message.op === "ping") return this.inOrder(() => this.send({ event: "pong" }))
    if (this.queued >= MAX_QUEUED_FRAMES) return void this.error("TOO_MANY_PENDING", `at most ${MAX_QUEUED_FRAMES} frames may wait for an answer`)
    // One at a time, so an unsubscribe never overtakes its subscribe and each answer is in order.
    this.enqueue(() => this.deps.runtime.runPromise(this.handle(message)))
  }

  /** Answers now when no earlier frame waits for its answer, else right after the last of them. */
  private inOrder(answer: () => void): void {
    if (this.queued === 0) answer()
    else this.enqueue(answer)
  }

  /** Runs `task` after every frame queued before it; a failed task never stalls the ones behind it. */
  private enqueue(task: () => unknown): void {
    this.queued++
    this.queue = this.queue
      .then(() => (this.closed ? undefined : task()))
      .catch(() => undefined)
      .finally(() => void this.queued--)
  }

  private handle(message: Exclude<ClientMessage, { op: "ping" }>): Effect.Effect<void, never, EdgeServices> {
    switch (message.op) {
      case "auth":
        return this.authenticate(message.token)
      case "subscribe":
        return this.subscribe(message)
      case "unsubscribe":
        return Effect.sync(() => {
          const key = keyOf(message.channel, message.symbol)
          this.subscriptions.get(key)?.stop()
          this.subscriptions.delete(key)
          this.send({ event: "unsubscribed", channel: message.channel, ...(message.symbol !== undefined ? { symbol: message.symbol } : {}) })
        })
    }
  }

  private error(code: string, message: string, extra: Payload = {}): void {
    this.send({ event: "error", code, message, ...extra })
  }

  private authenticate(token: string) {
    return Effect.gen(this, function* () {
      const exit = yield* Effect.exit(authenticate(`Bearer ${token}`))
      if (Exit.isFailure(exit)) return this.error("UNAUTHORIZED", "the token is invalid or expired")
      const principal: Principal = exit.value
      if (this.principal !== undefined && this.principal.userId !== principal.userId) {
        return this.error("UNAUTHORIZED", "this socket is already authenticated as another user; open a new one")
      }
      // The old token lapsed while the new one was being checked: the socket is already gone.
      if (this.closed) return
      this.principal = principal
      // The new token's lifetime replaces the old one's: this is how a client keeps its socket.
      this.expiry.arm(principal.expiresAt)
      this.send({ event: "authenticated", userId: principal.userId, role: principal.role, ...expiresAtField(principal) })
    })
  }

  private tokenExpired(): void {
    this.error("TOKEN_EXPIRED", `the token expired; connect again with a fresh one (send {"op":"auth","token":…} before expiry to keep a socket)`)
    this.cutOff(TOKEN_EXPIRED_CLOSE, "token expired")
  }

  private subscribe(message: Subscribe) {
    const key = keyOf(message.channel, message.symbol)
    const where = { channel: message.channel, ...(message.symbol !== undefined ? { symbol: message.symbol } : {}) }
    return Effect.gen(this, function* () {
      if (!this.subscriptions.has(key) && this.subscriptions.size >= this.deps.limits.maxSubscriptions) {
        return this.error("TOO_MANY_SUBSCRIPTIONS", `a socket may hold ${this.deps.limits.maxSubscriptions} subscriptions`, where)
      }
      // Subscribing again restarts the channel: a fresh snapshot, or a replay from `fromSeq`.
      this.subscriptions.get(key)?.stop()
      this.subscriptions.delete(key)
      const resolved = yield* Effect.either(resolveChannel(message.channel, message.symbol, this.principal))
      if (Either.isLeft(resolved)) return this.error("UNAVAILABLE", "the exchange did not answer in time; subscribe again", where)
      const spec = resolved.right
      if (spec instanceof ChannelRefused) return this.error(spec.code, spec.message, where)
      if (this.closed) return
      const sink = {
        send: (payload: Payload) => this.send(payload),
        sendText: (text: string) => this.sendText(text),
        overflow: (reason: string) => this.cutOff(1013, reason)
      }
      const subscription = new FeedSubscription(spec, sink, this.deps.hub, this.deps.runtime)
      this.subscriptions.set(key, subscription)
      const started = yield* Effect.exit(subscription.start(message.fromSeq))
      if (Exit.isFailure(started)) {
        subscription.stop()
        if (this.subscriptions.get(key) === subscription) this.subscriptions.delete(key)
        yield* Effect.logWarning("feed subscription failed", started.cause)
        this.error("UNAVAILABLE", "the feed could not be read; subscribe again", where)
      }
    })
  }
}

const keyOf = (channel: string, symbol: string | undefined) => `${channel}:${symbol ?? ""}`

/** `{expiresAt}` (ISO) of a principal whose token lapses, for `welcome` and `authenticated`. */
export const expiresAtField = (principal: Principal | undefined) =>
  principal?.expiresAt !== undefined ? { expiresAt: new Date(principal.expiresAt).toISOString() } : {}

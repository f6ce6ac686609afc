// One socket's subscription to one feed stream: snapshot or replay first, then live entries,
// each exactly once and in seq order. The hub listener is registered before the snapshot is
// asked for (or the replay read), so nothing appended in between is missed; entries that
// arrive while syncing wait in a bounded buffer, and whatever the snapshot already covers is
// dropped by seq. A hole in the seqs (the stream was trimmed past us) is never silent: the
// order book answers with a fresh snapshot, other channels with a `gap` error event.
import { Effect } from "effect"
import { feedBounds, readFeedFrom, type FeedEntry } from "../../runtime/feed-stream.js"
import type { EdgeRuntime, EdgeServices } from "../edge-runtime.js"
import type { FeedHub } from "./feed-hub.js"

/** A wire message without its envelope fields. */
export type Payload = Record<string, unknown>

/** A depth snapshot and the feed seq it includes. */
export interface Snapshot {
  readonly seq: number
  readonly payload: Payload
}

/** What a subscription reads and how it speaks. */
export interface SubscriptionSpec {
  readonly channel: string
  readonly symbol: string | undefined
  readonly streamKey: string
  /** The wire payload of a stored event, or undefined when this channel does not carry it. */
  readonly present: (event: unknown) => Payload | undefined
  /** The channel's snapshot, for channels that start with one (the order book). */
  readonly snapshot?: Effect.Effect<Snapshot, unknown, EdgeServices>
}

/** Wire text of an entry per channel (null: the channel does not carry it), shared by sockets. */
const wireCache = new WeakMap<FeedEntry, Map<string, string | null>>()

/** Where a subscription sends: false when the socket is gone. */
export interface SubscriptionSink {
  readonly send: (message: Payload) => boolean
  /** Sends an already serialised message. */
  readonly sendText: (text: string) => boolean
  /** The subscription cannot keep up (its sync buffer overflowed): the socket should go. */
  readonly overflow: (reason: string) => void
}

/** Entries buffered while a snapshot or replay is in flight before the socket is cut off. */
const MAX_SYNC_BUFFER = 10_000

/** A running subscription. */
export class FeedSubscription {
  private state: "syncing" | "live" | "closed" = "syncing"
  private lastSeq = 0
  private buffer: Array<FeedEntry> = []
  private unlisten: (() => void) | undefined

  constructor(
    readonly spec: SubscriptionSpec,
    private readonly sink: SubscriptionSink,
    private readonly hub: FeedHub,
    private readonly runtime: EdgeRuntime
  ) {}

  /** Starts (or restarts) the subscription; fails when Redis or the snapshot fails. */
  start(fromSeq: number | undefined): Effect.Effect<void, unknown, EdgeServices> {
    const self = this
    return Effect.gen(function* () {
      self.state = "syncing"
      self.buffer = []
      if (self.unlisten === undefined) {
        const unlisten = yield* self.hub.subscribe(self.spec.streamKey, (entry) => self.onEntry(entry))
        if (self.isClosed()) return unlisten()
        self.unlisten = unlisten
      }
      if (fromSeq !== undefined) yield* self.replay(fromSeq)
      else if (self.spec.snapshot !== undefined) yield* self.sendSnapshot()
      else self.lastSeq = (yield* feedBounds(self.spec.streamKey)).newest?.seq ?? 0
      // Unsubscribed (or the socket went) while the snapshot was on its way.
      if (self.isClosed()) return
      self.send({ event: "subscribed", ...(fromSeq !== undefined ? { fromSeq } : {}), lastSeq: self.lastSeq })
      const buffered = self.buffer
      self.buffer = []
      self.state = "live"
      for (const entry of buffered) self.deliver(entry)
    })
  }

  /** True once stopped. */
  isClosed(): boolean {
    return this.state === "closed"
  }

  /** Stops listening; nothing more is sent. */
  stop(): void {
    this.state = "closed"
    this.buffer = []
    this.unlisten?.()
    this.unlisten = undefined
  }

  private send(payload: Payload): void {
    if (this.state === "closed") return
    this.sink.send({ ...payload, channel: this.spec.channel, ...(this.spec.symbol !== undefined ? { symbol: this.spec.symbol } : {}) })
  }

  private sendSnapshot() {
    const self = this
    return Effect.gen(function* () {
      const snapshot = yield* self.spec.snapshot!
      self.lastSeq = snapshot.seq
      self.send({ ...snapshot.payload, seq: snapshot.seq })
    })
  }

  /** Replays seq >= fromSeq from the stream; past its window, says so before going on. */
  private replay(fromSeq: number): Effect.Effect<void, unknown, EdgeServices> {
    const self = this
    return Effect.gen(function* () {
      const read = yield* readFeedFrom(self.spec.streamKey, fromSeq)
      if (read._tag === "Entries") {
        self.lastSeq = fromSeq - 1
        for (const entry of read.entries) self.emit(entry)
        self.lastSeq = Math.max(self.lastSeq, read.newestSeq)
        return
      }
      const gap = read.gap
      self.send({
        event: "error",
        code: "RESUME_UNAVAILABLE",
        message: gap._tag === "Trimmed"
          ? `seq ${fromSeq} is no longer held (oldest is ${gap.oldest})${self.spec.snapshot ? "; a fresh snapshot follows" : "; continuing from the newest"}`
          : `seq ${fromSeq} is beyond the newest (${gap.newest})${self.spec.snapshot ? "; a fresh snapshot follows" : "; continuing from the newest"}`
      })
      if (self.spec.snapshot !== undefined) yield* self.sendSnapshot()
      else self.lastSeq = (yield* feedBounds(self.spec.streamKey)).newest?.seq ?? 0
    })
  }

  private onEntry(entry: FeedEntry): void {
    if (this.state === "live") this.deliver(entry)
    else if (this.state === "syncing") {
      this.buffer.push(entry)
      if (this.buffer.length > MAX_SYNC_BUFFER) {
        this.stop()
        this.sink.overflow(`${this.spec.channel} fell ${MAX_SYNC_BUFFER} events behind while syncing`)
      }
    }
  }

  private deliver(entry: FeedEntry): void {
    if (entry.seq <= this.lastSeq) return
    if (entry.seq > this.lastSeq + 1) {
      const missing = { from: this.lastSeq + 1, to: entry.seq - 1 }
      if (this.spec.snapshot !== undefined) {
        // The deltas in between are gone: start over from a fresh snapshot.
        this.state = "syncing"
        this.buffer = [entry]
        this.runtime.runFork(this.start(undefined).pipe(Effect.catchAllCause(() => Effect.sync(() => this.sink.overflow("could not resynchronise the order book")))))
        return
      }
      this.send({ event: "error", code: "GAP", message: `events ${missing.from}..${missing.to} are no longer held`, ...missing })
    }
    this.emit(entry)
  }

  private emit(entry: FeedEntry): void {
    this.lastSeq = entry.seq
    if (this.state === "closed") return
    // Every socket on this channel gets the same text: present and serialise each entry once.
    const channelKey = `${this.spec.channel}:${this.spec.symbol ?? ""}`
    let texts = wireCache.get(entry)
    if (texts === undefined) wireCache.set(entry, (texts = new Map()))
    let text = texts.get(channelKey)
    if (text === undefined) {
      const payload = this.spec.present(entry.event)
      text = payload === undefined ? null : JSON.stringify({ ...payload, seq: entry.seq, channel: this.spec.channel, ...(this.spec.symbol !== undefined ? { symbol: this.spec.symbol } : {}) })
      texts.set(channelKey, text)
    }
    if (text !== null) this.sink.sendText(text)
  }
}

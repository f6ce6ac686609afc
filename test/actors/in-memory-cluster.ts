// A deterministic in-process driver for the trading behaviours, without Redis: messages go
// through their protocol schemas and JSON like the runtime's, sends are delivered FIFO (so the
// order between two actors is kept), timers fire when the queue is empty. Optionally every
// actor's state is replaced by its snapshot round trip after each message, which must change
// nothing (DESIGN invariant 5: snapshot + replay == live state).
import { Schema } from "effect"
import { bookHandlers, bookSnapshot, emptyBook } from "../../src/actors/book/behaviour.js"
import { Book } from "../../src/actors/book/protocol.js"
import { emptyListing, listingHandlers } from "../../src/actors/listing/behaviour.js"
import { Listing } from "../../src/actors/listing/protocol.js"
import { emptyMaker, makerHandlers } from "../../src/actors/market-maker/behaviour.js"
import { MarketMaker } from "../../src/actors/market-maker/protocol.js"
import { emptyPricing, pricingHandlers } from "../../src/actors/pricing/behaviour.js"
import { Pricing } from "../../src/actors/pricing/protocol.js"
import { walletHandlers } from "../../src/actors/wallet/behaviour.js"
import { Wallet } from "../../src/actors/wallet/protocol.js"
import { emptyWallet } from "../../src/actors/wallet/wallet-state.js"
import type { ActorContext, ActorRef, Tagged } from "../../src/runtime/actor.js"

interface Kind {
  readonly protocol: Schema.Schema<any, any>
  readonly initial: (key: string) => unknown
  readonly handlers: Record<string, (s: unknown, m: Tagged, ctx: ActorContext<Tagged>) => unknown>
  readonly encode: (s: unknown) => unknown
  readonly decode: (d: unknown) => unknown
}

const identity = (s: unknown) => s
const kinds: Record<string, Kind> = {
  wallet: { protocol: Wallet.protocol, initial: emptyWallet, handlers: walletHandlers as any, encode: identity, decode: identity },
  book: { protocol: Book.protocol, initial: emptyBook, handlers: bookHandlers as any, encode: bookSnapshot.encode as any, decode: bookSnapshot.decode },
  pricing: { protocol: Pricing.protocol, initial: emptyPricing, handlers: pricingHandlers as any, encode: identity, decode: identity },
  "market-maker": { protocol: MarketMaker.protocol, initial: emptyMaker, handlers: makerHandlers as any, encode: identity, decode: identity },
  listing: { protocol: Listing.protocol, initial: emptyListing, handlers: listingHandlers as any, encode: identity, decode: identity }
}

/** What one delivered message produced. */
export interface Outcome {
  readonly replied?: unknown
  /** The answer was deferred (given later by another message); the asked message's id. */
  readonly deferred?: string
  readonly failed?: unknown
  readonly defect?: string
}

/** A deterministic cluster in memory. */
export class InMemoryCluster {
  readonly states = new Map<string, unknown>()
  readonly feeds = new Map<string, Array<unknown>>()
  readonly defects: Array<string> = []
  private readonly queue: Array<readonly [string, string, unknown, string]> = []
  private timers: Array<readonly [number, string, string, unknown, string]> = []
  /** Deferred answers by the asked message's id. */
  readonly laterReplies = new Map<string, unknown>()
  private time = 1_000_000
  private counter = 0

  constructor(readonly roundTrip: boolean) {}

  /** Queues a message from outside (encoded like the client does). */
  send<M extends Tagged>(to: ActorRef<M>, message: M): void {
    this.queue.push([to.kind, to.key, JSON.parse(JSON.stringify(Schema.encodeSync(to.protocol)(message))), `x${++this.counter}`])
  }

  /** Delivers one message now and returns its outcome (an ask). */
  ask<M extends Tagged>(to: ActorRef<M>, message: M): Outcome {
    return this.deliver(to.kind, to.key, JSON.parse(JSON.stringify(Schema.encodeSync(to.protocol)(message))), `x${++this.counter}`)
  }

  /** The cluster's clock (ms); each delivered message advances it. */
  now(): number {
    return this.time
  }

  /** Runs until no message or timer is left. */
  drain(): void {
    for (;;) {
      const next = this.queue.shift()
      if (next !== undefined) {
        this.deliver(...next)
        continue
      }
      if (this.timers.length === 0) return
      this.timers.sort((a, b) => a[0] - b[0])
      const [due, kind, key, body, id] = this.timers.shift()!
      this.time = Math.max(this.time, due)
      this.queue.push([kind, key, body, id])
    }
  }

  /** The state of an actor (undefined before its first message). */
  state<S>(kind: string, key: string): S | undefined {
    return this.states.get(`${kind}/${key}`) as S | undefined
  }

  /** Encoded snapshots of every actor, sorted by id: equal for equal states. */
  snapshots(): string {
    return JSON.stringify([...this.states].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, s]) => [id, kinds[id.slice(0, id.indexOf("/"))]!.encode(s)]))
  }

  private deliver(kind: string, key: string, body: unknown, id: string): Outcome {
    const k = kinds[kind]!
    const message = Schema.decodeUnknownSync(k.protocol)(body) as Tagged
    const address = `${kind}/${key}`
    const state = this.states.has(address) ? this.states.get(address) : k.initial(key)
    this.time += 10
    const sends: Array<readonly [string, string, unknown, string]> = []
    const timers: Array<readonly [number, string, string, unknown, string]> = []
    const feeds: Array<readonly [string, unknown]> = []
    let outcome: Outcome = {}
    let n = 0
    const ctx: ActorContext<Tagged> = {
      address: { kind, key },
      shard: 0,
      messageId: id,
      idempotencyKey: id,
      time: this.time,
      deriveId: (i) => `${id}.${i}`,
      reply: (value) => void (outcome = { replied: value }),
      fail: (error) => void (outcome = { failed: error }),
      deferReply: () => ((outcome = { deferred: id }), { stream: "in-memory", messageId: id }),
      replyLater: (handle, _request, value) => void this.laterReplies.set(handle.messageId, value),
      send: (to, m) => sends.push([to.kind, to.key, JSON.parse(JSON.stringify(Schema.encodeSync(to.protocol)(m))), `${id}.s${n++}`]),
      // Reports to the record (the sink) are checked by encoding them, then dropped: no sink in memory.
      sendMerged: (to, m) => void Schema.encodeSync(to.protocol)(m),
      schedule: (delay, m) => timers.push([this.time + delay, kind, key, JSON.parse(JSON.stringify(Schema.encodeSync(k.protocol)(m))), `${id}.t${n++}`]),
      publish: (feed, event) => feeds.push([`${address}:${feed}`, JSON.parse(JSON.stringify(event))]) && 0
    }
    let next: unknown
    try {
      next = k.handlers[message._tag]!(state, message, ctx)
    } catch (e) {
      const defect = `${address} ${message._tag}: ${e instanceof Error ? e.message : String(e)}`
      this.defects.push(defect)
      return { defect }
    }
    this.states.set(address, this.roundTrip ? k.decode(JSON.parse(JSON.stringify(k.encode(next)))) : next)
    this.queue.push(...sends)
    this.timers.push(...timers)
    for (const [feed, event] of feeds) {
      const list = this.feeds.get(feed) ?? []
      list.push(event)
      this.feeds.set(feed, list)
    }
    return outcome
  }
}

// The in-memory actors of one owned shard and the hot path that applies envelopes to them.
// Plain TypeScript: one message at a time per actor, in inbox order (DESIGN invariant 2);
// effects are buffered per message so a throwing handler leaves no trace but a dead letter.
import { Either, Exit, ParseResult, Schema } from "effect"
import type { ActorContext, ActorRef, ReplyHandle, Tagged } from "./actor-context.js"
import { addressString, InvalidAddress, makeAddress, shardOf, type Address } from "./address.js"
import type { CommitBatch, MergedSend } from "./commit-batch.js"
import { type Envelope, envelopeJson } from "./envelope.js"
import type { ShardKeys } from "./keys.js"
import { messageDecoder, messageEncoder } from "./message-codec.js"
import { exitCodec, isRequest } from "./reply-codec.js"
import type { DeterministicMode, Registry, RegisteredKind } from "./registry.js"

/** Most messages merged into one (`sendMerged`): bounds the size of what the target decodes at once. */
const MERGE_LIMIT = 32

/** One deterministic actor's live state. */
export interface ActorInstance {
  readonly id: string
  readonly address: Address
  readonly kind: RegisteredKind
  readonly mode: DeterministicMode
  state: unknown
  /** Next sequence number per feed this actor writes. */
  feedSeqs: Record<string, number>
  /** The inbox ID its last snapshot covers; replay skips entries up to it. */
  snapshotOffset: string
  /** Messages applied since that snapshot. */
  sinceSnapshot: number
}

/** A snapshot as stored in the shard's snapshot hash. */
export interface StoredSnapshot {
  readonly o: string
  readonly s: unknown
  readonly f: Record<string, number>
  readonly v: number
}

/** A job of an effectful actor as stored in the job data hash (its id, in the jobs set, is the envelope's). */
export interface StoredJob {
  readonly e: Envelope
  readonly n: number
  readonly entryId: string
}

const compareIds = (a: string, b: string): number => {
  const da = a.indexOf("-")
  const db = b.indexOf("-")
  const ms = Number(a.slice(0, da)) - Number(b.slice(0, db))
  return ms !== 0 ? ms : Number(a.slice(da + 1)) - Number(b.slice(db + 1))
}

/** True when stream ID a is after b. */
export const idAfter = (a: string, b: string): boolean => compareIds(a, b) > 0

/** Encodes a message with its protocol (throws on a message the protocol refuses: a defect). */
export const encodeMessage = <M extends Tagged>(protocol: Schema.Schema<M, any>, message: M): unknown =>
  messageEncoder(protocol as unknown as Schema.Schema<Tagged, unknown>)(message)


/** Encodes the reply record for a message's outcome. */
const replyRecord = (envelope: Envelope, message: Tagged | undefined, outcome: Outcome): string => {
  if (outcome._tag === "Failure") return JSON.stringify({ i: envelope.i, f: { reason: outcome.reason, detail: outcome.detail } })
  if (outcome._tag === "Deferred") throw new Error("a deferred reply has no record yet")
  if (message === undefined || !isRequest(message)) return JSON.stringify({ i: envelope.i })
  const exit = outcome._tag === "Replied" ? Exit.succeed(outcome.value) : Exit.fail(outcome.error)
  return JSON.stringify({ i: envelope.i, e: exitCodec(message).encode(exit) })
}

type Outcome =
  | { readonly _tag: "Deferred" }
  | { readonly _tag: "Replied"; readonly value: unknown }
  | { readonly _tag: "Failed"; readonly error: unknown }
  | { readonly _tag: "Failure"; readonly reason: string; readonly detail: string }

/**
 * The context handed to handlers: one object per shard, re-aimed at each message, so the hot
 * path allocates no closures. Effects wait in its lists until the handler returns.
 */
class HandlerContext implements ActorContext<Tagged, Tagged> {
  address!: Address
  messageId = ""
  idempotencyKey = ""
  time = 0
  outcome: Outcome | undefined = undefined
  readonly sends: Array<string> = []
  /** Merged sends of this message: [address string, kind, key, protocol, message, merge]. */
  readonly merges: Array<readonly [string, string, string, unknown, Tagged, (into: any, next: any) => unknown]> = []
  readonly timers: Array<readonly [number, string]> = []
  readonly feeds: Array<readonly [string, number, string]> = []
  /** Deferred answers given by this message: [reply stream, record]. */
  readonly laterReplies: Array<readonly [string, string]> = []
  /** Sends to effectful actors on this shard, which become jobs in this commit: [id, envelope JSON]. */
  readonly localJobs: Array<string> = []
  private replyStream: string | undefined = undefined
  private instance!: ActorInstance
  private entryId = ""
  private index = 0
  /** `shard.entryId.index`, the root of the ids this message derives; made on first use. */
  private base: string | undefined = undefined
  private derived = 0
  private feedSeqs: Record<string, number> | undefined = undefined

  constructor(
    readonly shard: number,
    private readonly shardCount: number,
    private readonly keys: ShardKeys,
    private readonly isLocalJob: (target: Address, shard: number) => boolean
  ) {}

  /** Aims the context at one message (the `index`-th of inbox entry `entryId`). */
  begin(instance: ActorInstance, address: Address, envelope: Envelope, entryId: string, index: number, time: number): void {
    this.instance = instance
    this.address = address
    this.messageId = envelope.i
    this.replyStream = envelope.r
    this.idempotencyKey = envelope.x ?? envelope.i
    this.time = time
    this.entryId = entryId
    this.index = index
    this.base = undefined
    this.derived = 0
    this.outcome = undefined
    this.feedSeqs = undefined
    // Most messages leave these empty: setting a length costs more than checking it.
    if (this.sends.length > 0) this.sends.length = 0
    if (this.merges.length > 0) this.merges.length = 0
    if (this.timers.length > 0) this.timers.length = 0
    if (this.feeds.length > 0) this.feeds.length = 0
    if (this.laterReplies.length > 0) this.laterReplies.length = 0
    if (this.localJobs.length > 0) this.localJobs.length = 0
  }

  private get baseId(): string {
    return (this.base ??= `${this.shard}.${this.entryId}.${this.index}`)
  }

  /** Feed sequence numbers after this message (copied on first publish, so a throw leaves none). */
  nextFeedSeqs(): Record<string, number> {
    return this.feedSeqs ?? this.instance.feedSeqs
  }

  deriveId(n: number): string {
    return `${this.baseId}.${n}`
  }

  reply(value: unknown): void {
    this.outcome ??= { _tag: "Replied", value }
  }

  fail(error: unknown): void {
    this.outcome ??= { _tag: "Failed", error }
  }

  deferReply(): ReplyHandle | undefined {
    if (this.replyStream === undefined) return undefined
    this.outcome ??= { _tag: "Deferred" }
    return { stream: this.replyStream, messageId: this.messageId }
  }

  replyLater<R extends Tagged & Schema.WithResult.Any>(handle: ReplyHandle, request: { readonly prototype: R }, value: unknown): void {
    this.laterReplies.push([handle.stream, JSON.stringify({ i: handle.messageId, e: exitCodec(request.prototype).encode(Exit.succeed(value)) })])
  }

  send<N extends Tagged>(to: ActorRef<N>, body: N): void {
    const target = makeAddress(to.kind, to.key)
    if (target instanceof InvalidAddress) throw new Error(`send to an invalid address: ${target.reason}`)
    const id = `${this.baseId}.s${this.derived++}`
    const json = envelopeJson(id, target.kind, target.key, encodeMessage(to.protocol, body))
    const shard = shardOf(target, this.shardCount)
    if (this.isLocalJob(target, shard)) this.localJobs.push(id, json)
    else this.sends.push(String(shard), json)
  }

  sendMerged<N extends Tagged>(to: ActorRef<N>, body: N, merge: (into: N, next: N) => N): void {
    const target = makeAddress(to.kind, to.key)
    if (target instanceof InvalidAddress) throw new Error(`send to an invalid address: ${target.reason}`)
    this.merges.push([addressString(target), target.kind, target.key, to.protocol, body, merge as (into: any, next: any) => unknown])
  }

  schedule(delayMs: number, body: Tagged): void {
    const out: Envelope = { i: `${this.baseId}.t${this.derived++}`, k: this.address.kind, a: this.address.key, b: encodeMessage(this.instance.kind.protocol, body) }
    this.timers.push([this.time + Math.max(0, Math.floor(delayMs)), JSON.stringify([out])])
  }

  publish(feed: string, event: unknown): number {
    this.feedSeqs ??= { ...this.instance.feedSeqs }
    const seq = (this.feedSeqs[feed] ?? 0) + 1
    this.feedSeqs[feed] = seq
    this.feeds.push([this.keys.feed(`${this.instance.id}:${feed}`), seq, JSON.stringify(event)])
    return seq
  }
}

/** The actors of one shard. */
export class ShardActors {
  readonly instances = new Map<string, ActorInstance>()
  /** Actors changed since their last snapshot. */
  readonly dirty = new Set<ActorInstance>()
  private readonly context: HandlerContext

  constructor(
    readonly shard: number,
    readonly shardCount: number,
    readonly keys: (shard: number) => ShardKeys,
    readonly registry: Registry
  ) {
    this.context = new HandlerContext(shard, shardCount, keys(shard), this.isLocalJob)
  }

  /**
   * A message to an effectful actor on this very shard becomes its job in the sender's commit:
   * the inbox would only hold it until the next commit made it the same job (effectful actors
   * promise no order, and the job id is the message's deterministic id).
   */
  private readonly isLocalJob = (target: Address, shard: number): boolean =>
    shard === this.shard && this.registry.get(target.kind)?.mode._tag === "effectful"

  /** Adds a job for `envelopeJson` (message `id`), sent while applying inbox entry `entryId`. */
  private addJob(batch: CommitBatch, id: string, envelopeJson: string, entryId: string): void {
    batch.jobs.push([0, id, `{"e":${envelopeJson},"n":1,"entryId":"${entryId}"}`])
  }

  /** Restores an actor from its snapshot (acquisition). */
  restore(id: string, snapshot: StoredSnapshot): void {
    const address = parseId(id)
    const kind = address && this.registry.get(address.kind)
    if (address === undefined || kind === undefined || kind.mode._tag !== "deterministic") return
    this.instances.set(id, {
      id,
      address,
      kind,
      mode: kind.mode,
      state: kind.mode.decodeSnapshot(snapshot.s),
      feedSeqs: { ...snapshot.f },
      snapshotOffset: snapshot.o,
      sinceSnapshot: 0
    })
  }

  /**
   * Applies one envelope read from inbox entry `entryId` (its `index`-th envelope) and records
   * the effects in `batch`. `replaying` skips entries a snapshot already covers.
   */
  apply(envelope: Envelope, entryId: string, index: number, time: number, batch: CommitBatch, replaying: boolean): void {
    let instance = this.instances.get(`${envelope.k}/${envelope.a}`)
    // Replay skips what the actor's snapshot covers before paying for any decoding.
    if (replaying && instance !== undefined && !idAfter(entryId, instance.snapshotOffset)) return
    // A live actor's address and shard were checked when it was made: the same strings need no
    // second check (effectful and discarded kinds have no instances, so they always take it).
    const known = instance !== undefined && instance.address.kind === envelope.k && instance.address.key === envelope.a
    const address = known ? instance!.address : makeAddress(envelope.k, envelope.a)
    if (address instanceof InvalidAddress) return this.reject(envelope, entryId, time, batch, "invalid-address", address.reason)
    if (!known && shardOf(address, this.shardCount) !== this.shard) {
      return this.reject(envelope, entryId, time, batch, "misrouted", `${addressString(address)} belongs to shard ${shardOf(address, this.shardCount)}, not ${this.shard}`)
    }
    const kind = known ? instance!.kind : this.registry.get(address.kind)
    if (kind === undefined) return this.reject(envelope, entryId, time, batch, "unknown-kind", `no behaviour for actor kind "${address.kind}"`)
    // Dropped before any decoding: the kind is registered as discarded on this node.
    if (kind.mode._tag === "discard") return
    if (kind.mode._tag === "effectful") {
      // The jobs set is the effectful actor's durable queue; replay never re-creates jobs. The
      // job worker decodes the message (and dead-letters one it cannot), so it is not decoded here.
      if (!replaying) this.addJob(batch, envelope.i, JSON.stringify(envelope), entryId)
      return
    }
    const decoded = messageDecoder(kind.protocol)(envelope.b)
    if (Either.isLeft(decoded)) {
      return this.reject(envelope, entryId, time, batch, "undecodable", ParseResult.TreeFormatter.formatErrorSync(decoded.left))
    }
    const message = decoded.right
    if (instance === undefined) {
      const id = addressString(address)
      instance = { id, address, kind, mode: kind.mode, state: kind.mode.initial(address.key), feedSeqs: {}, snapshotOffset: "0-0", sinceSnapshot: 0 }
      this.instances.set(id, instance)
    }
    this.run(instance, address, message, envelope, entryId, index, time, batch)
  }

  private run(instance: ActorInstance, address: Address, message: Tagged, envelope: Envelope, entryId: string, index: number, time: number, batch: CommitBatch): void {
    const ctx = this.context
    ctx.begin(instance, address, envelope, entryId, index, time)
    let next: unknown
    try {
      next = instance.mode.handlers[message._tag]!(instance.state, message, ctx)
    } catch (error) {
      // DESIGN "Errors are outcomes": state as it was, an error reply, a dead letter.
      return this.reject(envelope, entryId, time, batch, "defect", error instanceof Error ? error.message : String(error))
    }
    instance.state = next
    instance.feedSeqs = ctx.nextFeedSeqs()
    instance.sinceSnapshot++
    this.dirty.add(instance)
    batch.messages++
    for (let i = 0; i < ctx.sends.length; i += 2) batch.toOutbox(ctx.sends[i]!, ctx.sends[i + 1]!)
    for (let i = 0; i < ctx.localJobs.length; i += 2) this.addJob(batch, ctx.localJobs[i]!, ctx.localJobs[i + 1]!, entryId)
    let full = 0
    for (const [id, kind, key, protocol, message, merge] of ctx.merges) {
      const seen = batch.merged.get(id)
      if (seen !== undefined && seen.count < MERGE_LIMIT) {
        // The state has moved already: a merge that throws (a bug) costs a split, never the batch.
        try {
          seen.message = seen.merge(seen.message, message)
          seen.count++
          continue
        } catch {
          seen.count = MERGE_LIMIT
        }
      }
      // A full one goes out now, under this message's id: merged messages stay small enough to
      // decode without stalling the target shard (or this node's lease renewals).
      if (seen !== undefined) this.emitMerged(batch, seen, `${this.shard}.${entryId}.${index}.m${full++}`, entryId, time)
      batch.merged.set(id, { kind, key, protocol, message, merge, count: 1 })
    }
    for (const timer of ctx.timers) batch.timers.push(timer)
    for (const [key, seq, payload] of ctx.feeds) batch.feed(key, seq, payload)
    for (const [stream, record] of ctx.laterReplies) batch.reply(stream, record)
    if (envelope.r !== undefined && ctx.outcome?._tag !== "Deferred") {
      const outcome = ctx.outcome ?? (isRequest(message) ? { _tag: "Failure" as const, reason: "defect", detail: `handler for ${message._tag} did not reply` } : undefined)
      batch.reply(envelope.r, replyRecord(envelope, message, outcome ?? { _tag: "Replied", value: undefined }))
    }
  }

  /**
   * Ends a batch read up to inbox entry `lastEntryId`: each merged message goes to the outbox,
   * with an id from that entry (unique per batch; a re-applied batch re-sends the same rows).
   * One the protocol refuses is dead-lettered, never allowed to stop the shard.
   */
  finishBatch(batch: CommitBatch, lastEntryId: string, time: number): void {
    let n = 0
    for (const merged of batch.merged.values()) this.emitMerged(batch, merged, `${this.shard}.${lastEntryId}.m${n++}`, lastEntryId, time)
    batch.merged.clear()
  }

  private emitMerged(batch: CommitBatch, merged: MergedSend, id: string, entryId: string, time: number): void {
    const envelope: Envelope = { i: id, k: merged.kind, a: merged.key, b: null }
    try {
      const out: Envelope = { ...envelope, b: encodeMessage(merged.protocol as Schema.Schema<Tagged, unknown>, merged.message as Tagged) }
      const target = { kind: merged.kind, key: merged.key }
      const shard = shardOf(target, this.shardCount)
      if (this.isLocalJob(target, shard)) this.addJob(batch, id, JSON.stringify(out), entryId)
      else batch.toOutbox(String(shard), JSON.stringify(out))
    } catch (error) {
      batch.deadLetter({ reason: `unencodable merged message: ${error instanceof Error ? error.message : String(error)}`, entryId, envelope, at: time })
    }
  }

  /** Dead-letters a message and tells its asker why; no actor state changes. */
  private reject(envelope: Envelope, entryId: string, time: number, batch: CommitBatch, reason: string, detail: string): void {
    batch.deadLetter({ reason: `${reason}: ${detail}`, entryId, envelope, at: time })
    if (typeof envelope.r === "string") batch.reply(envelope.r, replyRecord(envelope, undefined, { _tag: "Failure", reason, detail }))
  }

  /** Adds a snapshot of `instance` at `offset` to the batch. */
  snapshot(instance: ActorInstance, offset: string, batch: CommitBatch): void {
    const stored: StoredSnapshot = { o: offset, s: instance.mode.encodeSnapshot(instance.state), f: instance.feedSeqs, v: instance.kind.version }
    batch.snapshots.push([instance.id, JSON.stringify(stored)])
  }

  /** Marks snapshots taken in a committed batch. */
  snapshotsCommitted(instances: Iterable<ActorInstance>, offset: string): void {
    for (const instance of instances) {
      instance.snapshotOffset = offset
      instance.sinceSnapshot = 0
      this.dirty.delete(instance)
    }
  }
}

const parseId = (id: string): Address | undefined => {
  const slash = id.indexOf("/")
  if (slash <= 0) return undefined
  const address = makeAddress(id.slice(0, slash), id.slice(slash + 1))
  return address instanceof InvalidAddress ? undefined : address
}

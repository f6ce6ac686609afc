// The types a handler sees: messages, replies, references to actors, and the contexts of
// deterministic and effectful handlers. Shared by actor definitions and the runner.
import type { Schema } from "effect"
import type { Address } from "./address.js"

/** A message of a protocol: a tagged class, or a tagged request with reply schemas. */
export interface Tagged {
  readonly _tag: string
}

/** The reply type of a message: its success schema's type for a TaggedRequest, else void. */
export type ReplyOf<M> = M extends Schema.WithResult<infer A, infer _I, infer _E, infer _EI, infer _R> ? A : void
/** The failure type of a message: its failure schema's type for a TaggedRequest, else never. */
export type FailureOf<M> = M extends Schema.WithResult<infer _A, infer _I, infer E, infer _EI, infer _R> ? E : never

/** Where a message goes: a kind's name and protocol, and a key. */
export interface ActorRef<M extends Tagged> {
  readonly kind: string
  readonly key: string
  readonly protocol: Schema.Schema<M, any>
}

/** Where an ask is answered, kept in an actor's state to answer it from a later message. */
export interface ReplyHandle {
  readonly stream: string
  readonly messageId: string
}

/** What a deterministic handler may do besides returning the next state. `P` is its protocol. */
export interface ActorContext<M, P extends Tagged = Tagged> {
  readonly address: Address
  /** The shard this actor lives on: fixed, as the shard count is (for `shardLocalKey`). */
  readonly shard: number
  /** The message id (stable across re-sends and replays). */
  readonly messageId: string
  /** Idempotency key: the id, or the original id of a replayed dead letter. */
  readonly idempotencyKey: string
  /** The time of this message, in ms, from its inbox entry ID (never the node's clock). */
  readonly time: number
  /** A deterministic id for the n-th thing this message creates. */
  readonly deriveId: (n: number) => string
  /** Answers the asker, if any. */
  readonly reply: (value: ReplyOf<M>) => void
  /** Answers the asker with a failure; the handler should return the state unchanged. */
  readonly fail: (error: FailureOf<M>) => void
  /**
   * Holds this message's answer back: undefined when nobody asked, else a handle to keep in
   * state and answer with `replyLater` once another message brings the outcome (a wallet
   * answers an order when the book has said what it did). Best effort, like every reply: a
   * lost one is the asker's timeout.
   */
  readonly deferReply: () => ReplyHandle | undefined
  /** Answers an earlier deferred ask of `request` (its class) with `value`, after this commit. */
  readonly replyLater: <R extends Tagged & Schema.WithResult.Any>(handle: ReplyHandle, request: { readonly prototype: R }, value: ReplyOf<R>) => void
  /** Sends a message to another actor, delivered once and in order after this commit. */
  readonly send: <N extends Tagged>(to: ActorRef<N>, message: N) => void
  /**
   * Sends a message the runtime merges, with `merge`, with the others sent to the same target
   * during the same applied batch: one message per target per batch, delivered once after the
   * commit, in no order relative to other sends. For reports to a store that is idempotent by
   * content (the analytics sink); its id derives from the batch, not from this message.
   */
  readonly sendMerged: <N extends Tagged>(to: ActorRef<N>, message: N, merge: (into: N, next: N) => N) => void
  /** Delivers a message to this actor after `delayMs`, measured from this message's time. */
  readonly schedule: (delayMs: number, message: P) => void
  /** Appends an event to this actor's feed `feed`; returns its per-stream sequence number. */
  readonly publish: (feed: string, event: unknown) => number
}

/** What an effectful handler knows about the delivery. */
export interface EffectContext {
  readonly address: Address
  readonly messageId: string
  /** Use this as the idempotency key of the I/O (delivery is at least once). */
  readonly idempotencyKey: string
  /** 1 for the first attempt. */
  readonly attempt: number
  /** The shard running this job and its owner's fencing epoch: a store can refuse a lower epoch. */
  readonly shard: number
  readonly epoch: number
}


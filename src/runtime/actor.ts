// How an actor kind is defined: a name and a Schema protocol (shared with senders), plus a
// behaviour registered as a Layer — a handler record keyed by message tag, so a missing
// handler is a compile error (like @effect/cluster's Entity.toLayer).
import { Effect, Layer, type Schema } from "effect"
import type { Address } from "./address.js"
import { ActorRegistry } from "./registry.js"

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

/** What a deterministic handler may do besides returning the next state. `P` is its protocol. */
export interface ActorContext<M, P extends Tagged = Tagged> {
  readonly address: Address
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
  /** Sends a message to another actor, delivered once and in order after this commit. */
  readonly send: <N extends Tagged>(to: ActorRef<N>, message: N) => void
  /** Delivers a message to this actor after `delayMs`, measured from this message's time. */
  readonly schedule: (delayMs: number, message: P) => void
  /** Appends an event to this actor's feed `feed`; returns its per-stream sequence number. */
  readonly publish: (feed: string, event: unknown) => number
}

/** Handler record of a deterministic actor: `(state, message, ctx) -> state'`, no I/O. */
export type Handlers<S, M extends Tagged> = {
  readonly [T in M["_tag"]]: (state: S, message: Extract<M, { readonly _tag: T }>, ctx: ActorContext<Extract<M, { readonly _tag: T }>, M>) => S
}

/** What an effectful handler knows about the delivery. */
export interface EffectContext {
  readonly address: Address
  readonly messageId: string
  /** Use this as the idempotency key of the I/O (delivery is at least once). */
  readonly idempotencyKey: string
  /** 1 for the first attempt. */
  readonly attempt: number
}

/** Handler record of an effectful actor: I/O, at least once, idempotent by idempotencyKey. */
export type EffectHandlers<M extends Tagged, R> = {
  readonly [T in M["_tag"]]: (message: Extract<M, { readonly _tag: T }>, ctx: EffectContext) => Effect.Effect<unknown, unknown, R>
}

/** Options of a deterministic behaviour. */
export interface DeterministicOptions<S, M extends Tagged> {
  /** Bump when the handlers change meaning: a node never replays a tail written by another version. */
  readonly version?: number
  readonly initial: (key: string) => S
  readonly handlers: Handlers<S, M>
  /** Snapshot codec to JSON-compatible data; identity by default. Big states should be compact. */
  readonly snapshot?: { readonly encode: (state: S) => unknown; readonly decode: (data: unknown) => S }
}

/** An actor kind: name + protocol. Behaviours attach with `toLayer` / `toEffectLayer`. */
export interface ActorKind<Name extends string, M extends Tagged, I> {
  readonly name: Name
  readonly protocol: Schema.Schema<M, I>
  readonly ref: (key: string) => ActorRef<M>
  /** Registers a deterministic behaviour for this kind. */
  readonly toLayer: <S>(options: DeterministicOptions<S, M>) => Layer.Layer<never, never, ActorRegistry>
  /** Registers an effectful behaviour for this kind. */
  readonly toEffectLayer: <R>(
    handlers: EffectHandlers<M, R>,
    options?: { readonly version?: number }
  ) => Layer.Layer<never, never, ActorRegistry | R>
}

/** Defines an actor kind. The protocol must encode to JSON-compatible data. */
export const makeActorKind = <const Name extends string, M extends Tagged, I>(
  name: Name,
  protocol: Schema.Schema<M, I>
): ActorKind<Name, M, I> => ({
  name,
  protocol,
  ref: (key) => ({ kind: name, key, protocol }),
  toLayer: (options) =>
    Layer.effectDiscard(
      Effect.flatMap(ActorRegistry, (registry) =>
        registry.register({
          name,
          version: options.version ?? 1,
          protocol: protocol as unknown as Schema.Schema<Tagged, unknown>,
          mode: {
            _tag: "deterministic",
            initial: options.initial,
            handlers: options.handlers as unknown as Record<string, (s: unknown, m: Tagged, c: ActorContext<Tagged>) => unknown>,
            encodeSnapshot: (options.snapshot?.encode ?? ((s) => s)) as (s: unknown) => unknown,
            decodeSnapshot: (options.snapshot?.decode ?? ((d) => d)) as (d: unknown) => unknown
          }
        })
      )
    ),
  toEffectLayer: (handlers, options) =>
    Layer.effectDiscard(
      Effect.gen(function* () {
        const registry = yield* ActorRegistry
        const context = yield* Effect.context<never>()
        const record = handlers as unknown as Record<string, (m: Tagged, c: EffectContext) => Effect.Effect<unknown, unknown>>
        yield* registry.register({
          name,
          version: options?.version ?? 1,
          protocol: protocol as unknown as Schema.Schema<Tagged, unknown>,
          mode: {
            _tag: "effectful",
            run: (message, ctx) => Effect.provide(record[message._tag]!(message, ctx), context)
          }
        })
      })
    ) as Layer.Layer<never, never, ActorRegistry>
})

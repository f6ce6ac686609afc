// How an actor kind is defined: a name and a Schema protocol (shared with senders), plus a
// behaviour registered as a Layer — a handler record keyed by message tag, so a missing
// handler is a compile error (like @effect/cluster's Entity.toLayer).
import { Effect, Layer, type Schema } from "effect"
import type { ActorContext, ActorRef, EffectContext, Tagged } from "./actor-context.js"
import { ActorRegistry, type EffectJob } from "./registry.js"

export type { ActorContext, ActorRef, EffectContext, FailureOf, ReplyOf, Tagged } from "./actor-context.js"
export type { EffectJob } from "./registry.js"

/** Handler record of a deterministic actor: `(state, message, ctx) -> state'`, no I/O. */
export type Handlers<S, M extends Tagged> = {
  readonly [T in M["_tag"]]: (state: S, message: Extract<M, { readonly _tag: T }>, ctx: ActorContext<Extract<M, { readonly _tag: T }>, M>) => S
}

/** Handler record of an effectful actor: I/O, at least once, idempotent by idempotencyKey. */
export type EffectHandlers<M extends Tagged, R> = {
  readonly [T in M["_tag"]]: (message: Extract<M, { readonly _tag: T }>, ctx: EffectContext) => Effect.Effect<unknown, unknown, R>
}

/** Options of an effectful behaviour. */
export interface EffectfulOptions<M extends Tagged, R> {
  /** Bump when the handlers change meaning. */
  readonly version?: number
  /**
   * Runs the jobs one worker round claimed for this kind as one unit (a sink's one transaction
   * for many messages). It must succeed or fail as a whole and be idempotent like the handlers:
   * on failure the worker runs each job alone through its handler, so a poison job fails alone.
   */
  readonly batch?: (jobs: ReadonlyArray<EffectJob<M>>) => Effect.Effect<unknown, unknown, R>
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
  readonly toEffectLayer: <R>(handlers: EffectHandlers<M, R>, options?: EffectfulOptions<M, R>) => Layer.Layer<never, never, ActorRegistry | R>
  /** Registers this kind as discarded: its messages are accepted and dropped unread (see DiscardMode). */
  readonly toDiscardLayer: () => Layer.Layer<never, never, ActorRegistry>
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
        const batch = options?.batch as ((jobs: ReadonlyArray<EffectJob>) => Effect.Effect<unknown, unknown>) | undefined
        yield* registry.register({
          name,
          version: options?.version ?? 1,
          protocol: protocol as unknown as Schema.Schema<Tagged, unknown>,
          mode: {
            _tag: "effectful",
            run: (message, ctx) => Effect.provide(record[message._tag]!(message, ctx), context),
            ...(batch === undefined ? {} : { runBatch: (jobs: ReadonlyArray<EffectJob>) => Effect.provide(batch(jobs), context) })
          }
        })
      })
    ) as Layer.Layer<never, never, ActorRegistry>,
  toDiscardLayer: () =>
    Layer.effectDiscard(
      Effect.flatMap(ActorRegistry, (registry) =>
        registry.register({ name, version: 0, protocol: protocol as unknown as Schema.Schema<Tagged, unknown>, mode: { _tag: "discard" } })
      )
    )
})

// The registry of actor behaviours in this process. Behaviour layers register here; the shard
// runner finds handlers only through it, so the runtime imports no actor (DESIGN §1).
import { Context, Effect, Layer, type Schema } from "effect"
import type { ActorContext, EffectContext, Tagged } from "./actor-context.js"

/** A deterministic behaviour, with its types erased for the runner. */
export interface DeterministicMode {
  readonly _tag: "deterministic"
  readonly initial: (key: string) => unknown
  readonly handlers: Record<string, (state: unknown, message: Tagged, ctx: ActorContext<Tagged>) => unknown>
  readonly encodeSnapshot: (state: unknown) => unknown
  readonly decodeSnapshot: (data: unknown) => unknown
}

/** One claimed job of an effectful actor: its decoded message and its delivery. */
export interface EffectJob<M extends Tagged = Tagged> {
  readonly message: M
  readonly ctx: EffectContext
}

/** An effectful behaviour, with its requirements already provided. */
export interface EffectfulMode {
  readonly _tag: "effectful"
  readonly run: (message: Tagged, ctx: EffectContext) => Effect.Effect<unknown, unknown>
  /** Runs a worker round's jobs of this kind together; when it fails, each job runs alone. */
  readonly runBatch?: (jobs: ReadonlyArray<EffectJob>) => Effect.Effect<unknown, unknown>
}

/**
 * A kind this node accepts and drops unread: no state, no job, no dead letter. For a process
 * that keeps no record of that kind (a trading node without a database drops analytics rows);
 * never run it beside nodes with the real behaviour of the kind in one cluster.
 */
export interface DiscardMode {
  readonly _tag: "discard"
}

/** One registered kind. */
export interface RegisteredKind {
  readonly name: string
  readonly version: number
  readonly protocol: Schema.Schema<Tagged, unknown>
  readonly mode: DeterministicMode | EffectfulMode | DiscardMode
}

/** The behaviours this node runs. */
export interface Registry {
  readonly register: (kind: RegisteredKind) => Effect.Effect<void>
  readonly get: (name: string) => RegisteredKind | undefined
  /** `name@version,...` of every kind: recorded with each commit. */
  readonly version: () => string
}

/** The registry service. */
export class ActorRegistry extends Context.Tag("viralfx/runtime/ActorRegistry")<ActorRegistry, Registry>() {
  static readonly layer = Layer.sync(ActorRegistry, () => {
    const kinds = new Map<string, RegisteredKind>()
    return {
      register: (kind) =>
        Effect.suspend(() => {
          if (kinds.has(kind.name)) return Effect.dieMessage(`actor kind "${kind.name}" is registered twice`)
          kinds.set(kind.name, kind)
          return Effect.void
        }),
      get: (name) => kinds.get(name),
      version: () =>
        [...kinds.values()]
          .map((k) => `${k.name}@${k.version}`)
          .sort()
          .join(",")
    }
  })
}

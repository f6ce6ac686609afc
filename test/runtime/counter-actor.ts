// A counting actor used by the runtime tests: deterministic, with a request that replies, a
// message that throws, a forward to another actor and a timer.
import { Schema } from "effect"
import { makeActorKind } from "../../src/runtime/actor.js"

export class Increment extends Schema.TaggedClass<Increment>()("Increment", { by: Schema.Int }) {}
export class Get extends Schema.TaggedRequest<Get>()("Get", {
  failure: Schema.Never,
  success: Schema.Struct({ count: Schema.Int, seen: Schema.Array(Schema.String) }),
  payload: {}
}) {}
export class Add extends Schema.TaggedRequest<Add>()("Add", {
  failure: Schema.Struct({ reason: Schema.String }),
  success: Schema.Int,
  payload: { by: Schema.Int }
}) {}
export class Explode extends Schema.TaggedClass<Explode>()("Explode", {}) {}
export class Forward extends Schema.TaggedClass<Forward>()("Forward", { to: Schema.String, by: Schema.Int }) {}
export class Pass extends Schema.TaggedClass<Pass>()("Pass", { to: Schema.String, tag: Schema.String }) {}
export class Later extends Schema.TaggedClass<Later>()("Later", { delayMs: Schema.Int, by: Schema.Int }) {}
export class Record extends Schema.TaggedClass<Record>()("Record", { tag: Schema.String }) {}

export const CounterProtocol = Schema.Union(Increment, Get, Add, Explode, Forward, Pass, Later, Record)
export const Counter = makeActorKind("counter", CounterProtocol)

export interface CounterState {
  readonly count: number
  /** Tags in arrival order, to check per-actor order. */
  readonly seen: ReadonlyArray<string>
}

export const CounterLive = Counter.toLayer<CounterState>({
  initial: () => ({ count: 0, seen: [] }),
  handlers: {
    Increment: (state, message, ctx) => {
      ctx.publish("count", { count: state.count + message.by })
      return { ...state, count: state.count + message.by }
    },
    Get: (state, _message, ctx) => {
      ctx.reply({ count: state.count, seen: state.seen })
      return state
    },
    Add: (state, message, ctx) => {
      if (message.by < 0) {
        ctx.fail({ reason: "negative" })
        return state
      }
      ctx.reply(state.count + message.by)
      return { ...state, count: state.count + message.by }
    },
    Explode: () => {
      throw new Error("boom")
    },
    Forward: (state, message, ctx) => {
      ctx.send(Counter.ref(message.to), new Increment({ by: message.by }))
      return state
    },
    Pass: (state, message, ctx) => {
      ctx.send(Counter.ref(message.to), new Record({ tag: message.tag }))
      return state
    },
    Later: (state, message, ctx) => {
      ctx.schedule(message.delayMs, new Increment({ by: message.by }))
      return state
    },
    Record: (state, message) => ({ ...state, seen: [...state.seen, message.tag] })
  }
})

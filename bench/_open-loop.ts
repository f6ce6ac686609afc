// The open-loop sender of the sink benchmarks: every TICK_MS, the messages of that tick go out
// without waiting for earlier sends (a slow append must not hold back the next tick; appends to
// one shard queue up and go as one chunk), so the offered rate holds whatever the system does.
import { Effect, Fiber } from "effect"
import type { ActorRef, Tagged } from "../src/runtime/actor.js"
import type { Client } from "../src/runtime/actor-client.js"

export const TICK_MS = 10

/** What one open-loop run did: when it started, how late the sender fell at worst, when every send ended. */
export interface OpenLoopRun {
  readonly start: number
  readonly behindMs: number
  readonly sendSeconds: number
}

/** Sends `messagesAt(at, perTick)` at each tick's scheduled time `at` for `seconds`, at `offered` items a second. */
export const sendOpenLoop = (
  client: Client,
  seconds: number,
  offered: number,
  messagesAt: (at: number, perTick: number) => ReadonlyArray<readonly [ActorRef<any>, Tagged]>
) =>
  Effect.gen(function* () {
    const ticks = Math.round((seconds * 1000) / TICK_MS)
    const perTick = Math.round((offered * TICK_MS) / 1000)
    const sends: Array<Fiber.RuntimeFiber<void, unknown>> = []
    let behindMs = 0
    const start = Date.now() + 50
    for (let tick = 0; tick < ticks; tick++) {
      const at = start + tick * TICK_MS
      const wait = at - Date.now()
      if (wait > 0) yield* Effect.sleep(wait)
      else behindMs = Math.max(behindMs, -wait)
      sends.push(yield* Effect.fork(client.sendAll(messagesAt(at, perTick))))
    }
    yield* Fiber.joinAll(sends)
    return { start, behindMs, sendSeconds: (Date.now() - start) / 1000 } satisfies OpenLoopRun
  })

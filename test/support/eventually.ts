// Waiting for a condition the test cannot subscribe to (another process's state, Redis keys),
// polled with a generous deadline; never used to wait for time itself.
import { Effect } from "effect"

/** Re-runs `probe` until `accept` holds for its result; returns that result. */
export const eventually = <A, E, R>(probe: Effect.Effect<A, E, R>, accept: (a: A) => boolean, what: string, timeoutMs = 30_000) =>
  Effect.gen(function* () {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const value = yield* probe
      if (accept(value)) return value
      if (Date.now() > deadline) return yield* Effect.dieMessage(`timed out waiting for ${what}`)
      yield* Effect.sleep(10)
    }
  })

/** Waits until an in-memory condition holds. */
export const until = (condition: () => boolean, what: string, timeoutMs = 30_000) =>
  eventually(Effect.sync(condition), (ok) => ok, what, timeoutMs)

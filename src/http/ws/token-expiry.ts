// When a socket's token lapses: one timer fiber per socket, forked into the socket's own scope,
// that fires at the token's `exp`. Re-authenticating re-arms it; closing the socket closes the
// scope, which interrupts the timer, so nothing outlives the socket and nothing polls.
import { Clock, Effect, Exit, Fiber, Scope } from "effect"

/** Longest single wait: a JS timer (so Effect.sleep) never fires past 2^31 - 1 ms (~24.8 days). */
const MAX_WAIT_MS = 24 * 3600 * 1000

/** Waits until the wall clock reaches `at` (epoch ms), in steps no timer overflows. */
const sleepUntil = (at: number): Effect.Effect<void> =>
  Effect.gen(function* () {
    for (;;) {
      const left = at - (yield* Clock.currentTimeMillis)
      if (left <= 0) return
      yield* Effect.sleep(Math.min(left, MAX_WAIT_MS))
    }
  })

/** The expiry timer of one socket's credential. */
export class TokenExpiry {
  private readonly scope = Effect.runSync(Scope.make())
  private timer: Fiber.RuntimeFiber<void> | undefined
  /** Bumped by every arm: a timer that was replaced while firing must not act. */
  private generation = 0

  /** `onExpired` runs once when an armed deadline passes (never after `close`). */
  constructor(private readonly onExpired: () => void) {}

  /** Fires at `expiresAt` (epoch ms) instead of any earlier deadline; undefined: the credential never lapses. */
  arm(expiresAt: number | undefined): void {
    const generation = ++this.generation
    if (this.timer !== undefined) Effect.runFork(Fiber.interrupt(this.timer))
    this.timer = undefined
    if (expiresAt === undefined) return
    const fire = Effect.sync(() => {
      if (generation === this.generation) this.onExpired()
    })
    this.timer = Effect.runSync(Effect.forkIn(Effect.zipRight(sleepUntil(expiresAt), fire), this.scope))
  }

  /** Clears the timer for good: the socket closed. */
  close(): void {
    this.generation++
    this.timer = undefined
    Effect.runFork(Scope.close(this.scope, Exit.void))
  }
}

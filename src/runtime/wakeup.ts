// A wake-up signal between fibers of one shard (commit -> relay, timers, jobs): a signal sent
// while nobody waits is kept, so a wake-up is never lost.
import { Effect } from "effect"

/** One waiter at a time; `signal` wakes it or is remembered for the next `wait`. */
export class Wakeup {
  private waiter: (() => void) | undefined
  private pending = false

  signal(): void {
    const waiter = this.waiter
    if (waiter === undefined) this.pending = true
    else {
      this.waiter = undefined
      waiter()
    }
  }

  /** Waits for a signal or `ms` milliseconds, whichever comes first. */
  wait(ms: number): Effect.Effect<void> {
    return Effect.async<void>((resume) => {
      if (this.pending) {
        this.pending = false
        return resume(Effect.void)
      }
      const timer = setTimeout(() => {
        this.waiter = undefined
        resume(Effect.void)
      }, Math.max(0, ms))
      this.waiter = () => {
        clearTimeout(timer)
        resume(Effect.void)
      }
      return Effect.sync(() => {
        clearTimeout(timer)
        this.waiter = undefined
      })
    })
  }
}

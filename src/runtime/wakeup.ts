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

  /**
   * Calls `wake` once at the next signal (at once if one is pending); answers a function that
   * withdraws it. Lets a caller race a signal against its own promise without forking fibers.
   */
  onSignal(wake: () => void): () => void {
    if (this.pending) {
      this.pending = false
      wake()
      return () => {}
    }
    this.waiter = wake
    return () => {
      if (this.waiter === wake) this.waiter = undefined
    }
  }

  /** Waits for a signal or `ms` milliseconds, whichever comes first; answers true for a signal. */
  wait(ms: number): Effect.Effect<boolean> {
    return Effect.async<boolean>((resume) => {
      let withdraw = () => {}
      const timer = setTimeout(() => {
        withdraw()
        resume(Effect.succeed(false))
      }, Math.max(0, ms))
      withdraw = this.onSignal(() => {
        clearTimeout(timer)
        resume(Effect.succeed(true))
      })
      return Effect.sync(() => {
        clearTimeout(timer)
        withdraw()
      })
    })
  }
}

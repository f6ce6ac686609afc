// Appends a sender's messages to one target shard's inbox (DESIGN §2 "Dedupe at append"):
// one append in flight per target, everything queued meanwhile goes as the next single chunk
// under the next sequence number; an unknown outcome is re-sent with the same sequence, which
// the target drops if the first attempt had landed.
import { Deferred, Duration, Effect, Schedule } from "effect"
import { SendFailed } from "./errors.js"
import type { ShardKeys } from "./keys.js"
import type { RedisConnections } from "./redis.js"
import { replicated } from "./replica-wait.js"

interface Waiting {
  readonly jsons: ReadonlyArray<string>
  readonly done: Deferred.Deferred<void, SendFailed>
}

/** The appender of one sender to one target shard. */
export class ShardAppender {
  private queue: Array<Waiting> = []
  private inFlight = false
  private seq = 0

  constructor(
    private readonly redis: RedisConnections,
    private readonly keys: ShardKeys,
    private readonly senderId: string,
    private readonly maxInboxLength: number,
    private readonly resendForMs: number,
    /** Strict mode: an append counts once this many replicas hold it (0 = off). */
    private readonly replicas = 0
  ) {}

  /** Queues envelopes (as JSON texts); completes when the chunk holding them is appended. */
  append(jsons: ReadonlyArray<string>): Effect.Effect<void, SendFailed> {
    return Effect.flatMap(Deferred.make<void, SendFailed>(), (done) => {
      this.queue.push({ jsons, done })
      if (!this.inFlight) this.flush()
      return Deferred.await(done)
    })
  }

  private flush(): void {
    const batch = this.queue
    this.queue = []
    this.inFlight = true
    const seq = `0-${++this.seq}`
    const chunk = `[${batch.map((w) => w.jsons.join(",")).join(",")}]`
    const deadline = Date.now() + this.resendForMs
    const attempt = this.redis
      .script("append-2", [this.keys.inbox, this.keys.senderSeqs], [this.senderId, this.maxInboxLength, seq, chunk])
      .pipe(
        Effect.retry({
          while: () => Date.now() < deadline,
          schedule: Schedule.exponential(Duration.millis(20), 2).pipe(Schedule.union(Schedule.spaced(Duration.millis(1000))))
        }),
        Effect.mapError((e) => new SendFailed({ reason: "unknown-outcome", detail: e.message })),
        Effect.flatMap((answer) =>
          answer === "FULL"
            ? Effect.fail(new SendFailed({ reason: "backpressure", detail: `shard ${this.keys.shard} inbox is full` }))
            : this.replicas > 0
              ? Effect.flatMap(
                  Effect.orElseSucceed(replicated(this.redis, this.keys, this.replicas, () => deadline), () => false),
                  (held) => (held ? Effect.void : Effect.fail(new SendFailed({ reason: "unknown-outcome", detail: `no ${this.replicas} replica(s) acknowledged the append in time` })))
                )
              : Effect.void
        ),
        Effect.exit,
        Effect.flatMap((exit) => Effect.forEach(batch, (w) => Deferred.done(w.done, exit), { discard: true }))
      )
    Effect.runFork(
      attempt.pipe(
        Effect.ensuring(
          Effect.sync(() => {
            this.inFlight = false
            if (this.queue.length > 0) this.flush()
          })
        )
      )
    )
  }
}

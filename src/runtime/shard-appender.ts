// Appends a sender's messages to one target shard's inbox (DESIGN §2 "Dedupe at append"):
// one append in flight per target, everything queued meanwhile goes as the next single chunk
// under the next sequence number; an unknown outcome is re-sent with the same sequence, which
// the target drops if the first attempt had landed. Plain promise code inside: it runs once
// per ask on the edge's hot path.
import { Effect } from "effect"
import { setTimeout as sleep } from "node:timers/promises"
import { SendFailed } from "./errors.js"
import type { ShardKeys } from "./keys.js"
import type { RedisConnections } from "./redis.js"
import { replicated } from "./replica-wait.js"
import { runScript } from "./scripts.js"

interface Waiting {
  readonly jsons: ReadonlyArray<string>
  readonly resolve: () => void
  readonly reject: (error: SendFailed) => void
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

  /** Queues envelopes (as JSON texts); resolves when the chunk holding them is appended. */
  appendNow(jsons: ReadonlyArray<string>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ jsons, resolve, reject })
      if (!this.inFlight) void this.flush()
    })
  }

  /** `appendNow` as an Effect. */
  append(jsons: ReadonlyArray<string>): Effect.Effect<void, SendFailed> {
    return Effect.tryPromise({ try: () => this.appendNow(jsons), catch: (error) => error as SendFailed })
  }

  private async flush(): Promise<void> {
    const batch = this.queue
    this.queue = []
    this.inFlight = true
    const chunk = `[${batch.map((w) => w.jsons.join(",")).join(",")}]`
    let failure: SendFailed | undefined
    try {
      await this.send(`0-${++this.seq}`, chunk, Date.now() + this.resendForMs)
    } catch (error) {
      failure = error instanceof SendFailed ? error : new SendFailed({ reason: "unknown-outcome", detail: String(error) })
    }
    for (const w of batch) failure === undefined ? w.resolve() : w.reject(failure)
    this.inFlight = false
    if (this.queue.length > 0) void this.flush()
  }

  /** One chunk under one sequence number, re-sent (same sequence) until it lands or `deadline`. */
  private async send(seq: string, chunk: string, deadline: number): Promise<void> {
    for (let delay = 20; ; delay = Math.min(1000, delay * 2)) {
      let answer: unknown
      try {
        answer = await runScript(this.redis.client, "append-2", [this.keys.inbox, this.keys.senderSeqs], [this.senderId, this.maxInboxLength, seq, chunk])
      } catch (error) {
        if (Date.now() + delay >= deadline) throw new SendFailed({ reason: "unknown-outcome", detail: error instanceof Error ? error.message : String(error) })
        await sleep(delay)
        continue
      }
      if (answer === "FULL") throw new SendFailed({ reason: "backpressure", detail: `shard ${this.keys.shard} inbox is full` })
      if (this.replicas === 0) return
      const held = await Effect.runPromise(Effect.orElseSucceed(replicated(this.redis, this.keys, this.replicas, () => deadline), () => false))
      if (!held) throw new SendFailed({ reason: "unknown-outcome", detail: `no ${this.replicas} replica(s) acknowledged the append in time` })
      return
    }
  }
}

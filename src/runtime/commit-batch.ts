// What one batch of applied messages must make durable, gathered in memory and committed by
// one script (commit-9.lua): effects per target shard (delivered, or to the outbox), timers,
// jobs, dead letters, snapshots, feed events and how many inbox entries the batch read.

/** A dead letter as stored in a shard's dead-letter stream. */
export interface DeadLetter {
  readonly reason: string
  /** The inbox entry it came from. */
  readonly entryId: string
  /** The envelope (or the raw text that failed to parse). */
  readonly envelope: unknown
  /** Milliseconds, from the entry ID. */
  readonly at: number
  /** Attempts made (effectful actors). */
  readonly attempts?: number
}

/** A message being merged for one target over a batch (`ActorContext.sendMerged`). */
export interface MergedSend {
  readonly kind: string
  readonly key: string
  readonly protocol: unknown
  message: unknown
  readonly merge: (into: any, next: any) => unknown
  /** Messages merged into it so far. */
  count: number
}

/** The effects of one batch, in the order they were produced. */
export class CommitBatch {
  /** Target shard -> JSON envelopes, in send order. */
  readonly outbox = new Map<string, Array<string>>()
  readonly timers: Array<readonly [number, string]> = []
  /** Effectful jobs: (due time, id, JSON of the StoredJob). */
  readonly jobs: Array<readonly [number, string, string]> = []
  readonly deadLetters: Array<string> = []
  readonly snapshots: Array<readonly [string, string]> = []
  /** Feed stream key -> (seq, payload) in publish order. */
  readonly feeds = new Map<string, Array<readonly [number, string]>>()
  /** Inbox entries this batch read (moves the group's entries-read count). */
  entriesRead = 0
  /** Reply stream -> reply records; written after the commit, best effort (an asker may time out). */
  readonly replies = new Map<string, Array<string>>()
  /** Target address -> the message merged so far; encoded into the outbox when the batch ends. */
  readonly merged = new Map<string, MergedSend>()
  /** Messages applied to actors, and envelopes read (applied, rejected or queued as jobs). */
  messages = 0
  envelopes = 0

  /** Adds one JSON text to a target's outbox list. */
  toOutbox(field: string, json: string): void {
    const list = this.outbox.get(field)
    if (list === undefined) this.outbox.set(field, [json])
    else list.push(json)
  }

  reply(stream: string, record: string): void {
    const list = this.replies.get(stream)
    if (list === undefined) this.replies.set(stream, [record])
    else list.push(record)
  }

  deadLetter(letter: DeadLetter): void {
    this.deadLetters.push(JSON.stringify(letter))
  }

  feed(key: string, seq: number, payload: string): void {
    const list = this.feeds.get(key)
    if (list === undefined) this.feeds.set(key, [[seq, payload]])
    else list.push([seq, payload])
  }

  /** Whether the commit would change anything but the offset. */
  get hasEffects(): boolean {
    return this.outbox.size > 0 || this.timers.length > 0 || this.jobs.length > 0 || this.deadLetters.length > 0 ||
      this.snapshots.length > 0 || this.feeds.size > 0
  }
}

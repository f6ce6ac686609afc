// The outbox entries this owner committed, handed to its relay in memory so it need not read
// back what it has just written (an XRANGE per relay round). Each entry remembers the outbox
// entry written before it; the relay takes entries from here only while that chain starts
// right at its cursor. Entries written before this owner took the shard, or by a commit whose
// outcome came back as ALREADY (a re-send: its entry ID is unknown), break the chain, and the
// relay reads from Redis until it has passed them. Only the owner's fenced commits write the
// outbox, so an unbroken chain holds every entry after the cursor, in order.
import { idAfter } from "./shard-actors.js"

/** An outbox entry as XRANGE returns it: its ID and (target shard, chunk) field pairs. */
export type OutboxEntry = [id: string, fields: Array<string>]

/** More than this waiting (the relay is stuck on a full target): dropped, and read from Redis later. */
const MAX_WAITING = 256

export class OutboxHandoff {
  private waiting: Array<{ readonly previous: string | undefined; readonly entry: OutboxEntry }> = []
  /** The ID of the last outbox entry this owner wrote, if known. */
  private last: string | undefined = undefined

  /** A commit wrote `entry` to the outbox. */
  committed(entry: OutboxEntry): void {
    if (this.waiting.length >= MAX_WAITING) this.waiting = []
    this.waiting.push({ previous: this.last, entry })
    this.last = entry[0]
  }

  /** A commit may have written an outbox entry whose ID is not known. */
  unknown(): void {
    this.last = undefined
  }

  /** True when `cursor` is the last entry this owner wrote: the outbox holds nothing after it. */
  drainedTo(cursor: string): boolean {
    return this.last === cursor
  }

  /** Up to `max` entries right after `cursor`, in outbox order; none when they must be read from Redis. */
  after(cursor: string, max: number): Array<OutboxEntry> {
    let skip = 0
    while (skip < this.waiting.length && !idAfter(this.waiting[skip]!.entry[0], cursor)) skip++
    if (skip > 0) this.waiting = this.waiting.slice(skip)
    const page: Array<OutboxEntry> = []
    let previous = cursor
    for (const { previous: before, entry } of this.waiting) {
      if (before !== previous || page.length === max) break
      page.push(entry)
      previous = entry[0]
    }
    return page
  }
}

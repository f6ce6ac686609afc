// The time window and bucket width of a bucketed read (candles, /analytics/trends), checked once
// so bad input is a typed error, never a SQL failure.
import { Data, Effect } from "effect"

/** A bucketed read: buckets of `intervalSeconds` aligned on the Unix epoch, from inclusive, to exclusive. */
export interface TimeRange {
  readonly intervalSeconds: number
  readonly from: Date
  readonly to: Date
}

/** The requested window or bucket width cannot be answered. */
export class InvalidRange extends Data.TaggedError("InvalidRange")<{ readonly detail: string }> {
  override get message() {
    return this.detail
  }
}

// Bounds the rows one read can return, so a request cannot ask for millions of buckets.
const maxBuckets = 10_000

/** Checks `range`; `stepSeconds` is the width of the stored rows the buckets are built from. */
export const checkRange = (range: TimeRange, stepSeconds: number): Effect.Effect<TimeRange, InvalidRange> => {
  const { intervalSeconds, from, to } = range
  if (!Number.isSafeInteger(intervalSeconds) || intervalSeconds <= 0 || intervalSeconds % stepSeconds !== 0) {
    return Effect.fail(new InvalidRange({ detail: `interval must be a positive multiple of ${stepSeconds} seconds` }))
  }
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from.getTime() >= to.getTime()) {
    return Effect.fail(new InvalidRange({ detail: "from must be a valid time before to" }))
  }
  if ((to.getTime() - from.getTime()) / 1000 / intervalSeconds > maxBuckets) {
    return Effect.fail(new InvalidRange({ detail: `at most ${maxBuckets} buckets per read` }))
  }
  return Effect.succeed(range)
}

/** The interval literal for `date_bin` (seconds only: date_bin refuses months and years). */
export const intervalLiteral = (seconds: number) => `${seconds} seconds`

/** Every bucket is aligned on this origin, on both backends. */
export const binOrigin = "1970-01-01T00:00:00Z"

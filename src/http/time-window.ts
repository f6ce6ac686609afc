// The `from` / `to` query parameters of bucketed reads (candles, /analytics/trends): ISO-8601
// times, defaulting to the 24 hours before the request. The repos check the window itself.
import { Schema } from "effect"
import type { TimeRange } from "../storage/repos/time-range.js"

const DAY_MS = 86_400_000

/** A valid ISO-8601 time (an invalid date is a 400, not a query). */
const Time = Schema.Date

/** The window's query fields and how a decoded query becomes a range. */
export const Window = {
  fields: { from: Schema.optional(Time), to: Schema.optional(Time) },
  /** The range of buckets `intervalSeconds` wide; `to` defaults to now, `from` to a day before `to`. */
  resolve: (query: { readonly from?: Date | undefined; readonly to?: Date | undefined }, intervalSeconds: number): TimeRange => {
    const to = query.to ?? new Date()
    return { intervalSeconds, from: query.from ?? new Date(to.getTime() - DAY_MS), to }
  }
} as const

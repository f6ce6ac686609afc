// Reading an actor's feed stream by its per-stream `seq` (DESIGN §2 "Feeds"). Entries carry
// `seq` (gapless from 1, one writer) and `d` (JSON event); stream IDs are Redis times, not seqs,
// but seqs grow with the IDs, so "the entry with seq s" sits (last - s) entries from the end.
import { Effect } from "effect"
import { type Address, addressString, shardOf } from "./address.js"
import type { Keys } from "./keys.js"
import { RedisClient } from "./redis.js"

/** The stream key of `feed` written by the actor at `address` (on its shard, as its commits write it). */
export const feedStreamKey = (keys: Keys, address: Address, feed: string): string =>
  keys.shard(shardOf(address, keys.shardCount)).feed(`${addressString(address)}:${feed}`)

/** One feed entry: its stream ID, its seq and its decoded event. */
export interface FeedEntry {
  readonly id: string
  readonly seq: number
  readonly event: unknown
}

/** The raw reply of XRANGE / XREAD for one stream. */
export type RawEntries = ReadonlyArray<[id: string, fields: ReadonlyArray<string>]>

/** Decodes raw stream entries (fields `seq`, `d`); skips an entry that is not a feed event. */
export const decodeFeedEntries = (raw: RawEntries): Array<FeedEntry> => {
  const out: Array<FeedEntry> = []
  for (const [id, fields] of raw) {
    let seq: number | undefined
    let data: string | undefined
    for (let i = 0; i + 1 < fields.length; i += 2) {
      if (fields[i] === "seq") seq = Number(fields[i + 1])
      else if (fields[i] === "d") data = fields[i + 1]
    }
    if (seq === undefined || !Number.isInteger(seq) || data === undefined) continue
    let event: unknown
    try {
      event = JSON.parse(data)
    } catch {
      continue
    }
    out.push({ id, seq, event })
  }
  return out
}

/** Where a feed stands: the oldest and newest entries it still holds (none: an empty stream). */
export interface FeedBounds {
  readonly oldest: FeedEntry | undefined
  readonly newest: FeedEntry | undefined
}

/** The oldest and newest entries of a feed stream. */
export const feedBounds = (key: string) =>
  Effect.gen(function* () {
    const redis = yield* RedisClient
    const [first, last] = yield* redis.call("XRANGE feed bounds", (r) =>
      Promise.all([r.xrange(key, "-", "+", "COUNT", 1), r.xrevrange(key, "+", "-", "COUNT", 1)])
    )
    return { oldest: decodeFeedEntries(first)[0], newest: decodeFeedEntries(last)[0] } satisfies FeedBounds
  })

/** Why a replay from a seq cannot be served from the stream. */
export type ReplayGap = { readonly _tag: "Trimmed"; readonly oldest: number } | { readonly _tag: "Ahead"; readonly newest: number }

/**
 * Every entry with seq >= `fromSeq`, up to the newest at the time of the call, or why not: the
 * stream was trimmed past it (capped with MAXLEN ~) or `fromSeq` is beyond its newest + 1.
 */
export const readFeedFrom = (key: string, fromSeq: number) =>
  Effect.gen(function* () {
    const { oldest, newest } = yield* feedBounds(key)
    const newestSeq = newest?.seq ?? 0
    if (fromSeq > newestSeq + 1) return { _tag: "Gap", gap: { _tag: "Ahead", newest: newestSeq } } as const
    if (newest === undefined || fromSeq === newestSeq + 1) return { _tag: "Entries", entries: [] as Array<FeedEntry>, newestSeq } as const
    if (oldest === undefined || fromSeq < oldest.seq) return { _tag: "Gap", gap: { _tag: "Trimmed", oldest: oldest?.seq ?? newestSeq + 1 } } as const
    const redis = yield* RedisClient
    // Ends at the newest ID seen above, so entries appended meanwhile cannot shift the window.
    const raw = yield* redis.call("XREVRANGE feed replay", (r) => r.xrevrange(key, newest.id, "-", "COUNT", newestSeq - fromSeq + 1))
    const entries = decodeFeedEntries(raw).reverse()
    // A trim between the two reads could leave a hole at the start: report it, never skip it.
    if (entries[0]?.seq !== fromSeq) return { _tag: "Gap", gap: { _tag: "Trimmed", oldest: entries[0]?.seq ?? newestSeq + 1 } } as const
    return { _tag: "Entries", entries, newestSeq } as const
  })

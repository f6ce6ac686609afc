// One shared reader of feed streams per edge process: a single XREAD BLOCK loop on a dedicated
// connection over every stream some socket subscribed to, fanning entries out to listeners —
// never a Redis connection per socket. On a Redis Cluster one XREAD may only name keys of one
// hash slot (else CROSSSLOT), so there it reads each slot's streams with an XREAD of their own.
// Each edge reads the streams itself, so several edges need nothing shared beyond Redis.
import { Effect, type Scope } from "effect"
import { decodeFeedEntries, type FeedEntry, type RawEntries } from "../../runtime/feed-stream.js"
import type { RedisError } from "../../runtime/errors.js"
import { hashSlot } from "../../runtime/hash-slot.js"
import { RedisClient } from "../../runtime/redis.js"
import type { RedisLike } from "../../runtime/scripts.js"

/** Receives every entry of a stream read after it subscribed, in stream order. */
export type FeedListener = (entry: FeedEntry) => void

/** The hub's view of one subscribed stream: where it has read to and who listens. */
interface StreamRead {
  cursor: string
  /** The key's Redis Cluster hash slot: streams of one slot share an XREAD. */
  readonly slot: number
  readonly listeners: Set<FeedListener>
}

/** The shared reader. */
export interface FeedHub {
  /**
   * Adds a listener to `key`. Once this returns, every entry appended to the stream after the
   * call began is delivered to it (it may also see a few older ones; listeners filter by seq).
   * Answers the function that removes the listener.
   */
  readonly subscribe: (key: string, listener: FeedListener) => Effect.Effect<() => void, RedisError>
  /** How many streams the loop reads. */
  readonly streamCount: () => number
}

/** Entries read per stream per XREAD. */
const READ_COUNT = 500
/** Longest block; a new stream wakes the loop at once with CLIENT UNBLOCK on one server. */
const BLOCK_MS = 1000
/** On a Redis Cluster streams of several slots cannot share one XREAD: poll them this often. */
const CLUSTER_POLL_MS = 100

/** The part of a key Redis Cluster hashes: the first non-empty `{…}`, else the whole key. */
const hashedPart = (key: string) => {
  const open = key.indexOf("{")
  const close = open === -1 ? -1 : key.indexOf("}", open + 1)
  return close > open + 1 ? key.slice(open + 1, close) : key
}

/** The keys of `streams` grouped by hash slot, each group one legal XREAD on a cluster. */
const groupBySlot = (streams: ReadonlyMap<string, StreamRead>) => {
  const groups = new Map<number, Array<string>>()
  for (const [key, read] of streams) {
    const group = groups.get(read.slot)
    if (group === undefined) groups.set(read.slot, [key])
    else group.push(key)
  }
  return [...groups.values()]
}

/** Starts the hub for the life of the scope. */
export const makeFeedHub: Effect.Effect<FeedHub, RedisError, RedisClient | Scope.Scope> = Effect.gen(function* () {
  const redis = yield* RedisClient
  const streams = new Map<string, StreamRead>()
  let wake: (() => void) | undefined
  let blockedId: string | undefined

  /** The connection's id, for CLIENT UNBLOCK (one server only: a cluster has one per node). */
  const clientIdOf = (conn: RedisLike) =>
    redis.cluster ? Effect.succeed(undefined) : redis.call("CLIENT ID", () => conn.call("CLIENT", "ID")).pipe(Effect.map(String), Effect.orElseSucceed(() => undefined))

  /** Interrupts the blocked XREAD so the next one includes a new stream. */
  const nudge = () => {
    if (wake !== undefined) {
      const w = wake
      wake = undefined
      w()
    } else if (blockedId !== undefined) {
      redis.client.call("CLIENT", "UNBLOCK", blockedId).catch(() => {})
    }
  }

  const deliver = (reply: ReadonlyArray<[string, RawEntries]>, snapshot: Map<string, StreamRead>) => {
    for (const [key, raw] of reply) {
      const read = snapshot.get(key)
      // Unsubscribed (or re-subscribed under a new cursor) while we were reading: skip.
      if (read === undefined || streams.get(key) !== read || raw.length === 0) continue
      read.cursor = raw[raw.length - 1]![0]
      for (const entry of decodeFeedEntries(raw)) {
        for (const listener of read.listeners) {
          try {
            listener(entry)
          } catch {
            // One socket's failure must not stop the others' feed.
          }
        }
      }
    }
  }

  const xread = (conn: RedisLike, keys: ReadonlyArray<string>, block: number | undefined) => {
    const ids = keys.map((key) => streams.get(key)?.cursor ?? "$")
    const args: Array<string | number> = ["COUNT", READ_COUNT, ...(block === undefined ? [] : ["BLOCK", block]), "STREAMS", ...keys, ...ids]
    return redis.call("XREAD feeds", () => (conn.xread as (...a: Array<string | number>) => Promise<Array<[string, RawEntries]> | null>)(...args))
  }

  /** Resumes when `nudge` is called (a new stream), or after `ms` when given. */
  const woken = (ms?: number) => {
    const nudged = Effect.async<void>((resume) => {
      wake = () => resume(Effect.void)
      return Effect.sync(() => {
        wake = undefined
      })
    })
    return ms === undefined ? nudged : Effect.raceFirst(nudged, Effect.sleep(ms))
  }

  const readOnce = (conn: RedisLike) =>
    Effect.gen(function* () {
      if (streams.size === 0) return yield* woken()
      const snapshot = new Map(streams)
      const groups = redis.cluster ? groupBySlot(snapshot) : [[...snapshot.keys()]]
      if (groups.length === 1) {
        const reply = yield* xread(conn, groups[0]!, redis.cluster ? CLUSTER_POLL_MS * 2 : BLOCK_MS)
        if (reply !== null) deliver(reply, snapshot)
        return
      }
      // Several slots: one non-blocking XREAD per slot, all in flight at once (the cluster client
      // sends each to its slot's master); a blocking one would hold its master's connection.
      const replies = yield* Effect.forEach(groups, (group) => xread(conn, group, undefined), { concurrency: "unbounded" })
      for (const reply of replies) if (reply !== null) deliver(reply, snapshot)
      if (replies.every((reply) => reply === null)) yield* woken(CLUSTER_POLL_MS)
    })

  const conn = yield* redis.dedicated("viralfx-feeds")
  blockedId = yield* clientIdOf(conn)
  const loop = Effect.gen(function* () {
    for (;;) {
      const outcome = yield* Effect.either(readOnce(conn))
      if (outcome._tag === "Left") {
        yield* Effect.logWarning("feed reader: XREAD failed, retrying", outcome.left)
        yield* Effect.sleep(500)
        // ioredis reconnects by itself; a fresh CLIENT ID keeps CLIENT UNBLOCK aimed right.
        blockedId = yield* clientIdOf(conn)
      }
    }
  })

  yield* Effect.forkScoped(
    loop.pipe(
      Effect.catchAllCause((cause) => Effect.logError("feed reader stopped", cause))
    )
  )
  yield* Effect.addFinalizer(() => Effect.sync(() => streams.clear()))

  const subscribe = (key: string, listener: FeedListener) =>
    Effect.gen(function* () {
      const known = streams.get(key)
      if (known !== undefined) {
        known.listeners.add(listener)
      } else {
        // Start after the newest entry as of now: the caller's snapshot or replay covers the rest.
        const last = yield* redis.call("XREVRANGE feed newest", (r) => r.xrevrange(key, "+", "-", "COUNT", 1))
        const raced = streams.get(key)
        if (raced !== undefined) raced.listeners.add(listener)
        else {
          streams.set(key, { cursor: last[0]?.[0] ?? "0-0", slot: hashSlot(hashedPart(key)), listeners: new Set([listener]) })
          nudge()
        }
      }
      return () => {
        const read = streams.get(key)
        if (read === undefined) return
        read.listeners.delete(listener)
        if (read.listeners.size === 0) streams.delete(key)
      }
    })

  return { subscribe, streamCount: () => streams.size }
})

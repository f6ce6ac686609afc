// Rebuilds a shard's actors on acquisition: snapshots, then the inbox up to the committed
// offset, applying to each actor only entries past its snapshot (DESIGN §2 "Snapshots",
// invariant 5). Yields to the event loop often so lease renewals never miss their turn.
import { Effect } from "effect"
import { CommitBatch } from "./commit-batch.js"
import { chunksOf, decodeChunk, entryTime } from "./envelope.js"
import { StartupRefused } from "./errors.js"
import type { OwnedShard } from "./owned-shard.js"
import type { StoredSnapshot } from "./shard-actors.js"

const PAGE = 200
const SLICE_MS = 40

/** Yields to the Node event loop (timers and sockets run). */
export const yieldToEventLoop = Effect.promise(() => new Promise<void>((resolve) => setImmediate(resolve)))

/** Applies stream entries to the shard's actors as a replay (effects are discarded). */
export const replayEntries = (owned: OwnedShard, entries: ReadonlyArray<[string, Array<string>]>) =>
  Effect.gen(function* () {
    let sliceStart = Date.now()
    let applied = 0
    for (const [id, fields] of entries) {
      const batch = new CommitBatch()
      const time = entryTime(id)
      let index = 0
      for (const chunk of chunksOf(fields)) {
        for (const envelope of decodeChunk(chunk).envelopes) owned.actors.apply(envelope, id, index++, time, batch, true)
      }
      applied += batch.messages
      if (Date.now() - sliceStart > SLICE_MS) {
        yield* yieldToEventLoop
        sliceStart = Date.now()
      }
    }
    return applied
  })

/** Restores snapshots and replays the committed tail of the inbox. */
export const rebuildShard = (owned: OwnedShard) =>
  Effect.gen(function* () {
    const { keys, redis } = owned
    const snapshots = yield* redis.call("HGETALL snapshots", (r) => r.hgetall(keys.snapshots))
    for (const [id, text] of Object.entries(snapshots)) owned.actors.restore(id, JSON.parse(text) as StoredSnapshot)
    if (owned.applied === "0-0") return
    // A tail written by another behaviour version must not be replayed (DESIGN §2 "Versions").
    const sameVersion = owned.lease.version === "" || owned.lease.version === owned.version
    let start = "-"
    for (;;) {
      const page = (yield* redis.call("XRANGE inbox (replay)", (r) =>
        r.xrange(keys.inbox, start, owned.applied, "COUNT", PAGE)
      )) as Array<[string, Array<string>]>
      const applied = yield* replayEntries(owned, page)
      if (!sameVersion && applied > 0) {
        return yield* new StartupRefused({
          reason: `shard ${owned.shard} has a tail written by behaviour version "${owned.lease.version}"; this node runs "${owned.version}". Stop the old nodes gracefully (they snapshot on hand-off) before starting new ones.`
        })
      }
      if (page.length < PAGE) return
      start = `(${page[page.length - 1]![0]}`
    }
  })

// Shard leases with fencing epochs (DESIGN §2 "Ownership"): SET NX PX with nodeId:epoch:nonce,
// epoch INCRed on every acquisition. Local deadlines stop work before Redis could expire the
// lease, so fencing stays the safety net, not the plan.
import { Effect } from "effect"
import { randomUUID } from "node:crypto"
import { GROUP, type ShardKeys } from "./keys.js"
import type { RedisConnections } from "./redis.js"
import type { RedisLike } from "./scripts.js"
import { runScript } from "./scripts.js"

/** A lease this node holds. */
export interface HeldLease {
  readonly shard: number
  readonly epoch: number
  /** The lease value `nodeId:epoch:nonce`. */
  readonly value: string
  /** Committed offset at acquisition. */
  readonly applied: string
  /** Behaviour version of the last commit. */
  readonly version: string
  /** Consumer name in the inbox group for this epoch. */
  readonly consumer: string
  /** Local deadline (ms): work on the shard only before it. */
  deadline: number
}

/** Share of the TTL we allow ourselves: clocks drift, and the lease started after we sent. */
const SAFETY = 0.85

/** What an acquisition found: the lease, now ours, or another node's with the ms it has left. */
export type Acquisition = { readonly _tag: "Acquired"; readonly lease: HeldLease } | { readonly _tag: "Held"; readonly holder: string; readonly expiresInMs: number }

/** Takes a shard's lease, or says who holds it and for how long. */
export const tryAcquireLease = (redis: RedisConnections, keys: ShardKeys, nodeId: string, ttlMs: number) =>
  Effect.gen(function* () {
    const nonce = randomUUID().slice(0, 12)
    const sentAt = Date.now()
    const reply = (yield* redis.script("acquire-4", [keys.lease, keys.epoch, keys.inbox, keys.state], [nodeId, nonce, ttlMs, GROUP, `${nodeId}-e`])) as Array<unknown>
    if (reply[0] === 0) return { _tag: "Held", holder: String(reply[1]), expiresInMs: Number(reply[2]) } satisfies Acquisition as Acquisition
    const epoch = Number(reply[0])
    const lease: HeldLease = {
      shard: keys.shard,
      epoch,
      value: `${nodeId}:${epoch}:${nonce}`,
      applied: String(reply[1]),
      version: String(reply[2]),
      consumer: String(reply[3]),
      deadline: sentAt + ttlMs * SAFETY
    }
    return { _tag: "Acquired", lease } satisfies Acquisition as Acquisition
  })

/** Takes a shard's lease, or answers undefined when another node holds it. */
export const acquireLease = (redis: RedisConnections, keys: ShardKeys, nodeId: string, ttlMs: number) =>
  Effect.map(tryAcquireLease(redis, keys, nodeId, ttlMs), (found) => (found._tag === "Acquired" ? found.lease : undefined))

/** Renews a lease; false when it is gone. Moves the local deadline only on success. */
export const renewLease = async (connection: RedisLike, keys: ShardKeys, lease: HeldLease, ttlMs: number): Promise<boolean> => {
  const sentAt = Date.now()
  const renewed = (await runScript(connection, "renew-1", [keys.lease], [lease.value, ttlMs])) === 1
  if (renewed) lease.deadline = Math.max(lease.deadline, sentAt + ttlMs * SAFETY)
  return renewed
}

/** Releases a lease we hold (harmless if it is already gone). */
export const releaseLease = (redis: RedisConnections, keys: ShardKeys, lease: HeldLease) =>
  redis.script("release-1", [keys.lease], [lease.value])

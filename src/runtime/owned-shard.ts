// The state one node keeps for a shard it owns, shared by that shard's fibers (processing loop,
// relay, timer mover, job worker). Dropped whole when the shard is lost.
import { OutboxHandoff } from "./outbox-handoff.js"
import type { Keys, ShardKeys } from "./keys.js"
import type { RedisConnections } from "./redis.js"
import type { Registry } from "./registry.js"
import type { RuntimeSettings } from "./runtime-config.js"
import type { HeldLease } from "./shard-lease.js"
import { ShardActors } from "./shard-actors.js"
import { Wakeup } from "./wakeup.js"

/** A shard this node owns. */
export interface OwnedShard {
  readonly shard: number
  readonly keys: ShardKeys
  readonly allKeys: Keys
  readonly lease: HeldLease
  readonly redis: RedisConnections
  readonly settings: RuntimeSettings
  readonly registry: Registry
  readonly actors: ShardActors
  /** Behaviour version recorded with each commit. */
  readonly version: string
  /** Last committed inbox ID. */
  applied: string
  /** Messages committed since the inbox was last trimmed. */
  sinceTrim: number
  /** Recent average of envelopes per inbox entry (sizes the next read). */
  envelopesPerEntry: number
  /** Set on graceful stop: the loop finishes its batch and returns. */
  stopping: boolean
  readonly wake: { readonly loop: Wakeup; readonly relay: Wakeup; readonly timers: Wakeup; readonly jobs: Wakeup }
  /** Outbox entries committed by this owner, for its relay. */
  readonly handoff: OutboxHandoff
  /** Time left on the local lease deadline (ms). */
  readonly remaining: () => number
}

/** Creates the state of a freshly acquired shard. */
export const makeOwnedShard = (
  lease: HeldLease,
  allKeys: Keys,
  redis: RedisConnections,
  settings: RuntimeSettings,
  registry: Registry
): OwnedShard => ({
  shard: lease.shard,
  keys: allKeys.shard(lease.shard),
  allKeys,
  lease,
  redis,
  settings,
  registry,
  actors: new ShardActors(lease.shard, allKeys.shardCount, allKeys.shard, registry),
  version: registry.version(),
  applied: lease.applied,
  sinceTrim: 0,
  envelopesPerEntry: 1,
  stopping: false,
  wake: { loop: new Wakeup(), relay: new Wakeup(), timers: new Wakeup(), jobs: new Wakeup() },
  handoff: new OutboxHandoff(),
  remaining: () => lease.deadline - Date.now()
})

// A node: takes the leases of the shards assigned to it, runs each owned shard (rebuild, then
// processing loop, relay, timer mover and job worker), renews leases on a connection of its
// own, and hands shards off gracefully (final snapshot, release) when its scope closes.
import { Context, Effect, Exit, Fiber, Layer, Scope } from "effect"
import { ensureShardCount } from "./cluster-meta.js"
import { runJobWorker } from "./job-worker.js"
import { makeKeys, type Keys } from "./keys.js"
import { makeOwnedShard, type OwnedShard } from "./owned-shard.js"
import { RedisClient, requireNoEviction } from "./redis.js"
import { ActorRegistry } from "./registry.js"
import { runRelay } from "./relay.js"
import { rebuildShard } from "./replay.js"
import { RuntimeConfig } from "./runtime-config.js"
import { acquireLease, releaseLease, renewLease } from "./shard-lease.js"
import { finalSnapshot, runShardLoop } from "./shard-loop.js"
import { runTimerMover } from "./timer-mover.js"

/** What a running node exposes. */
export interface Node {
  readonly nodeId: string
  readonly keys: Keys
  /** Shards owned right now. */
  readonly ownedShards: () => ReadonlyArray<number>
  /** Resolves once the node owns every shard in `shards` (default: all). */
  readonly awaitOwnership: (shards?: ReadonlyArray<number>) => Effect.Effect<void>
}

interface Running {
  readonly owned: OwnedShard
  readonly scope: Scope.CloseableScope
  readonly fiber: Fiber.RuntimeFiber<void, unknown>
}

/** The node service. */
export class ShardNode extends Context.Tag("viralfx/runtime/ShardNode")<ShardNode, Node>() {
  static readonly layer = Layer.scoped(ShardNode, Effect.suspend(() => make))
}

const make = Effect.gen(function* () {
  const settings = yield* RuntimeConfig
  const redis = yield* RedisClient
  const registry = yield* ActorRegistry
  const keys = makeKeys(settings.prefix, settings.shardCount)
  yield* requireNoEviction
  yield* ensureShardCount(redis, keys)
  const renewConnection = yield* redis.dedicated("renew")
  const running = new Map<number, Running>()
  const tick = Math.max(50, Math.floor(settings.leaseTtlMs / 3))

  const runShard = (owned: OwnedShard, scope: Scope.Scope) =>
    Effect.gen(function* () {
      const blocking = yield* redis.dedicated(`block-${owned.shard}`).pipe(Scope.extend(scope))
      yield* rebuildShard(owned)
      yield* Effect.logDebug(`shard ${owned.shard} serving at epoch ${owned.lease.epoch}`)
      yield* Effect.all([runShardLoop(owned, blocking), runRelay(owned), runTimerMover(owned), runJobWorker(owned)], {
        concurrency: "unbounded",
        discard: true
      })
    })

  const start = (shard: number) =>
    Effect.gen(function* () {
      const lease = yield* acquireLease(redis, keys.shard(shard), settings.nodeId, settings.leaseTtlMs)
      if (lease === undefined) return
      const owned = makeOwnedShard(lease, keys, redis, settings, registry)
      const scope = yield* Scope.make()
      const fiber = yield* runShard(owned, scope).pipe(
        Effect.onExit((exit) =>
          Effect.gen(function* () {
            if (running.get(shard)?.owned === owned) running.delete(shard)
            if (Exit.isFailure(exit) && !owned.stopping) {
              const lost = Exit.causeOption(exit)
              yield* Effect.logWarning(`shard ${shard} stopped; it will be re-acquired when free`, lost)
            }
            yield* Scope.close(scope, Exit.void)
          })
        ),
        Effect.forkDaemon
      )
      running.set(shard, { owned, scope, fiber })
    }).pipe(Effect.catchAll((error) => Effect.logWarning(`could not acquire shard ${shard}`, error)))

  // Ownership: every shard is assigned to this node until membership divides them.
  const acquireFree = Effect.suspend(() =>
    Effect.forEach(
      Array.from({ length: keys.shardCount }, (_, shard) => shard).filter((shard) => !running.has(shard)),
      start,
      { concurrency: 8, discard: true }
    )
  )

  const renewAll = Effect.promise(() =>
    Promise.all(
      [...running.values()].map(async ({ owned }) => {
        const renewed = await renewLease(renewConnection, owned.keys, owned.lease, settings.leaseTtlMs).catch(() => true)
        // Gone: stop at once (the loop also stops by itself at the local deadline).
        if (!renewed) owned.lease.deadline = 0
      })
    )
  )

  const handOff = (entry: Running) =>
    Effect.gen(function* () {
      const { owned } = entry
      owned.stopping = true
      for (const wakeup of Object.values(owned.wake)) wakeup.signal()
      const exit = yield* Fiber.await(entry.fiber).pipe(Effect.timeoutTo({ duration: settings.leaseTtlMs, onTimeout: () => undefined, onSuccess: (e) => e }))
      if (exit !== undefined && Exit.isSuccess(exit)) {
        yield* finalSnapshot(owned).pipe(Effect.catchAll((e) => Effect.logWarning(`final snapshot of shard ${owned.shard} skipped`, e)))
      } else yield* Fiber.interrupt(entry.fiber)
      yield* releaseLease(redis, owned.keys, owned.lease).pipe(Effect.ignore)
    })

  yield* Effect.addFinalizer(() =>
    Effect.forEach([...running.values()], handOff, { concurrency: "unbounded", discard: true })
  )
  yield* Effect.forkScoped(Effect.forever(Effect.zipRight(renewAll, Effect.sleep(tick))))
  yield* Effect.forkScoped(Effect.forever(Effect.zipRight(acquireFree, Effect.sleep(tick))))

  const node: Node = {
    nodeId: settings.nodeId,
    keys,
    ownedShards: () => [...running.keys()].sort((a, b) => a - b),
    awaitOwnership: (shards) =>
      Effect.gen(function* () {
        const wanted = shards ?? Array.from({ length: keys.shardCount }, (_, s) => s)
        while (!wanted.every((s) => running.has(s))) yield* Effect.sleep(20)
      })
  }
  return node
})


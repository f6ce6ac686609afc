// A node: heartbeats into the live-node set, computes the shard assignment from it (rendezvous
// hashing over eligible nodes), takes the leases of the shards assigned to it, hands off
// gracefully (finish the batch, final snapshot, release) the shards no longer assigned to it,
// renews leases on a connection of its own, and leaves the set and hands everything off when
// its scope closes (SIGTERM). DESIGN §2 "Ownership".
import { Cause, Context, Effect, Exit, Fiber, Layer, Option, Scope } from "effect"
import { assignmentOf } from "./assignment.js"
import { ensureShardCount } from "./cluster-meta.js"
import { ShardLost } from "./commit.js"
import { runJobWorker } from "./job-worker.js"
import { shardScheduler } from "./shard-scheduler.js"
import { makeKeys, type Keys } from "./keys.js"
import { heartbeat, leaveMembership, type MembershipView } from "./membership.js"
import { makeOwnedShard, type OwnedShard } from "./owned-shard.js"
import { RedisClient, requireNoEviction } from "./redis.js"
import { ActorRegistry } from "./registry.js"
import { runRelay } from "./relay.js"
import { awaitReplicas } from "./replica-wait.js"
import { rebuildShard } from "./replay.js"
import { RuntimeConfig } from "./runtime-config.js"
import { releaseLease, renewLease, tryAcquireLease } from "./shard-lease.js"
import { finalSnapshot, runShardLoop } from "./shard-loop.js"
import { runTimerMover } from "./timer-mover.js"

/** What a running node exposes. */
export interface Node {
  readonly nodeId: string
  readonly keys: Keys
  /** Shards owned right now. */
  readonly ownedShards: () => ReadonlyArray<number>
  /** Shards the current assignment gives this node. */
  readonly assignedShards: () => ReadonlyArray<number>
  /** Resolves once the node owns every shard in `shards` (default: all). */
  readonly awaitOwnership: (shards?: ReadonlyArray<number>) => Effect.Effect<void>
  /** Resolves once the node owns exactly the shards assigned to it (and has joined). */
  readonly awaitBalanced: Effect.Effect<void>
}

interface Running {
  readonly owned: OwnedShard
  readonly scope: Scope.CloseableScope
  readonly fiber: Fiber.RuntimeFiber<void, unknown>
}

/** Graceful hand-offs one node runs at a time while rebalancing (moves in flight). */
const MAX_MOVES = 4

/** Resolves with `fallback` when `promise` takes longer than `ms` (a hung connection). */
const within = <A>(promise: Promise<A>, ms: number, fallback: A): Promise<A> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms)
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      () => (clearTimeout(timer), resolve(fallback))
    )
  })

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
  const nodeScope = yield* Effect.scope
  const running = new Map<number, Running>()
  const handingOff = new Map<number, Fiber.RuntimeFiber<void>>()
  const acquiring = new Set<number>()
  // Renew at a third of the TTL; heartbeat and look at the live set and free shards more
  // often, so a released or expired shard is taken within a fraction of the renew interval.
  const tick = Math.max(50, Math.floor(settings.leaseTtlMs / 3))
  const poll = Math.min(250, tick)
  let member = ""
  /** The last live set read and when it was read here (local ms). */
  let lastView: { readonly view: MembershipView; readonly readAt: number } | undefined
  let assigned: ReadonlyArray<number> = []
  let joined = false
  let leaving = false

  const runShard = (owned: OwnedShard, scope: Scope.Scope) =>
    Effect.gen(function* () {
      // The shard's reads block on a connection of their own (a blocked read holds it).
      const reader = yield* redis.dedicated(`read-${owned.shard}`).pipe(Scope.extend(scope))
      // Strict mode: the new epoch and the group reset are on the replicas before anything is served.
      if (settings.commitReplicas > 0) yield* awaitReplicas(redis, owned.keys, settings.commitReplicas, () => owned.lease.deadline)
      yield* rebuildShard(owned)
      yield* Effect.logDebug(`shard ${owned.shard} serving at epoch ${owned.lease.epoch}`)
      yield* Effect.all([runShardLoop(owned, reader), runRelay(owned), runTimerMover(owned), runJobWorker(owned)], {
        concurrency: "unbounded",
        discard: true
      })
    })

  /** Takes a shard's lease and starts serving it; answers the ms left on another node's lease instead. */
  const acquireAndRun = (shard: number) =>
    Effect.gen(function* () {
      const found = yield* tryAcquireLease(redis, keys.shard(shard), settings.nodeId, settings.leaseTtlMs)
      if (found._tag === "Held") return found.expiresInMs
      const { lease } = found
      const owned = makeOwnedShard(lease, keys, redis, settings, registry)
      const scope = yield* Scope.make()
      // Interruptible again: forked inside the uninterruptible acquisition below.
      const fiber = yield* Effect.interruptible(runShard(owned, scope)).pipe(
        Effect.withScheduler(shardScheduler),
        Effect.onExit((exit) =>
          Effect.gen(function* () {
            if (running.get(shard)?.owned === owned) running.delete(shard)
            if (Exit.isFailure(exit) && !owned.stopping) {
              const failure = Cause.failureOption(exit.cause)
              const why = Option.isSome(failure) && failure.value instanceof ShardLost ? failure.value.reason : Cause.pretty(exit.cause).split("\n")[0]
              yield* Effect.logWarning(`shard ${shard} at epoch ${lease.epoch} stopped (${why}); it will be re-acquired when free and assigned here`)
            }
            yield* Scope.close(scope, Exit.void)
          })
        ),
        Effect.forkDaemon
      )
      running.set(shard, { owned, scope, fiber })
      return undefined
    }).pipe(
      // Acquired means registered: a node closing meanwhile hands the shard off with the rest.
      Effect.uninterruptible
    )

  /**
   * Acquires an assigned shard. A lease still held elsewhere (a dead owner's, or one being handed
   * off) is tried again the moment Redis lets it lapse rather than at the next round: that wait
   * is most of every failover.
   */
  const start = (shard: number) =>
    Effect.gen(function* () {
      for (;;) {
        const heldFor = yield* acquireAndRun(shard)
        if (heldFor === undefined || heldFor < 0 || heldFor > settings.leaseTtlMs) return
        yield* Effect.sleep(heldFor + 1)
        if (leaving || !assigned.includes(shard)) return
      }
    }).pipe(
      Effect.catchAll((error) => Effect.logWarning(`could not acquire shard ${shard}`, error)),
      Effect.ensuring(Effect.sync(() => acquiring.delete(shard)))
    )

  /** Stops a shard gracefully: the loop finishes its batch, then a final snapshot, then release. */
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

  const beginHandOff = (shard: number, entry: Running) =>
    Effect.gen(function* () {
      const fiber = yield* handOff(entry).pipe(
        Effect.ensuring(Effect.sync(() => handingOff.delete(shard))),
        Effect.forkDaemon
      )
      handingOff.set(shard, fiber)
    })

  /** Acquires newly assigned free shards and hands off those assigned elsewhere. */
  const reconcile = (view: MembershipView) =>
    Effect.gen(function* () {
      const owners = assignmentOf(view, keys.shardCount, settings.leaseTtlMs)
      assigned = owners.flatMap((owner, shard) => (owner === settings.nodeId ? [shard] : []))
      joined = true
      for (const [shard, entry] of running) {
        if (handingOff.size >= MAX_MOVES) break
        if (owners[shard] === settings.nodeId || handingOff.has(shard) || entry.owned.stopping) continue
        // Past its local deadline (this node was paused, or its renewals failed) the shard is
        // lost, not handed off: wake its loop, which stops it at once without committing.
        if (entry.owned.remaining() <= 0) entry.owned.wake.loop.signal()
        else yield* beginHandOff(shard, entry)
      }
      const wanted = assigned.filter((s) => !running.has(s) && !handingOff.has(s) && !acquiring.has(s))
      for (const shard of wanted) acquiring.add(shard)
      // Forked: a slow rebuild must not delay the next heartbeat.
      if (wanted.length > 0) yield* Effect.forkIn(Effect.forEach(wanted, start, { concurrency: 8, discard: true }), nodeScope)
    })

  const membershipRound = Effect.gen(function* () {
    if (leaving) return
    const beat = yield* Effect.promise(() =>
      within(heartbeat(renewConnection, keys, settings.nodeId, member, settings.leaseTtlMs), tick, undefined)
    )
    if (beat === undefined || leaving) return
    member = beat.member
    lastView = { view: beat.view, readAt: Date.now() }
    yield* reconcile(beat.view)
  })

  const renewAll = Effect.promise(() =>
    Promise.all(
      [...running.values()].map(async ({ owned }) => {
        // A hung renew leaves the local deadline where it was: the shard stops by itself then.
        const renewed = await within(renewLease(renewConnection, owned.keys, owned.lease, settings.leaseTtlMs), tick, true)
        // Gone: stop at once (the loop also stops by itself at the local deadline).
        if (!renewed) owned.lease.deadline = 0
      })
    )
  )

  // Finalizers run in reverse: membership stops, the node leaves the live set, every shard is
  // handed off, and renewals go on until the very end.
  yield* Effect.forkScoped(Effect.forever(Effect.zipRight(renewAll, Effect.sleep(tick))))
  yield* Effect.addFinalizer(() =>
    Effect.gen(function* () {
      yield* Effect.forEach([...handingOff.values()], Fiber.await, { discard: true })
      yield* Effect.forEach([...running.values()], handOff, { concurrency: "unbounded", discard: true })
    })
  )
  yield* Effect.addFinalizer(() =>
    Effect.gen(function* () {
      leaving = true
      if (member !== "") yield* leaveMembership(redis, keys, member).pipe(Effect.ignore)
    })
  )
  // While a shard assigned here is still held elsewhere (a hand-off or an expiring lease), look
  // more often: the wait after its release or expiry is part of every move and every failover.
  // And look again right when another node's heartbeat deadline passes: a silent node leaves the
  // assignment then, not up to a poll interval later.
  const nextRound = Effect.suspend(() => {
    let wait = assigned.some((s) => !running.has(s)) ? Math.min(poll, 100) : poll
    if (lastView !== undefined) {
      const { view, readAt } = lastView
      for (const node of view.nodes) {
        if (node.member === member) continue
        wait = Math.min(wait, Math.max(10, node.deadline - view.now + 2 - (Date.now() - readAt)))
      }
    }
    return Effect.sleep(wait)
  })
  yield* Effect.forkScoped(Effect.forever(Effect.zipRight(membershipRound, nextRound)))

  const sorted = (shards: Iterable<number>) => [...shards].sort((a, b) => a - b)
  const node: Node = {
    nodeId: settings.nodeId,
    keys,
    ownedShards: () => sorted(running.keys()),
    assignedShards: () => assigned,
    awaitOwnership: (shards) =>
      Effect.gen(function* () {
        const wanted = shards ?? Array.from({ length: keys.shardCount }, (_, s) => s)
        while (!wanted.every((s) => running.has(s))) yield* Effect.sleep(20)
      }),
    awaitBalanced: Effect.gen(function* () {
      const balanced = () =>
        joined && handingOff.size === 0 && running.size === assigned.length && assigned.every((s) => running.has(s))
      while (!balanced()) yield* Effect.sleep(20)
    })
  }
  return node
})

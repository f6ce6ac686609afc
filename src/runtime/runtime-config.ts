// Runtime settings: one Config.all over the environment, or explicit options in tests.
import { Config, Context, Effect, Layer, Option } from "effect"
import { randomUUID } from "node:crypto"

/** Where a test may make an owned shard crash (drop its state and lease, as a killed node would). */
export type CrashPoint = "before-commit" | "after-commit" | "before-relay-advance"

/** Fault injection for tests; never set in production. */
export interface FaultHooks {
  /** Answer true to crash the shard at this point. */
  readonly crashAt?: (point: CrashPoint, shard: number) => boolean
  /** Answer true to send this commit twice, as an ioredis re-send after a reconnect would. */
  readonly resendCommit?: (shard: number) => boolean
  /**
   * Relay as on a Redis Cluster (an append per target, then the advance) on a single server too,
   * so a crash can fall between delivery and advance.
   */
  readonly relayPerTarget?: boolean
}

/** Settings of the actor runtime. */
export interface RuntimeSettings {
  /** Redis URL; unset -> a private redis-server is started (see embedded-redis.ts). */
  readonly redisUrl: Option.Option<string>
  /** Prefix of every key: one cluster per prefix. */
  readonly prefix: string
  /** Shard count, fixed at cluster creation. */
  readonly shardCount: number
  /** This node's id (unique among live nodes). */
  readonly nodeId: string
  /** Lease TTL. Shorter fails over faster but needs Redis round trips well under TTL/3. */
  readonly leaseTtlMs: number
  /** Most inbox entries read per batch. */
  readonly batchSize: number
  /** Messages per batch to aim for (an entry may carry many). */
  readonly maxBatchMessages: number
  /** Messages an actor may apply between snapshots. */
  readonly snapshotEvery: number
  /** Delays before the 2nd, 3rd, ... attempt of an effectful message. */
  readonly retryDelaysMs: ReadonlyArray<number>
  /** How long a claimed effectful job stays hidden before another attempt may claim it. */
  readonly jobVisibilityMs: number
  /** How long a woken job worker waits for more jobs before it claims (group commit of effectful work); 0 = at once. */
  readonly jobLingerMs: number
  /** Inbox length past which appends are refused (back-pressure); 0 = unbounded. */
  readonly maxInboxLength: number
  /** Replicas that must hold a commit before it is exposed (strict mode, `WAIT`); 0 = off. */
  readonly commitReplicas: number
  /** Data folder for the private redis-server. */
  readonly dataDir: string
  /** Port of the private redis-server (used when REDIS_URL is unset). */
  readonly embeddedRedisPort: number
  /** Fault injection (tests only). */
  readonly faults?: FaultHooks
}

/** The runtime's settings as a service. */
export class RuntimeConfig extends Context.Tag("viralfx/runtime/RuntimeConfig")<RuntimeConfig, RuntimeSettings>() {
  /** Defaults, overridable per field (tests). */
  static readonly defaults: RuntimeSettings = {
    redisUrl: Option.none(),
    prefix: "vfx",
    shardCount: 32,
    nodeId: `node-${randomUUID().slice(0, 8)}`,
    leaseTtlMs: 3000,
    batchSize: 256,
    maxBatchMessages: 2000,
    snapshotEvery: 1000,
    retryDelaysMs: [2000, 4000],
    jobVisibilityMs: 30_000,
    jobLingerMs: 100,
    maxInboxLength: 1_000_000,
    commitReplicas: 0,
    dataDir: "data",
    embeddedRedisPort: 6399
  }

  static readonly layer = (options: Partial<RuntimeSettings> = {}) =>
    Layer.succeed(RuntimeConfig, { ...RuntimeConfig.defaults, ...options })

  /** Reads every variable at once and reports each bad one. */
  static readonly fromEnv = Config.all({
    redisUrl: Config.option(Config.string("REDIS_URL")),
    prefix: Config.string("VIRALFX_PREFIX").pipe(Config.withDefault(RuntimeConfig.defaults.prefix)),
    shardCount: Config.integer("VIRALFX_SHARDS").pipe(
      Config.validate({ message: "must be between 1 and 16384", validation: (n) => n >= 1 && n <= 16384 }),
      Config.withDefault(RuntimeConfig.defaults.shardCount)
    ),
    nodeId: Config.string("NODE_ID").pipe(
      Config.validate({ message: "must be 1-64 of A-Z a-z 0-9 . _ -", validation: (s) => /^[\w.-]{1,64}$/.test(s) }),
      Config.withDefault(RuntimeConfig.defaults.nodeId)
    ),
    leaseTtlMs: Config.integer("VIRALFX_LEASE_TTL_MS").pipe(
      Config.validate({ message: "must be at least 300", validation: (n) => n >= 300 }),
      Config.withDefault(RuntimeConfig.defaults.leaseTtlMs)
    ),
    batchSize: Config.integer("VIRALFX_BATCH_SIZE").pipe(
      Config.validate({ message: "must be between 1 and 10000", validation: (n) => n >= 1 && n <= 10_000 }),
      Config.withDefault(RuntimeConfig.defaults.batchSize)
    ),
    maxBatchMessages: Config.integer("VIRALFX_BATCH_MESSAGES").pipe(
      Config.validate({ message: "must be at least 1", validation: (n) => n >= 1 }),
      Config.withDefault(RuntimeConfig.defaults.maxBatchMessages)
    ),
    snapshotEvery: Config.integer("VIRALFX_SNAPSHOT_EVERY").pipe(
      Config.validate({ message: "must be at least 1", validation: (n) => n >= 1 }),
      Config.withDefault(RuntimeConfig.defaults.snapshotEvery)
    ),
    retryDelaysMs: Config.array(Config.integer(), "VIRALFX_RETRY_DELAYS_MS").pipe(
      Config.validate({ message: "must be non-negative integers", validation: (xs) => xs.every((n) => n >= 0) }),
      Config.withDefault(RuntimeConfig.defaults.retryDelaysMs)
    ),
    jobVisibilityMs: Config.integer("VIRALFX_JOB_VISIBILITY_MS").pipe(
      Config.withDefault(RuntimeConfig.defaults.jobVisibilityMs)
    ),
    jobLingerMs: Config.integer("VIRALFX_JOB_LINGER_MS").pipe(
      Config.validate({ message: "must be between 0 and 10000", validation: (n) => n >= 0 && n <= 10_000 }),
      Config.withDefault(RuntimeConfig.defaults.jobLingerMs)
    ),
    maxInboxLength: Config.integer("VIRALFX_MAX_INBOX").pipe(Config.withDefault(RuntimeConfig.defaults.maxInboxLength)),
    commitReplicas: Config.integer("VIRALFX_COMMIT_REPLICAS").pipe(
      Config.validate({ message: "must be between 0 and 16", validation: (n) => n >= 0 && n <= 16 }),
      Config.withDefault(RuntimeConfig.defaults.commitReplicas)
    ),
    dataDir: Config.string("VIRALFX_DATA_DIR").pipe(Config.withDefault(RuntimeConfig.defaults.dataDir)),
    embeddedRedisPort: Config.port("VIRALFX_REDIS_PORT").pipe(Config.withDefault(RuntimeConfig.defaults.embeddedRedisPort))
  })

  static readonly layerFromEnv = Layer.effect(RuntimeConfig, RuntimeConfig.fromEnv)

  /** The environment's settings with some fields fixed (e.g. a CLI flag). */
  static readonly layerFromEnvWith = (options: Partial<RuntimeSettings>) =>
    Layer.effect(RuntimeConfig, Effect.map(RuntimeConfig.fromEnv, (env) => ({ ...env, ...options })))
}

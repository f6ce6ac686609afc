// Runtime benchmark (issue 2 "Benchmark"): messages per second through one node of our runtime,
// beside BullMQ and a raw XADD/XREADGROUP loop on the same Redis in the same run, plus ask
// round-trip latency at a fixed rate (open loop: each ask is timed from its scheduled time).
//
//   npm run bench -- runtime            (BENCH_MESSAGES=200000 by default; REDIS_URL to use a given Redis)
//
// Completion of our rows is read from Redis, not from the actors: after the last send, wait
// until every shard's committed offset (state.applied) reaches the last inbox entry; then until
// every relay cursor reaches the last outbox entry (all effects appended to their targets);
// then until every shard's committed offset reaches its last inbox entry again. The actors
// count what they applied and the counts are checked by asks after the clock stops.
import { withBenchRedis } from "./_bench-redis.js"
import { pool } from "./_task-pool.js"
import { Queue, Worker } from "bullmq"
import { Duration, Effect, Layer, Logger, Option, Schema } from "effect"
import { Redis } from "ioredis"
import { randomUUID } from "node:crypto"
import { loadavg } from "node:os"
import { setTimeout as sleep } from "node:timers/promises"
import { ActorClient, type Client } from "../src/runtime/actor-client.js"
import { makeActorKind, type ActorRef, type Tagged } from "../src/runtime/actor.js"
import { makeAddress, shardOf, type Address } from "../src/runtime/address.js"
import type { Keys } from "../src/runtime/keys.js"
import { RedisClient } from "../src/runtime/redis.js"
import { ActorRegistry } from "../src/runtime/registry.js"
import { RuntimeConfig } from "../src/runtime/runtime-config.js"
import { ShardNode } from "../src/runtime/shard-node.js"

// ---------------------------------------------------------------------------------------------
// Settings

const MESSAGES = Number(process.env["BENCH_MESSAGES"] ?? 200_000)
const KEYS = Number(process.env["BENCH_KEYS"] ?? 1_000)
/** Messages per sendAll / addBulk / pipeline call, and how many calls are in flight. */
const CHUNK = Number(process.env["BENCH_CHUNK"] ?? 2_000)
const IN_FLIGHT = Number(process.env["BENCH_IN_FLIGHT"] ?? 4)
const WARMUP = Math.max(1_000, Math.floor(MESSAGES / 10))
const BULL_CONCURRENCY = 100
const RAW_READ_COUNT = 500
const ASK_RATE = Number(process.env["BENCH_ASK_RATE"] ?? 1_000)
const ASK_SECONDS = Number(process.env["BENCH_ASK_SECONDS"] ?? 5)
const ASK_TIMEOUT = { timeout: Duration.seconds(5) }
/** Untimed asks at the same rate first: the one-message batches of an ask take other code paths than the throughput passes, which V8 has yet to optimise. */
const ASK_WARMUP_SECONDS = Number(process.env["BENCH_ASK_WARMUP_SECONDS"] ?? 1)
const POLL_MS = 5
/** Lease TTL of the bench node (the runtime's default unless set). */
const LEASE_TTL_MS = process.env["BENCH_LEASE_TTL_MS"] ? Number(process.env["BENCH_LEASE_TTL_MS"]) : undefined
/** Inbox entries per read of the bench node (the runtime's default unless set). */
const BATCH_SIZE = process.env["BENCH_BATCH_SIZE"] ? Number(process.env["BENCH_BATCH_SIZE"]) : undefined
/** `ours` skips the peers (for profiling our runtime alone); `peers` skips ours. */
const ONLY = process.env["BENCH_ONLY"] ?? ""
const DEBUG = process.env["BENCH_DEBUG"] === "1"
const debug = (text: string) => {
  if (DEBUG) console.log(`[${new Date().toISOString().slice(11, 23)}] ${text}`)
}

// ---------------------------------------------------------------------------------------------
// The bench actors: a no-op counter, which may forward one message to a sink on another shard.

class Tick extends Schema.TaggedClass<Tick>()("Tick", {}) {}
class Hop extends Schema.TaggedClass<Hop>()("Hop", { to: Schema.String }) {}
class Count extends Schema.TaggedRequest<Count>()("Count", { failure: Schema.Never, success: Schema.Int, payload: {} }) {}

const Bench = makeActorKind("bench", Schema.Union(Tick, Hop, Count))
const Sink = makeActorKind("bench-sink", Schema.Union(Tick, Count))

const tick = new Tick() // built once: the bench measures the runtime, not Schema class construction

const BenchLive = Bench.toLayer<number>({
  initial: () => 0,
  handlers: {
    Tick: (n) => n + 1,
    Hop: (n, message, ctx) => {
      ctx.send(Sink.ref(message.to), tick)
      return n + 1
    },
    Count: (n, _message, ctx) => {
      ctx.reply(n)
      return n
    }
  }
})

const SinkLive = Sink.toLayer<number>({
  initial: () => 0,
  handlers: {
    Tick: (n) => n + 1,
    Count: (n, _message, ctx) => {
      ctx.reply(n)
      return n
    }
  }
})

// ---------------------------------------------------------------------------------------------
// Helpers

/** Compares stream IDs `ms-seq`. */
const idAtLeast = (a: string, b: string): boolean => {
  const [am, as] = a.split("-").map(Number) as [number, number]
  const [bm, bs] = b.split("-").map(Number) as [number, number]
  return am > bm || (am === bm && as >= bs)
}

const lastId = async (redis: Redis, stream: string): Promise<string> => {
  const [entry] = (await redis.xrevrange(stream, "+", "-", "COUNT", 1)) as Array<[string, Array<string>]>
  return entry?.[0] ?? "0-0"
}

/** Waits until `read(shard)` is at least `targets[shard]` for every shard, polling the shards not there yet in one pipeline. */
const waitAtLeast = async (redis: Redis, targets: ReadonlyArray<string>, read: (pipeline: ReturnType<Redis["pipeline"]>, shard: number) => void) => {
  let waiting = targets.flatMap((target, shard) => (target === "0-0" ? [] : [shard]))
  while (waiting.length > 0) {
    const pipeline = redis.pipeline()
    for (const shard of waiting) read(pipeline, shard)
    const results = (await pipeline.exec()) ?? []
    waiting = waiting.filter((shard, i) => !idAtLeast(String(results[i]?.[1] ?? "0-0"), targets[shard]!))
    if (waiting.length > 0) await sleep(POLL_MS)
  }
}

/** Returns once every message appended so far, and every effect they caused, is committed. */
const drained = async (redis: Redis, keys: Keys) => {
  const shards = Array.from({ length: keys.shardCount }, (_, s) => keys.shard(s))
  const inboxes = async () => Promise.all(shards.map((k) => lastId(redis, k.inbox)))
  // 1. Everything sent from outside is applied and committed (with its effects in the outbox).
  await waitAtLeast(redis, await inboxes(), (p, s) => p.hget(shards[s]!.state, "applied"))
  // 2. Every outbox entry is appended to its targets.
  await waitAtLeast(redis, await Promise.all(shards.map((k) => lastId(redis, k.outbox))), (p, s) => p.get(shards[s]!.relayCursor))
  // 3. Those effect messages are applied too (sinks send nothing further).
  await waitAtLeast(redis, await inboxes(), (p, s) => p.hget(shards[s]!.state, "applied"))
}

/** Debug: envelopes per inbox entry over the last 100 entries of every shard inbox. */
const entrySizes = async (redis: Redis, keys: Keys) => {
  const sizes: Array<number> = []
  for (let s = 0; s < keys.shardCount; s++) {
    const entries = (await redis.xrevrange(keys.shard(s).inbox, "+", "-", "COUNT", 100)) as Array<[string, Array<string>]>
    for (const [, fields] of entries) {
      let n = 0
      for (let i = 1; i < fields.length; i += 2) n += fields[i]!.split('{"i":').length - 1
      sizes.push(n)
    }
  }
  sizes.sort((a, b) => a - b)
  const lengths = await Promise.all(Array.from({ length: keys.shardCount }, (_, s) => redis.xlen(keys.shard(s).inbox)))
  debug(
    `envelopes per inbox entry (last 100 per shard): p50 ${quantile(sizes, 0.5)} p90 ${quantile(sizes, 0.9)} max ${sizes[sizes.length - 1]}; ` +
      `inbox entries kept (all shards): ${lengths.reduce((a, b) => a + b, 0)}`
  )
}

const quantile = (sorted: ArrayLike<number>, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN

const rate = (n: number, ms: number) => (n * 1000) / ms
const fmtRate = (r: number) => `${Math.round(r).toLocaleString("en-US")}/s`
const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`

// ---------------------------------------------------------------------------------------------
// Row 1: our runtime

interface OursResult {
  /** Shard acquisitions past the first of each shard (a lost lease, then a rebuild by replay). */
  readonly takeovers: number
  readonly plain: number
  readonly effect: number
  readonly askP50: number
  readonly askP99: number
  readonly askMax: number
  readonly asks: number
  readonly askErrors: number
}

const keyNames = Array.from({ length: KEYS }, (_, i) => `k${i}`)

/** For each bench key, a sink key on another shard. */
const sinkKeys = (shardCount: number) =>
  keyNames.map((key) => {
    const from = shardOf(makeAddress(Bench.name, key) as Address, shardCount)
    for (let n = 0; ; n++) {
      const candidate = `${key}-${n}`
      if (shardOf(makeAddress(Sink.name, candidate) as Address, shardCount) !== from) return candidate
    }
  })

const runOurs = (url: string) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    const node = yield* ShardNode
    yield* node.awaitOwnership()
    const keys = node.keys
    const poller = yield* Effect.acquireRelease(
      Effect.sync(() => new Redis(url, { lazyConnect: false })),
      (r) => Effect.promise(() => r.quit())
    )
    const sinks = sinkKeys(keys.shardCount)
    const benchRefs = keyNames.map((k) => Bench.ref(k))
    const sinkRefs = sinks.map((k) => Sink.ref(k))
    const hops = sinks.map((to) => new Hop({ to }))
    const expected = { bench: new Array<number>(KEYS).fill(0), sink: new Array<number>(KEYS).fill(0) }

    const pass = (n: number, withEffect: boolean) =>
      Effect.promise(async () => {
        const messages: Array<readonly [ActorRef<any>, Tagged]> = new Array(n)
        for (let i = 0; i < n; i++) {
          const k = i % KEYS
          messages[i] = [benchRefs[k]!, withEffect ? hops[k]! : tick]
          expected.bench[k]!++
          if (withEffect) expected.sink[k]!++
        }
        const chunks = Math.ceil(n / CHUNK)
        const t0 = performance.now()
        debug(`pass ${n} ${withEffect ? "with" : "without"} effect: sending`)
        await pool(chunks, IN_FLIGHT, (c) => Effect.runPromise(client.sendAll(messages.slice(c * CHUNK, (c + 1) * CHUNK))))
        debug(`sent after ${(performance.now() - t0).toFixed(0)} ms`)
        await drained(poller, keys)
        debug(`drained after ${(performance.now() - t0).toFixed(0)} ms`)
        if (DEBUG) await entrySizes(poller, keys)
        return performance.now() - t0
      })

    // Warm-up (JIT, connections, actor instances), then the two measured variants.
    yield* pass(WARMUP, true)
    const plainMs = yield* pass(MESSAGES, false)
    const effectMs = yield* pass(MESSAGES, true)
    yield* verifyCounts(client, benchRefs, sinkRefs, expected)

    yield* Effect.sleep("1 second") // let background work (trims, relays) settle before timing asks
    yield* askLatency(client, benchRefs, ASK_WARMUP_SECONDS)
    const ask = yield* askLatency(client, benchRefs, ASK_SECONDS)
    const epochs = yield* Effect.promise(() => Promise.all(Array.from({ length: keys.shardCount }, (_, s) => poller.get(keys.shard(s).epoch))))
    const takeovers = epochs.reduce((n, e) => n + Math.max(0, Number(e ?? 1) - 1), 0)
    return { plain: rate(MESSAGES, plainMs), effect: rate(MESSAGES, effectMs), takeovers, ...ask } satisfies OursResult
  })

/** An actor's count; asked again on a timeout (a shard rebuilding after a lost lease can be slow). */
const countOf = (client: Client, ref: ActorRef<any>) =>
  client.ask(ref as ActorRef<Count>, new Count(), { timeout: "20 seconds" }).pipe(Effect.retry({ times: 3, while: (e) => e._tag === "AskTimeout" }))

/** Every actor applied exactly what was sent to it (checked after the clock stopped). */
const verifyCounts = (
  client: Client,
  benchRefs: ReadonlyArray<ActorRef<any>>,
  sinkRefs: ReadonlyArray<ActorRef<any>>,
  expected: { readonly bench: ReadonlyArray<number>; readonly sink: ReadonlyArray<number> }
) =>
  Effect.gen(function* () {
    const got = yield* Effect.all(
      [
        Effect.forEach(benchRefs, (ref) => countOf(client, ref), { concurrency: 200 }),
        Effect.forEach(sinkRefs, (ref) => countOf(client, ref), { concurrency: 200 })
      ],
      { concurrency: 2 }
    )
    const wrong = [
      ...got[0].flatMap((n, k) => (n === expected.bench[k] ? [] : [`bench/${keyNames[k]}: ${n} != ${expected.bench[k]}`])),
      ...got[1].flatMap((n, k) => (n === expected.sink[k] ? [] : [`sink ${k}: ${n} != ${expected.sink[k]}`]))
    ]
    if (wrong.length > 0) return yield* Effect.dieMessage(`counts differ after drain: ${wrong.slice(0, 5).join("; ")}`)
  })

/** Open-loop asks at ASK_RATE per second for `seconds`; latency from each ask's scheduled time. */
const askLatency = (client: Client, refs: ReadonlyArray<ActorRef<any>>, seconds: number) =>
  Effect.promise(async () => {
    const total = ASK_RATE * seconds
    const interval = 1000 / ASK_RATE
    // Preallocated, and no promise kept per ask: what the bench holds must not survive the
    // young-generation collections it is measuring.
    const latencies = new Float64Array(total)
    let done = 0
    let errors = 0
    let allDone: () => void = () => {}
    const finished = new Promise<void>((resolve) => (allDone = resolve))
    const count = new Count()
    const start = performance.now() + 20
    for (let i = 0; i < total; i++) {
      const at = start + i * interval
      const wait = at - performance.now()
      // Never before its time: a send a timer tick late counts against us, one sent early would count for us.
      if (wait > 0) await sleep(wait)
      // One fiber per ask and a callback, as an edge request handler runs it: no promise or Either on top.
      Effect.runCallback(client.ask(refs[i % refs.length] as ActorRef<Count>, count, ASK_TIMEOUT), {
        onExit: (exit) => {
          if (exit._tag === "Failure") errors++
          else latencies[done - errors] = performance.now() - at
          if (++done === total) allDone()
        }
      })
    }
    await finished
    const sorted = latencies.subarray(0, total - errors).sort()
    return {
      askP50: quantile(sorted, 0.5),
      askP99: quantile(sorted, 0.99),
      askMax: sorted[sorted.length - 1] ?? NaN,
      asks: total,
      askErrors: errors
    }
  })

/** One line per log record (the default logger prints whole causes). */
const compactLogger = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ logLevel, message, date }) => {
    const parts = Array.isArray(message) ? message : [message]
    const text = parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p)?.match(/"reason":"([^"]+)"/)?.[1] ?? "")).join(" ")
    console.log(`  [${date.toISOString().slice(11, 23)} ${logLevel.label}] ${text}`)
  })
)

const oursLayer = (url: string, prefix: string) => {
  const settings = RuntimeConfig.layer({ redisUrl: Option.some(url), prefix, ...(LEASE_TTL_MS ? { leaseTtlMs: LEASE_TTL_MS } : {}), ...(BATCH_SIZE ? { batchSize: BATCH_SIZE } : {}) })
  const base = Layer.mergeAll(settings, RedisClient.layerUrl(url))
  const node = ShardNode.layer.pipe(Layer.provide(Layer.mergeAll(BenchLive, SinkLive)), Layer.provideMerge(ActorRegistry.layer))
  return Layer.mergeAll(node, ActorClient.layer).pipe(Layer.provideMerge(base), Layer.provide(compactLogger))
}

// ---------------------------------------------------------------------------------------------
// Row 2: BullMQ, add in bulk, no-op worker at concurrency 100

const runBull = async (url: string, n: number): Promise<number> => {
  const { hostname, port } = new URL(url)
  const connection = { host: hostname, port: Number(port || 6379) }
  const name = `bench${randomUUID().slice(0, 8)}`
  const prefix = `bull-${name}`
  const queue = new Queue(name, { connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } })
  let completed = 0
  let done: () => void = () => {}
  const finished = new Promise<void>((resolve) => (done = resolve))
  const worker = new Worker(name, async () => {}, {
    connection: { ...connection, maxRetriesPerRequest: null },
    prefix,
    concurrency: BULL_CONCURRENCY,
    autorun: false
  })
  worker.on("completed", () => {
    if (++completed === n) done()
  })
  worker.on("error", () => {})
  void worker.run()
  await worker.waitUntilReady()
  await queue.waitUntilReady()
  const payload = { to: "k0" }
  const t0 = performance.now()
  await pool(Math.ceil(n / CHUNK), IN_FLIGHT, (c) => {
    const size = Math.min(CHUNK, n - c * CHUNK)
    return queue.addBulk(Array.from({ length: size }, (_, i) => ({ name: "tick", data: { ...payload, i: c * CHUNK + i } })))
  })
  await finished
  const ms = performance.now() - t0
  await worker.close()
  await queue.obliterate({ force: true })
  await queue.close()
  return ms
}

// ---------------------------------------------------------------------------------------------
// Row 3: raw loop, one XADD per message (pipelined), XREADGROUP COUNT 500 + one XACK per batch

const runRaw = async (url: string, n: number): Promise<number> => {
  const producer = new Redis(url)
  const consumer = new Redis(url)
  const stream = `raw:${randomUUID().slice(0, 8)}`
  await producer.xgroup("CREATE", stream, "g", "$", "MKSTREAM")
  const payloads = keyNames.map((k) => JSON.stringify({ i: "e0123456789abcdef.1", k: "bench", a: k, b: { _tag: "Tick" } }))
  let consumed = 0
  const t0 = performance.now()
  const consuming = (async () => {
    while (consumed < n) {
      const reply = (await consumer.xreadgroup("GROUP", "g", "c", "COUNT", RAW_READ_COUNT, "BLOCK", 1000, "STREAMS", stream, ">")) as
        | Array<[string, Array<[string, Array<string>]>]>
        | null
      const entries = reply?.[0]?.[1] ?? []
      if (entries.length === 0) continue
      const ids: Array<string> = []
      for (const [id, fields] of entries) {
        JSON.parse(fields[1]!) // the no-op "processing": decode the message
        ids.push(id)
      }
      void consumer.xack(stream, "g", ...ids) // pipelined ahead of the next read on the same connection
      consumed += entries.length
    }
  })()
  await pool(Math.ceil(n / CHUNK), IN_FLIGHT, async (c) => {
    const pipeline = producer.pipeline()
    const end = Math.min(n, (c + 1) * CHUNK)
    for (let i = c * CHUNK; i < end; i++) pipeline.xadd(stream, "*", "m", payloads[i % KEYS]!)
    await pipeline.exec()
  })
  await consuming
  await consumer.ping() // the last XACK is in
  const ms = performance.now() - t0
  await producer.del(stream)
  producer.disconnect()
  consumer.disconnect()
  return ms
}

// ---------------------------------------------------------------------------------------------

/** `npm run bench -- runtime`. */
export async function run(): Promise<void> {
  let expected = performance.now() + 100
  const lagMonitor = setInterval(() => {
    const lag = performance.now() - expected
    if (DEBUG && lag > 200) debug(`event loop stalled ${lag.toFixed(0)} ms`)
    expected = performance.now() + 100
  }, 100)
  lagMonitor.unref()
  await Effect.runPromise(
    withBenchRedis((url) =>
      Effect.gen(function* () {
        console.log(
          `load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on this machine at start\n` +
          `redis ${url} (${process.env["REDIS_URL"] ? "REDIS_URL" : "private, AOF everysec"}); ${MESSAGES.toLocaleString("en-US")} messages per row over ${KEYS} keys, ` +
            `${CHUNK} per call, ${IN_FLIGHT} calls in flight; warm-up ${WARMUP.toLocaleString("en-US")} per row`
        )
        const prefix = `bench${randomUUID().slice(0, 6)}`
        const ours: OursResult =
          ONLY === "peers"
            ? { takeovers: 0, plain: NaN, effect: NaN, askP50: NaN, askP99: NaN, askMax: NaN, asks: 0, askErrors: 0 }
            : yield* Effect.scoped(Effect.provide(runOurs(url), oursLayer(url, prefix))).pipe(Effect.provide(compactLogger))
        const bull = yield* Effect.promise(async () => {
          if (ONLY === "ours") return NaN
          await runBull(url, WARMUP)
          return rate(MESSAGES, await runBull(url, MESSAGES))
        })
        const raw = yield* Effect.promise(async () => {
          if (ONLY === "ours") return NaN
          await runRaw(url, WARMUP)
          return rate(MESSAGES, await runRaw(url, MESSAGES))
        })
        const info = yield* Effect.promise(async () => {
          const r = new Redis(url)
          const text = await r.info("persistence")
          r.disconnect()
          return /aof_rewrites:(\d+)/.exec(text)?.[1] ?? "?"
        })

        const rows: Array<[string, string, string, string]> = [
          ["row", "rate", "ours/BullMQ", "ours/raw"],
          ["ours, no effect", fmtRate(ours.plain), ratio(ours.plain, bull), ratio(ours.plain, raw)],
          ["ours, 1 effect/msg", fmtRate(ours.effect), ratio(ours.effect, bull), ratio(ours.effect, raw)],
          [`BullMQ (addBulk, c=${BULL_CONCURRENCY})`, fmtRate(bull), "", ""],
          [`raw XADD / XREADGROUP ${RAW_READ_COUNT}`, fmtRate(raw), "", ""]
        ]
        const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)))
        console.log("")
        for (const r of rows) console.log(`  ${r[0].padEnd(widths[0]!)}  ${r[1].padStart(widths[1]!)}  ${r[2].padStart(widths[2]!)}  ${r[3].padStart(widths[3]!)}`)
        console.log(
          `\n  ask round trip at ${ASK_RATE}/s for ${ASK_SECONDS} s after ${ASK_WARMUP_SECONDS} s of warm-up (open loop, from scheduled time): ` +
            `p50 ${ours.askP50.toFixed(2)} ms  p99 ${ours.askP99.toFixed(2)} ms  max ${ours.askMax.toFixed(2)} ms` +
            (ours.askErrors > 0 ? `  (${ours.askErrors} of ${ours.asks} failed)` : "")
        )
        console.log(`  load average at end: ${loadavg().map((l) => l.toFixed(1)).join(" ")} (other processes share these cores; all rows ran in the same window)`)
        console.log(`  shard takeovers during our rows (lost lease, rebuilt by replay): ${ours.takeovers}`)
        console.log(`  targets: ours with 1 effect >= 5.0x BullMQ and >= 1.0x raw; ask p99 < 5 ms.  AOF rewrites during the run: ${info}`)
      })
    )
  )
}

// Trading benchmark (issue 4): orders through the whole saga on one `viralfx node` process with
// real Redis, driven the way the edge drives it (an ask to the wallet per order):
//  1. throughput: a seeded stream of limit orders around the mid (about half cross) from many
//     traders over several symbols, IN_FLIGHT asks at a time; the clock stops when every order
//     and everything it caused (book matching, settlement in both wallets) is committed;
//  2. place-to-fill latency: open loop at RATE orders/s of marketable IOC orders against
//     resting house liquidity; a fill's latency runs from the order's scheduled send time until
//     the bench sees its trade on the book's `trades` feed.
// The node runs every actor, the sink included, writing to a scratch PostgreSQL database.
// No peer exists for a whole exchange saga; the figures print beside the targets.
//
//   npm run bench -- trade   (BENCH_TRADE_ORDERS, BENCH_TRADE_IN_FLIGHT, BENCH_TRADE_RATE,
//                             BENCH_TRADE_SECONDS, BENCH_TRADE_TRADERS, BENCH_TRADE_SYMBOLS, BENCH_NODE_ARGS,
//                             BENCH_NODE_OUTPUT=1 to print the node's output, e.g. with `--trace-gc`)
import { serverFlags } from "./_server-flags.js"
import { scratchDatabase } from "./_bench-database.js"
import { withBenchRedis } from "./_bench-redis.js"
import { cpuBudgetUs, cpuSeconds, machineCpuSeconds, redisCpuSeconds } from "./_process-cpu.js"
import { pool } from "./_task-pool.js"
import { Effect, Layer, Logger, LogLevel, Option } from "effect"
import { spawn } from "node:child_process"
import { randomUUID } from "node:crypto"
import { cpus, loadavg } from "node:os"
import { setTimeout as sleep } from "node:timers/promises"
import { Redis } from "ioredis"
import { Book, defaultTerms, type MarketTerms } from "../src/actors/book/protocol.js"
import { Listing, LISTING_KEY, ListTrend } from "../src/actors/listing/protocol.js"
import { Credit, houseKey, PlaceOrder, Wallet } from "../src/actors/wallet/protocol.js"
import { ActorClient } from "../src/runtime/actor-client.js"
import { addressString, shardOf } from "../src/runtime/address.js"
import { makeKeys } from "../src/runtime/keys.js"
import { awaitQuiescence } from "../src/runtime/quiescence.js"
import { RedisClient } from "../src/runtime/redis.js"
import { RuntimeConfig } from "../src/runtime/runtime-config.js"
import { seededRandom } from "../src/domain/seeded-random.js"

const ORDERS = Number(process.env["BENCH_TRADE_ORDERS"] ?? 40_000)
const IN_FLIGHT = Number(process.env["BENCH_TRADE_IN_FLIGHT"] ?? 256)
const RATE = Number(process.env["BENCH_TRADE_RATE"] ?? 1_000)
const SECONDS = Number(process.env["BENCH_TRADE_SECONDS"] ?? 5)
const TRADERS = Number(process.env["BENCH_TRADE_TRADERS"] ?? 1_000)
const SYMBOLS = Number(process.env["BENCH_TRADE_SYMBOLS"] ?? 8)
const SHARDS = Number(process.env["BENCH_SHARDS"] ?? 32)
/** Extra node flags for the node process (e.g. `--cpu-prof` to profile it). */
const NODE_ARGS = (process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter((a) => a !== "")
const MID = 10_000 // R100.00 in cents
const UNITS_EACH = 200 // units every trader buys of every symbol before the run
const CASH_EACH = 100_000_000 // R1,000,000 per trader
const terms: MarketTerms = { ...defaultTerms, tick: 1, lot: 1 }

const quantile = (sorted: ReadonlyArray<number>, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
const fmt = (n: number) => Math.round(n).toLocaleString("en-US")

/** The node under test in its own process (the edge and the node are separate processes in a cluster). */
const nodeProcess = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.async<ReturnType<typeof spawn>, Error>((resume) => {
      const child = spawn(process.execPath, [...serverFlags, ...NODE_ARGS, "--import", "tsx", "src/cli.ts", "node"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
      let output = ""
      const collect = (chunk: Buffer) => {
        output += chunk.toString()
        if (process.env["BENCH_NODE_OUTPUT"]) process.stderr.write(chunk)
        if (output.includes("joined")) resume(Effect.succeed(child))
      }
      child.stdout!.on("data", collect)
      child.stderr!.on("data", (chunk: Buffer) => {
        output += chunk.toString()
        if (process.env["BENCH_NODE_OUTPUT"]) process.stderr.write(chunk)
      })
      child.on("exit", (code) => resume(Effect.fail(new Error(`the node exited (${code}):\n${output}`))))
    }),
    (child) =>
      Effect.async<void>((resume) => {
        child.once("exit", () => resume(Effect.void))
        child.kill("SIGTERM")
      })
  )

/** Trade prints of the given books, as they appear on their `trades` feeds: taker order id -> first seen (ms). */
const watchTrades = (url: string, prefix: string, symbols: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const keys = makeKeys(prefix, SHARDS)
      const streams = symbols.map((symbol) => {
        const ref = Book.ref(symbol)
        const address = { kind: ref.kind, key: ref.key }
        return keys.shard(shardOf(address, SHARDS)).feed(`${addressString(address)}:trades`)
      })
      const seen = new Map<string, number>()
      const redis = new Redis(url, { lazyConnect: false })
      let running = true
      const loop = (async () => {
        const cursors = streams.map(() => "$")
        while (running) {
          const reply = (await redis.xread("COUNT", 1000, "BLOCK", 100, "STREAMS", ...streams, ...cursors)) as Array<[string, Array<[string, Array<string>]>]> | null
          const now = performance.now()
          for (const [stream, entries] of reply ?? []) {
            cursors[streams.indexOf(stream)] = entries[entries.length - 1]![0]
            for (const [, fields] of entries) {
              const print = JSON.parse(fields[fields.indexOf("d") + 1]!) as { tradeId: string }
              const taker = print.tradeId.slice(0, print.tradeId.lastIndexOf("#"))
              if (!seen.has(taker)) seen.set(taker, now)
            }
          }
        }
      })()
      return { seen, stop: async () => ((running = false), await loop, redis.disconnect()) }
    }),
    (watch) => Effect.promise(watch.stop)
  )

const place = (client: ActorClient["Type"], trader: string, order: Omit<ConstructorParameters<typeof PlaceOrder>[0], "terms">) =>
  Effect.runPromise(client.ask(Wallet.ref(trader), new PlaceOrder({ ...order, terms }), { timeout: "30 seconds" }))

const bench = (url: string, prefix: string) =>
  Effect.gen(function* () {
    // The node writes the record to a scratch PostgreSQL database, as a production node would.
    const database = yield* scratchDatabase
    const node = yield* nodeProcess({ REDIS_URL: url, DATABASE_URL: database, VIRALFX_PREFIX: prefix, VIRALFX_SHARDS: String(SHARDS), NODE_ID: "bench-node" })
    const client = yield* ActorClient
    const keys = makeKeys(prefix, SHARDS)
    const traders = Array.from({ length: TRADERS }, (_, i) => `trader${i}`)
    // The latency phase's own traders: no resting orders of theirs, so no self-trade prevention
    // can stop a fill.
    const takers = Array.from({ length: 50 }, (_, i) => `taker${i}`)
    const everyone = [...traders, ...takers]
    const random = seededRandom(42)

    // Markets with a house wall on each side, and traders holding cash and units.
    const symbols: Array<string> = []
    for (let i = 0; i < SYMBOLS; i++) {
      const listing = new ListTrend({ topic: `Bench trend ${i}`, category: "MEME", supply: 50_000_000, cash: 1_000_000_000_000, indexPrice: MID, terms, marketMaker: null })
      symbols.push((yield* client.ask(Listing.ref(LISTING_KEY), listing, { timeout: "60 seconds" })).symbol)
    }
    yield* Effect.promise(() =>
      Promise.all(everyone.map((t, i) => Effect.runPromise(client.ask(Wallet.ref(t), new Credit({ currency: "ZAR", amount: CASH_EACH, reference: `seed-${i}` }), { timeout: "30 seconds" }))))
    )
    yield* Effect.promise(async () => {
      for (const symbol of symbols) {
        const house = houseKey(symbol)
        await place(client, house, { symbol, side: "SELL", type: "LIMIT", quantity: everyone.length * UNITS_EACH, price: MID })
        await pool(everyone.length, IN_FLIGHT, (t) => place(client, everyone[t]!, { symbol, side: "BUY", type: "LIMIT", quantity: UNITS_EACH, price: MID }))
        // The walls the latency phase's IOC orders fill against.
        await place(client, house, { symbol, side: "SELL", type: "LIMIT", quantity: 10_000_000, price: MID + 100 })
        await place(client, house, { symbol, side: "BUY", type: "LIMIT", quantity: 10_000_000, price: MID - 100 })
      }
    })
    yield* awaitQuiescence(keys, 300_000, { timersAndJobs: false })

    // 1. Throughput: limit orders within 5 ticks of the mid, so about half of them cross.
    const stream = Array.from({ length: ORDERS }, () => ({
      trader: traders[random.int(TRADERS)]!,
      symbol: symbols[random.int(SYMBOLS)]!,
      side: random.next() < 0.5 ? ("BUY" as const) : ("SELL" as const),
      price: MID - 5 + random.int(11),
      quantity: 1 + random.int(5)
    }))
    const started = performance.now()
    const cpuBefore = { node: cpuSeconds(node.pid!), redis: yield* redisCpuSeconds(url), machine: machineCpuSeconds() }
    let rejected = 0
    yield* Effect.promise(() =>
      pool(ORDERS, IN_FLIGHT, (i) => {
        const o = stream[i]!
        return place(client, o.trader, { symbol: o.symbol, side: o.side, type: "LIMIT", quantity: o.quantity, price: o.price }).catch(() => rejected++)
      })
    )
    const accepted = performance.now()
    yield* awaitQuiescence(keys, 600_000, { timersAndJobs: false })
    const settled = performance.now()
    const cpu = { node: cpuSeconds(node.pid!) - cpuBefore.node, redis: (yield* redisCpuSeconds(url)) - cpuBefore.redis, machine: machineCpuSeconds() - cpuBefore.machine }

    // 2. Place-to-fill latency, open loop, against the house walls, once the record has caught up
    // with phase 1 (its jobs would otherwise share the node's CPU with the orders timed here).
    yield* awaitJobsDone(url, prefix)
    const watch = yield* watchTrades(url, prefix, symbols)
    const sentAt = new Map<string, number>()
    const total = RATE * SECONDS
    yield* Effect.promise(async () => {
      const inFlight: Array<Promise<unknown>> = []
      const start = performance.now() + 20
      for (let i = 0; i < total; i++) {
        const at = start + (i * 1000) / RATE
        const wait = at - performance.now()
        // Never before its time: a send a timer tick late counts against us, one sent early would count for us.
        if (wait > 0) await sleep(wait)
        const side = i % 2 === 0 ? "BUY" : "SELL"
        const order = { symbol: symbols[i % SYMBOLS]!, side, type: "LIMIT", timeInForce: "IOC", quantity: 1, price: side === "BUY" ? MID + 100 : MID - 100 } as const
        inFlight.push(place(client, takers[i % takers.length]!, order).then((ok) => sentAt.set(ok.orderId, at), () => undefined))
      }
      await Promise.all(inFlight)
      const deadline = performance.now() + 30_000
      while ([...sentAt.keys()].some((id) => !watch.seen.has(id)) && performance.now() < deadline) await sleep(20)
    })
    const fills = [...sentAt].flatMap(([id, at]) => (watch.seen.has(id) ? [watch.seen.get(id)! - at] : [])).sort((a, b) => a - b)
    return {
      throughput: (ORDERS / (settled - started)) * 1000,
      acceptRate: (ORDERS / (accepted - started)) * 1000,
      rejected,
      fills,
      sent: sentAt.size,
      // CPU per order depends less than rates on what else shares the machine.
      nodeCpuPerOrderUs: (cpu.node / ORDERS) * 1e6,
      redisCpuPerOrderUs: (cpu.redis / ORDERS) * 1e6,
      machineCpuPerOrderUs: (cpu.machine / ORDERS) * 1e6
    }
  })

/** Waits until no shard has effectful jobs (the sink's writes) outstanding. */
const awaitJobsDone = (url: string, prefix: string) =>
  Effect.promise(async () => {
    const redis = new Redis(url)
    const keys = makeKeys(prefix, SHARDS)
    try {
      for (;;) {
        const counts = await Promise.all(Array.from({ length: SHARDS }, (_, s) => redis.zcard(keys.shard(s).jobs)))
        if (counts.every((n) => n === 0)) return
        await sleep(100)
      }
    } finally {
      redis.disconnect()
    }
  })

/** `npm run bench -- trade`. */
export async function run(): Promise<void> {
  console.log(`  load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at start (2 cores, shared)`)
  console.log(`  ${fmt(ORDERS)} orders from ${fmt(TRADERS)} traders over ${SYMBOLS} symbols, ${IN_FLIGHT} asks in flight; one node process, ${SHARDS} shards`)
  const result = await Effect.runPromise(
    withBenchRedis((url) => {
      const prefix = `benchtrade${randomUUID().slice(0, 6)}`
      const settings = Layer.merge(RuntimeConfig.layer({ redisUrl: Option.some(url), prefix, shardCount: SHARDS }), RedisClient.layerUrl(url))
      return Effect.scoped(bench(url, prefix)).pipe(Effect.provide(ActorClient.layer.pipe(Layer.provideMerge(settings))))
    }).pipe(Logger.withMinimumLogLevel(LogLevel.Warning))
  )
  const { fills } = result
  console.log(`  throughput (placed -> matched -> settled in both wallets): ${fmt(result.throughput)} orders/s` +
    `  (wallets accepted at ${fmt(result.acceptRate)}/s; ${result.rejected} rejected)   target >= 10,000/s: ${(result.throughput / 10_000).toFixed(2)}x`)
  console.log(`  CPU per order in the throughput phase: node ${fmt(result.nodeCpuPerOrderUs)} µs, Redis ${fmt(result.redisCpuPerOrderUs)} µs, ` +
    `whole machine ${fmt(result.machineCpuPerOrderUs)} µs (every process, the load generator and PostgreSQL too; 10,000/s on ${cpus().length} cores allows ${fmt(cpuBudgetUs(10_000))} µs)`)
  console.log(`  place-to-fill at ${fmt(RATE)} orders/s for ${SECONDS} s (open loop, from scheduled time): ` +
    `p50 ${quantile(fills, 0.5).toFixed(2)} ms  p99 ${quantile(fills, 0.99).toFixed(2)} ms  max ${(fills[fills.length - 1] ?? NaN).toFixed(2)} ms` +
    `  (${fills.length} of ${result.sent} fills seen)   target p99 < 20 ms`)
  console.log(`  load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at end`)
}

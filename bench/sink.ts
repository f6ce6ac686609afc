// Sink benchmark (issue 6 "Benchmark"), on one scratch database of the local PostgreSQL:
//  1. rows/s of the sink's batched write (fence + unnest insert + candle refresh, in one
//     transaction per batch) beside a naive one-INSERT-per-row loop, same server, same run;
//  2. the sink's lag under load: trades sent through the runtime (one node in this process, a
//     private redis-server unless REDIS_URL is set) at a fixed rate, open loop; a trade's lag is
//     from its scheduled send time to the insert that stored it (PostgreSQL's clock_timestamp()
//     in the sink's transaction, which commits right after; same host, same clock).
//     Parts 1 and 2 also print CPU per row or trade (this process, and Redis), steadier than rates.
//
//  3. the exchange as the load (bench/_sink-trading.ts): crossing order pairs through wallets and
//     books at a fixed rate, lag from the book's print to the stored row, beside the same load
//     with the sink discarding.
//
//   npm run bench -- sink     (BENCH_DATABASE_URL: the admin URL; BENCH_SINK_RATES=2500,10000, BENCH_SINK_SECONDS;
//                              BENCH_SINK_TRADING_RATES=500,1500; BENCH_ONLY=write|lag|trading for one part)
import { ADMIN_URL, scratchDatabase } from "./_bench-database.js"
import { withBenchRedis } from "./_bench-redis.js"
import { sendOpenLoop, TICK_MS } from "./_open-loop.js"
import { tradingLoad } from "./_sink-trading.js"
import { Context, Effect, Layer, Logger, Option } from "effect"
import { randomBytes } from "node:crypto"
import { loadavg } from "node:os"
import { sinkLayer } from "../src/actors/sink/index.js"
import { RecordTrades, Sink, type TradeRow } from "../src/actors/sink/protocol.js"
import { rowsOf } from "../src/actors/sink/sink-rows.js"
import { makeSinkWriter } from "../src/actors/sink/sink-writer.js"
import { ActorClient } from "../src/runtime/actor-client.js"
import { shardLocalKey } from "../src/runtime/address.js"
import { RedisClient, type RedisConnections } from "../src/runtime/redis.js"
import { ActorRegistry } from "../src/runtime/registry.js"
import { RuntimeConfig } from "../src/runtime/runtime-config.js"
import { ShardNode } from "../src/runtime/shard-node.js"
import { migrate } from "../src/storage/migrate.js"
import { Sql } from "../src/storage/sql.js"

const BATCH_ROWS = Number(process.env["BENCH_SINK_ROWS"] ?? 250_000)
/** Trades per message in part 1, and transactions in flight (the writer's and the naive loop's). */
const MESSAGE_ROWS = Number(process.env["BENCH_SINK_MESSAGE_ROWS"] ?? 100)
const WRITERS = Number(process.env["BENCH_SINK_WRITERS"] ?? 1)
/**
 * Messages submitted and not yet committed, as the shards' job workers keep them under load: more
 * than one transaction's worth (the writer merges up to 10,000 rows), so the next transaction's
 * messages are queued, and their rows built, while one is in flight.
 */
const BACKLOG = Number(process.env["BENCH_SINK_BACKLOG"] ?? 256)
const ROUNDS = 5
const NAIVE_ROWS = Number(process.env["BENCH_SINK_NAIVE_ROWS"] ?? 5_000)
/** Trades per second offered to the runtime (one run per rate), and for how long. */
const RATES = (process.env["BENCH_SINK_RATES"] ?? "2500,10000").split(",").map(Number)
const SECONDS = Number(process.env["BENCH_SINK_SECONDS"] ?? 10)
/** Trades per RecordTrades message (what one book commit might carry), and symbols (books). */
const PER_MESSAGE = Number(process.env["BENCH_SINK_PER_MESSAGE"] ?? 10)
const SYMBOLS = Number(process.env["BENCH_SINK_SYMBOLS"] ?? 32)
/** Trades per second of the trading load in part 3 (one run per rate, with and without the sink). */
const TRADING_RATES = (process.env["BENCH_SINK_TRADING_RATES"] ?? "500,1500").split(",").map(Number)
/** `write` runs part 1 only, `lag` part 2 only, `trading` part 3 only. */
const ONLY = process.env["BENCH_ONLY"] ?? ""

const base = Date.UTC(2024, 0, 1, 0, 0, 0)

/** `n` trades of `symbol` numbered from `from`, `spacingMs` apart. */
const trades = (symbol: string, from: number, n: number, at: (i: number) => number): Array<TradeRow> =>
  Array.from({ length: n }, (_, k) => {
    const i = from + k
    return {
      tradeId: `${symbol}:${i}`,
      symbol,
      seq: i + 1,
      priceCents: 10_000 + (i % 101),
      quantity: (i % 9) + 1,
      buyerUserId: `u${i % 1000}`,
      sellerUserId: `u${(i + 500) % 1000}`,
      buyOrderId: `${symbol}:b${i}`,
      sellOrderId: `${symbol}:s${i}`,
      makerSide: i % 2 === 0 ? "BUY" : "SELL",
      executedAt: at(i)
    }
  })

const rate = (rows: number, ms: number) => Math.round((rows / ms) * 1000)
/** This process's CPU (user + system) in µs: CPU per row moves less with the machine's load than rows/s. */
const cpuMicros = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}
/** Redis' own CPU in µs (INFO cpu). */
const redisCpuMicros = (redis: RedisConnections) =>
  Effect.map(redis.call("bench: info cpu", (r) => r.info("cpu")), (info) =>
    (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])) * 1e6)
const fmt = (n: number) => n.toLocaleString("en-US")
const quantile = (sorted: ReadonlyArray<number>, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN

// ---------------------------------------------------------------------------------------------
// Part 1: the sink's batched write against one INSERT per row

const naiveInsert = (sql: Sql["Type"], t: TradeRow) =>
  sql.run(
    "bench: naive insert",
    (q) => q`
      insert into trades (trade_id, symbol, seq, price_cents, quantity, buyer_user_id, seller_user_id,
                          buy_order_id, sell_order_id, maker_side, executed_at, source_shard, source_epoch)
      values (${t.tradeId}, ${t.symbol}, ${t.seq}, ${t.priceCents}, ${t.quantity}, ${t.buyerUserId}, ${t.sellerUserId},
              ${t.buyOrderId}, ${t.sellOrderId}, ${t.makerSide}, ${new Date(t.executedAt)}, 0, 1)
      on conflict (trade_id) do nothing`
  )

/** The naive path with candles too: one statement per row, inserting the trade and folding it into its candle. */
const naiveInsertWithCandle = (sql: Sql["Type"], t: TradeRow) =>
  sql.run(
    "bench: naive insert with candle",
    (q) => q`
      with t as (
        insert into trades (trade_id, symbol, seq, price_cents, quantity, buyer_user_id, seller_user_id,
                            buy_order_id, sell_order_id, maker_side, executed_at, source_shard, source_epoch)
        values (${t.tradeId}, ${t.symbol}, ${t.seq}, ${t.priceCents}, ${t.quantity}, ${t.buyerUserId}, ${t.sellerUserId},
                ${t.buyOrderId}, ${t.sellOrderId}, ${t.makerSide}, ${new Date(t.executedAt)}, 0, 1)
        on conflict (trade_id) do nothing
        returning symbol, executed_at, price_cents, quantity)
      insert into market_prices (symbol, bucket, open_cents, high_cents, low_cents, close_cents, volume, trade_count)
      select symbol, date_trunc('minute', executed_at), price_cents, price_cents, price_cents, price_cents, quantity, 1 from t
      on conflict (symbol, bucket) do update set
        high_cents = greatest(market_prices.high_cents, excluded.high_cents),
        low_cents = least(market_prices.low_cents, excluded.low_cents),
        close_cents = excluded.close_cents,
        volume = market_prices.volume + excluded.volume,
        trade_count = market_prices.trade_count + 1`
  )

/** Runs `effect` and answers how long it took, in ms. */
const timed = <E, R>(effect: Effect.Effect<unknown, E, R>) =>
  Effect.suspend(() => {
    const t0 = performance.now()
    return Effect.map(effect, () => performance.now() - t0)
  })

const throughput = Effect.gen(function* () {
  const sql = yield* Sql
  const fences = Array.from({ length: WRITERS }, (_, shard) => ({ shard, epoch: 1n }))
  const writer = yield* makeSinkWriter({ concurrency: WRITERS })
  const totals = { sink: 0, naive: 0, naiveCandle: 0, sinkCpu: 0 }
  const sinkRows = BATCH_ROWS / ROUNDS
  const naiveRows = NAIVE_ROWS / ROUNDS
  // Rounds alternate the three paths, so a change in the machine's load hits them alike.
  for (let round = 0; round < ROUNDS; round++) {
    // A busy book's pace: a trade every 250 ms per symbol, 240 per candle; one symbol per message.
    const messages = Array.from({ length: sinkRows / MESSAGE_ROWS }, (_, m) =>
      trades(`VIRAL/SA_BENCH_BATCH_${m % 20}`, round * sinkRows + m * MESSAGE_ROWS, MESSAGE_ROWS, (i) => base + i * 250)
    )
    // The sink's path: messages submitted as its jobs submit them, merged by the group-commit writer.
    const cpu0 = cpuMicros()
    totals.sink += yield* timed(
      Effect.forEach(
        messages,
        (rows, i) => {
          const fence = fences[i % WRITERS]!
          return writer.submit(fence, rowsOf(new RecordTrades({ trades: rows }, true), fence))
        },
        { concurrency: BACKLOG, discard: true }
      )
    )
    totals.sinkCpu += cpuMicros() - cpu0
    // The peers: one statement (and commit) per row, as many in flight as the writer has transactions.
    const naivePath = (label: string, insert: (sql: Sql["Type"], t: TradeRow) => Effect.Effect<unknown, unknown>) =>
      timed(
        Effect.forEach(
          Array.from({ length: WRITERS }, (_, w) =>
            trades(`VIRAL/SA_BENCH_${label}_${w}`, round * naiveRows, naiveRows / WRITERS, (i) => base + i * 250)
          ),
          (rows) => Effect.forEach(rows, (t) => insert(sql, t), { discard: true }),
          { concurrency: "unbounded", discard: true }
        )
      )
    totals.naive += yield* naivePath("NAIVE", naiveInsert)
    totals.naiveCandle += yield* naivePath("NAIVE2", naiveInsertWithCandle)
  }
  const ours = rate(BATCH_ROWS, totals.sink)
  const peer = rate(NAIVE_ROWS, totals.naive)
  const peer2 = rate(NAIVE_ROWS, totals.naiveCandle)
  const line = (label: string, rows: number, ms: number, perSecond: number) =>
    console.log(`  ${label.padEnd(66)} ${String(rows).padStart(7)} ${ms.toFixed(0).padStart(7)} ${fmt(perSecond).padStart(10)}`)
  console.log(`  ${`path (${WRITERS} transaction(s) in flight; ${ROUNDS} alternating rounds)`.padEnd(66)}    rows      ms     rows/s`)
  line(`sink: group commit of ${MESSAGE_ROWS}-trade messages (fence + unnest + candles)`, BATCH_ROWS, totals.sink, ours)
  line("naive: one INSERT per row, autocommit, no candles", NAIVE_ROWS, totals.naive, peer)
  line("naive + candle: one statement per row (insert + fold into candle)", NAIVE_ROWS, totals.naiveCandle, peer2)
  console.log(`  sink path: ${(totals.sinkCpu / BATCH_ROWS).toFixed(1)} µs of this process's CPU per row`)
  console.log(`  ratio: ${(ours / peer).toFixed(1)}x over one INSERT per row; ${(ours / peer2).toFixed(1)}x over the like-for-like naive path (target >= 30x)`)
})

// ---------------------------------------------------------------------------------------------
// Part 2: lag under load through the runtime

/** Notes, per insert statement into trades, the send tick of each trade and the time it was stored. */
const installProbe = (sql: Sql["Type"]) =>
  sql.run(
    "bench: install probe",
    (q) =>
      q.unsafe(`
      create table bench_seen (tick bigint not null, n int not null, at timestamptz not null);
      create function bench_note() returns trigger language plpgsql as $$
      begin
        insert into bench_seen select (extract(epoch from executed_at) * 1000)::bigint, count(*), clock_timestamp()
          from added group by 1;
        return null;
      end $$;
      create trigger bench_note after insert on trades referencing new table as added
        for each statement execute function bench_note();`)
  )

const compactLogger = Logger.replace(
  Logger.defaultLogger,
  Logger.make(({ logLevel, message, date }) => {
    const parts = Array.isArray(message) ? message : [message]
    console.log(`  [${date.toISOString().slice(11, 23)} ${logLevel.label}] ${parts.map((p) => (typeof p === "string" ? p : JSON.stringify(p))).join(" ").slice(0, 300)}`)
  })
)

const lagUnderLoad = (redisUrl: string, offered: number) =>
  Effect.gen(function* () {
    const sql = yield* Sql
    yield* sql.run("bench: reset probe", (q) => q`truncate bench_seen`)
    const prefix = `sb${randomBytes(4).toString("hex")}`
    const settings = RuntimeConfig.layer({ redisUrl: Option.some(redisUrl), prefix })
    const node = ShardNode.layer.pipe(
      Layer.provide(sinkLayer().pipe(Layer.provide(Layer.succeed(Sql, sql)))),
      Layer.provideMerge(ActorRegistry.layer)
    )
    const cluster = Layer.mergeAll(node, ActorClient.layer).pipe(
      Layer.provideMerge(Layer.mergeAll(settings, RedisClient.layerUrl(redisUrl))),
      Layer.provide(compactLogger)
    )
    return yield* Effect.scoped(
      Effect.gen(function* () {
        const ctx = yield* Layer.build(cluster)
        const client = Context.get(ctx, ActorClient)
        const shardNode = Context.get(ctx, ShardNode)
        const redis = Context.get(ctx, RedisClient)
        yield* shardNode.awaitOwnership()
        const cpu0 = { node: cpuMicros(), redis: yield* redisCpuMicros(redis) }
        const next = new Array<number>(SYMBOLS).fill(0)
        let symbol = 0
        let sent = 0
        const { start, behindMs: behind, sendSeconds } = yield* sendOpenLoop(client, SECONDS, offered, (at, perTick) => {
          const messages: Array<readonly [ReturnType<typeof Sink.ref>, RecordTrades]> = []
          for (let n = 0; n < perTick; n += PER_MESSAGE) {
            const s = symbol++ % SYMBOLS
            // executedAt = the tick's scheduled time: the probe keys its notes by it.
            const rows = trades(`VIRAL/SA_BENCH_LOAD_${offered}_${s}`, next[s]!, Math.min(PER_MESSAGE, perTick - n), () => at)
            next[s]! += rows.length
            // Unvalidated construction: the rows are built right here; the load generator shares this process.
            // The sink of shard s, as a book on shard s would report to (sinkFor).
            messages.push([Sink.ref(shardLocalKey(s)), new RecordTrades({ trades: rows }, true)])
            sent += rows.length
          }
          return messages
        })
        // Wait for every trade to be stored.
        const deadline = Date.now() + 120_000
        for (;;) {
          const [row] = yield* sql.run("bench: stored", (q) => q<Array<{ n: number }>>`select coalesce(sum(n), 0)::int as n from bench_seen`)
          if (row!.n >= sent || Date.now() > deadline) break
          yield* Effect.sleep(100)
        }
        const drainSeconds = (Date.now() - start) / 1000
        const cpu = { node: cpuMicros() - cpu0.node, redis: (yield* redisCpuMicros(redis)) - cpu0.redis }
        const seen = yield* sql.run(
          "bench: lag",
          (q) => q<Array<{ tick: number; n: number; at: number }>>`
            select tick::float8 as tick, sum(n)::int as n, (extract(epoch from max(at)) * 1000)::float8 as at
            from bench_seen group by tick`
        )
        const [stored] = yield* sql.run("bench: count", (q) => q<Array<{ n: number }>>`select count(*)::int as n from trades where symbol like ${`VIRAL/SA_BENCH_LOAD_${offered}_%`}`)
        const lags = seen.map((s) => s.at - s.tick).sort((a, b) => a - b)
        console.log(
          `  offered ${fmt(offered)} trades/s for ${SECONDS}s in messages of ${PER_MESSAGE} over ${SYMBOLS} sinks: sent ${fmt(sent)} in ${sendSeconds.toFixed(1)}s` +
            ` (${fmt(Math.round(sent / sendSeconds))}/s, sender at most ${behind} ms behind schedule)`
        )
        console.log(`  stored ${fmt(stored!.n)} trades; all stored ${drainSeconds.toFixed(1)}s after the first send (${fmt(Math.round(stored!.n / drainSeconds))}/s end to end)`)
        console.log(
          `  CPU per trade stored: ${(cpu.node / sent).toFixed(1)} µs in this process (load generator, node, sink), ${(cpu.redis / sent).toFixed(1)} µs in Redis`
        )
        console.log(
          `  lag send -> stored, per ${TICK_MS} ms tick (last trade of the tick): p50 ${quantile(lags, 0.5).toFixed(0)} ms, p99 ${quantile(lags, 0.99).toFixed(0)} ms, max ${(lags[lags.length - 1] ?? NaN).toFixed(0)} ms (target < 1000 ms)`
        )
      })
    )
  })


/** `npm run bench -- sink`. */
export async function run(): Promise<void> {
  console.log(`  PostgreSQL ${ADMIN_URL.replace(/\/[^/]*$/, "/<scratch>")}; 2-core load average ${loadavg()[0]!.toFixed(2)}`)
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const url = yield* scratchDatabase
        const sqlLayer = Sql.layer({ url })
        yield* Effect.gen(function* () {
          yield* migrate()
          if (ONLY === "" || ONLY === "write") {
            console.log("\n  1. batched sink write vs one INSERT per row (same PostgreSQL, same run)")
            yield* throughput
          }
          if (ONLY !== "write" && ONLY !== "trading") {
            console.log("\n  2. sink lag under load through the runtime (one node in this process)")
            yield* installProbe(yield* Sql)
            for (const rate of RATES) yield* withBenchRedis((url) => lagUnderLoad(url, rate))
          }
          if (ONLY === "" || ONLY === "trading") {
            console.log("\n  3. the exchange as the load: crossing order pairs through wallets and books (one node in this process)")
            for (const rate of TRADING_RATES) {
              yield* withBenchRedis((url) => tradingLoad(url, rate, SECONDS, false))
              yield* withBenchRedis((url) => tradingLoad(url, rate, SECONDS, true))
            }
          }
        }).pipe(Effect.provide(sqlLayer))
      })
    )
  )
}

// Part 3 of the sink benchmark: the exchange itself as the load. One node runs every actor;
// pairs of crossing orders (a house SELL and a trader BUY, one unit at one price) are placed
// open loop at a fixed rate, so each pair prints one trade, and the books, wallets and pricing
// report to the sink as they do in production (a trade costs a RecordTrades share plus two
// wallet RecordBatches of an order and five ledger lines each, besides the placements' own).
// Beside it, the same load on a node whose sink discards (ActorsWithoutRecordLive): what the
// record costs the trading path.
import { sendOpenLoop } from "./_open-loop.js"
import { Context, Effect, Layer, Option } from "effect"
import { randomBytes } from "node:crypto"
import { ActorsLive, ActorsWithoutRecordLive } from "../src/actors/index.js"
import { Book, defaultTerms, GetBook } from "../src/actors/book/protocol.js"
import { Listing, LISTING_KEY, ListTrend } from "../src/actors/listing/protocol.js"
import { Credit, houseKey, PlaceOrder, Wallet } from "../src/actors/wallet/protocol.js"
import { ActorClient } from "../src/runtime/actor-client.js"
import type { ActorRef, Tagged } from "../src/runtime/actor.js"
import { shardOf } from "../src/runtime/address.js"
import { RedisClient } from "../src/runtime/redis.js"
import { ActorRegistry } from "../src/runtime/registry.js"
import { RuntimeConfig } from "../src/runtime/runtime-config.js"
import { ShardNode } from "../src/runtime/shard-node.js"
import { Sql } from "../src/storage/sql.js"

const SYMBOLS = 8
const BUYERS = 64
const PRICE = 1_000

const fmt = (n: number) => n.toLocaleString("en-US")
const quantile = (sorted: ReadonlyArray<number>, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN

/** Runs the trading load at `offered` trades/s for `seconds`, with the real sink or a discarding one. */
export const tradingLoad = (redisUrl: string, offered: number, seconds: number, record: boolean) =>
  Effect.gen(function* () {
    const sql = yield* Sql
    if (record) {
      // When each trade row was stored (PostgreSQL's clock inside the sink's transaction).
      yield* sql.run("bench: trade probe", (q) =>
        q.unsafe(`
          create table if not exists bench_trade_seen (trade_id text not null, at timestamptz not null);
          create or replace function bench_note_trade() returns trigger language plpgsql as $$
          begin insert into bench_trade_seen select trade_id, clock_timestamp() from added; return null; end $$;
          drop trigger if exists bench_note_trade on trades;
          create trigger bench_note_trade after insert on trades referencing new table as added
            for each statement execute function bench_note_trade();
          truncate bench_trade_seen;
          -- Each run is a new cluster on a new Redis, whose epochs start again at 1: forget the last one's fences.
          truncate sink_epochs;`))
    }
    const prefix = `st${randomBytes(4).toString("hex")}`
    const behaviours = record ? ActorsLive.pipe(Layer.provide(Layer.succeed(Sql, sql))) : ActorsWithoutRecordLive
    const node = ShardNode.layer.pipe(Layer.provide(behaviours), Layer.provideMerge(ActorRegistry.layer))
    const cluster = Layer.mergeAll(node, ActorClient.layer).pipe(
      Layer.provideMerge(Layer.mergeAll(RuntimeConfig.layer({ redisUrl: Option.some(redisUrl), prefix }), RedisClient.layerUrl(redisUrl)))
    )
    return yield* Effect.scoped(
      Effect.gen(function* () {
        const ctx = yield* Layer.build(cluster)
        const client = Context.get(ctx, ActorClient)
        yield* Context.get(ctx, ShardNode).awaitOwnership()
        const total = offered * seconds
        const symbols: Array<string> = []
        for (let i = 0; i < SYMBOLS; i++) {
          const topic = `sink bench ${prefix} market ${String.fromCharCode(97 + i)}`
          const listed = yield* client.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic, supply: total, cash: 0, indexPrice: PRICE, marketMaker: null }), { timeout: "30 seconds" })
          symbols.push(listed.symbol)
        }
        const buyers = Array.from({ length: BUYERS }, (_, i) => `bench-buyer-${i}`)
        yield* client.sendAll(buyers.map((b) => [Wallet.ref(b), new Credit({ currency: "ZAR", amount: 1_000_000_000, reference: "seed" })] as const))
        // Wait until the listings issued the house supply (the chain runs after ListTrend answers).
        for (const symbol of symbols) {
          for (;;) {
            const book = yield* client.ask(Book.ref(symbol), new GetBook({ depth: 1 }))
            if (book.open) break
            yield* Effect.sleep(50)
          }
        }
        yield* Effect.sleep(500)
        let sent = 0
        const { start, behindMs: behind, sendSeconds } = yield* sendOpenLoop(client, seconds, offered, (_at, perTick) => {
          const batch: Array<readonly [ActorRef<any>, Tagged]> = []
          for (let n = 0; n < perTick; n++, sent++) {
            const symbol = symbols[sent % SYMBOLS]!
            const order = { symbol, type: "LIMIT" as const, quantity: 1, price: PRICE, terms: defaultTerms }
            batch.push([Wallet.ref(houseKey(symbol)), new PlaceOrder({ ...order, side: "SELL" })])
            batch.push([Wallet.ref(buyers[sent % BUYERS]!), new PlaceOrder({ ...order, side: "BUY" })])
          }
          return batch
        })
        // Every pair prints one trade: wait for the books to print them all, then (recording) for the record.
        const deadline = Date.now() + 180_000
        let printedAt = 0
        for (;;) {
          // An overloaded node may answer late: a lost answer counts as "not yet".
          const views = yield* Effect.forEach(symbols, (s) => Effect.orElseSucceed(Effect.map(client.ask(Book.ref(s), new GetBook({ depth: 1 })), (v) => v.tradeSeq), () => 0), { concurrency: SYMBOLS })
          if (views.reduce((n, v) => n + v, 0) >= sent || Date.now() > deadline) break
          yield* Effect.sleep(100)
        }
        printedAt = Date.now()
        let storedAt = printedAt
        if (record) {
          for (;;) {
            const [row] = yield* sql.run("bench: stored", (q) => q<Array<{ n: number }>>`select count(*)::int as n from bench_trade_seen`)
            if (row!.n >= sent || Date.now() > deadline) break
            yield* Effect.sleep(100)
          }
          storedAt = Date.now()
        }
        const label = record ? "with the sink" : "sink discarding"
        console.log(
          `  ${label}: offered ${fmt(offered)} trades/s for ${seconds}s (${fmt(sent)} pairs, sender at most ${behind} ms behind, sent in ${sendSeconds.toFixed(1)}s);` +
            ` all printed after ${((printedAt - start) / 1000).toFixed(1)}s (${fmt(Math.round(sent / ((printedAt - start) / 1000)))} trades/s end to end)`
        )
        if (!record) return
        // A trade is printed when the book's commit writes it to the `trades` feed (the entry id is
        // Redis's clock at that commit); stored when the sink's insert ran. Same host, same clock.
        const redis = Context.get(ctx, RedisClient)
        const printed = new Map<string, number>()
        for (const symbol of symbols) {
          const stream = client.keys.shard(shardOf({ kind: "book", key: symbol }, client.keys.shardCount)).feed(`book/${symbol}:trades`)
          const entries = yield* redis.call("XRANGE trades feed", (r) => r.xrange(stream, "-", "+"))
          for (const [id, fields] of entries) printed.set(String((JSON.parse(fields[3]!) as { tradeId: string }).tradeId), Number(id.slice(0, id.indexOf("-"))))
        }
        const seen = yield* sql.run("bench: stored at", (q) => q<Array<{ tradeId: string; at: number }>>`
          select trade_id, (extract(epoch from at) * 1000)::float8 as at from bench_trade_seen`)
        const lags = seen.map((row) => row.at - (printed.get(row.tradeId) ?? NaN)).filter((lag) => !Number.isNaN(lag)).sort((a, b) => a - b)
        console.log(
          `    stored ${fmt(seen.length)} trades, all ${((storedAt - printedAt) / 1000).toFixed(1)}s after the last print; lag printed (book commit) -> stored, per trade:` +
            ` p50 ${quantile(lags, 0.5).toFixed(0)} ms, p99 ${quantile(lags, 0.99).toFixed(0)} ms, max ${(lags[lags.length - 1] ?? NaN).toFixed(0)} ms`
        )
      })
    )
  })

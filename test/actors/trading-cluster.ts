// Wiring and probes for the trading actor tests: one node running every actor and a client on
// the shared Redis under a fresh prefix; helpers to await quiescence and read wallets.
import { Effect, Option } from "effect"
import { ActorsWithoutRecordLive } from "../../src/actors/index.js"
import { GetWallet, Wallet, type WalletView } from "../../src/actors/wallet/protocol.js"
import { ActorClient } from "../../src/runtime/actor-client.js"
import { AskTimeout } from "../../src/runtime/errors.js"
import { RedisClient } from "../../src/runtime/redis.js"
import type { RuntimeSettings } from "../../src/runtime/runtime-config.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import type { ActorRef, Tagged } from "../../src/runtime/actor.js"
import { shardOf } from "../../src/runtime/address.js"
import { listDeadLetters } from "../../src/runtime/dead-letters.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { awaitQuiescence } from "../../src/runtime/quiescence.js"
import { testCluster, testSettings } from "../runtime/test-cluster.js"
import type { MarketTerms } from "../../src/actors/book/protocol.js"

/** A node with every trading actor plus a client, on the shared Redis. */
export const tradingCluster = (options: Partial<RuntimeSettings> = {}) =>
  testCluster(testSettings(sharedRedisUrl, { snapshotEvery: 50, ...options }), sharedRedisUrl, ActorsWithoutRecordLive)

/** Waits until every message sent so far (and everything it caused) is processed. */
export const settle = Effect.gen(function* () {
  const client = yield* ActorClient
  const node = yield* Effect.serviceOption(ShardNode)
  if (Option.isSome(node)) yield* node.value.awaitOwnership()
  yield* awaitQuiescence(client.keys, 90_000)
})

/** A wallet's view. */
export const walletOf = (owner: string) => askAgain(Wallet.ref(owner), new GetWallet())

/** Totals over wallets per currency or symbol: what wallets hold (available + locked + fees) and clearing. */
export const totals = (views: ReadonlyArray<WalletView>) => {
  const held = new Map<string, number>()
  const clearing = new Map<string, number>()
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v)
  for (const v of views) {
    for (const [key, amount] of Object.entries(v.accounts)) {
      const bar = key.lastIndexOf("|")
      const account = key.slice(0, bar)
      const currency = key.slice(bar + 1)
      if (account.startsWith("clearing:")) add(clearing, currency, amount)
      else if (account.startsWith(`${v.owner}:`)) {
        if (amount < 0) throw new Error(`${key} of ${v.owner} is negative: ${amount}`)
        add(held, currency, amount)
      }
    }
  }
  return { held, clearing }
}

/** Test market terms: tick R0.01, lot 1, maker 10 bp, taker 20 bp, collar 10%. */
export const terms: MarketTerms = { tick: 1, lot: 1, maxPrice: 100_000_000, makerBps: 10, takerBps: 20, collarBps: 1000 }

/** Every event of an actor's feed, in order, with its seq. */
export const feedOf = (kind: string, key: string, feed: string) =>
  Effect.gen(function* () {
    const client = yield* ActorClient
    const redis = yield* RedisClient
    const stream = client.keys.shard(shardOf({ kind, key }, client.keys.shardCount)).feed(`${kind}/${key}:${feed}`)
    const entries = yield* redis.call("XRANGE feed", (r) => r.xrange(stream, "-", "+"))
    return entries.map(([, fields]) => ({ seq: Number(fields[1]), event: JSON.parse(fields[3]!) as Record<string, unknown> }))
  })

/**
 * Checks that each trade printed by `symbols`' books was settled exactly once on the buy side and
 * once on the sell side, across `owners`' wallet feeds; returns the number of trades.
 */
export const checkTradesSettledOnce = (symbols: ReadonlyArray<string>, owners: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const printed = new Map<string, number>()
    for (const symbol of symbols) {
      const trades = yield* feedOf("book", symbol, "trades")
      trades.forEach(({ seq }, i) => {
        if (seq !== i + 1) throw new Error(`trades feed of ${symbol} has a gap at ${i + 1}`)
      })
      for (const { event } of trades) {
        const id = `${symbol}|${String(event.tradeId)}`
        if (printed.has(id)) throw new Error(`trade ${id} printed twice`)
        printed.set(id, event.qty as number)
      }
    }
    const legs = new Map<string, Array<string>>()
    for (const owner of owners) {
      for (const { event } of yield* feedOf("wallet", owner, "events")) {
        if (event.type !== "order:matched") continue
        const id = `${String(event.symbol)}|${String(event.tradeId)}`
        const list = legs.get(id) ?? []
        list.push(`${String(event.side)}:${String(event.qty)}`)
        legs.set(id, list)
      }
    }
    for (const [id, qty] of printed) {
      const sides = (legs.get(id) ?? []).sort()
      if (sides.join(",") !== `BUY:${qty},SELL:${qty}`) throw new Error(`trade ${id} settled as [${sides.join(",")}]`)
    }
    for (const id of legs.keys()) if (!printed.has(id)) throw new Error(`settlement ${id} has no printed trade`)
    return printed.size
  })

/** Every dead letter of the cluster (defects: a handler threw, or a message could not be decoded). */
export const deadLetters = Effect.gen(function* () {
  const client = yield* ActorClient
  const redis = yield* RedisClient
  const all = yield* Effect.forEach(Array.from({ length: client.keys.shardCount }, (_, s) => s), (shard) => listDeadLetters(redis, client.keys, shard))
  return all.flat()
})

/**
 * Asks an idempotent request (a read, or a request the actor deduplicates), asking again when
 * the reply was lost: replies are best effort, so a crash right after a commit can drop one.
 */
export const askAgain = <M extends Tagged, R extends M>(to: ActorRef<M>, message: R) =>
  Effect.flatMap(ActorClient, (client) =>
    client.ask(to, message, { timeout: "10 seconds" }).pipe(Effect.retry({ while: (e) => e instanceof AskTimeout, times: 5 }))
  )

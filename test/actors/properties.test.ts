import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import type { BookState } from "../../src/actors/book/behaviour.js"
import { Listing, LISTING_KEY, ListTrend } from "../../src/actors/listing/protocol.js"
import { Pricing, Signal } from "../../src/actors/pricing/protocol.js"
import { CancelOrder, Credit, houseKey, PlaceOrder, ReplaceOrder, Wallet } from "../../src/actors/wallet/protocol.js"
import type { WalletState } from "../../src/actors/wallet/wallet-state.js"
import { Account, balanceKey } from "../../src/domain/ledger.js"
import { InMemoryCluster, type Outcome } from "./in-memory-cluster.js"
import { terms } from "./trading-cluster.js"

const TRADERS = ["ann", "ben", "cat", "dan"]
const SYMBOL = "VIRAL/SA_CRYPTO_BTC_001"
const SUPPLY = 5_000
const HOUSE_CASH = 500_000
const CASH = [20_000, 50_000, 100_000, 200_000]

type Op =
  | { readonly op: "place"; readonly t: number; readonly side: "BUY" | "SELL"; readonly type: "LIMIT" | "MARKET" | "STOP" | "STOP_LIMIT"; readonly qty: number; readonly price: number; readonly tif: "GTC" | "IOC" | "FOK" | "GTD"; readonly postOnly: boolean; readonly stp: "EXPIRE_TAKER" | "EXPIRE_MAKER" | "EXPIRE_BOTH" | "DECREMENT" }
  | { readonly op: "cancel"; readonly t: number; readonly k: number }
  | { readonly op: "replace"; readonly t: number; readonly k: number; readonly qty: number; readonly price: number }
  | { readonly op: "signal"; readonly score: number; readonly velocity: number; readonly sentiment: number }
  | { readonly op: "drain" }

const trader = fc.integer({ min: 0, max: TRADERS.length - 1 })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    op: fc.constant("place" as const), t: trader, side: fc.constantFrom("BUY" as const, "SELL" as const),
    type: fc.constantFrom("LIMIT" as const, "LIMIT" as const, "LIMIT" as const, "MARKET" as const, "STOP" as const, "STOP_LIMIT" as const),
    qty: fc.integer({ min: 1, max: 30 }), price: fc.integer({ min: 950, max: 1050 }),
    tif: fc.constantFrom("GTC" as const, "GTC" as const, "IOC" as const, "FOK" as const, "GTD" as const), postOnly: fc.boolean(),
    stp: fc.constantFrom("EXPIRE_TAKER" as const, "EXPIRE_MAKER" as const, "EXPIRE_BOTH" as const, "DECREMENT" as const)
  }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("cancel" as const), t: trader, k: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("replace" as const), t: trader, k: fc.nat(), qty: fc.integer({ min: 1, max: 30 }), price: fc.integer({ min: 950, max: 1050 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("signal" as const), score: fc.integer({ min: 0, max: 30 }), velocity: fc.integer({ min: 500, max: 1500 }), sentiment: fc.integer({ min: -1000, max: 1000 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: "drain" as const }) }
)

/** The id of an order the wallet accepted: answered at once (a duplicate) or once the book has it (deferred; the id is the placing message's). */
const acceptedOrder = (out: Outcome): string | undefined => (out.replied as { orderId: string } | undefined)?.orderId ?? out.deferred

/** Lists the market, funds the traders, applies `ops`, drains. */
const run = (ops: ReadonlyArray<Op>, roundTrip: boolean): InMemoryCluster => {
  const c = new InMemoryCluster(roundTrip)
  c.ask(Listing.ref(LISTING_KEY), new ListTrend({ topic: "Bitcoin price spike", supply: SUPPLY, cash: HOUSE_CASH, indexPrice: 1000, terms, marketMaker: { levels: 3, spreadBps: 100, stepBps: 100, size: 20, maxUnits: 10_000, minCash: 0 } }))
  TRADERS.forEach((t, i) => c.send(Wallet.ref(t), new Credit({ currency: "ZAR", amount: CASH[i]!, reference: "seed" })))
  c.drain()
  const placed = TRADERS.map(() => [] as Array<string>)
  for (const o of ops) {
    switch (o.op) {
      case "place": {
        const fields = {
          symbol: SYMBOL, side: o.side, type: o.type, quantity: o.qty, terms, selfTradePrevention: o.stp,
          ...(o.type === "LIMIT" || o.type === "STOP_LIMIT" ? { price: o.price } : {}),
          ...(o.type === "STOP" || o.type === "STOP_LIMIT" ? { stopPrice: o.price } : {}),
          ...(o.type === "MARKET" ? { referencePrice: 1000 } : {}),
          ...(o.type === "LIMIT" ? { timeInForce: o.tif, postOnly: o.postOnly && (o.tif === "GTC" || o.tif === "GTD") } : {}),
          ...(o.type === "LIMIT" && o.tif === "GTD" ? { expiresAt: c.now() + 200 } : {})
        }
        const out = c.ask(Wallet.ref(TRADERS[o.t]!), new PlaceOrder(fields))
        const orderId = acceptedOrder(out)
        if (orderId !== undefined) placed[o.t]!.push(orderId)
        break
      }
      case "cancel": {
        const mine = placed[o.t]!
        if (mine.length > 0) c.send(Wallet.ref(TRADERS[o.t]!), new CancelOrder({ orderId: mine[o.k % mine.length]! }))
        break
      }
      case "replace": {
        const mine = placed[o.t]!
        if (mine.length === 0) break
        const out = c.ask(Wallet.ref(TRADERS[o.t]!), new ReplaceOrder({ replaces: mine[o.k % mine.length]!, symbol: SYMBOL, side: "BUY", type: "LIMIT", quantity: o.qty, price: o.price, terms }))
        const orderId = acceptedOrder(out)
        if (orderId !== undefined) mine.push(orderId)
        break
      }
      case "signal":
        c.send(Pricing.ref(SYMBOL), new Signal({ viralityScore: o.score, velocityPermille: o.velocity, sentimentPermille: o.sentiment }))
        break
      case "drain":
        c.drain()
    }
  }
  c.drain()
  return c
}

/** The invariants of a quiescent cluster. */
const check = (c: InMemoryCluster): void => {
  assert.deepStrictEqual(c.defects, [])
  const book = c.state<BookState>("book", SYMBOL)!.book
  const bid = book.bestBid()
  const ask = book.bestAsk()
  assert.isTrue(bid === 0 || ask === 0 || bid < ask, `book crossed: ${bid} >= ${ask}`)
  const held = new Map<string, number>()
  const clearing = new Map<string, number>()
  for (const owner of [...TRADERS, houseKey(SYMBOL)]) {
    const w = c.state<WalletState>("wallet", owner)!
    const lockedBy = new Map<string, number>()
    for (const o of Object.values(w.orders)) {
      assert.isAtMost(o.filled, o.qty)
      assert.isAtLeast(o.locked, 0)
      lockedBy.set(o.currency, (lockedBy.get(o.currency) ?? 0) + o.locked)
    }
    for (const [key, amount] of Object.entries(w.accounts)) {
      const bar = key.lastIndexOf("|")
      const account = key.slice(0, bar)
      const currency = key.slice(bar + 1)
      if (account.startsWith("clearing:")) clearing.set(currency, (clearing.get(currency) ?? 0) + amount)
      if (!account.startsWith(`${owner}:`)) continue
      assert.isAtLeast(amount, 0, `${owner} ${key}`)
      held.set(currency, (held.get(currency) ?? 0) + amount)
    }
    // Every locked cent and unit belongs to an open order's reservation, and the reverse.
    for (const currency of new Set([...lockedBy.keys(), "ZAR", SYMBOL])) {
      assert.strictEqual(w.accounts[balanceKey(Account.locked(owner), currency)] ?? 0, lockedBy.get(currency) ?? 0, `${owner} locked ${currency}`)
    }
  }
  assert.strictEqual(held.get("ZAR"), HOUSE_CASH + CASH.reduce((a, b) => a + b, 0))
  assert.strictEqual(held.get(SYMBOL), SUPPLY)
  assert.strictEqual(clearing.get("ZAR") ?? 0, 0)
  assert.strictEqual(clearing.get(SYMBOL) ?? 0, 0)
}

describe("trading actors, in memory", () => {
  it("random order streams keep the book uncrossed, reservations exact, no balance negative, and money and units conserved", () => {
    fc.assert(fc.property(fc.array(opArb, { minLength: 60, maxLength: 150 }), (ops) => check(run(ops, false))), { seed: 20261127, numRuns: 60 })
  })

  it("snapshot round trips after every message change nothing: same states, same feeds", () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 40, maxLength: 120 }), (ops) => {
        const live = run(ops, false)
        const restored = run(ops, true)
        assert.strictEqual(restored.snapshots(), live.snapshots())
        assert.deepStrictEqual([...restored.feeds], [...live.feeds])
      }),
      { seed: 7, numRuns: 30 }
    )
  })
})

// A seeded random trading workload over the actor protocols: traders place LIMIT / MARKET / STOP
// orders of every time in force, cancel some, and trend signals move the index. Shared by the
// conservation test and the crash test.
import { Pricing, Signal } from "../../src/actors/pricing/protocol.js"
import { CancelOrder, PlaceOrder, ReplaceOrder, Wallet } from "../../src/actors/wallet/protocol.js"
import type { Tagged } from "../../src/runtime/actor.js"
import type { ActorRef } from "../../src/runtime/actor-context.js"
import { seededRandom } from "../../src/domain/seeded-random.js"
import { terms } from "./trading-cluster.js"

/** One batch of messages to send. */
export type Batch = Array<readonly [ActorRef<any>, Tagged]>

/** Makes `rounds` batches of `perRound` messages each, deterministically from `seed`. */
export const workload = (seed: number, traders: ReadonlyArray<string>, symbols: ReadonlyArray<string>, rounds: number, perRound: number, now: () => number): Array<() => Batch> => {
  const rng = seededRandom(seed)
  const pick = <A>(xs: ReadonlyArray<A>): A => xs[rng.int(xs.length)]!
  let n = 0
  const placed = new Map<string, Array<string>>()
  const make = (): Batch => {
    const batch: Batch = []
    for (let i = 0; i < perRound; i++) {
      const trader = pick(traders)
      const symbol = pick(symbols)
      const roll = rng.int(100)
      const side = rng.int(2) === 0 ? "BUY" as const : "SELL" as const
      const qty = 1 + rng.int(20)
      const price = 900 + rng.int(200)
      const clientOrderId = `w${seed}-${n++}`
      const mine = placed.get(trader) ?? []
      placed.set(trader, mine)
      if (roll < 16 && mine.length > 0) {
        batch.push([Wallet.ref(trader), new CancelOrder({ clientOrderId: pick(mine) })])
        continue
      }
      if (roll < 20 && mine.length > 0) {
        // Replacing an order of another symbol or side is refused; that is part of the workload too.
        mine.push(clientOrderId)
        batch.push([Wallet.ref(trader), new ReplaceOrder({ replacesClientOrderId: pick(mine.slice(0, -1)), clientOrderId, symbol, side, type: "LIMIT", quantity: qty, price, terms })])
        continue
      }
      if (roll < 24) {
        batch.push([Pricing.ref(symbol), new Signal({ viralityScore: rng.int(40), velocityPermille: 500 + rng.int(1000), sentimentPermille: rng.int(2001) - 1000 })])
        continue
      }
      mine.push(clientOrderId)
      const base = { symbol, side, quantity: qty, clientOrderId, terms }
      if (roll < 40) {
        batch.push([Wallet.ref(trader), new PlaceOrder({ ...base, type: "MARKET", referencePrice: 1000 })])
      } else if (roll < 44) {
        batch.push([Wallet.ref(trader), new PlaceOrder({ ...base, type: "STOP", stopPrice: price })])
      } else if (roll < 48) {
        batch.push([Wallet.ref(trader), new PlaceOrder({ ...base, type: "STOP_LIMIT", stopPrice: price, price: price + (side === "BUY" ? 10 : -10) })])
      } else {
        const tif = pick(["GTC", "GTC", "IOC", "FOK", "GTD"] as const)
        batch.push([Wallet.ref(trader), new PlaceOrder({
          ...base, type: "LIMIT", price, timeInForce: tif,
          ...(tif === "GTD" ? { expiresAt: now() + 100 + rng.int(400) } : {}),
          ...(tif === "GTC" && rng.int(4) === 0 ? { postOnly: true } : {}),
          ...(rng.int(5) === 0 ? { selfTradePrevention: pick(["EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT"] as const) } : {})
        })])
      }
    }
    return batch
  }
  return Array.from({ length: rounds }, () => make)
}

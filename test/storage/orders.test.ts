// Order history: version-guarded upserts and a user's history, newest first.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { randomUUID } from "node:crypto"
import { findOrder, ordersByUser, upsertOrders, type OrderRecord } from "../../src/storage/repos/orders.js"
import { backends, migrated } from "../support/database.js"

const order = (overrides: Partial<OrderRecord> & Pick<OrderRecord, "orderId" | "userId">): OrderRecord => ({
  symbol: "VIRAL/SA_ORDER_TEST_001",
  side: "BUY",
  type: "LIMIT",
  timeInForce: "GTC",
  status: "PENDING",
  priceCents: 12_550n,
  stopPriceCents: null,
  quantity: 10n,
  filled: 0n,
  avgPriceCents: null,
  clientOrderId: null,
  version: 1n,
  createdAt: new Date("2024-01-01T10:00:00Z"),
  updatedAt: new Date("2024-01-01T10:00:00Z"),
  ...overrides
})

const fresh = () => ({ orderId: `o_${randomUUID()}`, userId: `u_${randomUUID()}` })

for (const backend of backends) {
  describe(backend.name, () => {
    it.layer(migrated(backend), { timeout: 60_000 })("orders", (it) => {
      it.effect("the guarded order upsert keeps the newer version", () =>
        Effect.gen(function* () {
          const ids = fresh()
          const partial = order({ ...ids, status: "PARTIAL", filled: 4n, avgPriceCents: 12_500n, version: 2n })
          assert.strictEqual(yield* upsertOrders([partial]), 1)
          assert.strictEqual(yield* upsertOrders([order({ ...ids, version: 1n })]), 0)
          assert.deepStrictEqual(yield* findOrder(ids.orderId), Option.some(partial))
        }))

      it.effect("a replayed order write of the same version changes nothing", () =>
        Effect.gen(function* () {
          const ids = fresh()
          const placed = order({ ...ids, version: 3n })
          yield* upsertOrders([placed])
          assert.strictEqual(yield* upsertOrders([{ ...placed, status: "CANCELLED" }]), 0)
          assert.deepStrictEqual(yield* findOrder(ids.orderId), Option.some(placed))
        }))

      it.effect("a batch holding several versions of one order stores the newest", () =>
        Effect.gen(function* () {
          const ids = fresh()
          const filled = order({ ...ids, status: "FILLED", filled: 10n, avgPriceCents: 12_550n, version: 3n })
          yield* upsertOrders([order({ ...ids, version: 1n }), filled, order({ ...ids, status: "PARTIAL", version: 2n })])
          assert.deepStrictEqual(yield* findOrder(ids.orderId), Option.some(filled))
        }))

      it.effect("a user's order history lists their orders newest first, filtered by status", () =>
        Effect.gen(function* () {
          const userId = `u_${randomUUID()}`
          const at = (minute: number) => new Date(Date.UTC(2024, 0, 1, 10, minute))
          const orders = [
            order({ orderId: `${userId}:a`, userId, createdAt: at(1), updatedAt: at(1) }),
            order({ orderId: `${userId}:b`, userId, status: "FILLED", createdAt: at(2), updatedAt: at(3) }),
            order({ orderId: `${userId}:c`, userId, createdAt: at(4), updatedAt: at(4) }),
            order({ ...fresh(), createdAt: at(5), updatedAt: at(5) })
          ]
          yield* upsertOrders(orders)
          const ids = (rows: ReadonlyArray<OrderRecord>) => rows.map((o) => o.orderId)
          assert.deepStrictEqual(ids(yield* ordersByUser({ userId })), [`${userId}:c`, `${userId}:b`, `${userId}:a`])
          assert.deepStrictEqual(ids(yield* ordersByUser({ userId, statuses: ["PENDING"] })), [`${userId}:c`, `${userId}:a`])
          const page = yield* ordersByUser({ userId, limit: 1, before: { createdAt: at(4), orderId: `${userId}:c` } })
          assert.deepStrictEqual(ids(page), [`${userId}:b`])
        }))
    })
  })
}

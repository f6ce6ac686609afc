import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { hashId, OrderIndex } from "../../../src/domain/book/order-index.js"
import { RestingOrder } from "../../../src/domain/book/resting-order.js"

const order = (id: string, hash = hashId(id)) => new RestingOrder().init(id, hash, "u", 0, 0, 1, 0, 1, 0, false, 0, 0, 0, 0)

describe("OrderIndex", () => {
  it("agrees with a Map under random inserts and removals, collisions included", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 2000 }), (ops) => {
        const index = new OrderIndex(4)
        const model = new Map<string, RestingOrder>()
        for (const [add, n] of ops) {
          const id = `k${n}`
          if (add && !model.has(id)) {
            // Force heavy collisions: a third of the ids share one hash.
            const o = n % 3 === 0 ? order(id, 7) : order(id)
            index.insert(o)
            model.set(id, o)
          } else if (!add && model.has(id)) {
            index.remove(model.get(id)!)
            model.delete(id)
          }
          expect(index.size).toBe(model.size)
        }
        for (let n = 0; n <= 300; n++) {
          const id = `k${n}`
          const o = model.get(id)
          expect(index.get(id, o?.hash ?? hashId(id))).toBe(o)
        }
      }),
      { seed: 42, numRuns: 200 }
    )
  })

  it("never hashes an id to the empty marker 0", () => {
    for (const id of ["", "a", "o0", "o1", "\u0000"]) expect(hashId(id)).toBeGreaterThan(0)
  })
})

// Rendezvous assignment (DESIGN §2 "Ownership"): the same answer everywhere, a fair spread, and
// adding or removing a node moves only the shards that node wins or held (about S/N).
import { assert, describe, it } from "@effect/vitest"
import { assignShards, eligibleNodes } from "../../src/runtime/assignment.js"
import type { MembershipView } from "../../src/runtime/membership.js"

const S = 256
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `node-${i + 1}`)
const moved = (a: ReadonlyArray<string | undefined>, b: ReadonlyArray<string | undefined>) => a.filter((owner, s) => owner !== b[s]).length

describe("rendezvous assignment", () => {
  it("does not depend on the order nodes are listed in", () => {
    assert.deepStrictEqual(assignShards(S, ["a", "b", "c"]), assignShards(S, ["c", "a", "b"]))
  })

  it("spreads shards evenly", () => {
    for (const n of [2, 3, 5, 8]) {
      const counts = new Map<string, number>()
      for (const owner of assignShards(S, nodes(n))) counts.set(owner!, (counts.get(owner!) ?? 0) + 1)
      assert.strictEqual(counts.size, n)
      for (const count of counts.values()) assert.isTrue(Math.abs(count - S / n) <= (S / n) * 0.35, `${n} nodes: ${[...counts.values()]}`)
    }
  })

  it("adding a node moves only the shards it wins, about S/N; removing it moves them back", () => {
    for (const n of [1, 2, 3, 5, 8]) {
      const before = assignShards(S, nodes(n))
      const after = assignShards(S, nodes(n + 1))
      const newcomer = `node-${n + 1}`
      assert.isTrue(after.every((owner, s) => owner === before[s] || owner === newcomer), "only the newcomer gains shards")
      const count = moved(before, after)
      assert.isTrue(Math.abs(count - S / (n + 1)) <= (S / (n + 1)) * 0.35, `${n}->${n + 1} nodes moved ${count}`)
      assert.deepStrictEqual(assignShards(S, nodes(n + 1).filter((id) => id !== newcomer)), before)
    }
  })

  it("a newcomer is eligible only after two TTLs; the founders at once", () => {
    const view = (now: number, joined: Record<string, number>): MembershipView => ({
      now,
      nodes: Object.entries(joined).map(([nodeId, joinedAt]) => ({ nodeId, member: `${nodeId}:${joinedAt}`, joinedAt, deadline: now + 1000 }))
    })
    const ids = (v: MembershipView) => eligibleNodes(v, 1000).map((n) => n.nodeId).sort()
    assert.deepStrictEqual(ids(view(10_500, { a: 10_000, b: 10_400 })), ["a", "b"], "founders within two TTLs of the oldest")
    assert.deepStrictEqual(ids(view(50_000, { a: 10_000, b: 49_000 })), ["a"], "a newcomer waits")
    assert.deepStrictEqual(ids(view(51_000, { a: 10_000, b: 49_000 })), ["a", "b"], "two TTLs later it is eligible")
    assert.deepStrictEqual(ids(view(50_000, { b: 49_000 })), ["b"], "a node alone is eligible")
  })
})

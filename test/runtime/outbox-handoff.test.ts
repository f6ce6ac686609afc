// The relay takes committed outbox entries from memory only while they follow its cursor without
// a gap (src/runtime/outbox-handoff.ts); anything else it reads back from Redis.
import { describe, expect, it } from "vitest"
import { type OutboxEntry, OutboxHandoff } from "../../src/runtime/outbox-handoff.js"

const entry = (id: string): OutboxEntry => [id, ["1", `[{"i":"${id}"}]`]]

/** A handoff whose chain is known from entry 10-0 on. */
const knownFrom10 = () => {
  const handoff = new OutboxHandoff()
  for (const id of ["10-0", "11-0", "12-0"]) handoff.committed(entry(id))
  return handoff
}

describe("outbox handoff", () => {
  it("hands nothing over for entries written before this owner's first known one", () => {
    // The first entry's predecessor is unknown (another owner's, or none): read from Redis.
    expect(knownFrom10().after("5-0", 32)).toStrictEqual([])
  })

  it("hands over the entries right after the cursor, in order, up to a page", () => {
    const handoff = knownFrom10()
    expect(handoff.after("10-0", 32)).toStrictEqual([entry("11-0"), entry("12-0")])
    expect(handoff.after("10-0", 1)).toStrictEqual([entry("11-0")])
  })

  it("drops what the relay has passed, and knows when nothing is left to read", () => {
    const handoff = knownFrom10()
    expect(handoff.after("12-0", 32)).toStrictEqual([])
    expect([handoff.drainedTo("12-0"), handoff.drainedTo("11-0")]).toStrictEqual([true, false])
    handoff.committed(entry("13-0"))
    expect(handoff.after("12-0", 32)).toStrictEqual([entry("13-0")])
  })

  it("stops at a commit whose entry ID is unknown, until the relay has read past it", () => {
    const handoff = knownFrom10()
    handoff.unknown() // a re-sent commit answered ALREADY: it may have written 12-5
    handoff.committed(entry("13-0"))
    expect(handoff.after("10-0", 32)).toStrictEqual([entry("11-0"), entry("12-0")])
    // 13-0 may not be next: read from Redis.
    expect(handoff.after("12-0", 32)).toStrictEqual([])
    expect(handoff.drainedTo("12-0")).toBe(false)
    // The chain resumes after it.
    handoff.committed(entry("14-0"))
    expect(handoff.after("13-0", 32)).toStrictEqual([entry("14-0")])
  })
})

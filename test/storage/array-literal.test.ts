// Array literals for unnest inserts: what PostgreSQL reads back is exactly what was written,
// whatever the text holds, and merged batches keep every row in order.
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { intFragment, literal, mergeColumns, noColumns, textFragment } from "../../src/storage/repos/array-literal.js"
import { query } from "../../src/storage/sql.js"
import { backends, migrated } from "../support/database.js"

const odd = ['plain', 'say "hi"', "back\\slash", "{a,b}", "NULL", "", " spaced ", "naïve ✓"]

describe("array literals", () => {
  it("merging column fragments keeps every batch's rows in order and skips empty batches", () => {
    const a = { count: 2, fragments: [textFragment(["x", "y"], (v) => v), intFragment([1, 2], (v) => v)] }
    const b = { count: 1, fragments: [textFragment(["z"], (v) => v), intFragment([3n], (v) => v)] }
    const merged = mergeColumns([noColumns, a, noColumns, b])
    assert.strictEqual(merged.count, 3)
    assert.deepStrictEqual([literal(merged, 0), literal(merged, 1)], ['{"x","y","z"}', "{1,2,3}"])
    assert.strictEqual(mergeColumns([noColumns, a]), a)
  })

  for (const backend of backends) {
    it.layer(migrated(backend), { timeout: 60_000 })(backend.name, (it) => {
      it.effect("text with quotes, backslashes, braces, the word NULL and unicode reads back as written; null is NULL", () =>
        Effect.gen(function* () {
          const values: Array<string | null> = [...odd, null]
          const columns = { count: values.length, fragments: [textFragment(values, (v) => v)] }
          // Read back as JSON: the client's own array parser turns a NULL element into the text "NULL".
          const [row] = yield* query(
            "array literal test",
            (q) => q<Array<{ a: string }>>`select array_to_json(${literal(columns, 0)}::text::text[])::text as a`
          )
          assert.deepStrictEqual(JSON.parse(row!.a), values)
        }))
    })
  }
})

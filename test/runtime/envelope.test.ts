import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { envelopeJson } from "../../src/runtime/envelope.js"

const kind = fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/)
/** Ids as the runtime mints them: `e<hex>.<n>` at the edge, `<shard>.<entry id>.<index>.s<n>` in a handler. */
const mintedId = fc.oneof(
  fc.tuple(fc.stringMatching(/^[0-9a-f]{16}$/), fc.nat()).map(([sender, n]) => `e${sender}.${n}`),
  fc.tuple(fc.nat(63), fc.nat(), fc.nat(), fc.nat(999), fc.nat(99)).map(([shard, ms, seq, index, n]) => `${shard}.${ms}-${seq}.${index}.s${n}`)
)
const key = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 })
const body = fc.record({ _tag: fc.string(), value: fc.jsonValue() })

describe("envelope JSON", () => {
  it("is exactly what JSON.stringify writes for the same envelope", () => {
    fc.assert(
      fc.property(mintedId, kind, key, body, fc.option(fc.string({ unit: "grapheme" }), { nil: undefined }), (i, k, a, b, r) => {
        expect(envelopeJson(i, k, a, b, r)).toBe(JSON.stringify({ i, k, a, b, ...(r === undefined ? {} : { r }) }))
      }),
      { seed: 20261127, numRuns: 2000 }
    )
  })

  it("escapes quotes, backslashes and unicode in keys as JSON does", () => {
    const json = envelopeJson("e1.1", "wallet", 'u"\\\u2028é/VIRAL', { _tag: "Get" })
    expect(JSON.parse(json)).toEqual({ i: "e1.1", k: "wallet", a: 'u"\\\u2028é/VIRAL', b: { _tag: "Get" } })
  })
})

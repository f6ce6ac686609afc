// The compiled guard (src/runtime/type-guard.ts) must answer exactly as `Schema.is` does, for
// every member of every actor protocol and the envelope: on valid values, on valid values with
// one field removed or replaced by anything, and on arbitrary values.
import { describe, expect, it } from "vitest"
import { Arbitrary, FastCheck as fc, Schema } from "effect"
import { Book } from "../../src/actors/book/protocol.js"
import { Listing } from "../../src/actors/listing/protocol.js"
import { MarketMaker } from "../../src/actors/market-maker/protocol.js"
import { Pricing } from "../../src/actors/pricing/protocol.js"
import { Sink } from "../../src/actors/sink/protocol.js"
import { Wallet } from "../../src/actors/wallet/protocol.js"
import { Envelope } from "../../src/runtime/envelope.js"
import { exactTypeGuard, typeGuard } from "../../src/runtime/type-guard.js"

const kinds = [Book, Wallet, Pricing, Listing, MarketMaker, Sink]

/** The fields of every member of a protocol, as one Struct each (what the codec checks). */
const memberStructs = (protocol: Schema.Schema.Any): ReadonlyArray<readonly [string, Schema.Schema.Any]> => {
  const members = "members" in protocol ? (protocol.members as ReadonlyArray<{ _tag: string; fields: Schema.Struct.Fields }>) : []
  return members.map((member) => [member._tag, Schema.Struct(member.fields)] as const)
}

/** A value of the schema's type, then perhaps broken: a field removed or replaced by anything. */
const probe = (schema: Schema.Schema.Any) =>
  fc.oneof(
    Arbitrary.make(schema as Schema.Schema<unknown>).map((value) => ({ ...(value as object) }) as unknown),
    fc.tuple(Arbitrary.make(schema as Schema.Schema<unknown>), fc.nat(), fc.anything()).map(([value, pick, other]) => {
      const copy: Record<string, unknown> = { ...(value as object) }
      const keys = Object.keys(copy)
      if (keys.length > 0) copy[keys[pick % keys.length]!] = other
      return copy as unknown
    }),
    fc.tuple(Arbitrary.make(schema as Schema.Schema<unknown>), fc.nat()).map(([value, pick]) => {
      const copy: Record<string, unknown> = { ...(value as object) }
      const keys = Object.keys(copy)
      if (keys.length > 0) delete copy[keys[pick % keys.length]!]
      return copy as unknown
    }),
    fc.anything()
  )

const agreesWithSchemaIs = (schema: Schema.Schema.Any) => {
  const expected = Schema.is(schema as Schema.Schema<unknown>)
  const actual = typeGuard(schema)
  fc.assert(
    fc.property(probe(schema), (input) => {
      expect(actual(input)).toBe(expected(input))
    }),
    { numRuns: 400, seed: 42 }
  )
}

describe("type guard", () => {
  for (const kind of kinds) {
    it(`answers as Schema.is for every ${kind.name} message's fields`, () => {
      for (const [, struct] of memberStructs(kind.protocol as Schema.Schema.Any)) agreesWithSchemaIs(struct)
    })
  }

  it("answers as Schema.is for the envelope", () => {
    agreesWithSchemaIs(Envelope)
  })

  it("answers as Schema.is for tuples: fixed elements, a rest type, wrong lengths", () => {
    const tuples: ReadonlyArray<Schema.Schema.Any> = [
      Schema.Tuple(Schema.String, Schema.Number),
      Schema.Tuple([Schema.String], Schema.Int),
      Schema.Array(Schema.Tuple(Schema.String, Schema.String, Schema.Int))
    ]
    const arrays = fc.array(fc.oneof(fc.string(), fc.integer(), fc.double(), fc.tuple(fc.string(), fc.string(), fc.integer())), { maxLength: 4 })
    for (const tuple of tuples) {
      const expected = Schema.is(tuple as Schema.Schema<unknown>)
      const actual = typeGuard(tuple)
      fc.assert(
        fc.property(fc.oneof(Arbitrary.make(tuple as Schema.Schema<unknown>), arrays, fc.anything()), (input) => {
          expect(actual(input)).toBe(expected(input))
        }),
        { numRuns: 1_000, seed: 42 }
      )
    }
  })

  it("refuses a value that breaks a refinement", () => {
    const guard = typeGuard(Schema.Struct({ n: Schema.Int.pipe(Schema.positive()) }))
    expect([guard({ n: 3 }), guard({ n: 0 }), guard({ n: 1.5 }), guard({ n: "3" })]).toStrictEqual([true, false, false, false])
  })

  it("requires required keys and allows absent optional ones", () => {
    const guard = typeGuard(Schema.Struct({ a: Schema.String, b: Schema.optional(Schema.Number) }))
    expect([guard({ a: "x" }), guard({ a: "x", b: undefined }), guard({ b: 1 }), guard({ a: "x", b: "1" })]).toStrictEqual([true, true, false, false])
  })

  it("exact: refuses a key no struct declares, at any depth, and accepts what Schema.is accepts otherwise", () => {
    const schema = Schema.Struct({ a: Schema.String, b: Schema.optional(Schema.Number), rows: Schema.Array(Schema.Struct({ id: Schema.String })) })
    const guard = exactTypeGuard(schema)
    expect([
      guard({ a: "x", rows: [{ id: "1" }] }),
      guard({ a: "x", b: 2, rows: [] }),
      guard({ a: "x", rows: [], extra: 1 }),
      guard({ a: "x", rows: [{ id: "1", secret: "s" }] }),
      guard({ a: 1, rows: [] })
    ]).toStrictEqual([true, true, false, false, false])
  })

  it("exact: a record of strings to values accepts any keys whose values pass, and nothing else", () => {
    const guard = exactTypeGuard(Schema.Record({ key: Schema.String, value: Schema.Struct({ available: Schema.Number }) }))
    expect([guard({}), guard({ ZAR: { available: 1 }, USD: { available: 0 } }), guard({ ZAR: { available: "1" } }), guard({ ZAR: { available: 1, x: 1 } }), guard([])]).toStrictEqual([
      true,
      true,
      false,
      false,
      false
    ])
  })

  it("exact: never accepts what Schema.is refuses, for every member of every protocol", () => {
    for (const kind of kinds) {
      for (const [, struct] of memberStructs(kind.protocol as Schema.Schema.Any)) {
        const is = Schema.is(struct as Schema.Schema<unknown>)
        const exact = exactTypeGuard(struct)
        fc.assert(
          fc.property(probe(struct), (input) => {
            if (exact(input)) expect(is(input)).toBe(true)
          }),
          { numRuns: 200, seed: 42 }
        )
      }
    }
  })
})

import { describe, expect, it } from "@effect/vitest"
import { Either, Exit, Schema } from "effect"
import fc from "fast-check"
import { exitCodec } from "../../src/runtime/reply-codec.js"

class Refused extends Schema.TaggedError<Refused>()("Refused", { reason: Schema.String }) {}
class Quote extends Schema.Class<Quote>("Quote")({ price: Schema.NumberFromString, at: Schema.DateFromNumber }) {}
class GetQuote extends Schema.TaggedRequest<GetQuote>()("GetQuote", { failure: Refused, success: Quote, payload: {} }) {}

const request = new GetQuote()
const fullSchema = Schema.exitSchema(request)
const quote = fc
  .tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 0, max: 2 ** 40 }))
  .map(([price, at]) => new Quote({ price, at: new Date(at) }))
const outcome = fc.oneof(
  quote.map((q) => Exit.succeed(q) as Exit.Exit<Quote, Refused>),
  fc.string().map((reason) => Exit.fail(new Refused({ reason })) as Exit.Exit<Quote, Refused>)
)

describe("reply codec", () => {
  it("encodes any outcome exactly as the whole Exit schema does", () => {
    fc.assert(
      fc.property(outcome, (exit) => {
        expect(exitCodec(request).encode(exit)).toEqual(Schema.encodeSync(fullSchema)(exit))
      }),
      { seed: 20261127, numRuns: 500 }
    )
  })

  it("decodes any encoded outcome, read back from JSON, as the whole Exit schema does", () => {
    fc.assert(
      fc.property(outcome, (exit) => {
        const wire = JSON.parse(JSON.stringify(Schema.encodeSync(fullSchema)(exit)))
        expect(Either.getOrThrow(exitCodec(request).decode(wire))).toEqual(Either.getOrThrow(Schema.decodeUnknownEither(fullSchema)(wire)))
      }),
      { seed: 20261127, numRuns: 500 }
    )
  })

  it("refuses a success whose value does not match the success schema", () => {
    expect(Either.isLeft(exitCodec(request).decode({ _tag: "Success", value: { price: 5, at: "soon" } }))).toBe(true)
  })
})

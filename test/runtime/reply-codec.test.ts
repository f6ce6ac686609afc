import { describe, expect, it } from "@effect/vitest"
import { Arbitrary, Either, Exit, FastCheck, Schema } from "effect"
import fc from "fast-check"
import { Book } from "../../src/actors/book/protocol.js"
import { Listing } from "../../src/actors/listing/protocol.js"
import { MarketMaker } from "../../src/actors/market-maker/protocol.js"
import { Pricing } from "../../src/actors/pricing/protocol.js"
import { Sink } from "../../src/actors/sink/protocol.js"
import { Wallet } from "../../src/actors/wallet/protocol.js"
import type { Tagged } from "../../src/runtime/actor.js"
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

  // Every request of every actor protocol: its success replies, plain or not, as the Exit schema codes them.
  const requests = [Book, Wallet, Pricing, Listing, MarketMaker, Sink].flatMap((kind) => {
    const protocol = kind.protocol as unknown as Schema.Schema<Tagged, unknown>
    const members = "members" in protocol ? (protocol.members as ReadonlyArray<unknown>) : [protocol]
    return members.flatMap((member) => {
      if (typeof member !== "function" || !("success" in member)) return []
      const sample = FastCheck.sample(Arbitrary.make(member as unknown as Schema.Schema<Tagged>), { numRuns: 1, seed: 7 })[0]!
      return [[`${kind.name} ${sample._tag}`, sample as Tagged & Schema.WithResult.Any] as const]
    })
  })

  it("knows requests of the actor protocols to check", () => {
    expect(requests.map(([name]) => name)).toContain("wallet GetWallet")
  })

  for (const [name, message] of requests) {
    it(`codes every success reply of ${name} as the whole Exit schema does, through JSON`, () => {
      const exit = Schema.exitSchema(message) as Schema.Schema<Exit.Exit<unknown, unknown>, unknown>
      const success = Schema.successSchema(message) as Schema.Schema<unknown, unknown>
      FastCheck.assert(
        FastCheck.property(Arbitrary.make(success), (value) => {
          const expected = Schema.encodeSync(exit)(Exit.succeed(value))
          const encoded = exitCodec(message).encode(Exit.succeed(value))
          expect(JSON.stringify(encoded)).toBe(JSON.stringify(expected))
          // What JSON changes (an infinity to null, say) Schema may refuse to decode: both must then refuse.
          const wire = JSON.parse(JSON.stringify(encoded))
          const full = Schema.decodeUnknownEither(exit)(wire)
          const fast = exitCodec(message).decode(wire)
          expect(Either.isRight(fast)).toBe(Either.isRight(full))
          if (Either.isRight(full)) expect(Either.getOrThrow(fast)).toEqual(full.right)
        }),
        { seed: 20261128, numRuns: 200 }
      )
    })
  }

  it("leaves out of a reply the keys its success schema does not declare, as Schema's encode does", () => {
    class Peek extends Schema.TaggedRequest<Peek>()("Peek", {
      failure: Refused,
      success: Schema.Struct({ balance: Schema.Number, rows: Schema.Array(Schema.Struct({ id: Schema.String })) }),
      payload: {}
    }) {}
    const value = { balance: 5, internal: "secret", rows: [{ id: "a", hidden: true }] }
    expect(exitCodec(new Peek()).encode(Exit.succeed(value))).toStrictEqual({ _tag: "Success", value: { balance: 5, rows: [{ id: "a" }] } })
  })
})

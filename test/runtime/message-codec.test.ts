// The hot-path codec (src/runtime/message-codec.ts) must give exactly what Schema's full decode
// and encode give, for every message of every actor protocol: same class, same fields (deeply),
// the same JSON.
import { describe, expect, it } from "vitest"
import { Arbitrary, Either, FastCheck as fc, Schema } from "effect"
import { Book } from "../../src/actors/book/protocol.js"
import { Listing } from "../../src/actors/listing/protocol.js"
import { MarketMaker } from "../../src/actors/market-maker/protocol.js"
import { Pricing } from "../../src/actors/pricing/protocol.js"
import { Sink } from "../../src/actors/sink/protocol.js"
import { Wallet } from "../../src/actors/wallet/protocol.js"
import type { Tagged } from "../../src/runtime/actor.js"
import { makeMessageDecoder, makeMessageEncoder, type MessageClass, trustedMessage } from "../../src/runtime/message-codec.js"

const kinds = [Book, Wallet, Pricing, Listing, MarketMaker, Sink]

const ownFields = (value: object) => Object.fromEntries(Object.keys(value).sort().map((k) => [k, (value as Record<string, unknown>)[k]]))

describe("message codec", () => {
  for (const kind of kinds) {
    it(`decodes every ${kind.name} message as the full decode does`, () => {
      const protocol = kind.protocol as unknown as Schema.Schema<Tagged, unknown>
      const full = Schema.decodeUnknownEither(protocol)
      const fast = makeMessageDecoder(protocol)
      const wire = Arbitrary.make(protocol).map((message) => Schema.encodeSync(protocol)(message) as unknown)
      fc.assert(
        fc.property(wire, (encoded) => {
          const expected = Either.getOrThrow(full(encoded))
          const actual = Either.getOrThrow(fast(encoded))
          expect(Object.getPrototypeOf(actual)).toBe(Object.getPrototypeOf(expected))
          expect(ownFields(actual)).toStrictEqual(ownFields(expected))
        }),
        { numRuns: 300, seed: 42 }
      )
    })
  }

  for (const kind of kinds) {
    it(`encodes every ${kind.name} message to the JSON of the full encode`, () => {
      const protocol = kind.protocol as unknown as Schema.Schema<Tagged, unknown>
      const full = Schema.encodeSync(protocol)
      const fast = makeMessageEncoder(protocol)
      fc.assert(
        fc.property(Arbitrary.make(protocol), (message) => {
          expect(JSON.parse(JSON.stringify(fast(message)))).toStrictEqual(JSON.parse(JSON.stringify(full(message))))
        }),
        { numRuns: 300, seed: 42 }
      )
    })
  }

  it("refuses what the full decode refuses, with its error", () => {
    const protocol = Wallet.protocol as unknown as Schema.Schema<Tagged, unknown>
    const bad = { _tag: "PlaceOrder", symbol: 42 }
    expect(makeMessageDecoder(protocol)(bad)).toStrictEqual(Schema.decodeUnknownEither(protocol)(bad))
  })

  it("drops properties the message does not declare", () => {
    const protocol = Pricing.protocol as unknown as Schema.Schema<Tagged, unknown>
    const wire = Schema.encodeSync(protocol)(fc.sample(Arbitrary.make(protocol), { numRuns: 1, seed: 7 })[0]!) as Record<string, unknown>
    const decoded = Either.getOrThrow(makeMessageDecoder(protocol)({ ...wire, injected: true }))
    expect(Object.keys(decoded)).not.toContain("injected")
  })

  for (const kind of kinds) {
    it(`builds every ${kind.name} message as its class constructor does, with trustedMessage`, () => {
      const protocol = kind.protocol as unknown as Schema.Schema<Tagged, unknown>
      fc.assert(
        fc.property(Arbitrary.make(protocol), (message) => {
          const Class = message.constructor as MessageClass<Tagged, object>
          const { _tag, ...props } = message as Tagged & Record<string, unknown>
          const expected = new Class(props)
          const actual = trustedMessage(Class, props)
          expect(Object.getPrototypeOf(actual)).toBe(Class.prototype)
          expect(ownFields(actual)).toStrictEqual(ownFields(expected))
        }),
        { numRuns: 100, seed: 42 }
      )
    })
  }

  it("fills a field's constructor default when trustedMessage is not given it", () => {
    class Ping extends Schema.TaggedClass<Ping>()("Ping", { n: Schema.Number, note: Schema.String.pipe(Schema.propertySignature, Schema.withConstructorDefault(() => "none")) }) {}
    expect(ownFields(trustedMessage(Ping, { n: 1 }))).toStrictEqual(ownFields(new Ping({ n: 1 })))
    expect(trustedMessage(Ping, { n: 1, note: "given" }).note).toBe("given")
  })
})

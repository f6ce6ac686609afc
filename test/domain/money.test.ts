import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { formatCents, MoneyInput, parseCents, parseUnits, PriceInput } from "../../src/domain/money.js"

const accepted: ReadonlyArray<[number | string, number]> = [
  ["125.50", 12550],
  [125.5, 12550],
  ["125.5", 12550],
  ["125", 12500],
  [0.01, 1],
  ["1.500", 150],
  [" 7.25 ", 725],
  ["90071992547409.91", 9007199254740991]
]

const rejected: ReadonlyArray<[number | string, string]> = [
  [Number.NaN, "NotANumber"],
  [Number.POSITIVE_INFINITY, "NotANumber"],
  ["abc", "NotANumber"],
  ["", "NotANumber"],
  ["1e3", "NotANumber"],
  ["-1.00", "Negative"],
  [-5, "Negative"],
  ["0", "Zero"],
  ["125.505", "TooPrecise"],
  [0.1 + 0.2, "TooPrecise"],
  [1e-7, "TooPrecise"],
  ["90071992547409.92", "OutOfRange"],
  [1e21, "OutOfRange"]
]

describe("parseCents", () => {
  for (const [input, cents] of accepted) {
    it(`reads ${JSON.stringify(input)} as ${cents} cents`, () => {
      expect(parseCents(input)).toEqual(Either.right(cents))
    })
  }
  for (const [input, tag] of rejected) {
    it(`rejects ${String(input)} as ${tag}`, () => {
      const r = parseCents(input)
      expect(Either.isLeft(r) && r.left._tag).toBe(tag)
    })
  }
  it("rejects a price off a 5-cent tick instead of rounding it", () => {
    const r = parseCents("1.02", { step: 5 })
    expect(Either.isLeft(r) && r.left._tag).toBe("TooPrecise")
  })
  it("accepts negatives and zero only when asked to", () => {
    expect(parseCents("-0.05", { allowNegative: true })).toEqual(Either.right(-5))
    expect(parseCents("0.00", { allowZero: true })).toEqual(Either.right(0))
  })
})

describe("parseUnits", () => {
  it("reads whole units", () => {
    expect(parseUnits("6")).toEqual(Either.right(6))
  })
  it("rejects a fractional quantity", () => {
    const r = parseUnits("1.5")
    expect(Either.isLeft(r) && r.left._tag).toBe("TooPrecise")
  })
  it("rejects a quantity off the lot", () => {
    const r = parseUnits(15, { step: 10 })
    expect(Either.isLeft(r) && r.left._tag).toBe("TooPrecise")
  })
})

describe("formatCents", () => {
  const table: ReadonlyArray<[number, string]> = [[12550, "125.50"], [1, "0.01"], [0, "0.00"], [-5, "-0.05"], [100, "1.00"]]
  for (const [cents, text] of table) {
    it(`prints ${cents} as ${text}`, () => {
      expect(formatCents(cents)).toBe(text)
    })
  }
  it("round-trips every parsed amount", () => {
    for (const [, cents] of accepted) expect(parseCents(formatCents(cents))).toEqual(Either.right(cents))
  })
})

describe("PriceInput", () => {
  it("decodes a decimal string to cents", () => {
    expect(Schema.decodeUnknownSync(PriceInput)("125.50")).toBe(12550)
  })
  it("fails with a message that says extra decimals are rejected", () => {
    const r = Schema.decodeUnknownEither(PriceInput)("1.234")
    expect(Either.isLeft(r) && r.left.message).toMatch(/extra decimals are rejected/)
  })
  it("encodes cents back to a decimal string", () => {
    expect(Schema.encodeSync(PriceInput)(Schema.decodeUnknownSync(PriceInput)(3))).toBe("3.00")
  })
  it("lets MoneyInput accept zero while PriceInput refuses it", () => {
    expect(Schema.decodeUnknownSync(MoneyInput)(0)).toBe(0)
    expect(Either.isLeft(Schema.decodeUnknownEither(PriceInput)(0))).toBe(true)
  })
})

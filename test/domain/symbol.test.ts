import { Either, Schema } from "effect"
import { describe, expect, it } from "vitest"
import { MarketSymbol, type SymbolRegistry, SymbolNormalizer } from "../../src/domain/symbol.js"

const symbolOf = (registry: SymbolRegistry, topic: string, category?: string) => {
  const r = SymbolNormalizer.normalize(registry, topic, category)
  if (Either.isLeft(r)) throw new Error(r.left)
  return r.right
}

describe("SymbolNormalizer", () => {
  const examples: ReadonlyArray<[string, string]> = [
    ["DJ Zinhle dance challenge", "VIRAL/SA_DJ_ZINHLE_001"],
    ["Bitcoin price spike", "VIRAL/SA_CRYPTO_BTC_001"],
    ["Springboks win", "VIRAL/SA_SPORTS_SPRINGBOKS_001"]
  ]
  for (const [topic, symbol] of examples) {
    it(`maps "${topic}" to ${symbol}`, () => {
      expect(symbolOf(SymbolNormalizer.empty, topic).symbol).toBe(symbol)
    })
  }

  it("maps the same topic to the same symbol however it is cased or punctuated", () => {
    const first = symbolOf(SymbolNormalizer.empty, "Bitcoin price spike")
    const again = symbolOf(first.registry, "  bitcoin PRICE spike!! ")
    expect(again.symbol).toBe(first.symbol)
    expect(again.registry).toBe(first.registry)
  })

  it("numbers a different topic with the same base collision-free", () => {
    const a = symbolOf(SymbolNormalizer.empty, "Bitcoin price spike")
    const b = symbolOf(a.registry, "Bitcoin crash")
    const c = symbolOf(b.registry, "Bitcoin rally")
    expect([a.symbol, b.symbol, c.symbol]).toEqual([
      "VIRAL/SA_CRYPTO_BTC_001",
      "VIRAL/SA_CRYPTO_BTC_002",
      "VIRAL/SA_CRYPTO_BTC_003"
    ])
  })

  it("is deterministic: the same sequence of topics yields the same symbols", () => {
    const run = () => {
      let reg = SymbolNormalizer.empty
      const out: Array<string> = []
      for (const t of ["Amapiano festival", "Bitcoin pump", "Springboks win", "Bitcoin dump", "Eskom loadshedding"]) {
        const r = symbolOf(reg, t)
        reg = r.registry
        out.push(r.symbol)
      }
      return out
    }
    expect(run()).toEqual(run())
  })

  it("uses an explicit category when one is given", () => {
    expect(symbolOf(SymbolNormalizer.empty, "DJ Zinhle dance challenge", "Music").symbol).toBe("VIRAL/SA_MUSIC_DJ_ZINHLE_001")
  })

  it("keeps only upper-case A-Z, 0-9 and underscores, folding accents", () => {
    const s = symbolOf(SymbolNormalizer.empty, "Déjà vu — Zoë's 2024 tour!").symbol
    expect(s).toMatch(/^VIRAL\/SA_[A-Z0-9_]+_\d{3}$/)
    expect(s).toBe("VIRAL/SA_DEJA_VU_ZOES_001")
  })

  it("refuses a topic with no letters or digits", () => {
    expect(Either.isLeft(SymbolNormalizer.normalize(SymbolNormalizer.empty, "!!! ???"))).toBe(true)
  })
})

describe("MarketSymbol", () => {
  it("accepts a well-formed symbol", () => {
    expect(Either.isRight(Schema.decodeUnknownEither(MarketSymbol)("VIRAL/SA_CRYPTO_BTC_001"))).toBe(true)
  })
  it("rejects lower case, a missing number and a foreign prefix", () => {
    for (const bad of ["VIRAL/SA_crypto_BTC_001", "VIRAL/SA_CRYPTO_BTC", "VIRAL/US_BTC_001", "VIRAL/SA_BTC_01"]) {
      expect(Either.isLeft(Schema.decodeUnknownEither(MarketSymbol)(bad))).toBe(true)
    }
  })
})

import { Either } from "effect"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import {
  Account, applyPosting, applyPostingsInPlace, type Balances, balanceKey, depositPosting, issuePosting, releasePosting, reservePosting,
  settleBuyPosting, settleSellPosting, validatePosting
} from "../../src/domain/ledger.js"

const apply = (b: Balances, ...ps: Parameters<typeof applyPosting>[1][]): Balances =>
  ps.reduce((acc, p) => {
    const r = applyPosting(acc, p)
    if (Either.isLeft(r)) throw new Error(r.left.detail)
    return r.right
  }, b)

const SYM = "VIRAL/SA_CRYPTO_BTC_001"

describe("ledger", () => {
  it("accepts a posting that sums to zero per currency", () => {
    expect(Either.isRight(validatePosting(reservePosting("m1", "alice", "ZAR", 500)))).toBe(true)
  })

  it("rejects a posting that does not balance", () => {
    const r = validatePosting({ id: "bad", entries: [{ account: "a:available", currency: "ZAR", amount: 5 }] })
    expect(Either.isLeft(r) && r.left.reason).toBe("Unbalanced")
  })

  it("rejects fractional amounts", () => {
    const r = validatePosting({
      id: "bad",
      entries: [
        { account: "a:available", currency: "ZAR", amount: 0.5 },
        { account: "b:available", currency: "ZAR", amount: -0.5 }
      ]
    })
    expect(Either.isLeft(r) && r.left.reason).toBe("BadAmount")
  })

  it("refuses to overdraw a wallet account", () => {
    const r = applyPosting({}, reservePosting("m1", "alice", "ZAR", 1))
    expect(Either.isLeft(r) && r.left.reason).toBe("Overdrawn")
  })

  it("drops zero-fee lines from a settlement", () => {
    const p = settleBuyPosting("f1", { owner: "alice", symbol: SYM, currency: "ZAR", qty: 2, notional: 2000, fee: 0 })
    expect(p.entries.some((e) => e.amount === 0)).toBe(false)
  })

  it("conserves money and units through deposit, issue, reserve, settle and release", () => {
    const b = apply(
      {},
      depositPosting("d1", "alice", "ZAR", 10_000),
      issuePosting("i1", "house", SYM, 100),
      reservePosting("r1", "alice", "ZAR", 3_010),
      reservePosting("r2", "house", SYM, 3),
      settleSellPosting("s1", { owner: "house", symbol: SYM, currency: "ZAR", qty: 3, notional: 3_000, fee: 3 }),
      settleBuyPosting("s2", { owner: "alice", symbol: SYM, currency: "ZAR", qty: 3, notional: 3_000, fee: 6 }),
      releasePosting("x1", "alice", "ZAR", 4)
    )
    const sum = (currency: string) =>
      Object.entries(b).filter(([k]) => k.endsWith(`|${currency}`)).reduce((acc, [, v]) => acc + v, 0)
    expect(sum("ZAR")).toBe(0)
    expect(sum(SYM)).toBe(0)
    expect(b[balanceKey(Account.clearing(SYM), "ZAR")]).toBe(0)
    expect(b[balanceKey(Account.available("alice"), SYM)]).toBe(3)
    expect(b[balanceKey(Account.available("alice"), "ZAR")]).toBe(10_000 - 3_006)
    expect(b[balanceKey(Account.locked("alice"), "ZAR")]).toBe(0)
    expect(b[balanceKey(Account.available("house"), "ZAR")]).toBe(2_997)
  })

  it("postings applied in place equal the same postings applied one by one, and a refused run changes nothing", () => {
    // Seeded: random moves between two wallets and the outside world, some of them overdrawing.
    const move = fc.record({
      kind: fc.constantFrom("deposit", "reserve", "release"),
      owner: fc.constantFrom("alice", "bob"),
      amount: fc.integer({ min: 1, max: 500 })
    })
    fc.assert(
      fc.property(fc.array(move, { maxLength: 12 }), fc.array(move, { minLength: 1, maxLength: 4 }), (setup, run) => {
        const posting = (m: typeof setup[number], i: number) =>
          (m.kind === "deposit" ? depositPosting : m.kind === "reserve" ? reservePosting : releasePosting)(`p${i}`, m.owner, "ZAR", m.amount)
        let start: Balances = {}
        for (const [i, m] of setup.entries()) {
          const r = applyPosting(start, posting(m, i))
          if (Either.isRight(r)) start = r.right
        }
        const postings = run.map(posting)
        let oneByOne: Either.Either<Balances, unknown> = Either.right(start)
        for (const p of postings) oneByOne = Either.flatMap(oneByOne, (b) => applyPosting(b, p))
        const balances = { ...start }
        const inPlace = applyPostingsInPlace(balances, postings)
        expect(Either.isRight(inPlace)).toBe(Either.isRight(oneByOne))
        expect(balances).toEqual(Either.isRight(oneByOne) ? oneByOne.right : start)
      }),
      { seed: 20261127, numRuns: 500 }
    )
  })
})

import fc from "fast-check"
import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { accrueFee, buyReservation, chargedOf, feeCeil, makeFeeSchedule, maxFee, noFees, sellerProceeds } from "../../src/domain/fees.js"

describe("fees", () => {
  it("rounds a fill's fee up to the next cent", () => {
    // 10 bp of R10.01 = 1.001 cents → 2 cents.
    expect(accrueFee(noFees, 10, 1001).fee).toBe(2)
  })

  it("charges a later fill only what the rounded total grew by", () => {
    const first = accrueFee(noFees, 10, 1001) // exact 1.001 → 2
    const second = accrueFee(first.accrual, 10, 999) // exact total 2.000 → 2, so 0 more
    expect([first.fee, second.fee]).toEqual([2, 0])
  })

  it("never charges more over split fills than one fill of the same total would", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 1, maxLength: 30 }), (rate, fills) => {
        let a = noFees
        let charged = 0
        for (const n of fills) {
          const r = accrueFee(a, rate, n)
          charged += r.fee
          a = r.accrual
        }
        const total = fills.reduce((x, y) => x + y, 0)
        expect(charged).toBe(feeCeil(rate, total))
        expect(charged).toBe(chargedOf(a))
      }),
      { seed: 42, numRuns: 200 }
    )
  })

  it("keeps mixed maker and taker fills within the fee reserved at the higher rate", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 1_000_000 })), { minLength: 1, maxLength: 20 }), (fills) => {
        const schedule = { makerBps: 7, takerBps: 25 }
        let a = noFees
        let charged = 0
        for (const [maker, n] of fills) {
          const r = accrueFee(a, maker ? schedule.makerBps : schedule.takerBps, n)
          charged += r.fee
          a = r.accrual
        }
        expect(charged).toBeLessThanOrEqual(maxFee(schedule, fills.reduce((x, [, n]) => x + n, 0)))
      }),
      { seed: 42, numRuns: 200 }
    )
  })

  it("computes the fee exactly near the safe-integer limit", () => {
    expect(feeCeil(10_000, 9_007_199_254_740_991)).toBe(9_007_199_254_740_991)
  })

  it("reserves worst price times quantity plus the maximum fee rounded up", () => {
    expect(buyReservation({ makerBps: 5, takerBps: 20 }, 1001, 3)).toBe(3003 + 7)
  })

  it("pays the seller the notional less the rounded-up fee, so proceeds round down", () => {
    expect(sellerProceeds(1001, accrueFee(noFees, 10, 1001).fee)).toBe(999)
  })

  it("refuses fractional or negative rates", () => {
    expect(Either.isLeft(makeFeeSchedule(1.5, 10))).toBe(true)
    expect(Either.isLeft(makeFeeSchedule(-1, 10))).toBe(true)
  })
})

import { describe, expect, it } from "vitest"
import { defaultCategoryParams as p, indexPrice, simulatePriceMovement } from "../../src/domain/pricing.js"

describe("indexPrice", () => {
  it("adds Δvirality × velocity × sentiment weight to the base", () => {
    // 20 points × 10 c × 1.5 × (1 + 0.4 × 0.5 = 1.2) = 360 c
    expect(indexPrice(p, { deltaVirality: 20, velocityPermille: 1500, sentimentPermille: 400 })).toBe(p.base + 360)
  })
  it("returns the base when virality is unchanged", () => {
    expect(indexPrice(p, { deltaVirality: 0, velocityPermille: 2000, sentimentPermille: 900 })).toBe(p.base)
  })
  it("clamps to the floor so the price never reaches zero", () => {
    expect(indexPrice({ ...p, floor: 50 }, { deltaVirality: -10_000, velocityPermille: 3000, sentimentPermille: 1000 })).toBe(50)
  })
  it("caps the velocity multiplier at the category maximum", () => {
    const capped = indexPrice(p, { deltaVirality: 10, velocityPermille: 99_000, sentimentPermille: 0 })
    expect(capped).toBe(p.base + 10 * 10 * 3)
  })
  it("yields integer cents for awkward fractions", () => {
    expect(Number.isInteger(indexPrice(p, { deltaVirality: 7, velocityPermille: 1333, sentimentPermille: -333 }))).toBe(true)
  })
})

describe("simulatePriceMovement", () => {
  const input = {
    start: 1_000,
    signals: [
      { deltaVirality: 3, velocityPermille: 1200, sentimentPermille: 200 },
      { deltaVirality: 5, velocityPermille: 1400, sentimentPermille: 300 }
    ],
    steps: 20,
    volatilityBps: 150,
    seed: 7
  }
  it("projects the same path for the same inputs and seed", () => {
    expect(simulatePriceMovement(p, input)).toEqual(simulatePriceMovement(p, input))
  })
  it("projects a different path for a different seed", () => {
    expect(simulatePriceMovement(p, { ...input, seed: 8 })).not.toEqual(simulatePriceMovement(p, input))
  })
  it("follows a rising trend as a straight line when there is no noise", () => {
    const path = simulatePriceMovement(p, { ...input, volatilityBps: 0, steps: 3 })
    const step = indexPrice(p, { deltaVirality: 4, velocityPermille: 1300, sentimentPermille: 250 }) - p.base
    expect(path).toEqual([1_000 + step, 1_000 + 2 * step, 1_000 + 3 * step])
  })
  it("never goes below the floor", () => {
    const path = simulatePriceMovement({ ...p, floor: 5 }, { ...input, signals: [{ deltaVirality: -50, velocityPermille: 3000, sentimentPermille: -1000 }] })
    expect(Math.min(...path)).toBeGreaterThanOrEqual(5)
  })
})

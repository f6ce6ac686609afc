// Index price from trend signals (DESIGN §3): price = base + Δvirality × velocityMultiplier ×
// sentimentWeight, in integer cents, clamped to a floor above zero; parameters per category
// arrive as values (messages), never from the environment. Plus a seeded price projection.
import { seededRandom } from "./seeded-random.js"

/** Per-category pricing parameters (integers; permille = thousandths). */
export interface CategoryParams {
  /** Price in cents of a fresh listing, and the default base. */
  readonly base: number
  /** Lowest index price in cents; at least 1 so a price is never zero. */
  readonly floor: number
  /** Cents one virality point moves the price at multiplier and weight 1.0. */
  readonly centsPerPoint: number
  /** Upper bound on the velocity multiplier, permille (e.g. 3000 = 3.0×). */
  readonly maxVelocityPermille: number
  /** How strongly sentiment bends the move, permille: weight = 1 + sentiment × sensitivity. */
  readonly sentimentSensitivityPermille: number
}

/** One observation of a trend, already in integer units. */
export interface TrendSignal {
  /** Change in virality score since the base was set, in points (may be negative). */
  readonly deltaVirality: number
  /** How fast the trend is spreading, permille (1000 = normal). */
  readonly velocityPermille: number
  /** Sentiment in −1000 (hostile) … 1000 (enthusiastic). */
  readonly sentimentPermille: number
}

/** Defaults per category; the pricing actor receives its own as messages. */
export const defaultCategoryParams: CategoryParams = {
  base: 1_000,
  floor: 1,
  centsPerPoint: 10,
  maxVelocityPermille: 3_000,
  sentimentSensitivityPermille: 500
}

const clamp = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v)

// Round a BigInt quotient half away from zero, so +x and −x move the price symmetrically.
const divRound = (n: bigint, d: bigint): bigint => {
  const neg = n < 0n
  const a = neg ? -n : n
  const q = (a + d / 2n) / d
  return neg ? -q : q
}

/** The velocity multiplier a signal gets, permille, within [0, maxVelocityPermille]. */
export const velocityMultiplier = (p: CategoryParams, s: TrendSignal): number =>
  clamp(Math.trunc(s.velocityPermille), 0, p.maxVelocityPermille)

/** The sentiment weight, permille: 1000 + sentiment × sensitivity / 1000, never below 0. */
export const sentimentWeight = (p: CategoryParams, s: TrendSignal): number =>
  Math.max(0, 1000 + Math.trunc((clamp(Math.trunc(s.sentimentPermille), -1000, 1000) * p.sentimentSensitivityPermille) / 1000))

/** Index price in cents for a signal against `base` (default the category base), floored. */
export const indexPrice = (p: CategoryParams, s: TrendSignal, base: number = p.base): number => {
  // BigInt keeps the product exact: points × cents × two permille factors can pass 2^53.
  const move = divRound(
    BigInt(Math.trunc(s.deltaVirality)) * BigInt(p.centsPerPoint) * BigInt(velocityMultiplier(p, s)) *
      BigInt(sentimentWeight(p, s)),
    1_000_000n
  )
  const floor = Math.max(1, p.floor)
  const price = BigInt(base) + move
  return price < BigInt(floor) ? floor : price > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(price)
}

/** Inputs of a projection: start price, recent signals, horizon, noise and its seed. */
export interface SimulationInput {
  readonly start: number
  readonly signals: ReadonlyArray<TrendSignal>
  readonly steps: number
  /** Per-step noise as basis points of the current price (0 = a straight trend line). */
  readonly volatilityBps: number
  readonly seed: number
}

/**
 * Project a price path: each step applies the mean recent signal to the previous price, plus
 * seeded noise. Same inputs, same path (it runs inside replaying actors).
 */
export const simulatePriceMovement = (p: CategoryParams, input: SimulationInput): Array<number> => {
  const n = input.signals.length
  const mean = (f: (s: TrendSignal) => number): number =>
    n === 0 ? 0 : Math.trunc(input.signals.reduce((acc, s) => acc + f(s), 0) / n)
  const trend: TrendSignal = {
    deltaVirality: mean((s) => s.deltaVirality),
    velocityPermille: n === 0 ? 1000 : mean((s) => s.velocityPermille),
    sentimentPermille: mean((s) => s.sentimentPermille)
  }
  const rng = seededRandom(input.seed)
  const path: Array<number> = []
  let price = Math.max(Math.max(1, p.floor), Math.trunc(input.start))
  for (let i = 0; i < input.steps; i++) {
    const noise = Math.round(((rng.next() * 2 - 1) * price * input.volatilityBps) / 10_000)
    price = Math.max(Math.max(1, p.floor), indexPrice(p, trend, price) + noise)
    path.push(price)
  }
  return path
}

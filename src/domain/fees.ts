// Trading fees, charged in ZAR cents. Rates are integer basis points per symbol (maker, taker).
// Rule (DESIGN §3): the fee of a fill is ceil(exact fee of the order's fills so far) minus what was
// already charged on that order, so splitting an order never charges more than one fill would;
// what is held or charged rounds up, what a user receives rounds down. Reservations hold the fee
// at the higher of the two rates, which bounds every possible sequence of maker/taker fills.
import { Either } from "effect"

/** Maker and taker rates of one symbol in basis points (1 bp = 0.01%). */
export interface FeeSchedule {
  readonly makerBps: number
  readonly takerBps: number
}

/** Exact fee accrued on one order: whole cents plus a remainder in 1/10,000 cent. Starts at zero. */
export interface FeeAccrual {
  readonly whole: number
  readonly residue: number
}

/** Nothing accrued yet. */
export const noFees: FeeAccrual = { whole: 0, residue: 0 }

const BPS = 10_000

/** A schedule with integer rates in 0..10,000 bp, or why not. */
export const makeFeeSchedule = (makerBps: number, takerBps: number): Either.Either<FeeSchedule, string> =>
  [makerBps, takerBps].every((r) => Number.isInteger(r) && r >= 0 && r <= BPS)
    ? Either.right({ makerBps, takerBps })
    : Either.left("fee rates must be integer basis points between 0 and 10000")

/** Rate that applies to a fill, by the order's role in it. */
export const rateFor = (schedule: FeeSchedule, role: "MAKER" | "TAKER"): number =>
  role === "MAKER" ? schedule.makerBps : schedule.takerBps

/** ceil(rateBps × notional / 10,000) without leaving the safe-integer range. */
export const feeCeil = (rateBps: number, notional: number): number => {
  const q = Math.floor(notional / BPS)
  const r = notional - q * BPS
  return rateBps * q + Math.ceil((rateBps * r) / BPS)
}

/** Cents charged so far for an accrual: its exact value rounded up. */
export const chargedOf = (a: FeeAccrual): number => a.whole + (a.residue > 0 ? 1 : 0)

/**
 * Add one fill to an order's accrual and return the cents to charge for it: the rounded-up total
 * after the fill minus the rounded-up total before. The sum over fills equals ceil(exact total).
 */
export const accrueFee = (a: FeeAccrual, rateBps: number, fillNotional: number): { fee: number; accrual: FeeAccrual } => {
  const q = Math.floor(fillNotional / BPS)
  const r = fillNotional - q * BPS
  // rate × notional = rate × q × 10,000 + rate × r: the first part is whole cents, the second residue.
  const residue = a.residue + rateBps * r
  const carry = Math.floor(residue / BPS)
  const accrual = { whole: a.whole + rateBps * q + carry, residue: residue - carry * BPS }
  return { fee: chargedOf(accrual) - chargedOf(a), accrual }
}

/** Fee to hold when reserving for an order of `notional`: at the higher rate, rounded up. */
export const maxFee = (schedule: FeeSchedule, notional: number): number =>
  feeCeil(Math.max(schedule.makerBps, schedule.takerBps), notional)

/** What a BUY reserves: worst price × quantity plus the maximum fee (cents, rounded up). */
export const buyReservation = (schedule: FeeSchedule, worstPrice: number, qty: number): number => {
  const notional = worstPrice * qty
  return notional + maxFee(schedule, notional)
}

/** What a seller receives for a fill: the notional less its fee (fees round up, so this rounds down). */
export const sellerProceeds = (fillNotional: number, fee: number): number => fillNotional - fee

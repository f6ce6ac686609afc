// Fixed-point money: prices and amounts are integer cents (ZAR minor units, tick R0.01) and
// quantities integer units. Parsing rejects — never rounds — anything off the tick or lot,
// non-finite, negative where not allowed, or beyond Number.MAX_SAFE_INTEGER.
import { Either, ParseResult, Schema } from "effect"
import type { AST } from "effect/SchemaAST"

/** Integer cents (may be negative in ledger entries). */
export const Cents = Schema.Int.pipe(Schema.brand("Cents"))
/** Integer cents. */
export type Cents = typeof Cents.Type

/** Integer quantity units. */
export const Units = Schema.Int.pipe(Schema.brand("Units"))
/** Integer quantity units. */
export type Units = typeof Units.Type

/** Why a money or quantity input was refused. */
export type MoneyError =
  | { readonly _tag: "NotANumber"; readonly input: string }
  | { readonly _tag: "Negative"; readonly input: string }
  | { readonly _tag: "Zero"; readonly input: string }
  /** `step` in the scaled integers (cents or units); `scale` the decimals of the input (2 or 0). */
  | { readonly _tag: "TooPrecise"; readonly input: string; readonly step: number; readonly scale: number }
  | { readonly _tag: "OutOfRange"; readonly input: string }

/** Options for parsing: `step` is the tick (cents) or lot (units); zero/negatives opt-in. */
export interface ParseOptions {
  readonly step?: number
  readonly allowZero?: boolean
  readonly allowNegative?: boolean
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/
const MAX = BigInt(Number.MAX_SAFE_INTEGER)

// Exact decimal → integer scaled by 10^scale, via BigInt so nothing near the safe limit rounds.
const parseScaled = (input: number | string, scale: number, o: ParseOptions): Either.Either<number, MoneyError> => {
  const text = typeof input === "number" ? String(input) : input.trim()
  if (typeof input === "number" && !Number.isFinite(input)) return Either.left({ _tag: "NotANumber", input: text })
  // Numbers print in exponent form only when huge or tiny: say which instead of "not a number".
  if (typeof input === "number" && /e/i.test(text)) {
    return Math.abs(input) >= 1
      ? Either.left({ _tag: "OutOfRange", input: text })
      : Either.left({ _tag: "TooPrecise", input: text, step: o.step ?? 1, scale })
  }
  const m = DECIMAL.exec(text)
  if (m === null) return Either.left({ _tag: "NotANumber", input: text })
  const [, minus, whole, frac = ""] = m
  // Digits past the scale are allowed only when they are zeros ("1.500" is R1.50 exactly).
  if (frac.length > scale && /[^0]/.test(frac.slice(scale))) {
    return Either.left({ _tag: "TooPrecise", input: text, step: o.step ?? 1, scale })
  }
  const digits = BigInt(whole! + frac.slice(0, scale).padEnd(scale, "0"))
  if (digits > MAX) return Either.left({ _tag: "OutOfRange", input: text })
  const value = Number(digits)
  if (value === 0) return o.allowZero === true ? Either.right(0) : Either.left({ _tag: "Zero", input: text })
  if (minus !== undefined && o.allowNegative !== true) return Either.left({ _tag: "Negative", input: text })
  const step = o.step ?? 1
  if (value % step !== 0) return Either.left({ _tag: "TooPrecise", input: text, step, scale })
  return Either.right(minus !== undefined ? -value : value)
}

/** Decimal rands ("125.50" or 125.5) → Cents; rejects off-tick, non-finite, unsafe, ≤ 0 by default. */
export const parseCents = (input: number | string, options: ParseOptions = {}): Either.Either<Cents, MoneyError> =>
  parseScaled(input, 2, options) as Either.Either<Cents, MoneyError>

/** Whole units (6 or "6") → Units; rejects fractions, off-lot, non-finite, unsafe, ≤ 0 by default. */
export const parseUnits = (input: number | string, options: ParseOptions = {}): Either.Either<Units, MoneyError> =>
  parseScaled(input, 0, options) as Either.Either<Units, MoneyError>

/** Cents as a decimal string with two places: 12550 → "125.50", -5 → "-0.05". */
export const formatCents = (cents: number): string => {
  const sign = cents < 0 ? "-" : ""
  const abs = Math.abs(cents)
  const rands = Math.floor(abs / 100)
  const rest = abs - rands * 100
  return `${sign}${rands}.${rest < 10 ? "0" : ""}${rest}`
}

/** Human-readable reason for a MoneyError (used in HTTP field errors). */
export const describeMoneyError = (e: MoneyError): string => {
  switch (e._tag) {
    case "NotANumber":
      return `"${e.input}" is not a decimal number`
    case "Negative":
      return `"${e.input}" must not be negative`
    case "Zero":
      return `"${e.input}" must be greater than zero`
    case "TooPrecise":
      // The step as the client writes amounts: a tick of 1 cent is 0.01.
      return `"${e.input}" is not a multiple of ${e.scale === 2 ? formatCents(e.step) : e.step} (extra decimals are rejected, not rounded)`
    case "OutOfRange":
      return `"${e.input}" is beyond the safe integer range`
  }
}

const decodeWith = (parse: (i: number | string) => Either.Either<number, MoneyError>) =>
  (input: number | string, _: unknown, ast: AST) =>
    Either.match(parse(input), {
      onLeft: (e) => ParseResult.fail(new ParseResult.Type(ast, input, describeMoneyError(e))),
      onRight: (n) => ParseResult.succeed(n)
    })

/** HTTP/stream edge: a positive price as a number or decimal string → Cents (tick R0.01). */
export const PriceInput = Schema.transformOrFail(Schema.Union(Schema.Number, Schema.String), Cents, {
  strict: false,
  decode: decodeWith((i) => parseCents(i)),
  encode: (c) => ParseResult.succeed(formatCents(c))
})

/** HTTP/stream edge: a non-negative amount (deposit, balance) → Cents. */
export const MoneyInput = Schema.transformOrFail(Schema.Union(Schema.Number, Schema.String), Cents, {
  strict: false,
  decode: decodeWith((i) => parseCents(i, { allowZero: true })),
  encode: (c) => ParseResult.succeed(formatCents(c))
})

/** HTTP/stream edge: a positive whole quantity → Units (lot 1; books check their own lot). */
export const QuantityInput = Schema.transformOrFail(Schema.Union(Schema.Number, Schema.String), Units, {
  strict: false,
  decode: decodeWith((i) => parseUnits(i)),
  encode: (u) => ParseResult.succeed(u)
})

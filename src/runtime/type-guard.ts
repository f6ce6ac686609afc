// `Schema.is` compiled to plain predicates, for checks that run once per message. Schema's own
// check runs its parser, which builds an output object, an Either and issue records for every
// field it checks: about 1.7 KB of garbage per small message, a quarter of the runtime's
// allocation at 80k messages/s. This walks the schema's type-side AST once and composes
// `typeof` tests, literal comparisons and the refinements' own filters. A node it does not know
// (declarations, templates, suspensions, index signatures, optional tuple elements) falls back
// to `Schema.is` for that node alone, so the answer is always Schema's.
// `exactTypeGuard` also refuses keys no struct declares, and refuses outright where this would
// fall back: the reply codec takes what it accepts as already encoded (./reply-codec.ts).
// test/runtime/type-guard.test.ts holds the two equal on valid and invalid inputs for every
// actor protocol.
import { Option, Schema, SchemaAST as AST } from "effect"

/** A compiled membership test. */
export type Guard = (input: unknown) => boolean

/** The options `Schema.is` parses with. */
const exact: AST.ParseOptions = { exact: true }

const always: Guard = () => true
const never: Guard = () => false

/**
 * How a guard compiles: as `Schema.is` (excess keys allowed, unknown nodes checked by Schema), or
 * exact: a struct with a key it does not declare is refused, and so is any input an unknown node
 * would have to judge (an exact guard may refuse what Schema accepts, never accept more).
 */
interface Mode {
  readonly exact: boolean
}

/** Schema's own check of one node, for what `compile` does not handle. */
const fallback = (ast: AST.AST, mode: Mode): Guard => (mode.exact ? never : Schema.is(Schema.make(ast)))

const isRecord = (input: unknown): input is Record<PropertyKey, unknown> => typeof input === "object" && input !== null && !Array.isArray(input)

/** An exact guard's record (`Schema.Record({ key: Schema.String, value })`): every own value passes. */
const compileStringRecord = (ast: AST.TypeLiteral, mode: Mode): Guard => {
  const value = compile(ast.indexSignatures[0]!.type, mode)
  return (input) => {
    if (!isRecord(input)) return false
    for (const key of Object.keys(input)) if (!value(input[key])) return false
    return true
  }
}

const compileStruct = (ast: AST.TypeLiteral, mode: Mode): Guard => {
  const stringRecord = ast.propertySignatures.length === 0 && ast.indexSignatures.length === 1 && ast.indexSignatures[0]!.parameter._tag === "StringKeyword"
  if (mode.exact && stringRecord) return compileStringRecord(ast, mode)
  if (ast.indexSignatures.length > 0 || ast.propertySignatures.some((ps) => typeof ps.name !== "string")) return fallback(ast, mode)
  const fields = ast.propertySignatures.map((ps) => ({ name: ps.name as string, optional: ps.isOptional, guard: compile(ps.type, mode) }))
  const has = Object.prototype.hasOwnProperty
  return (input) => {
    if (!isRecord(input)) return false
    let present = 0
    for (const field of fields) {
      // Schema.is checks exactly: a required key must be present; an absent optional one is fine.
      if (!has.call(input, field.name)) {
        if (field.optional) continue
        return false
      }
      if (!field.guard(input[field.name])) return false
      present++
    }
    return !mode.exact || Object.keys(input).length === present
  }
}

const compileTuple = (ast: AST.TupleType, mode: Mode): Guard => {
  // Required elements then at most one rest type: `Schema.Array(x)`, `Schema.Tuple(a, b)` and
  // `Schema.Tuple([a], b)`. Optional elements and elements after the rest fall back.
  if (ast.rest.length > 1 || ast.elements.some((element) => element.isOptional)) return fallback(ast, mode)
  const elements = ast.elements.map((element) => compile(element.type, mode))
  const rest = ast.rest.length === 1 ? compile(ast.rest[0]!.type, mode) : undefined
  const count = elements.length
  return (input) => {
    if (!Array.isArray(input) || input.length < count) return false
    // Without a rest type, elements beyond the declared ones are refused, as Schema.is does.
    if (rest === undefined && input.length > count) return false
    for (let i = 0; i < count; i++) if (!elements[i]!(input[i])) return false
    if (rest !== undefined) for (let i = count; i < input.length; i++) if (!rest(input[i])) return false
    return true
  }
}

const compile = (ast: AST.AST, mode: Mode): Guard => {
  switch (ast._tag) {
    case "StringKeyword":
      return (input) => typeof input === "string"
    case "NumberKeyword":
      return (input) => typeof input === "number"
    case "BooleanKeyword":
      return (input) => typeof input === "boolean"
    case "BigIntKeyword":
      return (input) => typeof input === "bigint"
    case "UndefinedKeyword":
    case "VoidKeyword":
      return (input) => input === undefined
    case "UnknownKeyword":
    case "AnyKeyword":
      return always
    case "NeverKeyword":
      return never
    case "Literal": {
      const literal = ast.literal
      return (input) => input === literal
    }
    case "Enums": {
      const values = ast.enums.map(([, value]) => value)
      return (input) => values.includes(input as string | number)
    }
    case "Union": {
      const members = ast.types.map((member) => compile(member, mode))
      return (input) => {
        for (const member of members) if (member(input)) return true
        return false
      }
    }
    case "Refinement": {
      const from = compile(ast.from, mode)
      return (input) => from(input) && Option.isNone(ast.filter(input, exact, ast))
    }
    case "TypeLiteral":
      return compileStruct(ast, mode)
    case "TupleType":
      return compileTuple(ast, mode)
    case "Transformation":
      return compile(AST.typeAST(ast), mode)
    default:
      return fallback(ast, mode)
  }
}

/** A predicate that answers as `Schema.is(schema)` does. */
export const typeGuard = <A, I, R>(schema: Schema.Schema<A, I, R>): ((input: unknown) => input is A) =>
  compile(AST.typeAST(schema.ast), { exact: false }) as (input: unknown) => input is A

/**
 * `typeGuard` that also refuses a key no struct of the schema declares, at any depth, and any
 * input a node it does not compile would have to judge: what it accepts is exactly what
 * Schema's encode of a schema without transformations would give back unchanged.
 */
export const exactTypeGuard = <A, I, R>(schema: Schema.Schema<A, I, R>): ((input: unknown) => input is A) =>
  compile(AST.typeAST(schema.ast), { exact: true }) as (input: unknown) => input is A

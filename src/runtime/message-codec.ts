// Decoding and encoding of actor messages on the hot path. A protocol is a union of Schema
// classes; for a member whose fields need no transformation (their encoded form is their type,
// refinements aside) a full decode spends most of its time building intermediate results and
// running the class constructor. Such a member is checked with the compiled equivalent of
// `Schema.is` on its fields (./type-guard.ts) and its instance made from the prototype and the
// fields, and an instance of it that passes the same check is already its own encoded form.
// test/runtime/message-codec.test.ts holds both equal to Schema's full decode and encode.
// Anything else, and any input the check refuses, goes through the full codec, which also
// words the error.
import { Either, type ParseResult, Schema, SchemaAST as AST } from "effect"
import type { Tagged } from "./actor-context.js"
import { typeGuard } from "./type-guard.js"

type Decode = (input: unknown) => Either.Either<Tagged, ParseResult.ParseError>

/** A field whose encoded form is its type: a schema, or a property signature without a transformation. */
const isPlainField = (field: unknown): boolean => {
  if (Schema.isSchema(field)) return AST.encodedBoundAST(field.ast) === field.ast
  const ast = (field as Schema.PropertySignature.All).ast
  return ast._tag === "PropertySignatureDeclaration" && AST.encodedBoundAST(ast.type) === ast.type
}

interface TaggedClassLike {
  readonly _tag: string
  readonly fields: Schema.Struct.Fields
  readonly prototype: Tagged
}

const isTaggedClass = (member: unknown): member is TaggedClassLike =>
  typeof member === "function" && typeof (member as { _tag?: unknown })._tag === "string" && typeof (member as { fields?: unknown }).fields === "object"

/** The fast path of one plain member. */
const directDecoder = (member: TaggedClassLike): ((input: Record<string, unknown>) => Tagged | undefined) => {
  const names = Object.keys(member.fields)
  const valid = typeGuard(Schema.Struct(member.fields))
  return (input) => {
    if (!valid(input)) return undefined
    // Declared fields only, as the full decode keeps them (excess properties are dropped).
    const message = Object.create(member.prototype) as Record<string, unknown>
    for (const name of names) if (name in input) message[name] = input[name]
    return message as unknown as Tagged
  }
}

/** The members of a protocol whose fields need no transformation. */
const plainMembers = (protocol: Schema.Schema<Tagged, unknown>): ReadonlyArray<TaggedClassLike> => {
  const members: ReadonlyArray<unknown> = "members" in protocol ? (protocol.members as ReadonlyArray<unknown>) : [protocol]
  return members.filter((member): member is TaggedClassLike => isTaggedClass(member) && Object.values(member.fields).every(isPlainField))
}

/** A decoder for `protocol`: direct construction where a member allows it, else the full decode. */
export const makeMessageDecoder = (protocol: Schema.Schema<Tagged, unknown>): Decode => {
  const full = Schema.decodeUnknownEither(protocol)
  const direct = new Map<string, (input: Record<string, unknown>) => Tagged | undefined>()
  for (const member of plainMembers(protocol)) direct.set(member._tag, directDecoder(member))
  if (direct.size === 0) return full
  return (input) => {
    if (typeof input === "object" && input !== null) {
      const decode = direct.get((input as { _tag?: unknown })._tag as string)
      const message = decode?.(input as Record<string, unknown>)
      if (message !== undefined) return Either.right(message)
    }
    return full(input)
  }
}

/**
 * An encoder for `protocol` (throws on a message it refuses): a plain member's instance, once
 * its fields pass the check (a message made with validation disabled may not), is its own
 * encoded form.
 */
export const makeMessageEncoder = (protocol: Schema.Schema<Tagged, unknown>): ((message: Tagged) => unknown) => {
  const full = Schema.encodeSync(protocol)
  const direct = new Map<object, (u: unknown) => boolean>(plainMembers(protocol).map((member) => [member.prototype, typeGuard(Schema.Struct(member.fields))]))
  if (direct.size === 0) return full
  return (message) => (direct.get(Object.getPrototypeOf(message) as object)?.(message) === true ? message : full(message))
}

const decoders = new WeakMap<object, Decode>()
const encoders = new WeakMap<object, (message: Tagged) => unknown>()

/** The decoder of `protocol`, made once per protocol. */
export const messageDecoder = (protocol: Schema.Schema<Tagged, unknown>): Decode => {
  let decode = decoders.get(protocol)
  if (decode === undefined) decoders.set(protocol, (decode = makeMessageDecoder(protocol)))
  return decode
}

/** The encoder of `protocol`, made once per protocol. */
export const messageEncoder = (protocol: Schema.Schema<Tagged, unknown>): ((message: Tagged) => unknown) => {
  let encode = encoders.get(protocol)
  if (encode === undefined) encoders.set(protocol, (encode = makeMessageEncoder(protocol)))
  return encode
}

/** A Schema.TaggedClass, as `trustedMessage` makes its instances. */
export interface MessageClass<A extends Tagged, Props> {
  new (props: Props, options?: Schema.MakeOptions): A
  readonly fields: Schema.Struct.Fields
}

/** The constructor defaults of a class's fields (its `_tag` among them): [name, make]. */
const constructorDefaults = new WeakMap<object, ReadonlyArray<readonly [string, () => unknown]>>()

const defaultsOf = (fields: Schema.Struct.Fields): ReadonlyArray<readonly [string, () => unknown]> => {
  const defaults: Array<readonly [string, () => unknown]> = []
  for (const [name, field] of Object.entries(fields)) {
    if (Schema.isSchema(field)) continue
    const ast = (field as Schema.PropertySignature.All).ast
    const make = ast._tag === "PropertySignatureDeclaration" ? ast.defaultValue : ast.to.defaultValue
    if (make !== undefined) defaults.push([name, make])
  }
  return defaults
}

/**
 * A message built by a handler, without the class constructor: `new X(props, { disableValidation:
 * true })` still copies the props twice and walks every field for defaults, a few per cent of a
 * node's time at the messages a trade causes. The instance is the same (prototype, own fields,
 * defaults). Nothing is checked here: the runtime checks every message against its protocol
 * when it encodes it for sending, so a bad one is the sending handler's defect.
 */
export const trustedMessage = <A extends Tagged, Props>(Class: MessageClass<A, Props>, props: Props): A => {
  let defaults = constructorDefaults.get(Class)
  if (defaults === undefined) constructorDefaults.set(Class, (defaults = defaultsOf(Class.fields)))
  const message: Record<string, unknown> = Object.assign(Object.create(Class.prototype) as Record<string, unknown>, props)
  for (const [name, make] of defaults) if (message[name] === undefined) message[name] = make()
  return message as unknown as A
}

// Encoding and decoding the outcome of a request (a TaggedRequest's Exit) for the reply
// stream. Codecs are built once per request class: building a schema per reply is costly.
// A success, the usual outcome, is coded with the success schema alone, in the encoded form
// of the whole Exit schema (`{"_tag":"Success","value":...}`): the Exit and Cause unions cost
// several times more per reply, on the path of every ask. A success schema without
// transformations (views of plain numbers, strings and arrays) skips Schema's parser: a value its
// exact guard accepts is its own encoded form, and a wire value it accepts is its own decoding.
import { Either, Exit, type ParseResult } from "effect"
import { Schema, SchemaAST as AST } from "effect"
import type { Tagged } from "./actor-context.js"
import { exactTypeGuard } from "./type-guard.js"

interface ExitCodec {
  readonly encode: (exit: Exit.Exit<unknown, unknown>) => unknown
  readonly decode: (encoded: unknown) => Either.Either<Exit.Exit<unknown, unknown>, ParseResult.ParseError>
}

const codecs = new WeakMap<object, ExitCodec>()

/** True for a message that declares reply schemas (a Schema.TaggedRequest). */
export const isRequest = (message: Tagged): message is Tagged & Schema.WithResult.Any => Schema.symbolWithResult in message

const isEncodedSuccess = (encoded: unknown): encoded is { readonly _tag: "Success"; readonly value: unknown } =>
  typeof encoded === "object" && encoded !== null && (encoded as { _tag?: unknown })._tag === "Success" && "value" in encoded

/** The exact guard of a success schema without transformations: what it accepts codes as itself. */
const plainGuard = (schema: Schema.Schema<unknown, unknown>): ((input: unknown) => boolean) | undefined =>
  AST.encodedBoundAST(schema.ast) === schema.ast ? exactTypeGuard(schema) : undefined

const makeExitCodec = (message: Tagged & Schema.WithResult.Any): ExitCodec => {
  const exit = Schema.exitSchema(message) as Schema.Schema<Exit.Exit<unknown, unknown>, unknown>
  const success = Schema.successSchema(message) as Schema.Schema<unknown, unknown>
  const encodeExit = Schema.encodeSync(exit)
  const decodeExit = Schema.decodeUnknownEither(exit)
  const plain = plainGuard(success)
  const encodeFull = Schema.encodeSync(success)
  const decodeFull = Schema.decodeUnknownEither(success)
  // Schema words every refusal: only what the guard accepts skips it.
  const encodeSuccess = (value: unknown) => (plain?.(value) ? value : encodeFull(value))
  const decodeSuccess = (value: unknown) => (plain?.(value) ? Either.right(value) : decodeFull(value))
  return {
    encode: (outcome) => (Exit.isSuccess(outcome) ? { _tag: "Success", value: encodeSuccess(outcome.value) } : encodeExit(outcome)),
    decode: (encoded) => (isEncodedSuccess(encoded) ? Either.map(decodeSuccess(encoded.value), Exit.succeed) : decodeExit(encoded))
  }
}

/** The Exit codec of a request's class. */
export const exitCodec = (message: Tagged & Schema.WithResult.Any): ExitCodec => {
  const key = message.constructor
  let codec = codecs.get(key)
  if (codec === undefined) {
    codec = makeExitCodec(message)
    codecs.set(key, codec)
  }
  return codec
}

// Encoding and decoding the outcome of a request (a TaggedRequest's Exit) for the reply
// stream. Codecs are built once per request class: building a schema per reply is costly.
import type { Either, Exit, ParseResult } from "effect"
import { Schema } from "effect"
import type { Tagged } from "./actor-context.js"

interface ExitCodec {
  readonly encode: (exit: Exit.Exit<unknown, unknown>) => unknown
  readonly decode: (encoded: unknown) => Either.Either<Exit.Exit<unknown, unknown>, ParseResult.ParseError>
}

const codecs = new WeakMap<object, ExitCodec>()

/** True for a message that declares reply schemas (a Schema.TaggedRequest). */
export const isRequest = (message: Tagged): message is Tagged & Schema.WithResult.Any => Schema.symbolWithResult in message

/** The Exit codec of a request's class. */
export const exitCodec = (message: Tagged & Schema.WithResult.Any): ExitCodec => {
  const key = message.constructor
  let codec = codecs.get(key)
  if (codec === undefined) {
    const schema = Schema.exitSchema(message) as Schema.Schema<Exit.Exit<unknown, unknown>, unknown>
    codec = { encode: Schema.encodeSync(schema), decode: Schema.decodeUnknownEither(schema) }
    codecs.set(key, codec)
  }
  return codec
}


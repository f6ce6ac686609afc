// The wire format between senders and shards. An inbox entry holds one or more chunks (field
// `e`), each a JSON array of envelopes from one sender: batches travel as single entries.
import { Either, Schema } from "effect"
import { typeGuard } from "./type-guard.js"

/** One message addressed to one actor. */
export const Envelope = Schema.Struct({
  /** Message id: minted by the edge, or derived from the parent message (deterministic). */
  i: Schema.String,
  /** Actor kind and key of the recipient. */
  k: Schema.String,
  a: Schema.String,
  /** The message, encoded by the kind's protocol schema. */
  b: Schema.Unknown,
  /** Reply stream of the asker, when a reply is wanted. */
  r: Schema.optional(Schema.String),
  /** Idempotency key when it differs from the id (a replayed dead letter keeps its original). */
  x: Schema.optional(Schema.String)
})
export type Envelope = typeof Envelope.Type

/** A reply as written to an asker's reply stream. */
export const ReplyRecord = Schema.Struct({
  /** The id of the message answered. */
  i: Schema.String,
  /** Encoded Exit of the request (Schema.serializeExit), or a runtime failure. */
  x: Schema.Unknown
})
export type ReplyRecord = typeof ReplyRecord.Type

/**
 * An envelope's JSON exactly as `JSON.stringify({ i, k, a, b, r })` writes it, without building
 * the object: this runs for every message sent. `id` must be one the runtime mints (letters,
 * digits, dots, dashes) and `kind` one that passed `makeAddress`: neither needs escaping.
 */
export const envelopeJson = (id: string, kind: string, key: string, body: unknown, replyTo?: string): string =>
  `{"i":"${id}","k":"${kind}","a":${JSON.stringify(key)},"b":${JSON.stringify(body)}${replyTo === undefined ? "" : `,"r":${JSON.stringify(replyTo)}`}}`

const decodeEnvelope = Schema.decodeUnknownEither(Envelope)

/** The Envelope schema's check, compiled: this runs once per message on the hot path. */
const isEnvelope = typeGuard(Envelope)

/** One chunk decoded: the envelopes that parsed, and what did not with why. */
export interface DecodedChunk {
  readonly envelopes: ReadonlyArray<Envelope>
  readonly failures: ReadonlyArray<{ readonly raw: unknown; readonly reason: string }>
}

/** Parses a chunk; a malformed chunk or envelope is reported, never thrown. */
export const decodeChunk = (chunk: string): DecodedChunk => {
  let parsed: unknown
  try {
    parsed = JSON.parse(chunk)
  } catch (error) {
    return { envelopes: [], failures: [{ raw: chunk, reason: `chunk is not JSON: ${(error as Error).message}` }] }
  }
  if (!Array.isArray(parsed)) return { envelopes: [], failures: [{ raw: chunk, reason: "chunk is not a JSON array" }] }
  const envelopes: Array<Envelope> = []
  const failures: Array<{ raw: unknown; reason: string }> = []
  for (const raw of parsed) {
    if (isEnvelope(raw)) {
      envelopes.push(raw)
      continue
    }
    // The schema explains what is wrong.
    const result = decodeEnvelope(raw)
    failures.push({ raw, reason: `malformed envelope: ${Either.isLeft(result) ? result.left.message : "unexpected fields"}` })
  }
  return { envelopes, failures }
}

/** The fields of a stream entry as ioredis returns them, as chunk strings. */
export const chunksOf = (fields: ReadonlyArray<string>): Array<string> => {
  const chunks: Array<string> = []
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === "e") chunks.push(fields[i + 1]!)
  return chunks
}

/** The millisecond part of a stream ID: the time a fact is stamped with (DESIGN §2). */
export const entryTime = (entryId: string): number => Number(entryId.slice(0, entryId.indexOf("-")))

// Actor addresses and the stable shard mapping (DESIGN §2 "Shards and keys").
// One canonical form for edge and nodes, so both hash the same bytes to the same shard.
import { Data } from "effect"

/** An actor address `(kind, key)`, canonical: kind lower-case, key NFC-normalised. */
export interface Address {
  readonly kind: string
  readonly key: string
}

/** Why an address was refused. */
export class InvalidAddress extends Data.TaggedError("InvalidAddress")<{ readonly reason: string }> {}

const KIND = /^[a-z][a-z0-9-]{0,31}$/
// Control characters would break log lines and key names; keys are otherwise free text.
const CONTROL = /[\u0000-\u001f\u007f]/

/** Canonicalises and validates an address, or fails with the reason. */
export const makeAddress = (kind: string, key: string): Address | InvalidAddress => {
  if (!KIND.test(kind)) return new InvalidAddress({ reason: `actor kind "${kind}" must match ${KIND}` })
  const canonical = key.normalize("NFC")
  if (canonical.length === 0 || canonical.length > 256) {
    return new InvalidAddress({ reason: "actor key must be 1 to 256 characters" })
  }
  if (CONTROL.test(canonical)) return new InvalidAddress({ reason: "actor key must not contain control characters" })
  return { kind, key: canonical }
}

/** `kind/key`, the string that is hashed and used as the actor's id inside its shard. */
export const addressString = (address: Address): string => `${address.kind}/${address.key}`

/** Parses `kind/key` (the key may itself contain slashes, as symbols do). */
export const parseAddress = (text: string): Address | InvalidAddress => {
  const slash = text.indexOf("/")
  if (slash <= 0) return new InvalidAddress({ reason: `"${text}" is not kind/key` })
  return makeAddress(text.slice(0, slash), text.slice(slash + 1))
}

const encoder = new TextEncoder()

/** FNV-1a 32-bit over the UTF-8 bytes: stable across processes, platforms and versions. */
export const fnv1a32 = (text: string): number => {
  let hash = 0x811c9dc5
  // ASCII fast path (keys are mostly ASCII): its UTF-8 bytes are its char codes.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 0x7f) return fnv1a32Bytes(encoder.encode(text))
    hash = Math.imul(hash ^ code, 0x01000193)
  }
  return hash >>> 0
}

const fnv1a32Bytes = (bytes: Uint8Array): number => {
  let hash = 0x811c9dc5
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193)
  return hash >>> 0
}

/** A key `@<n>` pins its actor to shard n (mod the shard count): see `shardLocalKey`. */
const PINNED_KEY = /^@(0|[1-9][0-9]{0,8})$/

/**
 * The key of a kind's actor on shard `shard`: per-shard actors (a sink per source shard) live
 * on the shard they serve, so the messages they get from it never leave it.
 */
export const shardLocalKey = (shard: number): string => `@${shard}`

/** The shard of an address: `fnv1a32(kind/key) mod shardCount`, or n for a pinned key `@<n>`. */
export const shardOf = (address: Address, shardCount: number): number => {
  const key = address.key
  if (key.charCodeAt(0) === 64 && PINNED_KEY.test(key)) return Number(key.slice(1)) % shardCount
  return fnv1a32(addressString(address)) % shardCount
}

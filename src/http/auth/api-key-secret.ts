// Secrets of API keys: 32 random bytes behind a recognisable `vfx_` prefix, so the edge can tell
// a key from a JWT and secret scanners can spot a leaked one. Stored as a SHA-256 hash: the
// secret has 256 bits of entropy, so a slow password hash would buy nothing and cost every call.
import { createHash, randomBytes } from "node:crypto"

/** Every API key secret starts with this. */
export const API_KEY_PREFIX = "vfx_"

/** The stored form of a secret. */
export const hashApiKey = (secret: string): string => createHash("sha256").update(secret).digest("hex")

/** A fresh key: its id, the secret (shown once), the prefix kept to tell keys apart, and the hash. */
export const mintApiKey = () => {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`
  return { keyId: `k_${randomBytes(8).toString("hex")}`, secret, prefix: secret.slice(0, API_KEY_PREFIX.length + 8), keyHash: hashApiKey(secret) }
}

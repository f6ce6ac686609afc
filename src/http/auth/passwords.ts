// Password hashing with scrypt (node:crypto): salted, constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual } from "node:crypto"

const KEY_LENGTH = 32
const COST = 16384

const derive = (password: string, salt: Buffer) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { N: COST }, (error, key) => (error ? reject(error) : resolve(key)))
  )

/** `scrypt$<N>$<salt>$<hash>`, both base64. */
export const hashPassword = async (password: string): Promise<string> => {
  const salt = randomBytes(16)
  const key = await derive(password, salt)
  return `scrypt$${COST}$${salt.toString("base64")}$${key.toString("base64")}`
}

/** True when `password` matches the stored hash. */
export const verifyPassword = async (password: string, stored: string): Promise<boolean> => {
  const [scheme, , salt, hash] = stored.split("$")
  if (scheme !== "scrypt" || salt === undefined || hash === undefined) return false
  const expected = Buffer.from(hash, "base64")
  const actual = await derive(password, Buffer.from(salt, "base64"))
  return actual.length === expected.length && timingSafeEqual(actual, expected)
}

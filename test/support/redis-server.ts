// A private redis-server on a free port for one test file, as a scoped layer, plus a fresh
// key prefix per test so tests sharing a server never see each other's keys.
import { Context, Layer } from "effect"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { randomUUID } from "node:crypto"
import { EmbeddedRedis, type EmbeddedRedisServer } from "../../src/runtime/embedded-redis.js"

/** The spawned server of this test file. */
export class TestRedis extends Context.Tag("test/TestRedis")<TestRedis, EmbeddedRedisServer>() {
  static readonly layer = Layer.scoped(
    TestRedis,
    EmbeddedRedis.start({ dataDir: mkdtempSync(join(tmpdir(), "vfx-redis-")) })
  )
}

/** A prefix no other test uses. */
export const freshPrefix = (label = "t") => `${label}${randomUUID().slice(0, 8)}`

/** The URL of the shared local Redis (the machine's service), or TEST_REDIS_URL. */
export const sharedRedisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379"

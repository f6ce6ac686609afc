import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer } from "effect"
import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { addressString, fnv1a32, InvalidAddress, makeAddress, shardLocalKey, shardOf, type Address } from "../../src/runtime/address.js"
import { hashSlot, shardTags } from "../../src/runtime/hash-slot.js"
import { makeKeys } from "../../src/runtime/keys.js"
import { ShardNode } from "../../src/runtime/shard-node.js"
import { sharedRedisUrl } from "../support/redis-server.js"
import { testCluster, testSettings } from "./test-cluster.js"

const addresses: Array<Address> = [
  { kind: "book", key: "VIRAL/SA_DJ_ZINHLE_001" },
  { kind: "wallet", key: "u_42" },
  { kind: "channel", key: "email" },
  { kind: "wallet", key: "house:VIRAL/SA_CRYPTO_BTC_001" },
  { kind: "counter", key: "ünïcödé" }
]

describe("shard mapping", () => {
  it("uses FNV-1a 32 over the UTF-8 bytes of kind/key", () => {
    // Reference values of the published FNV-1a test vectors.
    assert.strictEqual(fnv1a32(""), 0x811c9dc5)
    assert.strictEqual(fnv1a32("a"), 0xe40c292c)
    assert.strictEqual(fnv1a32("foobar"), 0xbf9cf968)
  })

  it("maps every address to the same shard in another process", () => {
    const here = addresses.map((a) => shardOf(a, 32))
    const script = fileURLToPath(new URL("./fixtures/print-shards.ts", import.meta.url))
    const output = execFileSync("npx", ["tsx", script, ...addresses.map(addressString)], { env: { ...process.env, SHARDS: "32" } })
    assert.deepStrictEqual(JSON.parse(output.toString()), here)
  })

  it("canonicalises keys to NFC so both spellings of a key meet in one shard", () => {
    const composed = makeAddress("counter", "caf\u00e9") as Address
    const decomposed = makeAddress("counter", "cafe\u0301") as Address
    assert.strictEqual(addressString(composed), addressString(decomposed))
    assert.strictEqual(shardOf(composed, 32), shardOf(decomposed, 32))
  })

  it("pins a key @<n> to shard n, and hashes every other key", () => {
    for (const shard of [0, 7, 31]) assert.strictEqual(shardOf({ kind: "sink", key: shardLocalKey(shard) }, 32), shard)
    assert.strictEqual(shardOf({ kind: "sink", key: "@40" }, 32), 8, "modulo the shard count")
    for (const key of ["@07", "@-1", "@1a", "@", "x@3"]) assert.strictEqual(shardOf({ kind: "sink", key }, 32), fnv1a32(`sink/${key}`) % 32, key)
  })

  it("refuses malformed kinds and keys", () => {
    assert.instanceOf(makeAddress("Book", "x"), InvalidAddress)
    assert.instanceOf(makeAddress("book", ""), InvalidAddress)
    assert.instanceOf(makeAddress("book", "a\nb"), InvalidAddress)
  })

  it("gives each shard one hash tag whose slot lies in that shard's slice of the slot space", () => {
    const tags = shardTags(32)
    tags.forEach((tag, shard) => {
      const slot = hashSlot(tag)
      assert.isTrue(slot >= shard * 512 && slot < (shard + 1) * 512, `shard ${shard} tag ${tag} slot ${slot}`)
    })
    // Every key of a shard carries its tag.
    const keys = makeKeys("vfx", 32).shard(5)
    for (const key of [keys.inbox, keys.lease, keys.epoch, keys.outbox, keys.feed("x")]) assert.include(key, `{${tags[5]}}`)
  })

  it.scopedLive("refuses a node started with another shard count than the cluster's", () =>
    Effect.gen(function* () {
      const settings = testSettings(sharedRedisUrl, { shardCount: 8 })
      const prefix = (yield* Effect.provide(Effect.map(ShardNode, (n) => n.keys.prefix), testCluster(settings, sharedRedisUrl).pipe(Layer.fresh)))
      const other = testSettings(sharedRedisUrl, { shardCount: 16, prefix })
      const exit = yield* Effect.exit(Effect.provide(ShardNode, testCluster(other, sharedRedisUrl)))
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "created with 8 shards")
    })
  )
})

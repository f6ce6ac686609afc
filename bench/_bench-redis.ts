// The Redis a benchmark runs on: REDIS_URL when set, else a private redis-server (AOF everysec)
// in a temporary folder, for the life of the benchmark.
import { Effect } from "effect"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { EmbeddedRedis } from "../src/runtime/embedded-redis.js"

/** Runs `use` with the URL of the benchmark's Redis. */
export const withBenchRedis = <A, R>(use: (url: string) => Effect.Effect<A, unknown, R>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const given = process.env["REDIS_URL"]
      if (given !== undefined && given !== "") return yield* use(given)
      const dataDir = yield* Effect.acquireRelease(
        Effect.sync(() => mkdtempSync(join(tmpdir(), "vfx-bench-"))),
        (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
      )
      const server = yield* EmbeddedRedis.start({ dataDir })
      return yield* use(server.url)
    })
  )

// A private redis-server child process for single-machine use and tests (DESIGN §6): AOF on,
// data under the data folder, stopped with the scope.
import { Data, Effect, Schedule } from "effect"
import { spawn, spawnSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import { createServer } from "node:net"
import { resolve } from "node:path"
import { Redis } from "ioredis"
import { StartupRefused } from "./errors.js"

/** A running private Redis. */
export interface EmbeddedRedisServer {
  readonly url: string
  readonly port: number
  readonly pid: number
}

/** Options for a private Redis. */
export interface EmbeddedRedisOptions {
  readonly dataDir: string
  /** Port; 0 or unset picks a free one. */
  readonly port?: number
  /** appendfsync policy; "everysec" by default. */
  readonly appendfsync?: "always" | "everysec" | "no"
}

class RedisExited extends Data.TaggedError("RedisExited")<{ readonly output: string }> {}

/** Asks the OS for a free loopback port. */
export const freePort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

const installHint =
  "redis-server was not found on PATH: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL"

const waitUntilReady = (url: string) =>
  Effect.tryPromise(async () => {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on("error", () => {})
    try {
      await probe.connect()
      await probe.ping()
    } finally {
      probe.disconnect()
    }
  }).pipe(Effect.retry({ times: 250, schedule: Schedule.spaced("20 millis") }))

/** Starting and stopping private redis-server processes. */
export const EmbeddedRedis = {
  /** Starts redis-server for the life of the scope. */
  start: (options: EmbeddedRedisOptions) =>
    Effect.gen(function* () {
      if (spawnSync("redis-server", ["--version"]).error) return yield* new StartupRefused({ reason: installHint })
      const port = options.port && options.port > 0 ? options.port : yield* freePort
      const dir = resolve(options.dataDir, "redis")
      mkdirSync(dir, { recursive: true })
      const child = yield* Effect.acquireRelease(
        Effect.sync(() =>
          spawn(
            "redis-server",
            [
              "--port", String(port),
              "--bind", "127.0.0.1",
              "--dir", dir,
              "--appendonly", "yes",
              "--appendfsync", options.appendfsync ?? "everysec",
              "--save", "",
              "--maxmemory-policy", "noeviction",
              "--protected-mode", "yes"
            ],
            // Its own process group: Ctrl-C in a terminal signals the whole foreground group, and
            // Redis must outlive the node's graceful hand-off (final snapshots), then stop on our SIGTERM.
            { stdio: ["ignore", "pipe", "pipe"], detached: true }
          )
        ),
        (child) =>
          Effect.async<void>((resume) => {
            if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
            child.once("exit", () => resume(Effect.void))
            child.kill("SIGTERM")
          })
      )
      let output = ""
      child.stdout?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)))
      child.stderr?.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)))
      const url = `redis://127.0.0.1:${port}`
      const exited = Effect.async<never, RedisExited>((resume) => {
        child.once("exit", () => resume(Effect.fail(new RedisExited({ output }))))
      })
      yield* Effect.raceFirst(waitUntilReady(url), exited).pipe(
        Effect.mapError((e) => new StartupRefused({ reason: `redis-server on port ${port} did not start: ${"output" in e ? e.output : String(e)}` }))
      )
      return { url, port, pid: child.pid ?? 0 } satisfies EmbeddedRedisServer
    })
}

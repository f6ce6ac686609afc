// A three-master Redis Cluster on loopback ports for one test, as a scoped resource:
// `redis-server --cluster-enabled yes` x3, then `redis-cli --cluster create ... --cluster-replicas 0`.
import { Effect } from "effect"
import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Redis } from "ioredis"
import { freePort } from "../../src/runtime/embedded-redis.js"
import { eventually } from "../support/eventually.js"

const isFree = (port: number) =>
  Effect.async<boolean>((resume) => {
    const server = createServer()
    server.once("error", () => resume(Effect.succeed(false)))
    server.listen(port, "127.0.0.1", () => server.close(() => resume(Effect.succeed(true))))
  })

/** A free port whose cluster bus port (+10000) is free too. */
const clusterPort: Effect.Effect<number> = Effect.gen(function* () {
  for (;;) {
    const port = yield* freePort
    if (port + 10000 <= 65535 && (yield* isFree(port + 10000))) return port
  }
})

const ping = (port: number, command: (r: Redis) => Promise<string>) =>
  Effect.promise(async () => {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
    probe.on("error", () => {})
    try {
      await probe.connect()
      return await command(probe)
    } catch {
      return ""
    } finally {
      probe.disconnect()
    }
  })

/** Starts the cluster; answers the REDIS_URL listing its three masters. */
export const startRedisCluster = Effect.gen(function* () {
  const ports: Array<number> = []
  while (ports.length < 3) {
    const port = yield* clusterPort
    if (!ports.includes(port)) ports.push(port)
  }
  yield* Effect.forEach(ports, (port) =>
    Effect.acquireRelease(
      Effect.sync(() => {
        const dir = mkdtempSync(join(tmpdir(), `vfx-cluster-${port}-`))
        return spawn(
          "redis-server",
          ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-node-timeout", "5000", "--appendonly", "yes", "--save", "", "--maxmemory-policy", "noeviction"],
          { stdio: "ignore" }
        )
      }),
      (child: ChildProcess) =>
        Effect.async<void>((resume) => {
          if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
          child.once("exit", () => resume(Effect.void))
          child.kill("SIGKILL")
        })
    )
  )
  yield* Effect.forEach(ports, (port) => eventually(ping(port, (r) => r.ping()), (pong) => pong === "PONG", `redis-server on ${port}`, 20_000))
  const created = spawnSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", "0", "--cluster-yes"], { encoding: "utf8" })
  if (created.status !== 0) return yield* Effect.dieMessage(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`)
  yield* Effect.forEach(ports, (port) =>
    eventually(ping(port, (r) => r.cluster("INFO") as Promise<string>), (info) => info.includes("cluster_state:ok"), `cluster state ok on ${port}`, 30_000)
  )
  return ports.map((p) => `redis://127.0.0.1:${p}`).join(",")
})

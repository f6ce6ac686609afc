// HTTP benchmark (issue 5 "Benchmark"): POST /order throughput and latency through the whole
// stack (edge -> wallet -> book, with a reply), beside GET /healthz on the same server as the
// ceiling of the HTTP stack on this machine, as a ratio, and GET /wallet (one ask of a wallet:
// an inbox append, a commit and a reply, no saga) as the ceiling of an ask through the runtime.
// Each run prints the CPU node, edge and Redis spent per request. The edge and a node run as
// two child processes (`viralfx edge`, `viralfx node`) on a fresh prefix of the benchmark's
// Redis, the record in a scratch PostgreSQL database (`start` mode: the embedded PGlite);
// autocannon runs in this process.
//
//   npm run bench -- http     (BENCH_HTTP_SECONDS=10, BENCH_HTTP_CONNECTIONS=64, BENCH_HTTP_USERS=200;
//                              BENCH_HTTP_MODE=start runs edge and node in one process instead;
//                              BENCH_HTTP_PROFILE_DIR=dir writes a CPU profile of each child there;
//                              BENCH_HTTP_ONLY=order,wallet,healthz picks the runs)
//
// Orders come from many users on the three demo markets: 90% resting limit bids well below the
// market, 10% limit bids above the house maker's asks, which cross.
import { serverFlags } from "./_server-flags.js"
import autocannon, { type Result } from "autocannon"
import { Effect } from "effect"
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { createServer } from "node:net"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { scratchDatabase } from "./_bench-database.js"
import { withBenchRedis } from "./_bench-redis.js"
import { cpuBudgetUs, cpuSeconds, machineCpuSeconds, redisCpuSeconds } from "./_process-cpu.js"

const SECONDS = Number(process.env["BENCH_HTTP_SECONDS"] ?? 10)
const CONNECTIONS = Number(process.env["BENCH_HTTP_CONNECTIONS"] ?? 64)
const USERS = Number(process.env["BENCH_HTTP_USERS"] ?? 200)
const MODE = process.env["BENCH_HTTP_MODE"] === "start" ? "start" : "split"
const WARMUP_SECONDS = 3
const JWT_SECRET = "bench-http-secret-0123456789abcdef"
const ADMIN_TOKEN = "bench-admin-token-0123456789"
const SIGNAL_TOKEN = "bench-signal-token-0123456789"
const TOPICS = ["DJ Zinhle dance challenge", "Bitcoin price spike", "Springboks win"]
const cli = fileURLToPath(new URL("../src/cli.ts", import.meta.url))

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/** A `viralfx <command>` child process for the life of the scope (SIGTERM, then wait for its exit). */
const child = (command: string, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      // node itself with tsx's loader: the .bin/tsx wrapper would fork another process.
      const profile = process.env["BENCH_HTTP_PROFILE_DIR"] ? ["--cpu-prof", `--cpu-prof-dir=${process.env["BENCH_HTTP_PROFILE_DIR"]}`] : []
      const proc = spawn(process.execPath, [...serverFlags, ...profile, "--import", "tsx", cli, command], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] })
      proc.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[${command}] ${chunk.toString()}`))
      return proc
    }),
    (proc: ChildProcess) =>
      Effect.async<void>((resume) => {
        if (proc.exitCode !== null) return resume(Effect.void)
        proc.once("exit", () => resume(Effect.void))
        proc.kill("SIGTERM")
      })
  )

const request = async (base: string, path: string, init: RequestInit = {}) => {
  const response = await fetch(`${base}${path}`, init)
  return { status: response.status, body: (await response.json()) as unknown }
}

/** Polls `probe` every 100 ms until it answers true, for at most `seconds`. */
const waitFor = async (what: string, probe: () => Promise<boolean>, seconds = 120) => {
  const deadline = Date.now() + seconds * 1000
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Registers trader `i` (deposits go only to registered users); answers its id and token. */
const registerTrader = async (base: string, i: number) => {
  const body = JSON.stringify({ email: `bench${String(i).padStart(4, "0")}@example.com`, password: "bench-password-1" })
  const registered = await request(base, "/auth/register", { method: "POST", headers: { "content-type": "application/json" }, body })
  if (registered.status !== 201) throw new Error(`registering trader ${i}: ${registered.status} ${JSON.stringify(registered.body)}`)
  return registered.body as { userId: string; token: string }
}

/** Runs `items` through `f`, `limit` at a time. */
const inBatches = async <A>(items: ReadonlyArray<A>, limit: number, f: (a: A) => Promise<void>) => {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(f))
}

/** One request of a run's stream. */
interface Call {
  readonly method: "GET" | "POST"
  readonly path: string
  readonly headers: Record<string, string>
  readonly body?: string
}

/** The order stream: many users, three markets, 90% resting bids below the market, 10% crossing bids. */
const orders = (tokens: ReadonlyArray<string>, markets: ReadonlyArray<{ symbol: string; cents: number }>): Array<Call> => {
  const out: Array<Call> = []
  for (let i = 0; i < 20_000; i++) {
    const market = markets[i % markets.length]!
    const crossing = i % 10 === 9
    const price = crossing ? Math.round(market.cents * 1.2) : 100 + ((i * 37) % 400)
    const body = { symbol: market.symbol, side: "BUY", type: "LIMIT", quantity: crossing ? 1 : 1 + (i % 5), price: (price / 100).toFixed(2) }
    out.push({ method: "POST", path: "/order", headers: { "content-type": "application/json", authorization: `Bearer ${tokens[(i * 7) % tokens.length]!}` }, body: JSON.stringify(body) })
  }
  return out
}

/** Every user reading their wallet in turn. */
const walletReads = (tokens: ReadonlyArray<string>): Array<Call> =>
  tokens.map((token) => ({ method: "GET", path: "/wallet", headers: { authorization: `Bearer ${token}` } }))

/** One autocannon run; counts answers by status. */
const load = async (url: string, stream: ReadonlyArray<Call> | undefined, seconds: number) => {
  const statuses = new Map<number, number>()
  let next = 0
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        ...(stream !== undefined
          ? {
              setupRequest: (req) => {
                const call = stream[next++ % stream.length]!
                return { ...req, method: call.method, path: call.path, headers: call.headers, ...(call.body !== undefined ? { body: call.body } : {}) }
              }
            }
          : {}),
        onResponse: (status) => void statuses.set(status, (statuses.get(status) ?? 0) + 1)
      }
    ]
  })
  return { result, statuses }
}

const describe = (name: string, { result, statuses }: { result: Result; statuses: Map<number, number> }) => {
  const byStatus = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`).join(", ")
  console.log(
    `${name.padEnd(16)} ${result.requests.average.toFixed(0).padStart(7)} req/s   p50 ${String(result.latency.p50).padStart(4)} ms   p99 ${String(result.latency.p99).padStart(4)} ms   ` +
      `(${byStatus}; errors ${result.errors}, timeouts ${result.timeouts})`
  )
}

/** Runs the benchmark. */
export const run = () =>
  Effect.runPromise(
    withBenchRedis((redisUrl) =>
      Effect.gen(function* () {
        const dataDir = yield* Effect.acquireRelease(
          Effect.sync(() => mkdtempSync(join(tmpdir(), "vfx-bench-http-"))),
          (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
        )
        const port = yield* Effect.promise(freePort)
        const base = `http://127.0.0.1:${port}`
        // Split, node and edge share the record: a scratch PostgreSQL database (the embedded
        // PGlite serves one process only). `start` keeps the embedded default.
        const database: Record<string, string> = MODE === "split" ? { DATABASE_URL: yield* scratchDatabase } : {}
        const env = {
          ...database,
          REDIS_URL: redisUrl,
          VIRALFX_PREFIX: `bench-http-${Date.now().toString(36)}`,
          VIRALFX_DATA_DIR: dataDir,
          PORT: String(port),
          HOST: "127.0.0.1",
          VIRALFX_JWT_SECRET: JWT_SECRET,
          VIRALFX_ADMIN_TOKEN: ADMIN_TOKEN,
          VIRALFX_SIGNAL_TOKEN: SIGNAL_TOKEN
        }
        // The processes whose CPU each run reports per request.
        const processes: Array<readonly [string, ChildProcess]> =
          MODE === "start" ? [["edge+node", yield* child("start", env)]] : [["node", yield* child("node", env)], ["edge", yield* child("edge", env)]]
        yield* Effect.promise(() => waitFor("the edge to be ready", async () => (await request(base, "/readyz")).status === 200))
        const signal = { "content-type": "application/json", authorization: `Bearer ${SIGNAL_TOKEN}` }
        for (const topic of TOPICS) {
          yield* Effect.promise(() => request(base, "/signals", { method: "POST", headers: signal, body: JSON.stringify({ topic, viralityScore: 60, sentiment: 0.3 }) }))
        }
        let markets: Array<{ symbol: string; cents: number }> = []
        yield* Effect.promise(() =>
          waitFor("the markets to be listed and priced", async () => {
            const listed = (await request(base, "/markets")).body as Array<{ symbol: string; currentPrice: string }>
            markets = listed.map((m) => ({ symbol: m.symbol, cents: Math.round(Number(m.currentPrice) * 100) }))
            return markets.length === TOPICS.length && markets.every((m) => m.cents > 0)
          })
        )
        const traders: Array<{ userId: string; token: string }> = []
        yield* Effect.promise(() => inBatches(Array.from({ length: USERS }, (_, i) => i), 20, async (i) => void (traders[i] = await registerTrader(base, i))))
        const userIds = traders.map((t) => t.userId)
        const tokens = traders.map((t) => t.token)
        const admin = { "content-type": "application/json", authorization: `Bearer ${ADMIN_TOKEN}` }
        yield* Effect.promise(() =>
          inBatches(userIds, 20, (userId) =>
            // Idempotent by its key, so a credit whose answer was late is simply asked again.
            waitFor(`the credit of ${userId}`, async () => {
              const headers = { ...admin, "idempotency-key": `bench-credit-${userId}` }
              return (await request(base, `/admin/wallets/${userId}/credit`, { method: "POST", headers, body: JSON.stringify({ currency: "ZAR", amount: "1000000.00" }) })).status === 200
            })
          )
        )
        const stream = orders(tokens, markets)
        console.log(`mode ${MODE}: ${MODE === "split" ? "edge and node as two processes" : "edge and node in one process"}, ${USERS} users, ${markets.length} markets, ${CONNECTIONS} connections, ${SECONDS} s per run; load average at start ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
        yield* Effect.promise(() => load(base, stream, WARMUP_SECONDS))
        const runs = (process.env["BENCH_HTTP_ONLY"] ?? "order,wallet,healthz").split(",")
        /** One run, described with the CPU each process spent per answered request. */
        const measured = (run: string, name: string, url: string, calls: ReadonlyArray<Call> | undefined) =>
          Effect.gen(function* () {
            if (!runs.includes(run)) return undefined
            const before = { processes: processes.map(([, p]) => cpuSeconds(p.pid!)), redis: yield* redisCpuSeconds(redisUrl), machine: machineCpuSeconds() }
            const outcome = yield* Effect.promise(() => load(url, calls, SECONDS))
            const redisUsed = (yield* redisCpuSeconds(redisUrl)) - before.redis
            const machineUsed = machineCpuSeconds() - before.machine
            describe(name, outcome)
            const answered = outcome.result.requests.total
            const perRequest = (seconds: number) => `${Math.round((seconds / answered) * 1e6)} µs`
            const cpu = processes.map(([label, p], i) => `${label} ${perRequest(cpuSeconds(p.pid!) - before.processes[i]!)}`)
            console.log(`${"".padEnd(17)}CPU per request: ${[...cpu, `Redis ${perRequest(redisUsed)}`, `whole machine ${perRequest(machineUsed)} (autocannon too)`].join(", ")}`)
            return outcome
          })
        const placed = yield* measured("order", "POST /order", base, stream)
        const wallets = yield* measured("wallet", "GET /wallet", base, walletReads(tokens))
        const health = yield* measured("healthz", "GET /healthz", `${base}/healthz`, undefined)
        const ratio = (of: { result: Result } | undefined) => (placed !== undefined && of !== undefined ? (placed.result.requests.average / of.result.requests.average).toFixed(2) : "-")
        console.log(`ratio orders/healthz: ${ratio(health)}; orders/wallet reads: ${ratio(wallets)}`)
        console.log(`load average at end ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)
        if (placed !== undefined) {
          console.log(`5,000 requests/s on this machine's ${cpus().length} cores allow ${Math.round(cpuBudgetUs(5_000))} µs of CPU per request, every process counted`)
          console.log(`targets: >= 5,000 orders/s (${placed.result.requests.average >= 5000 ? "met" : "not met"}), p99 < 50 ms (${placed.result.latency.p99 < 50 ? "met" : "not met"})`)
        }
      })
    )
  )

// Cluster node processes for the cluster tests, as scoped resources (killed when the scope
// closes). Node itself runs with tsx's loader: the .bin/tsx wrapper would fork, and SIGKILL
// or SIGSTOP would miss the real node.
import { Deferred, Effect } from "effect"
import { spawn, type ChildProcess } from "node:child_process"
import { fileURLToPath } from "node:url"

const fixture = fileURLToPath(new URL("./fixtures/counter-node.ts", import.meta.url))
const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url))

/** A running node process. */
export interface NodeProcess {
  readonly nodeId: string
  readonly child: ChildProcess
  /** Completes when the node has joined the live set and owns what it was assigned. */
  readonly joined: Effect.Effect<void>
  /** Completes with the exit code (null when killed by a signal). */
  readonly exited: Effect.Effect<number | null>
  /** Everything it printed so far. */
  readonly output: () => string
}

/** Starts a counter node process with `env` (REDIS_URL, VIRALFX_PREFIX, ...) as NODE_ID `nodeId`. */
export const spawnNode = (nodeId: string, env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const joined = yield* Deferred.make<void>()
      const exited = yield* Deferred.make<number | null>()
      const child = spawn(process.execPath, ["--import", "tsx", fixture], {
        env: { ...process.env, ...env, NODE_ID: nodeId },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let output = ""
      const collect = (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes(`joined ${nodeId}`)) Deferred.unsafeDone(joined, Effect.void)
      }
      child.stdout!.on("data", collect)
      child.stderr!.on("data", collect)
      // DEBUG_NODES=1 shows the nodes' own output while a test runs.
      if (process.env.DEBUG_NODES) child.stderr!.pipe(process.stderr), child.stdout!.pipe(process.stderr)
      child.on("exit", (code) => Deferred.unsafeDone(exited, Effect.succeed(code)))
      return {
        nodeId,
        child,
        joined: Deferred.await(joined).pipe(
          Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => new Error(`node ${nodeId} did not join:\n${output}`) }),
          Effect.orDie
        ),
        exited: Deferred.await(exited),
        output: () => output
      } satisfies NodeProcess
    }),
    (node) =>
      Effect.gen(function* () {
        if (node.child.exitCode === null && node.child.signalCode === null) {
          node.child.kill("SIGCONT")
          node.child.kill("SIGKILL")
        }
        yield* node.exited
      })
  )

/** Runs `viralfx status --json` against the cluster in `env` and parses its output. */
export const statusJson = (env: Record<string, string>) =>
  Effect.async<unknown, Error>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli, "status", "--json"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    let err = ""
    child.stdout.on("data", (c: Buffer) => (out += c.toString()))
    child.stderr.on("data", (c: Buffer) => (err += c.toString()))
    child.on("exit", (code) => {
      if (code !== 0) return resume(Effect.fail(new Error(`viralfx status exited with ${code}: ${err}`)))
      try {
        resume(Effect.succeed(JSON.parse(out)))
      } catch (error) {
        resume(Effect.fail(new Error(`viralfx status printed no JSON: ${out}\n${err}`)))
      }
    })
    return Effect.sync(() => child.kill("SIGKILL"))
  })

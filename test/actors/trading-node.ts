// Spawning trading node processes for the crash test, as scoped resources (killed when the
// scope closes). Like test/runtime/node-process.ts, with the trading fixture.
import { Deferred, Effect } from "effect"
import { spawn, type ChildProcess } from "node:child_process"
import { fileURLToPath } from "node:url"

const fixture = fileURLToPath(new URL("./fixtures/trading-node.ts", import.meta.url))

/** A running node process. */
export interface TradingNode {
  readonly child: ChildProcess
  /** Completes when the process printed "ready". */
  readonly ready: Effect.Effect<void>
  /** Completes when the process has exited. */
  readonly exited: Effect.Effect<number | null>
}

/** Starts a trading node process with the given environment. */
export const spawnTradingNode = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.gen(function* () {
      const ready = yield* Deferred.make<void>()
      const exited = yield* Deferred.make<number | null>()
      // node itself with tsx's loader: the .bin/tsx wrapper would fork, and SIGKILL would miss the real node.
      const child = spawn(process.execPath, ["--import", "tsx", fixture], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
      let output = ""
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes("ready")) Deferred.unsafeDone(ready, Effect.void)
      })
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()))
      if (process.env.DEBUG_NODES) child.stderr!.pipe(process.stderr), child.stdout!.pipe(process.stderr)
      child.on("exit", (code) => Deferred.unsafeDone(exited, Effect.succeed(code)))
      return {
        child,
        ready: Deferred.await(ready).pipe(Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => new Error(`node did not start:\n${output}`) }), Effect.orDie),
        exited: Deferred.await(exited)
      } satisfies TradingNode
    }),
    (node) =>
      Effect.gen(function* () {
        if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGKILL")
        yield* node.exited
      })
  )

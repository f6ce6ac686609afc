// Spawning node processes for kill tests, as scoped resources (SIGKILLed when the scope closes).
// A fixture is a script that starts a node and prints "ready" once it owns its shards.
import { Deferred, Effect } from "effect"
import { spawn, type ChildProcess } from "node:child_process"

/** A running node process. */
export interface NodeProcess {
  readonly child: ChildProcess
  /** Completes when the process printed "ready". */
  readonly ready: Effect.Effect<void>
  /** Completes when the process has exited. */
  readonly exited: Effect.Effect<number | null>
}

/** Starts `fixture` (a .ts file path) in a node process with `env` added to this one's. */
export const spawnNodeProcess = (fixture: string, env: Record<string, string>) =>
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
      // DEBUG_NODES=1 shows the nodes' own output while a test runs.
      if (process.env.DEBUG_NODES) child.stderr!.pipe(process.stderr), child.stdout!.pipe(process.stderr)
      child.on("exit", (code) => Deferred.unsafeDone(exited, Effect.succeed(code)))
      return {
        child,
        ready: Deferred.await(ready).pipe(
          Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => new Error(`${fixture} did not start:\n${output}`) }),
          Effect.orDie
        ),
        exited: Deferred.await(exited)
      } satisfies NodeProcess
    }),
    (node) =>
      Effect.gen(function* () {
        if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill("SIGKILL")
        yield* node.exited
      })
  )

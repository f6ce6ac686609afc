// The embedded default (DESIGN §5): an in-process PGlite with its data on disk, served over a local
// socket so the same `postgres` client code runs against it as against a real server.
import { PGlite } from "@electric-sql/pglite"
import { PGLiteSocketServer } from "@electric-sql/pglite-socket"
import { Effect } from "effect"
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { SqlError } from "./sql-error.js"

/** A running embedded database: connect with `postgres(url, { path: socketPath, max: 1 })`. */
export interface EmbeddedServer {
  readonly url: string
  /** Unix socket path, or undefined when served on 127.0.0.1 (`url` then carries the port). */
  readonly socketPath: string | undefined
}

// Unix socket paths are limited to ~104 bytes (macOS) / 108 (Linux); past that we serve on TCP.
const maxSocketPath = 100

const attempt = <A>(operation: string, f: () => Promise<A>) =>
  Effect.tryPromise({ try: f, catch: (cause) => new SqlError({ operation, cause }) })

/** True when a process with this pid is alive. */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"
  }
}

// PGlite does no locking of its own: two processes on one data folder would corrupt it.
const lockDataDir = (dir: string) =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        const file = join(dir, "viralfx.pid")
        let holder = Number.NaN
        try {
          holder = Number(readFileSync(file, "utf8"))
        } catch {}
        // Our own pid counts too: a second PGlite on this folder in this process corrupts it as well.
        if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
          throw new Error(`data folder ${dir} is in use by process ${holder}`)
        }
        writeFileSync(file, String(process.pid))
        return file
      },
      catch: (cause) => new SqlError({ operation: `lock ${dir}`, cause })
    }),
    (file) => Effect.sync(() => rmSync(file, { force: true }))
  )

/** Starts PGlite under `dataDir` and serves it until the scope closes. A first start takes seconds. */
export const startEmbedded = (options: { readonly dataDir: string }) =>
  Effect.gen(function* () {
    const dir = resolve(options.dataDir)
    yield* Effect.try({
      try: () => mkdirSync(dir, { recursive: true }),
      catch: (cause) => new SqlError({ operation: `create ${dir}`, cause })
    })
    yield* lockDataDir(dir)
    const db = yield* Effect.acquireRelease(
      attempt(`start PGlite in ${dir}`, () => PGlite.create({ dataDir: join(dir, "pgdata") })),
      (db) => Effect.promise(() => db.close().catch(() => undefined))
    )
    const candidate = join(dir, ".s.PGSQL.viralfx")
    const socketPath = candidate.length <= maxSocketPath ? candidate : undefined
    // A socket file left by a killed process would make listen fail with EADDRINUSE; we hold the lock.
    if (socketPath !== undefined) rmSync(socketPath, { force: true })
    const server = yield* Effect.acquireRelease(
      Effect.gen(function* () {
        const server = new PGLiteSocketServer(
          socketPath !== undefined ? { db, path: socketPath } : { db, host: "127.0.0.1", port: 0 }
        )
        yield* attempt("serve PGlite on a local socket", () => server.start())
        return server
      }),
      (server) => Effect.promise(() => server.stop().catch(() => undefined))
    )
    const url =
      socketPath !== undefined
        ? "postgres://postgres@localhost/postgres"
        : `postgres://postgres@${server.getServerConn()}/postgres`
    return { url, socketPath } satisfies EmbeddedServer
  })

// Migrations: applied in order once, recorded, and safe when several processes start at once.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { spawn } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { loadMigrations, migrate } from "../../src/storage/migrate.js"
import { query, Sql } from "../../src/storage/sql.js"
import { backends, TestDatabase } from "../support/database.js"

const recorded = query("read schema_migrations", (q) => q<Array<{ id: string }>>`select id from schema_migrations order by id`)

const expectedIds = Effect.map(loadMigrations(), (migrations) => migrations.map((m) => m.id))

const childScript = fileURLToPath(new URL("./migrate-process.ts", import.meta.url))

/** Starts a migrating child process; its stdout lines arrive on the returned queue. */
const startChild = (url: string) =>
  Effect.gen(function* () {
    const child = yield* Effect.acquireRelease(
      Effect.sync(() => spawn(process.execPath, ["--import", "tsx", childScript, url], { stdio: ["pipe", "pipe", "inherit"] })),
      (child) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
    )
    const lines = Stream.async<string>((emit) => {
      const reader = createInterface({ input: child.stdout! })
      reader.on("line", (line) => emit.single(line))
      reader.on("close", () => emit.end())
    })
    return { child, lines }
  })

/** Runs two migrating processes released at the same moment; answers what each applied. */
const raceTwoProcesses = (url: string) =>
  Effect.gen(function* () {
    const children = yield* Effect.all([startChild(url), startChild(url)])
    // Each child prints "ready" then its applied ids; pull them through one iterator each.
    const pulls = yield* Effect.all(children.map((c) => Stream.toPull(c.lines)))
    for (const pull of pulls) assert.deepStrictEqual([...(yield* Effect.orDie(pull))], ["ready"])
    for (const { child } of children) child.stdin!.end("go\n")
    return yield* Effect.all(
      pulls.map((pull) => Effect.map(Effect.orDie(pull), (chunk) => JSON.parse([...chunk][0]!) as Array<string>)),
      { concurrency: "unbounded" }
    )
  })

for (const backend of backends) {
  describe(backend.name, () => {
    it.scoped("migrations are applied once, in order, and recorded", () =>
      Effect.gen(function* () {
        const ids = yield* expectedIds
        assert.deepStrictEqual(yield* migrate(), ids)
        assert.deepStrictEqual(yield* migrate(), [])
        assert.deepStrictEqual((yield* recorded).map((row) => row.id), ids)
      }).pipe(Effect.provide(backend.layer)), { timeout: 60_000 })

    it.scoped("migrations started concurrently are applied once", () =>
      Effect.gen(function* () {
        const ids = yield* expectedIds
        const { url } = yield* TestDatabase
        // PGlite lives inside this process, so there the racers are two fibers sharing its one
        // connection; on PostgreSQL they are two OS processes with their own connections.
        const results =
          url === undefined
            ? yield* Effect.all([migrate(), migrate()], { concurrency: 2 })
            : yield* raceTwoProcesses(url)
        assert.deepStrictEqual(results.flat().sort(), ids)
        assert.deepStrictEqual((yield* recorded).map((row) => row.id), ids)
        const sql = yield* Sql
        const tables = yield* sql.run(
          "list tables",
          (q) => q<Array<{ n: number }>>`select count(*)::int as n from pg_tables where tablename = 'trades'`
        )
        assert.strictEqual(tables[0]!.n, 1)
      }).pipe(Effect.provide(backend.layer)), { timeout: 60_000 })
  })
}

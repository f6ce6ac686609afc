// Child process of the concurrent-migration test: connects to the database at argv[2], says
// "ready", waits for "go" on stdin so both children race, migrates, and prints the applied ids.
import { Effect } from "effect"
import { createInterface } from "node:readline"
import { migrate } from "../../src/storage/migrate.js"
import { Sql } from "../../src/storage/sql.js"

const go = Effect.async<void>((resume) => {
  const lines = createInterface({ input: process.stdin })
  lines.once("line", () => {
    lines.close()
    resume(Effect.void)
  })
})

const program = Effect.gen(function* () {
  const sql = yield* Sql
  yield* sql.run("warm up", (q) => q`select 1`)
  process.stdout.write("ready\n")
  yield* go
  const applied = yield* migrate()
  process.stdout.write(`${JSON.stringify(applied)}\n`)
})

Effect.runPromise(program.pipe(Effect.provide(Sql.layer({ url: process.argv[2]!, max: 2 })))).catch((error) => {
  console.error(error)
  process.exit(1)
})

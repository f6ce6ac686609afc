// The PostgreSQL a benchmark writes to: a scratch database on the local server (or on
// BENCH_DATABASE_URL, an admin URL), created for the run and dropped at the end.
import { Effect } from "effect"
import { randomBytes } from "node:crypto"
import postgres from "postgres"

/** The admin URL scratch databases are created from. */
export const ADMIN_URL = process.env["BENCH_DATABASE_URL"] ?? "postgres://postgres@127.0.0.1:5432/postgres"

const withAdmin = <A>(f: (admin: postgres.Sql) => Promise<A>) =>
  Effect.promise(async () => {
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
    try {
      return await f(admin)
    } finally {
      await admin.end({ timeout: 5 })
    }
  })

/** A scratch database for the scope, dropped (with its connections) at the end; its URL. */
export const scratchDatabase = Effect.gen(function* () {
  const name = `vfx_bench_${randomBytes(6).toString("hex")}`
  yield* Effect.acquireRelease(
    withAdmin((sql) => sql`create database ${sql(name)}`),
    () => withAdmin((sql) => sql`drop database if exists ${sql(name)} with (force)`)
  )
  const url = new URL(ADMIN_URL)
  url.pathname = `/${name}`
  return url.toString()
})

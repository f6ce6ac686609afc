// A fresh database per test file (or per test) on every real backend: a new database on the local
// PostgreSQL, dropped on release, and an embedded PGlite in a temporary folder. No mocks.
import { Config, Context, Effect, Layer } from "effect"
import { randomBytes } from "node:crypto"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import postgres from "postgres"
import { migrateLayer } from "../../src/storage/migrate.js"
import { Sql } from "../../src/storage/sql.js"

/** Which backend a test database runs on, and its URL when other processes can reach it. */
export class TestDatabase extends Context.Tag("viralfx/test/TestDatabase")<
  TestDatabase,
  { readonly backend: "postgres" | "pglite"; readonly url: string | undefined }
>() {}

/** The server that test databases are created on; TEST_DATABASE_URL overrides it. */
const adminUrl = Config.string("TEST_DATABASE_URL").pipe(Config.withDefault("postgres://postgres@127.0.0.1:5432/test"))

const withAdmin = <A>(url: string, f: (admin: postgres.Sql) => Promise<A>) =>
  Effect.promise(async () => {
    const admin = postgres(url, { max: 1, onnotice: () => {} })
    try {
      return await f(admin)
    } finally {
      await admin.end({ timeout: 5 })
    }
  })

/** `CREATE DATABASE vfx_test_<random>` for the scope, dropped (with its connections) on release. */
const freshPostgresDatabase = Effect.gen(function* () {
  const admin = yield* Effect.orDie(adminUrl)
  const name = `vfx_test_${randomBytes(6).toString("hex")}`
  yield* Effect.acquireRelease(
    withAdmin(admin, (sql) => sql`create database ${sql(name)}`),
    () => withAdmin(admin, (sql) => sql`drop database if exists ${sql(name)} with (force)`)
  )
  const url = new URL(admin)
  url.pathname = `/${name}`
  return url.toString()
})

/** A temporary folder for the scope, removed on release. */
const tempDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "vfx-pglite-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

/** A test backend: its name and a layer giving a fresh, empty (unmigrated) database. */
export interface Backend {
  readonly name: "postgres" | "pglite"
  readonly layer: Layer.Layer<Sql | TestDatabase, unknown>
}

/** PostgreSQL at TEST_DATABASE_URL (default 127.0.0.1:5432), a new database per layer. */
export const postgresBackend: Backend = {
  name: "postgres",
  layer: Layer.unwrapScoped(
    Effect.map(freshPostgresDatabase, (url) =>
      Layer.merge(Sql.layer({ url }), Layer.succeed(TestDatabase, { backend: "postgres", url }))
    )
  )
}

/** The embedded PGlite in a new temporary folder per layer. */
export const pgliteBackend: Backend = {
  name: "pglite",
  layer: Layer.unwrapScoped(
    Effect.map(tempDir, (dataDir) =>
      Layer.merge(Sql.layerEmbedded({ dataDir }), Layer.succeed(TestDatabase, { backend: "pglite", url: undefined }))
    )
  )
}

/** Every real backend; run each storage suite over all of them. */
export const backends: ReadonlyArray<Backend> = [postgresBackend, pgliteBackend]

/** `backend`'s fresh database with every migration applied. */
export const migrated = (backend: Backend): Layer.Layer<Sql | TestDatabase, unknown> =>
  migrateLayer().pipe(Layer.provideMerge(backend.layer))

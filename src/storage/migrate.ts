// Applies the SQL files under migrations/ in name order, once each, recording them in
// schema_migrations; the files under migrations/timescale/ only when TimescaleDB can be used.
// Safe to run from several processes at once: one advisory lock is held around the whole run.
import { Data, Effect, Layer } from "effect"
import { createHash } from "node:crypto"
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Sql } from "./sql.js"
import { SqlError } from "./sql-error.js"

/** One migration file. */
export interface Migration {
  /** File name without `.sql`, prefixed by its folder: `0003_trades`, `timescale/0001_hypertables`. */
  readonly id: string
  readonly sql: string
  readonly checksum: string
  /** False for files starting with `-- migrate:no-transaction` (statements Postgres refuses in one). */
  readonly transactional: boolean
}

/** A migration already applied has since been edited: the schema no longer matches the files. */
export class MigrationError extends Data.TaggedError("MigrationError")<{
  readonly reason: "changed"
  readonly id: string
}> {
  override get message() {
    return `migration ${this.id} was edited after it was applied; add a new migration instead`
  }
}

// Any constant works as long as nothing else in the database locks it; "vfxmigr" in ASCII.
const lockKey = 0x7666786d69677200n

const migrationsDir = fileURLToPath(new URL("./migrations/", import.meta.url))

/** Reads `folder`'s `*.sql` files in name order. */
export const loadMigrations = (folder = "") =>
  Effect.tryPromise({
    try: async () => {
      const dir = join(migrationsDir, folder)
      const names = (await readdir(dir)).filter((name) => name.endsWith(".sql")).sort()
      return Promise.all(
        names.map(async (name): Promise<Migration> => {
          const sql = await readFile(join(dir, name), "utf8")
          return {
            id: (folder === "" ? "" : `${folder}/`) + name.slice(0, -".sql".length),
            sql,
            checksum: createHash("sha256").update(sql).digest("hex"),
            transactional: !sql.startsWith("-- migrate:no-transaction")
          }
        })
      )
    },
    catch: (cause) => new SqlError({ operation: `read migrations in ${migrationsDir}${folder}`, cause })
  })

/** Applies every pending migration; answers the ids this call applied (none when up to date). */
export const migrate = Effect.fn("migrate")(function* () {
  const sql = yield* Sql
  const migrations = [
    ...(yield* loadMigrations()),
    ...(sql.capabilities.timescale ? yield* loadMigrations("timescale") : [])
  ]
  const unlock = sql.run("migrate: unlock", (q) => q`select pg_advisory_unlock(${lockKey})`)
  // Session-level lock, so the run needs one reserved connection; the unlock runs even when a
  // migration fails, before the connection goes back to the pool.
  return yield* sql.withConnection(
    Effect.gen(function* () {
      yield* sql.run("migrate: lock", (q) => q`select pg_advisory_lock(${lockKey})`)
      return yield* applyPending(migrations).pipe(Effect.ensuring(Effect.ignore(unlock)))
    })
  )
})

const applyPending = (migrations: ReadonlyArray<Migration>) =>
  Effect.gen(function* () {
    const sql = yield* Sql
    yield* sql.run(
      "migrate: create schema_migrations",
      (q) => q`create table if not exists schema_migrations (
        id text primary key,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`
    )
    const rows = yield* sql.run(
      "migrate: read schema_migrations",
      (q) => q<Array<{ id: string; checksum: string }>>`select id, checksum from schema_migrations`
    )
    const done = new Map(rows.map((row) => [row.id, row.checksum]))
    const applied: Array<string> = []
    for (const migration of migrations) {
      const checksum = done.get(migration.id)
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) return yield* new MigrationError({ reason: "changed", id: migration.id })
        continue
      }
      const apply = Effect.zipRight(
        sql.run(`migrate: apply ${migration.id}`, (q) => q.unsafe(migration.sql)),
        sql.run(
          `migrate: record ${migration.id}`,
          (q) => q`insert into schema_migrations (id, checksum) values (${migration.id}, ${migration.checksum})`
        )
      )
      yield* migration.transactional ? sql.withTransaction(apply) : apply
      applied.push(migration.id)
    }
    return applied
  })

/** The migrations recorded as applied, in order (for `viralfx status`). */
export const appliedMigrations = Effect.fn("migrate.applied")(function* () {
  const sql = yield* Sql
  return yield* sql.run(
    "read schema_migrations",
    (q) => q<Array<{ id: string; appliedAt: Date }>>`select id, applied_at from schema_migrations order by id`
  )
})

/**
 * Migrates at layer build: `migrateLayer().pipe(Layer.provideMerge(Sql.layerFor(...)))` gives a
 * ready Sql. A function, not a constant: layers are memoised by reference, so one constant shared
 * by two Sql layers in one MemoMap would migrate only the first database.
 */
export const migrateLayer = () => Layer.effectDiscard(migrate())

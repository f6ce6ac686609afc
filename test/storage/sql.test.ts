// The Sql service itself: transactions, capabilities, and the embedded backend's data folder.
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { query, Sql, SqlError, withTransaction } from "../../src/storage/sql.js"
import { backends } from "../support/database.js"

const scratchTable = (name: string) =>
  query("create scratch table", (q) => q`create table if not exists ${q(name)} (id int primary key)`)

const countRows = (name: string) =>
  Effect.map(query("count", (q) => q<Array<{ n: number }>>`select count(*)::int as n from ${q(name)}`), ([row]) => row!.n)

class Boom {
  readonly _tag = "Boom"
}

for (const backend of backends) {
  describe(backend.name, () => {
    it.layer(backend.layer, { timeout: 60_000 })("sql", (it) => {
      it.effect("a transaction that fails writes nothing", () =>
        Effect.gen(function* () {
          yield* scratchTable("rollback_probe")
          const result = yield* Effect.flip(
            withTransaction(
              Effect.zipRight(
                query("insert", (q) => q`insert into rollback_probe values (1)`),
                Effect.fail(new Boom())
              )
            )
          )
          assert.instanceOf(result, Boom)
          assert.strictEqual(yield* countRows("rollback_probe"), 0)
        }))

      it.effect("every query of a transaction, nested ones too, runs in that one transaction", () =>
        Effect.gen(function* () {
          const txid = query("txid", (q) => q<Array<{ id: bigint }>>`select txid_current() as id`)
          const [a, b] = yield* withTransaction(Effect.all([txid, withTransaction(txid)]))
          assert.strictEqual(a![0]!.id, b![0]!.id)
        }))

      it.effect("a failing query names its operation", () =>
        Effect.gen(function* () {
          const error = yield* Effect.flip(query("select from nowhere", (q) => q`select * from no_such_table`))
          assert.instanceOf(error, SqlError)
          assert.strictEqual(error.operation, "select from nowhere")
          assert.strictEqual(error.code, "42P01")
        }))

      it.effect("capabilities name the backend", () =>
        Effect.gen(function* () {
          const sql = yield* Sql
          assert.strictEqual(sql.capabilities.backend, backend.name)
          assert.isAbove(sql.capabilities.serverVersion, 150000)
        }))
    })
  })
}

describe("embedded", () => {
  const withDataDir = <A, E, R>(f: (dataDir: string) => Effect.Effect<A, E, R>) =>
    Effect.acquireUseRelease(
      Effect.promise(() => mkdtemp(join(tmpdir(), "vfx-pglite-"))),
      f,
      (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
    )

  it.live("the embedded database keeps its data across restarts", () =>
    withDataDir((dataDir) =>
      Effect.gen(function* () {
        const layer = Sql.layerEmbedded({ dataDir })
        yield* Effect.provide(
          Effect.zipRight(scratchTable("kept"), query("insert", (q) => q`insert into kept values (42)`)),
          layer
        )
        const rows = yield* Effect.provide(query("read", (q) => q<Array<{ id: number }>>`select id from kept`), layer)
        assert.deepStrictEqual([...rows], [{ id: 42 }])
      })
    ), { timeout: 60_000 })

  it.live("a data folder already in use is refused", () =>
    withDataDir((dataDir) =>
      Effect.gen(function* () {
        const second = Layer.build(Sql.layerEmbedded({ dataDir }))
        const error = yield* Effect.scoped(
          Effect.flatMap(Layer.build(Sql.layerEmbedded({ dataDir })), () => Effect.flip(Effect.scoped(second)))
        )
        assert.instanceOf(error, SqlError)
        assert.match(error.message, /in use/)
      })
    ), { timeout: 60_000 })
})

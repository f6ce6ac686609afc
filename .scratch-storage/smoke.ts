import { Effect } from "effect"
import { Sql } from "../src/storage/sql.js"
const prog = Effect.gen(function* () {
  const sql = yield* Sql
  console.log(sql.capabilities)
  console.log(yield* sql.run("x", (q) => q`select 1::int8 as a, now() as t, ${[1n, 2n].map(String)}::int8[] as arr`))
  yield* sql.withTransaction(sql.run("y", (q) => q`select txid_current() as t`)).pipe(Effect.tap((r) => Effect.log(r)))
})
const t = Date.now()
await Effect.runPromise(Effect.provide(prog, Sql.layerEmbedded({ dataDir: "/tmp/vfx/emb1" })))
console.log(Date.now() - t)
await Effect.runPromise(Effect.provide(prog, Sql.layer({ url: "postgres://postgres@127.0.0.1:5432/test" })))

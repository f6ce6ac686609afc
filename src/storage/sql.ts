// The one door to PostgreSQL (DESIGN §5): a porsager `postgres` client behind a Tag, connected to a
// server URL or to the embedded PGlite, with every call an Effect whose error names the operation.
import { Context, Effect, Exit, FiberRef, Layer, Option } from "effect"
import postgres from "postgres"
import { startEmbedded } from "./embedded.js"
import { SqlError } from "./sql-error.js"

export { SqlError }

/** The tagged-template query builder of the client, of the pool or of one connection. */
export type Query = postgres.ISql<{ bigint: bigint }>

/** What the connected server can do, probed once at connect; `viralfx status` shows it. */
export interface Capabilities {
  readonly backend: "postgres" | "pglite"
  /** server_version_num, e.g. 150020 or 180006. */
  readonly serverVersion: number
  /** TimescaleDB is installable here (available and preloaded): its migrations apply. */
  readonly timescale: boolean
}

/** The storage service. Queries run inside the current transaction or reserved connection, if any. */
export interface SqlClient {
  readonly capabilities: Capabilities
  /** Runs one query written with the tagged template (`(q) => q\`select ...\``); row keys are camelCase. */
  readonly run: <A>(operation: string, query: (q: Query) => Promise<A>) => Effect.Effect<A, SqlError>
  /** Runs `effect` in one transaction; nested calls join the outer one. */
  readonly withTransaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError, R>
  /** Runs every query of `effect` on one reserved connection (session state: advisory locks). */
  readonly withConnection: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | SqlError, R>
}

/** Connection options shared by both backends. */
export interface SqlOptions {
  /** Pool size; the embedded backend always uses 1. */
  readonly max?: number
}

/** The storage service tag. */
export class Sql extends Context.Tag("viralfx/storage/Sql")<Sql, SqlClient>() {
  /** Connects to a PostgreSQL server. */
  static readonly layer = (options: SqlOptions & { readonly url: string }) =>
    Layer.scoped(
      Sql,
      Effect.gen(function* () {
        const client = yield* open(options.url, { max: options.max ?? 10 })
        return yield* make(client, "postgres")
      })
    )

  /** Starts PGlite with its data under `dataDir`, served on a local socket, and connects to it. */
  static readonly layerEmbedded = (options: { readonly dataDir: string }) =>
    Layer.scoped(
      Sql,
      Effect.gen(function* () {
        const server = yield* startEmbedded(options)
        // PGlite is one backend session: a pool larger than one interleaves clients' statements
        // and transactions on it and returns wrong results.
        const client = yield* open(server.url, { max: 1, path: server.socketPath })
        return yield* make(client, "pglite")
      })
    )

  /** `url` when given (DATABASE_URL), else the embedded PGlite under `dataDir`/pglite. */
  static readonly layerFor = (options: SqlOptions & { readonly url: Option.Option<string>; readonly dataDir: string }) =>
    Option.match(options.url, {
      onSome: (url) => Sql.layer({ ...options, url }),
      onNone: () => Sql.layerEmbedded({ dataDir: `${options.dataDir}/pglite` })
    })
}

const open = (url: string, extra: { readonly max: number; readonly path?: string | undefined }) =>
  Effect.acquireRelease(
    Effect.sync(() =>
      postgres(url, {
        max: extra.max,
        ...(extra.path === undefined ? {} : { path: extra.path }),
        // int8 as bigint: money is bigint cents end to end.
        types: { bigint: postgres.BigInt },
        // Rows come back with camelCase keys (trade_id -> tradeId), matching the TS records.
        transform: { column: { from: postgres.toCamel } },
        onnotice: () => {},
        connection: { application_name: "viralfx" }
      })
    ),
    (client) => Effect.promise(() => client.end({ timeout: 5 }))
  )

/** The connection a fiber is bound to: a reserved one, and whether a transaction is open on it. */
interface Bound {
  readonly conn: Query
  readonly inTransaction: boolean
}

const make = (client: postgres.Sql<{ bigint: bigint }>, backend: Capabilities["backend"]) =>
  Effect.gen(function* () {
    // Per client, not per module: two Sql instances in one process never share a binding.
    const current = yield* FiberRef.make<Bound | undefined>(undefined)

    const runOn = <A>(conn: Query, operation: string, query: (q: Query) => Promise<A>) =>
      Effect.tryPromise({ try: () => query(conn), catch: (cause) => new SqlError({ operation, cause }) })

    const run = <A>(operation: string, query: (q: Query) => Promise<A>) =>
      Effect.flatMap(FiberRef.get(current), (bound) => runOn(bound?.conn ?? client, operation, query))

    const reserve = Effect.acquireRelease(
      Effect.tryPromise({ try: () => client.reserve(), catch: (cause) => new SqlError({ operation: "reserve", cause }) }),
      (conn) => Effect.sync(() => conn.release())
    )

    const withConnection = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
      Effect.flatMap(FiberRef.get(current), (bound) =>
        bound !== undefined
          ? effect
          : Effect.scoped(
              Effect.flatMap(reserve, (conn) => Effect.locally(effect, current, { conn, inTransaction: false }))
            )
      )

    const transactionOn = <A, E, R>(conn: Query, effect: Effect.Effect<A, E, R>) =>
      // Uninterruptible between BEGIN and COMMIT/ROLLBACK so a connection never goes back to the
      // pool with a transaction open; the body itself stays interruptible.
      Effect.uninterruptibleMask((restore) =>
        Effect.gen(function* () {
          yield* runOn(conn, "begin", (q) => q.unsafe("begin"))
          const exit = yield* Effect.exit(restore(Effect.locally(effect, current, { conn, inTransaction: true })))
          if (Exit.isFailure(exit)) {
            yield* Effect.ignore(runOn(conn, "rollback", (q) => q.unsafe("rollback")))
            return yield* exit
          }
          yield* runOn(conn, "commit", (q) => q.unsafe("commit"))
          return exit.value
        })
      )

    const withTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
      Effect.flatMap(FiberRef.get(current), (bound) => {
        if (bound?.inTransaction) return effect
        if (bound !== undefined) return transactionOn(bound.conn, effect)
        return Effect.scoped(Effect.flatMap(reserve, (conn) => transactionOn(conn, effect)))
      })

    const capabilities = yield* probe(client, backend)
    return Sql.of({ capabilities, run, withTransaction, withConnection })
  })

/** Reads the server version and whether TimescaleDB can be used (DESIGN §5: detected at start). */
const probe = (client: Query, backend: Capabilities["backend"]): Effect.Effect<Capabilities, SqlError> =>
  Effect.map(
    Effect.tryPromise({
      try: () => client<[{ version: number; available: boolean; preloaded: boolean }]>`
        select current_setting('server_version_num')::int as version,
               exists (select 1 from pg_available_extensions where name = 'timescaledb') as available,
               coalesce(current_setting('shared_preload_libraries', true), '') like '%timescaledb%' as preloaded`,
      catch: (cause) => new SqlError({ operation: "probe capabilities", cause })
    }),
    ([row]) => ({
      backend,
      serverVersion: row.version,
      // Available but not preloaded: CREATE EXTENSION would fail, so plain PostgreSQL it is.
      timescale: row.available && row.preloaded
    })
  )

/** Convenience for repositories: one query through the current Sql service. */
export const query = <A>(operation: string, q: (q: Query) => Promise<A>): Effect.Effect<A, SqlError, Sql> =>
  Effect.flatMap(Sql, (sql) => sql.run(operation, q))

/** Runs `effect` in one transaction of the current Sql service. */
export const withTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R | Sql> =>
  Effect.flatMap(Sql, (sql) => sql.withTransaction(effect))

// The runtime the HTTP handlers run their effects on: built once by the CLI (or a test) and
// passed to `makeApp`, so tests can build isolated apps (STYLE "HTTP bridge").
import type { ManagedRuntime } from "effect"
import type { ActorClient } from "../runtime/actor-client.js"
import type { RedisClient } from "../runtime/redis.js"
import type { Sql } from "../storage/sql.js"
import type { AuthConfig } from "./auth/principal.js"

/** Services every handler may use. */
export type EdgeServices = ActorClient | RedisClient | Sql | AuthConfig

/** The runtime handlers run on. */
export type EdgeRuntime = ManagedRuntime.ManagedRuntime<EdgeServices, never>

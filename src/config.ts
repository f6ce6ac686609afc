// Settings of the processes around the runtime (the edge's address, authentication, the
// database); the runtime's own settings are in runtime/runtime-config.ts. Both read the
// environment once, at start.
import { Config, Effect, Layer, Option, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { AuthConfig } from "./http/auth/principal.js"

/** Edge settings from the environment. */
export const EdgeConfig = Config.all({
  port: Config.port("PORT").pipe(Config.withDefault(3000)),
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1")),
  corsOrigins: Config.array(Config.string(), "VIRALFX_CORS_ORIGINS").pipe(Config.withDefault([] as Array<string>)),
  maxBodyBytes: Config.integer("VIRALFX_MAX_BODY_BYTES").pipe(Config.withDefault(64 * 1024)),
  ws: Config.all({
    heartbeatMs: Config.integer("VIRALFX_WS_HEARTBEAT_MS").pipe(Config.validate({ message: "must be at least 100", validation: (n) => n >= 100 }), Config.withDefault(15_000)),
    maxBufferedBytes: Config.integer("VIRALFX_WS_MAX_BUFFERED_BYTES").pipe(Config.validate({ message: "must be at least 1024", validation: (n) => n >= 1024 }), Config.withDefault(1024 * 1024))
  }),
  rateLimitPerUser: Config.integer("VIRALFX_RATE_LIMIT_USER").pipe(Config.validate({ message: "must be 0 or more", validation: (n) => n >= 0 }), Config.withDefault(6000)),
  rateLimitPerIp: Config.integer("VIRALFX_RATE_LIMIT_IP").pipe(Config.validate({ message: "must be 0 or more", validation: (n) => n >= 0 }), Config.withDefault(300_000)),
  rateLimitWindowMs: Config.integer("VIRALFX_RATE_LIMIT_WINDOW_MS").pipe(Config.validate({ message: "must be at least 1000", validation: (n) => n >= 1000 }), Config.withDefault(60_000)),
  trustProxy: Config.boolean("VIRALFX_TRUST_PROXY").pipe(Config.withDefault(false))
})

/** Database settings: a PostgreSQL URL, or the embedded PGlite under the data folder. */
export const DatabaseConfig = Config.all({
  url: Config.option(Config.string("DATABASE_URL")),
  dataDir: Config.string("VIRALFX_DATA_DIR").pipe(Config.withDefault("data"))
})

/** Authentication settings from the environment. */
export const AuthConfigFromEnv = Layer.effect(
  AuthConfig,
  Effect.gen(function* () {
    const env = yield* Config.all({
      jwtSecret: Config.option(Config.redacted("VIRALFX_JWT_SECRET")),
      tokenTtlSeconds: Config.integer("VIRALFX_TOKEN_TTL_SECONDS").pipe(Config.withDefault(24 * 3600)),
      adminToken: Config.option(Config.redacted("VIRALFX_ADMIN_TOKEN")),
      signalToken: Config.option(Config.redacted("VIRALFX_SIGNAL_TOKEN"))
    })
    if (Option.isNone(env.jwtSecret)) {
      yield* Effect.logWarning("VIRALFX_JWT_SECRET is unset: tokens use a random secret and die with this process; set it when running several edges")
    }
    return {
      jwtSecret: Option.match(env.jwtSecret, { onNone: () => randomBytes(32), onSome: (s) => new TextEncoder().encode(Redacted.value(s)) }),
      tokenTtlSeconds: env.tokenTtlSeconds,
      adminToken: Option.getOrUndefined(Option.map(env.adminToken, Redacted.value)),
      signalToken: Option.getOrUndefined(Option.map(env.signalToken, Redacted.value))
    }
  })
)

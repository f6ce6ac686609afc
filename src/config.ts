// Settings of the processes around the runtime (the edge's address); the runtime's own
// settings are in runtime/runtime-config.ts. Both read the environment once, at start.
import { Config } from "effect"

/** Edge settings from the environment. */
export const EdgeConfig = Config.all({
  port: Config.port("PORT").pipe(Config.withDefault(3000)),
  host: Config.string("HOST").pipe(Config.withDefault("127.0.0.1"))
})

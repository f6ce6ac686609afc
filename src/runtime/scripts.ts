// The runtime's Lua scripts, loaded from lua/*.lua and run by EVALSHA with a NOSCRIPT fallback
// (DESIGN §2: "Scripts ship as Redis 7 Functions or EVALSHA with NOSCRIPT fallback"); scripts
// of other modules (the edge's rate limiter) run the same way through `luaScript`.
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import type { Cluster, Redis } from "ioredis"

const luaDir = new URL("./lua/", import.meta.url)

/** Script names, each a file `<name>.lua` with its KEYS/ARGV header. */
export type ScriptName =
  | "acquire-4"
  | "renew-1"
  | "release-1"
  | "commit-9"
  | "append-2"
  | "move-timers-3"
  | "claim-jobs-3"
  | "finish-jobs-4"
  | "advance-relay-3"
  | "relay-round-3"
  | "trim-inbox-3"
  | "save-snapshots-3"
  | "heartbeat-1"
  | "live-nodes-1"

/** A script's source and its SHA1, the name EVALSHA runs it by. */
export interface LuaScript {
  readonly lua: string
  readonly sha: string
}

/** A script given as source text (the edge's own, for instance), ready for `runLuaScript`. */
export const luaScript = (lua: string): LuaScript => ({ lua, sha: createHash("sha1").update(lua).digest("hex") })

const includePattern = /^--@include "([\w-]+)"$/gm

const load = (name: string): LuaScript => {
  const source = readFileSync(new URL(`${name}.lua`, luaDir), "utf8")
  return luaScript(source.replace(includePattern, (_, include: string) => readFileSync(new URL(`includes/${include}.lua`, luaDir), "utf8")))
}

const cache = new Map<ScriptName, LuaScript>()

const script = (name: ScriptName): LuaScript => {
  let loaded = cache.get(name)
  if (loaded === undefined) {
    loaded = load(name)
    cache.set(name, loaded)
  }
  return loaded
}

/** Any ioredis client: a single server or a cluster. */
export type RedisLike = Redis | Cluster

/** Runs one of the runtime's scripts (see `runLuaScript`). */
export const runScript = (redis: RedisLike, name: ScriptName, keys: ReadonlyArray<string>, args: ReadonlyArray<string | number>): Promise<unknown> =>
  runLuaScript(redis, script(name), keys, args)

/**
 * Runs a script. EVALSHA first; on NOSCRIPT (a restarted or failed-over Redis) the full
 * source, which also caches it again.
 */
export const runLuaScript = async (
  redis: RedisLike,
  { lua, sha }: LuaScript,
  keys: ReadonlyArray<string>,
  args: ReadonlyArray<string | number>
): Promise<unknown> => {
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args)
  } catch (error) {
    if (error instanceof Error && error.message.startsWith("NOSCRIPT")) {
      return await redis.eval(lua, keys.length, ...keys, ...args)
    }
    throw error
  }
}

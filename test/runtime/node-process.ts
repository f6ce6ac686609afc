// The counter node process of the runtime's kill tests.
import { fileURLToPath } from "node:url"
import { spawnNodeProcess } from "../support/node-process.js"

const fixture = fileURLToPath(new URL("./fixtures/counter-node.ts", import.meta.url))

/** Starts a counter node process with the given environment. */
export const spawnNode = (env: Record<string, string>) => spawnNodeProcess(fixture, env)

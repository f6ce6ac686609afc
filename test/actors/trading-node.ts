// The trading node process of the crash test.
import { fileURLToPath } from "node:url"
import { spawnNodeProcess } from "../support/node-process.js"

const fixture = fileURLToPath(new URL("./fixtures/trading-node.ts", import.meta.url))

/** Starts a trading node process with the given environment. */
export const spawnTradingNode = (env: Record<string, string>) => spawnNodeProcess(fixture, env)

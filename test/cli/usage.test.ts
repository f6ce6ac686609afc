// The `viralfx` command used wrongly: one line saying why, the usage, exit code 2, nothing done.
import { describe, expect, it } from "vitest"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { sharedRedisUrl } from "../support/redis-server.js"

const cli = fileURLToPath(new URL("../../src/cli.ts", import.meta.url))

/** Runs the CLI to its end: its exit code and what it printed. */
const viralfx = (...args: Array<string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ["--import", "tsx", cli, ...args], { env: { ...process.env, REDIS_URL: sharedRedisUrl, VIRALFX_PREFIX: "cli-usage" } }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr })
    )
  })

describe("viralfx command line", () => {
  it("names an unknown command and exits 2", async () => {
    const { code, stderr } = await viralfx("bogus")
    expect(code).toBe(2)
    expect(stderr).toMatch(/^viralfx: unknown command "bogus"/)
    expect(stderr).toContain("usage: viralfx <command>")
  })

  it("prints the usage on --help and exits 0", async () => {
    const { code, stdout } = await viralfx("--help")
    expect(code).toBe(0)
    expect(stdout).toContain("usage: viralfx <command>")
  })

  it("refuses a dead-letters shard the cluster does not have", async () => {
    for (const shard of ["abc", "-1", "99999"]) {
      const { code, stderr } = await viralfx("dead-letters", shard)
      expect(code, shard).toBe(2)
      expect(stderr).toContain(`"${shard}" is not a shard of this cluster`)
    }
  })

  it("refuses a dead-letters replay without its shard and id", async () => {
    const { code, stderr } = await viralfx("dead-letters", "replay", "1")
    expect(code).toBe(2)
    expect(stderr).toMatch(/^viralfx: dead-letters replay needs a shard/)
  })
})

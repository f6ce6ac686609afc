// Test runner settings: suites talk to real Redis and PostgreSQL, so timeouts are generous
// and files run in parallel processes (each file isolates itself by key prefix or server).
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // CI runs files one at a time: kill and failover tests measure leases against the clock,
    // and two CPU-heavy files on a 2-core machine make every lease a coin toss.
    fileParallelism: !process.env.CI,
    reporters: ["default"]
  }
})

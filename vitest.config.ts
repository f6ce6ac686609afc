// Test runner settings: suites talk to real Redis and PostgreSQL, so timeouts are generous
// and files run in parallel processes (each file isolates itself by key prefix or server).
import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"]
  }
})

// Benchmark entry point: `npm run bench -- <name>` runs bench/<name>.ts (all of them without a name).
// Each benchmark prints our figure beside a peer's measured in the same run, as a ratio.
import { readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .sort()

const requested = process.argv.slice(2)
const unknown = requested.filter((name) => !available.includes(name))
if (unknown.length > 0) {
  console.error(`unknown benchmark: ${unknown.join(", ")}; available: ${available.join(", ")}`)
  process.exit(2)
}
for (const name of requested.length > 0 ? requested : available) {
  console.log(`\n== bench ${name} ==`)
  const mod = (await import(join(here, `${name}.ts`))) as { run: () => Promise<void> }
  await mod.run()
}
process.exit(0)

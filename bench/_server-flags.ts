// The node flags production processes run with (package.json's `start` and `bench` scripts and
// bin/viralfx.mjs pass them): benchmarks give them to the node and edge processes they spawn.
export const serverFlags: ReadonlyArray<string> = process.execArgv.filter(
  (flag) => flag.startsWith("--max-semi-space-size") || flag === "--no-allocation-site-pretenuring"
)

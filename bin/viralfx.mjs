#!/usr/bin/env -S node --max-semi-space-size=64 --no-allocation-site-pretenuring
// The `viralfx` command: runs src/cli.ts through tsx's loader (no build step). A 64 MB
// young generation: a node holds every owned shard's batch in flight, and with the default
// semi-space each scavenge copies that live set again (measured in BENCHMARKS.md: 22% of a
// node's time in scavenges at 16 MB, 11% at 64 MB). No allocation-site pretenuring: objects
// V8 moves straight to the old generation die there within seconds and keep young ones alive
// through every scavenge until a full collection (BENCHMARKS.md, runtime, session 7).
import { register } from "tsx/esm/api"

register()
await import("../src/cli.ts")

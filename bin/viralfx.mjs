#!/usr/bin/env -S node --max-semi-space-size=64
// The `viralfx` command: runs src/cli.ts through tsx's loader (no build step). A 64 MB
// young generation: a node holds every owned shard's batch in flight, and with the default
// semi-space each scavenge copies that live set again (measured in BENCHMARKS.md: 22% of a
// node's time in scavenges at 16 MB, 11% at 64 MB).
import { register } from "tsx/esm/api"

register()
await import("../src/cli.ts")

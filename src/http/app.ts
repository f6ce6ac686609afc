// The Hono application: every resource's routes mounted on one app.
import { Hono } from "hono"
import type { EdgeRuntime } from "./edge-runtime.js"
import { opsRoutes } from "./routes/ops.js"

/** Builds the edge app on a runtime. */
export const makeApp = (runtime: EdgeRuntime) => new Hono().route("/", opsRoutes(runtime))

// Runs a handler's Effect on the edge runtime and maps its failure to a problem document
// (STYLE "HTTP bridge"): handlers stay Effects with typed errors.
import { Cause, Effect, Exit } from "effect"
import type { Context } from "hono"
import type { EdgeRuntime, EdgeServices } from "./edge-runtime.js"
import { HttpProblem, respondProblem, toProblem } from "./problem.js"

/** Runs `effect` and answers with its Response, or with the problem its failure maps to. */
export const runHandler = async <E>(runtime: EdgeRuntime, c: Context, effect: Effect.Effect<Response, E, EdgeServices>): Promise<Response> => {
  const exit = await runtime.runPromiseExit(effect)
  if (Exit.isSuccess(exit)) return exit.value
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "Some") return respondProblem(c, toProblem(failure.value))
  // A defect is a bug, never the client's fault: log it, answer 500 without internals.
  await runtime.runPromise(Effect.logError("request failed", exit.cause))
  return respondProblem(c, new HttpProblem({ status: 500, title: "Internal error" }))
}

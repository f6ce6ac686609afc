// Reading request bodies: JSON parsed, then decoded by the route's Schema. Bad JSON and
// schema mismatches become 400 problems with field errors; nothing downstream sees them. Query
// strings likewise.
import { Effect, Schema } from "effect"
import type { Context } from "hono"
import { HttpProblem } from "./problem.js"
import { requestBody } from "./request-body.js"

/** The parsed JSON body, or a 400. */
export const jsonBody = (c: Context) =>
  Effect.try({
    try: (): unknown => JSON.parse(requestBody(c)),
    catch: () => new HttpProblem({ status: 400, title: "Invalid JSON", detail: "the request body is not valid JSON" })
  })

/** The body decoded by `schema`, or a 400 with field errors. */
export const decodeBody = <A, I>(c: Context, schema: Schema.Schema<A, I>) =>
  Effect.flatMap(jsonBody(c), (body) => Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(body))

/** The query string decoded by `schema` (every value a string), or a 400 with field errors. */
export const decodeQuery = <A, I>(c: Context, schema: Schema.Schema<A, I>) =>
  Schema.decodeUnknown(schema, { errors: "all" })(c.req.query())

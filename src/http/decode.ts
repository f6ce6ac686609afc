// Reading request bodies: JSON parsed, then decoded by the route's Schema. Bad JSON and
// schema mismatches become 400 problems with field errors; nothing downstream sees them. Query
// strings likewise.
import { Effect, Schema } from "effect"
import type { Context } from "hono"
import { fieldErrors, HttpProblem } from "./problem.js"
import { requestBody } from "./request-body.js"

/** Deepest nesting of arrays and objects a body may have; no request of the API needs more than a few. */
export const MAX_JSON_DEPTH = 32

/**
 * How deep arrays and objects nest in a JSON text, brackets inside strings aside. Checked before
 * anything walks the value: a small body of 3,000 nested arrays would otherwise overflow the
 * stack of whatever recurses over it (Schema's error formatting did: a 500).
 */
export const jsonDepth = (text: string): number => {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 92) i++ // backslash: skip the escaped character
      else if (ch === 34) inString = false
    } else if (ch === 34) inString = true
    else if (ch === 91 || ch === 123) deepest = Math.max(deepest, ++depth)
    else if (ch === 93 || ch === 125) depth--
  }
  return deepest
}

/** The parsed JSON body, or a 400. */
export const jsonBody = (c: Context) =>
  Effect.suspend(() => {
    const text = requestBody(c)
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      return Effect.fail(new HttpProblem({ status: 400, title: "Invalid JSON", detail: `the request body nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels` }))
    }
    return Effect.try({
      try: (): unknown => JSON.parse(text),
      catch: () => new HttpProblem({ status: 400, title: "Invalid JSON", detail: "the request body is not valid JSON" })
    })
  })

/** A URL-encoded path segment decoded, or a 400 naming it. */
export const decodePathSegment = (encoded: string, name: string) =>
  Effect.try({
    try: () => decodeURIComponent(encoded),
    catch: () => new HttpProblem({ status: 400, title: "Invalid request", detail: `the ${name} in the path is not valid URL encoding`, errors: [{ path: name, message: "is not valid URL encoding" }] })
  })

/** The body decoded by `schema`, or a 400 with field errors. */
export const decodeBody = <A, I>(c: Context, schema: Schema.Schema<A, I>) =>
  Effect.flatMap(jsonBody(c), (body) => Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(body))

/** The query string decoded by `schema` (every value a string), or a 400 with field errors. */
export const decodeQuery = <A, I>(c: Context, schema: Schema.Schema<A, I>) =>
  Schema.decodeUnknown(schema, { errors: "all" })(c.req.query()).pipe(
    Effect.mapError((error) => new HttpProblem({ status: 400, title: "Invalid request", detail: "the query string does not match the schema", errors: fieldErrors(error, "(query)") }))
  )

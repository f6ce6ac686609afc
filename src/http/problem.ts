// Errors as `application/problem+json` (RFC 9457). The one place that knows status codes: a
// table from error tag to status, so handlers fail with typed errors and never pick codes.
import { Data, ParseResult } from "effect"
import type { Context } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"

/** One field's complaint, with its path in the request body. */
export interface FieldError {
  readonly path: string
  readonly message: string
}

/** A failure the edge answers with a problem document. */
export class HttpProblem extends Data.TaggedError("HttpProblem")<{
  readonly status: ContentfulStatusCode
  readonly title: string
  readonly detail?: string
  readonly errors?: ReadonlyArray<FieldError>
  readonly headers?: Record<string, string>
}> {}

/** Status per error tag of the layers below the edge. */
const statusOf: Record<string, { readonly status: ContentfulStatusCode; readonly title: string }> = {
  ParseError: { status: 400, title: "Invalid request" },
  EmailTaken: { status: 409, title: "Email already registered" },
  SendFailed: { status: 503, title: "Exchange busy" },
  ActorFailure: { status: 422, title: "Request refused" },
  AskTimeout: { status: 504, title: "No answer in time" },
  WalletRejected: { status: 422, title: "Request refused" },
  ListingRejected: { status: 422, title: "Request refused" },
  InvalidRange: { status: 400, title: "Invalid request" }
}

/** `Expected <literal>, actual <value>`: one member of a union of literals refusing a value. */
const literalMismatch = /^Expected ("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null), actual (.*)$/s

/**
 * Field errors of a Schema ParseError, as `path: message` pairs, one per field and problem: a
 * union of literals (an enum) refusing a value reads as the list of what it accepts, and an
 * optional field's union with undefined adds nothing to the field's own error.
 */
export const fieldErrors = (error: ParseResult.ParseError, root = "(body)"): Array<FieldError> => {
  const errors: Array<FieldError> = []
  // A union of literals refuses a value once per member: by path and value, where its error is.
  const enums = new Map<string, { readonly index: number; readonly expected: Array<string> }>()
  for (const issue of ParseResult.ArrayFormatter.formatErrorSync(error)) {
    const path = issue.path.length === 0 ? root : issue.path.map(String).join(".")
    const literal = literalMismatch.exec(issue.message)
    const key = literal === null ? undefined : `${path}\u0000${literal[2]}`
    const seen = key === undefined ? undefined : enums.get(key)
    if (seen !== undefined) {
      seen.expected.push(literal![1]!)
      errors[seen.index] = { path, message: `Expected one of ${seen.expected.join(", ")}, actual ${literal![2]}` }
      continue
    }
    if (key !== undefined) enums.set(key, { index: errors.length, expected: [literal![1]!] })
    errors.push({ path, message: issue.message })
  }
  const otherwiseExplained = (e: FieldError) => e.message.startsWith("Expected undefined, actual") && errors.some((other) => other.path === e.path && other !== e)
  return errors.filter((e) => !otherwiseExplained(e))
}

/** Turns any typed failure into a problem. Unknown tags are defects: 500 with no details. */
export const toProblem = (error: unknown): HttpProblem => {
  if (error instanceof HttpProblem) return error
  if (ParseResult.isParseError(error)) {
    return new HttpProblem({ status: 400, title: "Invalid request", detail: "the request does not match the schema", errors: fieldErrors(error) })
  }
  const tag = typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : undefined
  // A message the actor's protocol refuses, built from a request the route's schema let through:
  // still the client's input, so a 400, never a 503 that invites a retry.
  if (tag === "SendFailed" && (error as { reason?: unknown }).reason === "invalid-message") {
    return new HttpProblem({ status: 400, title: "Invalid request", detail: "the request does not fit the exchange's message for it" })
  }
  const known = tag === undefined ? undefined : statusOf[tag]
  if (known === undefined) return new HttpProblem({ status: 500, title: "Internal error" })
  const fields = error as { reason?: unknown; detail?: unknown; message?: unknown }
  // Refusals carry a machine reason and a human detail; keep both.
  const detail = typeof fields.reason === "string"
    ? `${fields.reason}${typeof fields.detail === "string" && fields.detail !== "" ? `: ${fields.detail}` : ""}`
    : typeof fields.message === "string" && fields.message !== "" ? fields.message : undefined
  const status = fields.reason === "UNKNOWN_SYMBOL" || fields.reason === "UNKNOWN_ORDER" ? 404 : known.status
  return new HttpProblem({ status, title: status === 404 ? "Not found" : known.title, ...(detail ? { detail } : {}) })
}

/** The problem document's JSON. */
export const problemBody = (problem: HttpProblem): string =>
  JSON.stringify({
    type: `https://viralfx.dev/problems/${problem.status}`,
    title: problem.title,
    status: problem.status,
    // Every problem has a detail; one with field errors only says them in a line.
    detail: problem.detail ?? ((problem.errors ?? []).map((e) => `${e.path} ${e.message}`).join("; ") || problem.title),
    ...(problem.errors !== undefined ? { errors: problem.errors } : {})
  })

/** Writes a problem document. */
export const respondProblem = (c: Context, problem: HttpProblem): Response => {
  for (const [name, value] of Object.entries(problem.headers ?? {})) c.header(name, value)
  c.header("Content-Type", "application/problem+json")
  return c.body(problemBody(problem), problem.status)
}

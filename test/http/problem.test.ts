// Problem documents: how a schema mismatch reads to an API client.
import { describe, expect, it } from "vitest"
import { Either, Schema } from "effect"
import { fieldErrors, toProblem } from "../../src/http/problem.js"
import { SendFailed } from "../../src/runtime/errors.js"

const Body = Schema.Struct({
  quantity: Schema.Int,
  price: Schema.optional(Schema.NumberFromString),
  side: Schema.optional(Schema.Literal("BUY", "SELL"))
})
const errorsOf = (input: unknown) => {
  const result = Schema.decodeUnknownEither(Body, { errors: "all" })(input)
  if (Either.isRight(result)) throw new Error("expected a mismatch")
  return fieldErrors(result.left)
}

describe("field errors", () => {
  it("name each bad field once, by its path", () => {
    expect(errorsOf({ quantity: 1.5, price: "abc" }).map((e) => e.path)).toStrictEqual(["quantity", "price"])
  })

  it("say what a bad optional field should be, not that it could be absent", () => {
    const messages = errorsOf({ quantity: 1, price: "abc" }).map((e) => e.message)
    expect(messages).toHaveLength(1)
    expect(messages[0]).not.toMatch(/^Expected undefined/)
  })

  it("name a missing required field", () => {
    expect(errorsOf({})).toStrictEqual([{ path: "quantity", message: "is missing" }])
  })

  it("list what an enum accepts in one error", () => {
    expect(errorsOf({ quantity: 1, side: "HOLD" })).toStrictEqual([{ path: "side", message: 'Expected one of "BUY", "SELL", actual "HOLD"' }])
  })
})

describe("problems from runtime failures", () => {
  it("a message the actor's protocol refuses is the client's bad input (400), not a busy exchange", () => {
    expect(toProblem(new SendFailed({ reason: "invalid-message", detail: "wallet/u1: quantity must be positive" })).status).toBe(400)
  })

  it("backpressure stays a 503", () => {
    expect(toProblem(new SendFailed({ reason: "backpressure", detail: "inbox full" })).status).toBe(503)
  })
})

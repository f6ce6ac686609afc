import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { testEdge } from "./test-edge.js"
import { getJson } from "./test-users.js"

describe("the OpenAPI document", () => {
  it.scopedLive("lists the portfolio, API key and market halt routes with their request schemas", () =>
    Effect.gen(function* () {
      const { app } = yield* testEdge()
      const doc = yield* getJson<{ paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown }>> }>(app, "/openapi.json")
      const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`))
      for (const expected of [
        "get /portfolio",
        "post /auth/api-keys",
        "get /auth/api-keys",
        "delete /auth/api-keys/{id}",
        "post /admin/markets/{symbol}/halt",
        "post /admin/markets/{symbol}/resume"
      ]) assert.include(operations, expected)
      assert.isDefined(doc.paths["/admin/markets/{symbol}/halt"]?.["post"]?.requestBody)
      assert.isDefined(doc.paths["/portfolio"]?.["get"]?.security)
    })
  )
})

// The OpenAPI document, generated from the same Effect Schemas that validate requests, so the
// docs cannot drift from what the edge accepts.
import { JSONSchema, type Schema } from "effect"

/** One operation of the API. */
export interface RouteDoc {
  readonly method: "get" | "post" | "delete"
  readonly path: string
  readonly summary: string
  readonly tag: string
  readonly auth?: "user" | "operator" | "ml-service"
  readonly body?: Schema.Schema<any, any>
  readonly responses: Record<number, string>
}

const problem = { $ref: "#/components/schemas/Problem" }

/** Builds the OpenAPI 3.1 document from the routes' docs. */
export const openApiDocument = (routes: ReadonlyArray<RouteDoc>) => {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes) {
    const path = route.path.replace(/:(\w+)\{[^}]*\}|:(\w+)/g, (_, a: string | undefined, b: string | undefined) => `{${a ?? b}}`)
    const parameters = [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: "path", required: true, schema: { type: "string" } }))
    paths[path] ??= {}
    paths[path]![route.method] = {
      summary: route.summary,
      tags: [route.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.auth ? { security: [{ bearer: [] }] } : {}),
      ...(route.body ? { requestBody: { required: true, content: { "application/json": { schema: JSONSchema.make(route.body) } } } } : {}),
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, description]) => [
          status,
          Number(status) >= 400 ? { description, content: { "application/problem+json": { schema: problem } } } : { description }
        ])
      )
    }
  }
  return {
    openapi: "3.1.0",
    info: { title: "ViralFX API", version: "0.1.0", description: "Trade the virality of South-African social-media trends." },
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            errors: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } }
          }
        }
      }
    },
    paths
  }
}

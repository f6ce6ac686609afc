// `/openapi.json` and `/docs`, an interactive page (Swagger UI, served from the npm package,
// so it works without internet access).
import { Hono } from "hono"
import { readFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"
import { openApiDocument, type RouteDoc } from "../api-docs.js"

const swaggerUiFolder = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"))

const ASSETS = new Map([
  ["swagger-ui.css", "text/css"],
  ["swagger-ui-bundle.js", "application/javascript"],
  ["swagger-ui-standalone-preset.js", "application/javascript"]
])

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ViralFX API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: "/openapi.json", dom_id: "#ui" })</script>
</body></html>`

/** Docs routes for the given operations. */
export const docsRoutes = (routes: ReadonlyArray<RouteDoc>) => {
  const document = openApiDocument(routes)
  return new Hono()
    .get("/openapi.json", (c) => c.json(document))
    .get("/docs", (c) => c.html(page))
    .get("/docs/assets/:file", async (c) => {
      const file = c.req.param("file")
      const type = ASSETS.get(file)
      if (type === undefined) return c.notFound()
      const body = await readFile(join(swaggerUiFolder, file))
      return c.body(body, 200, { "Content-Type": type, "Cache-Control": "public, max-age=86400" })
    })
}

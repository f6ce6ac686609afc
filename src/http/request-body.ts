// Reads each request's body once, within the size limit, before any route runs; routes take it
// with `requestBody`. Served by @hono/node-server, it reads Node's request stream itself: the
// web Request and its ReadableStream that `c.req.text()` builds there cost about a fifth of the
// edge's CPU per order (`bench http`). Elsewhere (`app.request` in tests) it reads the web Request.
import type { Context, MiddlewareHandler } from "hono"
import type { IncomingMessage } from "node:http"
import { HttpProblem, respondProblem } from "./problem.js"

const bodies = new WeakMap<Context, string>()

/** The request's body as text ("" when it has none). */
export const requestBody = (c: Context): string => bodies.get(c) ?? ""

/** Node's request stream as text, or undefined once it passes `maxBytes` (the rest is drained unread). */
const readIncoming = (incoming: IncomingMessage, maxBytes: number) =>
  new Promise<string | undefined>((resolve, reject) => {
    if (incoming.readableEnded) return resolve("")
    const chunks: Array<Buffer> = []
    let size = 0
    const stop = () => {
      incoming.off("data", onData)
      incoming.off("end", onEnd)
      incoming.off("error", onError)
      incoming.off("close", onClose)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) return void chunks.push(chunk)
      stop()
      incoming.resume()
      resolve(undefined)
    }
    const onEnd = () => {
      stop()
      resolve(Buffer.concat(chunks, size).toString("utf8"))
    }
    const onError = (error: Error) => {
      stop()
      reject(error)
    }
    // A client gone before the end of its body: nothing will answer it, but the request must not wait forever.
    const onClose = () => onError(new Error("the request closed before its body ended"))
    incoming.on("data", onData)
    incoming.on("end", onEnd)
    incoming.on("error", onError)
    incoming.on("close", onClose)
  })

/** The web Request's body as text, or undefined past `maxBytes`. */
const readRequest = async (c: Context, maxBytes: number) => {
  const bytes = new Uint8Array(await c.req.arrayBuffer())
  return bytes.byteLength > maxBytes ? undefined : new TextDecoder().decode(bytes)
}

const tooLarge = (maxBytes: number) =>
  new HttpProblem({ status: 413, title: "Request too large", detail: `bodies are limited to ${maxBytes} bytes` })

/** The middleware: 413 for a body over `maxBytes` (declared or counted), 400 for one that cannot be read. */
export const readBodies = (maxBytes: number): MiddlewareHandler => async (c, next) => {
  const method = c.req.method
  if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next()
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  const declared = incoming !== undefined ? incoming.headers["content-length"] : c.req.header("content-length")
  if (declared !== undefined && Number(declared) > maxBytes) return respondProblem(c, tooLarge(maxBytes))
  let text: string | undefined
  try {
    text = incoming !== undefined ? await readIncoming(incoming, maxBytes) : await readRequest(c, maxBytes)
  } catch {
    return respondProblem(c, new HttpProblem({ status: 400, title: "Invalid request", detail: "the request body could not be read" }))
  }
  if (text === undefined) return respondProblem(c, tooLarge(maxBytes))
  bodies.set(c, text)
  return next()
}

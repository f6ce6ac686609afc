// The `/ws` WebSocket gateway on the edge's node HTTP server (DESIGN §4): authenticates the
// upgrade (Authorization header or ?token=, the same tokens as REST), runs one shared feed
// reader for every socket, pings every socket each heartbeat and closes the ones that did not
// answer the last ping. Lives in a scope: closing it closes every socket with 1001.
import type { IncomingMessage, Server } from "node:http"
import type { Duplex } from "node:stream"
import { Effect, Exit, type Scope } from "effect"
import { WebSocketServer, type WebSocket } from "ws"
import type { RedisError } from "../../runtime/errors.js"
import type { RedisClient } from "../../runtime/redis.js"
import type { Principal } from "../auth/principal.js"
import { authenticate } from "../auth/tokens.js"
import type { EdgeRuntime } from "../edge-runtime.js"
import { expiresAtField, FeedConnection } from "./feed-connection.js"
import { makeFeedHub } from "./feed-hub.js"

/** Settings of the gateway. */
export interface FeedGatewayOptions {
  /** Server ping interval; a socket that has not answered by the next one is closed. Default 15 s. */
  readonly heartbeatMs?: number
  /** Unsent bytes per socket past which it is closed as a slow consumer (4008). Default 1 MiB. */
  readonly maxBufferedBytes?: number
  /** Subscriptions per socket. Default 100. */
  readonly maxSubscriptions?: number
  /** Largest client frame in bytes. Default 16 KiB. */
  readonly maxFrameBytes?: number
}

/** Counters of a running gateway (for operators and tests). */
export interface FeedGatewayStats {
  readonly connections: number
  readonly streams: number
  readonly slowConsumersClosed: number
  readonly heartbeatsMissed: number
}

/** A running gateway. */
export interface FeedGateway {
  readonly stats: () => FeedGatewayStats
}

/** The path the gateway answers. */
export const FEED_PATH = "/ws"

const refuse = (socket: Duplex, status: number, title: string) => {
  socket.write(`HTTP/1.1 ${status} ${title}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(title)}\r\n\r\n${title}`)
  socket.destroy()
}

/** The bearer token of an upgrade request: its Authorization header, else `?token=`. */
const tokenHeader = (request: IncomingMessage, url: URL) => {
  const header = request.headers.authorization
  if (header !== undefined) return header
  const token = url.searchParams.get("token")
  return token === null ? undefined : `Bearer ${token}`
}

/** Attaches `/ws` to `server` for the life of the scope. */
export const attachFeedGateway = (
  server: Server,
  runtime: EdgeRuntime,
  options: FeedGatewayOptions = {}
): Effect.Effect<FeedGateway, RedisError, RedisClient | Scope.Scope> =>
  Effect.gen(function* () {
    const hub = yield* makeFeedHub
    const limits = { maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024, maxSubscriptions: options.maxSubscriptions ?? 100 }
    const connections = new Map<WebSocket, FeedConnection>()
    let slowConsumersClosed = 0
    let heartbeatsMissed = 0
    const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes ?? 16 * 1024 })

    const accept = (request: IncomingMessage, socket: Duplex, head: Buffer, principal: Principal | undefined) =>
      wss.handleUpgrade(request, socket, head, (ws) => {
        const connection = new FeedConnection(ws, principal, { runtime, hub, limits, onSlowConsumer: () => void slowConsumersClosed++ })
        connections.set(ws, connection)
        ws.on("message", (data, isBinary) => connection.handleFrame(data, isBinary))
        ws.on("pong", () => void (connection.alive = true))
        ws.on("close", () => {
          connection.dispose()
          connections.delete(ws)
        })
        ws.on("error", () => connection.dispose())
        connection.send({ event: "welcome", ...(principal !== undefined ? { userId: principal.userId } : {}), ...expiresAtField(principal), heartbeatMs: options.heartbeatMs ?? 15_000 })
      })

    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy())
      const url = new URL(request.url ?? "/", "http://edge")
      if (url.pathname !== FEED_PATH) return refuse(socket, 404, "Not Found")
      const header = tokenHeader(request, url)
      if (header === undefined) return accept(request, socket, head, undefined)
      // A token that was sent must be good: refusing the upgrade is clearer than a silent guest.
      void runtime.runPromiseExit(authenticate(header)).then((exit) =>
        Exit.isSuccess(exit) ? accept(request, socket, head, exit.value) : refuse(socket, 401, "Unauthorized")
      )
    }

    const heartbeat = setInterval(() => {
      for (const [ws, connection] of connections) {
        if (!connection.alive) {
          heartbeatsMissed++
          connection.dispose()
          ws.terminate()
          continue
        }
        connection.alive = false
        ws.ping()
      }
    }, options.heartbeatMs ?? 15_000)
    heartbeat.unref()

    yield* Effect.acquireRelease(
      Effect.sync(() => server.on("upgrade", onUpgrade)),
      () =>
        Effect.async<void>((resume) => {
          clearInterval(heartbeat)
          server.off("upgrade", onUpgrade)
          for (const connection of connections.values()) connection.cutOff(1001, "the edge is shutting down")
          // ws waits for each close handshake; a peer that never answers is cut at once.
          for (const ws of connections.keys()) ws.terminate()
          wss.close(() => resume(Effect.void))
        })
    )

    return {
      stats: () => ({ connections: connections.size, streams: hub.streamCount(), slowConsumersClosed, heartbeatsMissed })
    }
  })

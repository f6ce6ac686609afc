// A TCP proxy in front of Redis that can silence the connections a client named (ioredis sends
// CLIENT SETNAME first): a network fault on one connection, say lease renewals, while the
// others keep working. Scoped: closed with the test.
import { Effect } from "effect"
import { createServer, connect, type Socket } from "node:net"

/** A running proxy. */
export interface TcpProxy {
  readonly url: string
  /** From now on, drops all traffic of connections named `name` (both ways), as a partition would. */
  readonly silence: (name: string) => void
}

const NAME = /setname\r\n\$\d+\r\n([^\r]+)\r\n/i

/** Proxies 127.0.0.1:<random> to `targetPort`. */
export const startTcpProxy = (targetPort: number) =>
  Effect.acquireRelease(
    Effect.async<{ proxy: TcpProxy; close: () => void }>((resume) => {
      const silenced = new Set<string>()
      const sockets = new Set<Socket>()
      const server = createServer((client) => {
        const upstream = connect(targetPort, "127.0.0.1")
        sockets.add(client).add(upstream)
        let name: string | undefined
        let head = ""
        const quiet = () => name !== undefined && silenced.has(name)
        client.on("data", (data) => {
          if (name === undefined) {
            head += data.toString("latin1")
            name = NAME.exec(head)?.[1]
          }
          if (!quiet()) upstream.write(data)
        })
        upstream.on("data", (data) => {
          if (!quiet()) client.write(data)
        })
        const end = () => (client.destroy(), upstream.destroy())
        client.on("error", end).on("close", end)
        upstream.on("error", end).on("close", end)
      })
      server.listen(0, "127.0.0.1", () => {
        const address = server.address()
        const port = typeof address === "object" && address !== null ? address.port : 0
        resume(
          Effect.succeed({
            proxy: { url: `redis://127.0.0.1:${port}`, silence: (n: string) => void silenced.add(n) },
            close: () => {
              for (const socket of sockets) socket.destroy()
              server.close()
            }
          })
        )
      })
    }),
    ({ close }) => Effect.sync(close)
  ).pipe(Effect.map(({ proxy }) => proxy))

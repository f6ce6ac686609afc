// Sending to actors from outside the cluster (the edge, tools, tests): `send` appends and
// returns; `ask` also waits for the reply on this client's own reply stream (DESIGN §2
// "Replies"). Each client start is a new sender id with fresh sequence numbers.
import { Context, Duration, Effect, Either, Exit, Layer } from "effect"
import { randomUUID } from "node:crypto"
import { setTimeout as sleep } from "node:timers/promises"
import type { ActorRef, FailureOf, ReplyOf, Tagged } from "./actor.js"
import { addressString, InvalidAddress, makeAddress, shardOf } from "./address.js"
import { ensureShardCount } from "./cluster-meta.js"
import { type Envelope, envelopeJson } from "./envelope.js"
import { ActorFailure, AskTimeout, SendFailed } from "./errors.js"
import { makeKeys, type Keys } from "./keys.js"
import { RedisClient } from "./redis.js"
import { RuntimeConfig } from "./runtime-config.js"
import { exitCodec, isRequest } from "./reply-codec.js"
import { ShardAppender } from "./shard-appender.js"
import { encodeMessage } from "./shard-actors.js"

/** Options of one ask. */
export interface AskOptions {
  /** How long to wait for the reply; the message is processed regardless. Default 5 s. */
  readonly timeout?: Duration.DurationInput
}

/** A reply record as read from the reply stream. */
interface ReplyWire {
  readonly i: string
  readonly e?: unknown
  readonly f?: { readonly reason: ActorFailure["reason"]; readonly detail: unknown }
}

/** Sending and asking. */
export interface Client {
  readonly senderId: string
  readonly keys: Keys
  /** Appends one message; done once it is in the target's inbox (it will be processed). */
  readonly send: <M extends Tagged>(to: ActorRef<M>, message: M) => Effect.Effect<string, SendFailed>
  /** Appends many messages, one chunk per target shard. */
  readonly sendAll: (messages: ReadonlyArray<readonly [ActorRef<any>, Tagged]>) => Effect.Effect<void, SendFailed>
  /** Sends and waits for the actor's reply. */
  readonly ask: <M extends Tagged, R extends M>(
    to: ActorRef<M>,
    message: R,
    options?: AskOptions
  ) => Effect.Effect<ReplyOf<R>, FailureOf<R> | ActorFailure | AskTimeout | SendFailed>
  /** Re-sends a raw envelope under a new id, keeping `idempotencyKey` (dead-letter replay). */
  readonly resend: (envelope: Envelope, idempotencyKey: string) => Effect.Effect<string, SendFailed>
}

/** How long an ask waits for its reply unless told otherwise. */
const DEFAULT_ASK_TIMEOUT_MS = 5_000
/** Re-send window for an append whose outcome is unknown. */
const RESEND_FOR_MS = 10_000
/** The reply stream outlives a crashed client by at most this. */
const REPLY_STREAM_TTL_MS = 60_000

/** The client service. */
export class ActorClient extends Context.Tag("viralfx/runtime/ActorClient")<ActorClient, Client>() {
  static readonly layer = Layer.scoped(ActorClient, Effect.suspend(() => make))
}

const make = Effect.gen(function* () {
  const settings = yield* RuntimeConfig
  const redis = yield* RedisClient
  const keys = makeKeys(settings.prefix, settings.shardCount)
  yield* ensureShardCount(redis, keys)
  const senderId = `e${randomUUID().replaceAll("-", "").slice(0, 16)}`
  const replyStream = keys.replies(senderId)
  const appenders = new Map<number, ShardAppender>()
  /** Asks waiting for their reply, by envelope ID. */
  const pending = new Map<string, (record: ReplyWire) => void>()
  let counter = 0

  const appender = (shard: number) => {
    let found = appenders.get(shard)
    if (found === undefined) {
      found = new ShardAppender(redis, keys.shard(shard), senderId, settings.maxInboxLength, RESEND_FOR_MS, settings.commitReplicas)
      appenders.set(shard, found)
    }
    return found
  }

  /** Builds an envelope's id and JSON (plain code: `sendAll` runs it once per message). */
  const buildEnvelope = (to: ActorRef<any>, message: Tagged, replyTo?: string): { id: string; json: string; shard: number } | SendFailed => {
    const address = makeAddress(to.kind, to.key)
    if (address instanceof InvalidAddress) return new SendFailed({ reason: "invalid-address", detail: address.reason })
    let body: unknown
    try {
      body = encodeMessage(to.protocol, message)
    } catch (error) {
      return new SendFailed({ reason: "invalid-message", detail: `${addressString(address)}: ${String(error)}` })
    }
    const id = `${senderId}.${++counter}`
    return { id, json: envelopeJson(id, address.kind, address.key, body, replyTo), shard: shardOf(address, keys.shardCount) }
  }
  const envelopeFor = (to: ActorRef<any>, message: Tagged, replyTo?: string) =>
    Effect.suspend(() => {
      const built = buildEnvelope(to, message, replyTo)
      return built instanceof SendFailed ? Effect.fail(built) : Effect.succeed(built)
    })

  // The reply stream exists while this client lives; relays write with NOMKSTREAM. Replies are
  // read from its opening entry on, so one written before the first read is not missed.
  const opened = yield* Effect.acquireRelease(
    redis.call("create reply stream", async (r) => {
      const id = await r.xadd(replyStream, "MAXLEN", "~", 10_000, "*", "open", "1")
      await r.pexpire(replyStream, REPLY_STREAM_TTL_MS)
      return id!
    }),
    () => redis.call("delete reply stream", (r) => r.del(replyStream)).pipe(Effect.ignore)
  )
  yield* Effect.forkScoped(
    Effect.forever(
      Effect.zipRight(Effect.sleep(REPLY_STREAM_TTL_MS / 3), redis.call("refresh reply stream", (r) => r.pexpire(replyStream, REPLY_STREAM_TTL_MS)).pipe(Effect.ignore))
    )
  )
  const replyConnection = yield* redis.dedicated("replies")
  /** Hands each reply record read from the reply stream to its waiting ask. */
  const dispatchReplies = (result: Array<[string, Array<[string, Array<string>]>]>) => {
    let last: string | undefined
    for (const [, entries] of result) {
      for (const [id, fields] of entries) {
        last = id
        for (let i = 0; i + 1 < fields.length; i += 2) {
          if (fields[i] !== "r") continue
          for (const record of JSON.parse(fields[i + 1]!) as Array<ReplyWire>) pending.get(record.i)?.(record)
        }
      }
    }
    return last
  }
  // A plain loop rather than a fiber step per read: it runs once per reply batch, on the path of
  // every ask. It stops with the scope; the blocked read ends when its connection closes.
  yield* Effect.forkScoped(
    Effect.async<never>(() => {
      let stopped = false
      void (async () => {
        let last = opened
        while (!stopped) {
          // null: the block timed out; undefined: the read failed (waits a moment, never spins).
          const result = await replyConnection.xread("BLOCK", 1000, "STREAMS", replyStream, last).catch(() => undefined)
          if (result === undefined) await sleep(50)
          else if (result !== null) last = dispatchReplies(result) ?? last
        }
      })()
      return Effect.sync(() => {
        stopped = true
      })
    })
  )

  const decodeReply = <M extends Tagged>(message: M, record: ReplyWire): Effect.Effect<ReplyOf<M>, FailureOf<M> | ActorFailure> => {
    if (record.f !== undefined) return Effect.fail(new ActorFailure({ reason: record.f.reason, detail: record.f.detail }))
    if (record.e === undefined || !isRequest(message)) return Effect.succeed(undefined as ReplyOf<M>)
    const decoded = exitCodec(message).decode(record.e)
    if (Either.isLeft(decoded)) return Effect.fail(new ActorFailure({ reason: "undecodable", detail: `reply: ${decoded.left.message}` }))
    const exit = decoded.right as Exit.Exit<ReplyOf<M>, FailureOf<M>>
    return exit
  }

  const client: Client = {
    senderId,
    keys,
    send: (to, message) =>
      Effect.flatMap(envelopeFor(to, message), ({ id, json, shard }) => Effect.as(appender(shard).append([json]), id)),
    sendAll: (messages) =>
      Effect.suspend(() => {
        const byShard = new Map<number, Array<string>>()
        for (const [to, message] of messages) {
          const built = buildEnvelope(to, message)
          if (built instanceof SendFailed) return Effect.fail(built)
          const list = byShard.get(built.shard)
          if (list === undefined) byShard.set(built.shard, [built.json])
          else list.push(built.json)
        }
        return Effect.forEach(byShard, ([shard, jsons]) => appender(shard).append(jsons), { concurrency: "unbounded", discard: true })
      }),
    ask: <M extends Tagged, R extends M>(to: ActorRef<M>, message: R, options?: AskOptions) =>
      Effect.suspend(() => {
        const built = buildEnvelope(to, message, replyStream)
        if (built instanceof SendFailed) return Effect.fail(built)
        const { id, json, shard } = built
        const timeoutMs = options?.timeout === undefined ? DEFAULT_ASK_TIMEOUT_MS : Duration.toMillis(options.timeout)
        // Plain callbacks rather than a Deferred and a racing timeout fiber: this runs once per
        // order on the edge. The timeout counts from the append, as the append may be re-sent.
        type Failure = FailureOf<R> | ActorFailure | AskTimeout | SendFailed
        return Effect.async<ReplyOf<R>, Failure>((resume) => {
          let timer: ReturnType<typeof setTimeout> | undefined
          const settle = (outcome: () => Effect.Effect<ReplyOf<R>, Failure>) => {
            clearTimeout(timer)
            if (pending.delete(id)) resume(outcome())
          }
          pending.set(id, (record) => settle(() => decodeReply<R>(message, record)))
          appender(shard)
            .appendNow([json])
            .then(
              () => {
                if (pending.has(id)) timer = setTimeout(() => settle(() => Effect.fail(new AskTimeout({ messageId: id }))), timeoutMs)
              },
              (error: SendFailed) => settle(() => Effect.fail(error))
            )
          return Effect.sync(() => {
            clearTimeout(timer)
            pending.delete(id)
          })
        })
      }),
    resend: (original, idempotencyKey) =>
      Effect.gen(function* () {
        const address = makeAddress(original.k, original.a)
        if (address instanceof InvalidAddress) return yield* new SendFailed({ reason: "invalid-address", detail: address.reason })
        const { r: _reply, ...rest } = original
        const envelope: Envelope = { ...rest, i: `${senderId}.${++counter}`, x: idempotencyKey }
        yield* appender(shardOf(address, keys.shardCount)).append([JSON.stringify(envelope)])
        return envelope.i
      })
  }
  return client
})

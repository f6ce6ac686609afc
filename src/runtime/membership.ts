// The live-node set (DESIGN §2 "Ownership"): every node heartbeats into one sorted set of
// deadlines, and reads back the same view of who is live and since when, from which every
// node computes the same shard assignment (assignment.ts).
import { Effect } from "effect"
import type { Keys } from "./keys.js"
import type { RedisConnections } from "./redis.js"
import { runScript, type RedisLike } from "./scripts.js"

/** One live node as the set records it. */
export interface LiveNode {
  readonly nodeId: string
  /** Its member in the set, `nodeId:joinedAt`. */
  readonly member: string
  /** When it joined (Redis time, ms). */
  readonly joinedAt: number
  /** When it counts as dead unless it heartbeats again (Redis time, ms). */
  readonly deadline: number
}

/** The live set at one Redis time. */
export interface MembershipView {
  /** Redis time of the read (ms). */
  readonly now: number
  readonly nodes: ReadonlyArray<LiveNode>
}

/** Parses `nodeId:joinedAt` (node ids never contain a colon). */
const parseMember = (member: string, deadline: number): LiveNode => {
  const colon = member.lastIndexOf(":")
  return { nodeId: member.slice(0, colon), member, joinedAt: Number(member.slice(colon + 1)), deadline }
}

const parseLive = (now: number, flat: ReadonlyArray<unknown>): MembershipView => {
  const nodes: Array<LiveNode> = []
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const deadline = Number(flat[i + 1])
    if (deadline > now) nodes.push(parseMember(String(flat[i]), deadline))
  }
  nodes.sort((a, b) => a.joinedAt - b.joinedAt || a.nodeId.localeCompare(b.nodeId))
  return { now, nodes }
}

/** What a heartbeat answers: the member to use next time and the live set. */
export interface Heartbeat {
  readonly member: string
  readonly view: MembershipView
}

/** Records this node as live for `ttlMs` more; `member` is "" on the first call. */
export const heartbeat = async (connection: RedisLike, keys: Keys, nodeId: string, member: string, ttlMs: number): Promise<Heartbeat> => {
  const reply = (await runScript(connection, "heartbeat-1", [keys.nodes], [nodeId, member, ttlMs])) as Array<unknown>
  return { member: String(reply[1]), view: parseLive(Number(reply[0]), reply.slice(2)) }
}

/** Leaves the live set at once (graceful stop), so the others re-divide without waiting. */
export const leaveMembership = (redis: RedisConnections, keys: Keys, member: string) =>
  redis.call("ZREM live node", (r) => r.zrem(keys.nodes, member))

/** Reads the live set without heartbeating (operator tools). */
export const readMembership = (redis: RedisConnections, keys: Keys) =>
  Effect.map(redis.script("live-nodes-1", [keys.nodes], []), (reply) => {
    const flat = reply as Array<unknown>
    return parseLive(Number(flat[0]), flat.slice(1))
  })

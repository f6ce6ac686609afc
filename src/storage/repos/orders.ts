// Order history: upserts guarded by the order's version (DESIGN §5), so a late or replayed write
// never overwrites a newer one, and a user's history read newest first.
import { Effect, Option, Schema } from "effect"
import { Sql } from "../sql.js"

/** Order status as the book and wallet report it. */
export const OrderStatus = Schema.Literal("PENDING", "PARTIAL", "FILLED", "CANCELLED", "REJECTED", "EXPIRED")
export type OrderStatus = typeof OrderStatus.Type

/** One order as last reported; `version` grows with every change of the order. */
export const OrderRecord = Schema.Struct({
  orderId: Schema.String,
  userId: Schema.String,
  symbol: Schema.String,
  side: Schema.Literal("BUY", "SELL"),
  type: Schema.Literal("LIMIT", "MARKET", "STOP", "STOP_LIMIT"),
  timeInForce: Schema.Literal("GTC", "GTD", "IOC", "FOK"),
  status: OrderStatus,
  priceCents: Schema.NullOr(Schema.BigIntFromSelf),
  stopPriceCents: Schema.NullOr(Schema.BigIntFromSelf),
  quantity: Schema.BigIntFromSelf,
  filled: Schema.BigIntFromSelf,
  avgPriceCents: Schema.NullOr(Schema.BigIntFromSelf),
  clientOrderId: Schema.NullOr(Schema.String),
  version: Schema.BigIntFromSelf,
  createdAt: Schema.DateFromSelf,
  updatedAt: Schema.DateFromSelf
})
export type OrderRecord = typeof OrderRecord.Type

const decodeOrders = Schema.decodeUnknown(Schema.Array(OrderRecord))

const text = (value: bigint | null) => (value === null ? null : String(value))

/** Writes each order unless the stored one has the same or a newer version; answers rows written. */
export const upsertOrders = Effect.fn("Orders.upsert")(function* (orders: ReadonlyArray<OrderRecord>) {
  // One row per order per statement: Postgres refuses to update a row twice in one ON CONFLICT.
  const latest = new Map<string, OrderRecord>()
  for (const order of orders) {
    const seen = latest.get(order.orderId)
    if (seen === undefined || seen.version < order.version) latest.set(order.orderId, order)
  }
  if (latest.size === 0) return 0
  const rows = [...latest.values()]
  const sql = yield* Sql
  const result = yield* sql.run(
    "orders: upsert batch",
    (q) => q`
      insert into orders (order_id, user_id, symbol, side, type, time_in_force, status, price_cents,
                          stop_price_cents, quantity, filled, avg_price_cents, client_order_id, version,
                          created_at, updated_at)
      select * from unnest(
        ${rows.map((o) => o.orderId)}::text[],
        ${rows.map((o) => o.userId)}::text[],
        ${rows.map((o) => o.symbol)}::text[],
        ${rows.map((o) => o.side)}::text[],
        ${rows.map((o) => o.type)}::text[],
        ${rows.map((o) => o.timeInForce)}::text[],
        ${rows.map((o) => o.status)}::text[],
        ${rows.map((o) => text(o.priceCents))}::int8[],
        ${rows.map((o) => text(o.stopPriceCents))}::int8[],
        ${rows.map((o) => String(o.quantity))}::int8[],
        ${rows.map((o) => String(o.filled))}::int8[],
        ${rows.map((o) => text(o.avgPriceCents))}::int8[],
        ${rows.map((o) => o.clientOrderId)}::text[],
        ${rows.map((o) => String(o.version))}::int8[],
        ${rows.map((o) => o.createdAt.toISOString())}::timestamptz[],
        ${rows.map((o) => o.updatedAt.toISOString())}::timestamptz[])
      on conflict (order_id) do update set
        status = excluded.status, price_cents = excluded.price_cents, stop_price_cents = excluded.stop_price_cents,
        quantity = excluded.quantity, filled = excluded.filled, avg_price_cents = excluded.avg_price_cents,
        client_order_id = excluded.client_order_id, time_in_force = excluded.time_in_force,
        version = excluded.version, updated_at = excluded.updated_at
        where orders.version < excluded.version`
  )
  return result.count
})

/** One order by id. */
export const findOrder = Effect.fn("Orders.find")(function* (orderId: string) {
  const sql = yield* Sql
  const rows = yield* sql.run("orders: find", (q) => q`select * from orders where order_id = ${orderId}`)
  return Option.fromNullable((yield* Effect.orDie(decodeOrders(rows)))[0])
})

/** A user's orders, newest first, optionally only some statuses; `before` pages from a previous last row. */
export const ordersByUser = Effect.fn("Orders.byUser")(function* (options: {
  readonly userId: string
  readonly statuses?: ReadonlyArray<OrderStatus> | undefined
  readonly limit?: number | undefined
  readonly before?: { readonly createdAt: Date; readonly orderId: string } | undefined
}) {
  const { userId, statuses, before } = options
  const limit = Math.max(1, Math.min(options.limit ?? 100, 1000))
  const sql = yield* Sql
  const rows = yield* sql.run(
    "orders: by user",
    (q) => q`
      select * from orders
      where user_id = ${userId}
        ${statuses === undefined ? q`` : q`and status = any(${[...statuses]}::text[])`}
        ${before === undefined ? q`` : q`and (created_at, order_id) < (${before.createdAt}, ${before.orderId})`}
      order by created_at desc, order_id desc
      limit ${limit}`
  )
  return yield* Effect.orDie(decodeOrders(rows))
})

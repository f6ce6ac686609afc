// Public face of the matching core: what the book actor imports. Internals (levels, queues,
// the id index, the stop book) stay behind it.
export { type BookEvent, BookEvents, type LevelEvent, type OrderEvent, type RejectedEvent, type TradeEvent, tradeId,
  type TriggeredEvent } from "./book-events.js"
export type { BookSnapshot, OrderTuple } from "./book-snapshot.js"
export type { BookReason, OrderEntry, OrderStatus, OrderType, Side, StpMode, TimeInForce } from "./order-entry.js"
export { type BookConfig, OrderBook } from "./order-book.js"
export { averagePrice, type OrderView } from "./resting-order.js"

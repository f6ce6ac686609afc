// How wallet read models look on the wire: money as decimal rand strings ("125.50", as the
// seeds show it), times as ISO-8601; actors keep integer cents and epoch milliseconds.
import type { OrderView, WalletView } from "../actors/wallet/protocol.js"
import { formatCents } from "../domain/money.js"

const iso = (ms: number) => new Date(ms).toISOString()
const optionalCents = (cents: number | undefined) => (cents === undefined ? undefined : formatCents(cents))

/** An order for API clients. `reserved`/`locked` are rands for a BUY and units for a SELL. */
export const presentOrder = (order: OrderView) => ({
  orderId: order.orderId,
  ...(order.clientOrderId !== undefined ? { clientOrderId: order.clientOrderId } : {}),
  symbol: order.symbol,
  side: order.side,
  type: order.type,
  quantity: order.qty,
  price: optionalCents(order.price),
  stopPrice: optionalCents(order.stopPrice),
  worstPrice: formatCents(order.worstPrice),
  timeInForce: order.timeInForce,
  postOnly: order.postOnly,
  ...(order.expiresAt !== undefined ? { expiresAt: iso(order.expiresAt) } : {}),
  status: order.status,
  reason: order.reason,
  filled: order.filled,
  avgPrice: order.filled > 0 ? formatCents(order.avgPrice) : null,
  notional: formatCents(order.notional),
  fees: formatCents(order.fees),
  reserved: order.side === "BUY" ? formatCents(order.reserved) : order.reserved,
  locked: order.side === "BUY" ? formatCents(order.locked) : order.locked,
  createdAt: iso(order.createdAt),
  updatedAt: iso(order.updatedAt)
})

/** A wallet for API clients (the raw ledger accounts stay inside). */
export const presentWallet = (wallet: WalletView) => ({
  userId: wallet.owner,
  balances: Object.fromEntries(
    Object.entries(wallet.balances).map(([currency, b]) => [currency, { available: formatCents(b.available), locked: formatCents(b.locked) }])
  ),
  positions: wallet.positions.map((p) => ({
    symbol: p.symbol,
    quantity: p.available + p.locked,
    available: p.available,
    locked: p.locked,
    avgPrice: formatCents(p.avgPrice),
    cost: formatCents(p.cost)
  })),
  fees: Object.fromEntries(Object.entries(wallet.fees).map(([currency, cents]) => [currency, formatCents(cents)])),
  openOrders: wallet.openOrders
})

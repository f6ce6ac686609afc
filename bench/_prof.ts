import { BookEvents } from "/work/main/src/domain/book/book-events.js"
import { OrderBook } from "/work/main/src/domain/book/order-book.js"
import { seededRandom } from "/work/main/src/domain/seeded-random.js"
import type { OrderEntry } from "/work/main/src/domain/book/order-entry.js"
const r = seededRandom(42); const MID = 10000
const ops: OrderEntry[] = []
for (let i = 0; i < 1000000; i++) { const buy = r.next() < 0.5; const through = r.next() < 0.3; const off = through ? -(1 + r.int(5)) : 1 + r.int(50)
  const id = `o${i}`; ops.push({ id, owner: id, side: buy ? "BUY" : "SELL", type: "LIMIT", price: buy ? MID - off : MID + off, qty: through ? 1 + r.int(250) : 1 + r.int(100) }) }
const book = new OrderBook({ symbol: "X" }); const ev = new BookEvents()
let trades = 0, events = 0
const t0 = performance.now()
for (const o of ops) { ev.reset(); book.submit(o, ev); events += ev.length; for (let i=0;i<ev.length;i++) if (ev.get(i).kind==="trade") trades++ }
console.log((performance.now()-t0).toFixed(0), "ms", { trades, events, resting: book.index.size, bidLevels: book.bids.levels.length, askLevels: book.asks.levels.length, bb: book.bestBid(), ba: book.bestAsk() })

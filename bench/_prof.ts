import { BookEvents } from "../src/domain/book/book-events.js"
import { OrderBook } from "../src/domain/book/order-book.js"
import { seededRandom } from "../src/domain/seeded-random.js"
import type { OrderEntry } from "../src/domain/book/order-entry.js"
const variant = process.argv[2] ?? "a"
const r = seededRandom(42); let mid = 10000
const ops: OrderEntry[] = []
for (let i = 0; i < 1000000; i++) {
  const buy = r.next() < 0.5; const through = r.next() < 0.3
  let off: number, qty: number
  if (variant === "a") { off = through ? -(1 + r.int(5)) : 1 + r.int(50); qty = 1 + r.int(100) }
  else if (variant === "b") { if (r.next() < 0.1) mid += r.next() < 0.5 ? -1 : 1; off = through ? -(1 + r.int(5)) : 1 + r.int(20); qty = through ? 1 + r.int(200) : 1 + r.int(100) }
  else { if (r.next() < 0.2) mid += r.next() < 0.5 ? -1 : 1; off = through ? -(1 + r.int(10)) : 1 + r.int(10); qty = through ? 1 + r.int(200) : 1 + r.int(100) }
  const id = `o${i}`; ops.push({ id, owner: id, side: buy ? "BUY" : "SELL", type: "LIMIT", price: buy ? mid - off : mid + off, qty }) }
for (let rep = 0; rep < 2; rep++) {
const book = new OrderBook({ symbol: "X" }); const ev = new BookEvents(); 
let trades = 0, maxResting = 0
const t0 = performance.now(); const c0 = process.cpuUsage()
for (let i = 0; i < ops.length; i++) { ev.reset(); book.submit(ops[i]!, ev); if ((i & 1023) === 0 && book.index.size > maxResting) maxResting = book.index.size }
const ms = performance.now()-t0; const cu = process.cpuUsage(c0); const cpu = (cu.user + cu.system) / 1000
for (const o of ops.slice(0, 0)) void o
console.log(variant, ms.toFixed(0), "ms wall", cpu.toFixed(0), "ms cpu", (1000/cpu).toFixed(2)+"M/s cpu", (1000/ms).toFixed(2)+"M/s", { resting: book.index.size, maxResting, bidLevels: book.bids.levels.length, askLevels: book.asks.levels.length, bb: book.bestBid(), ba: book.bestAsk(), trades: book.tradeSeq })
}

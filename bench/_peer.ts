import { OrderBook as PeerBook, Side } from "nodejs-order-book"
import { seededRandom } from "../src/domain/seeded-random.js"
const r = seededRandom(42); let mid = 10000
const ops: any[] = []
for (let i = 0; i < 200000; i++) { if (r.next() < 0.2) mid += r.next() < 0.5 ? -1 : 1; const buy = r.next() < 0.5; const through = r.next() < 0.3
  const off = through ? -(1 + r.int(10)) : 1 + r.int(10); const qty = through ? 1 + r.int(200) : 1 + r.int(100)
  ops.push({ id: `o${i}`, side: buy ? Side.BUY : Side.SELL, price: buy ? mid - off : mid + off, size: qty }) }
const b = new PeerBook(); const t = performance.now(); for (const o of ops) b.limit(o); console.log((performance.now() - t).toFixed(0), "ms")

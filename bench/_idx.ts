import { OrderIndex, hashId } from "../src/domain/book/order-index.js"
import { RestingOrder } from "../src/domain/book/resting-order.js"
const N = 1_000_000
const os: RestingOrder[] = []
for (let i = 0; i < N; i++) { const id = `o${i}`; os.push(new RestingOrder().init(id, hashId(id), id, 0, 0, 1, 0, 1, 0, false, 0, 0, 0, i)) }
for (let rep = 0; rep < 3; rep++) {
  const ix = new OrderIndex(); let rebuilds = 0
  const orig = (ix as any).rebuild.bind(ix); (ix as any).rebuild = (c: number) => { rebuilds++; orig(c) }
  const t = performance.now()
  for (let i = 0; i < N; i++) { const o = os[i]!; if (ix.get(o.id, o.hash) === undefined) ix.insert(o); if (i % 10 < 3) ix.remove(os[i >> 1]!) }
  console.log("index", (performance.now() - t).toFixed(0), "ms", { rebuilds, size: ix.size })
  const m = new Map<string, RestingOrder>(); const t2 = performance.now()
  for (let i = 0; i < N; i++) { const o = os[i]!; if (!m.has(o.id)) m.set(o.id, o); if (i % 10 < 3) m.delete(os[i >> 1]!.id) }
  console.log("map", (performance.now() - t2).toFixed(0), "ms")
}

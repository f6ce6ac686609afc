// All resting orders at one price on one side, in arrival order (FIFO), plus their total size.
// The queue is intrusive: the orders carry prev/next, so append and unlink never allocate.
import type { RestingOrder } from "./resting-order.js"

/** A price level: FIFO queue of resting orders and the aggregate open quantity. */
export class PriceLevel {
  head: RestingOrder | null = null
  tail: RestingOrder | null = null
  /** Sum of `remaining` over the queue, kept in step so depth needs no walk. */
  total = 0
  count = 0

  constructor(public price: number) {}

  /** Reset an emptied level for another price (levels are recycled by their side). */
  reuse(price: number): this {
    this.price = price
    this.head = null
    this.tail = null
    this.total = 0
    this.count = 0
    return this
  }

  /** Put an order at the back of the queue (time priority). */
  append(o: RestingOrder): void {
    o.level = this
    o.prev = this.tail
    o.next = null
    if (this.tail === null) this.head = o
    else this.tail.next = o
    this.tail = o
    this.total += o.remaining
    this.count++
  }

  /** Take an order out of the queue from anywhere in O(1); its remaining leaves the total. */
  unlink(o: RestingOrder): void {
    const p = o.prev
    const n = o.next
    if (p === null) this.head = n
    else p.next = n
    if (n === null) this.tail = p
    else n.prev = p
    o.prev = null
    o.next = null
    o.level = null
    this.total -= o.remaining
    this.count--
  }
}

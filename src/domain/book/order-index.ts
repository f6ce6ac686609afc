// Live orders by id: an open-addressing hash table (linear probing, backward-shift deletion, so
// no tombstones) specialised for string ids. Faster than a Map at book sizes: each order keeps
// its hash, so removal never rehashes the string and probes compare integers before strings.
import type { RestingOrder } from "./resting-order.js"

/** FNV-1a over UTF-16 code units, as a positive 31-bit integer (0 is reserved for "empty"). */
export const hashId = (id: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193)
  // Mix the high bits down: the table indexes by the low bits, which FNV alone leaves weak.
  h ^= h >>> 15
  h = Math.imul(h, 0x2c1b3c6d)
  h ^= h >>> 12
  h >>>= 1
  return h === 0 ? 1 : h
}

const EMPTY = 0

/** Order id → live order, with O(1) expected get, insert and remove. */
export class OrderIndex {
  size = 0
  private mask: number
  private hashes: Int32Array
  private cells: Array<RestingOrder | null>

  constructor(capacity = 1024) {
    let cap = 16
    while (cap < capacity * 2) cap *= 2
    this.mask = cap - 1
    this.hashes = new Int32Array(cap)
    this.cells = new Array<RestingOrder | null>(cap).fill(null)
  }

  /** The live order with this id, or undefined. */
  get(id: string, hash: number = hashId(id)): RestingOrder | undefined {
    const hashes = this.hashes
    const mask = this.mask
    let i = hash & mask
    for (;;) {
      const h = hashes[i]!
      if (h === EMPTY) return undefined
      if (h === hash) {
        const o = this.cells[i]!
        if (o.id === id) return o
      }
      i = (i + 1) & mask
    }
  }

  /** Add an order under `o.id`, whose hash is `o.hash`; the caller has checked it is absent. */
  insert(o: RestingOrder): void {
    // Load factor at most 1/2 keeps probe runs short.
    if ((this.size + 1) * 2 > this.hashes.length) this.rebuild(this.hashes.length * 2)
    const hashes = this.hashes
    const mask = this.mask
    let i = o.hash & mask
    while (hashes[i] !== EMPTY) i = (i + 1) & mask
    hashes[i] = o.hash
    this.cells[i] = o
    this.size++
  }

  /** Remove this order (by identity) if indexed. */
  remove(o: RestingOrder): void {
    const hashes = this.hashes
    const mask = this.mask
    const hash = o.hash
    let i = hash & mask
    for (;;) {
      const h = hashes[i]!
      if (h === EMPTY) return
      if (h === hash && this.cells[i] === o) {
        this.size--
        this.shiftBack(i)
        return
      }
      i = (i + 1) & mask
    }
  }

  /** Every indexed order, in table order (callers that need a stable order sort or walk levels). */
  *values(): IterableIterator<RestingOrder> {
    for (const o of this.cells) if (o !== null) yield o
  }

  // Empty cell `hole`, then pull back later entries of the run whose home is not between the
  // hole and themselves, so every entry stays reachable from its home without tombstones.
  private shiftBack(hole: number): void {
    const hashes = this.hashes
    const cells = this.cells
    const mask = this.mask
    let i = hole
    let j = hole
    for (;;) {
      j = (j + 1) & mask
      const h = hashes[j]!
      if (h === EMPTY) break
      const home = h & mask
      const stays = i <= j ? i < home && home <= j : i < home || home <= j
      if (stays) continue
      hashes[i] = h
      cells[i] = cells[j]!
      i = j
    }
    hashes[i] = EMPTY
    cells[i] = null
  }

  private rebuild(capacity: number): void {
    const oldCells = this.cells
    this.hashes = new Int32Array(capacity)
    this.cells = new Array<RestingOrder | null>(capacity).fill(null)
    this.mask = capacity - 1
    this.size = 0
    for (const o of oldCells) if (o !== null) this.insert(o)
  }
}

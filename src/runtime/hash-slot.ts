// Redis Cluster hash slots (CRC16/XMODEM mod 16384), used to pick one hash tag per shard so
// that shards spread evenly over slots and each shard's keys share one slot.
const TABLE = new Uint16Array(256)
for (let i = 0; i < 256; i++) {
  let crc = i << 8
  for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff
  TABLE[i] = crc
}

/** The cluster slot of a hash tag's content. */
export const hashSlot = (tag: string): number => {
  let crc = 0
  for (const byte of new TextEncoder().encode(tag)) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ byte) & 0xff]
  return crc % 16384
}

/**
 * Hash tags for `shardCount` shards: shard n gets the first tag `s<n>`, `s<n>.1`, ... whose slot
 * lies in the n-th equal slice of the slot space, so masters own equal numbers of shards.
 */
export const shardTags = (shardCount: number): ReadonlyArray<string> => {
  const tags: Array<string> = []
  const slice = 16384 / shardCount
  for (let shard = 0; shard < shardCount; shard++) {
    const low = Math.floor(shard * slice)
    const high = Math.floor((shard + 1) * slice)
    let candidate = `s${shard}`
    for (let attempt = 1; ; attempt++) {
      const slot = hashSlot(candidate)
      if (slot >= low && slot < high) break
      candidate = `s${shard}.${attempt}`
    }
    tags.push(candidate)
  }
  return tags
}

// Every Redis key the edge itself writes (rate-limit counters, Idempotency-Key records), under the
// cluster's prefix so one Redis can hold several clusters and tests stay apart. Each key is one
// unit of work on its own, so no hash tag is needed on a Redis Cluster.

/** Keys of the edge under one prefix. */
export interface EdgeKeys {
  /** Requests counted in the current window for one user or one client address. */
  readonly rateLimit: (scope: "user" | "ip", id: string) => string
  /** The stored response (or the in-flight marker) of one Idempotency-Key of one principal. */
  readonly idempotency: (principal: string, key: string) => string
}

// Asked for on every request: made once per prefix.
const byPrefix = new Map<string, EdgeKeys>()

/** The edge's keys under `prefix`. */
export const edgeKeys = (prefix: string): EdgeKeys => {
  let keys = byPrefix.get(prefix)
  if (keys === undefined) {
    keys = {
      rateLimit: (scope, id) => `${prefix}:edge:rl:${scope}:${id}`,
      idempotency: (principal, key) => `${prefix}:edge:idem:${principal}:${key}`
    }
    byPrefix.set(prefix, keys)
  }
  return keys
}

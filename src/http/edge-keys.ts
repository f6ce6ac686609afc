// Every Redis key the edge itself writes (rate-limit counters, Idempotency-Key records), under the
// cluster's prefix so one Redis can hold several clusters and tests stay apart. Each key is one
// unit of work on its own, so no hash tag is needed on a Redis Cluster.

/** Keys of the edge under one prefix. */
export const edgeKeys = (prefix: string) => ({
  /** Requests counted in the current window for one user or one client address. */
  rateLimit: (scope: "user" | "ip", id: string) => `${prefix}:edge:rl:${scope}:${id}`,
  /** The stored response (or the in-flight marker) of one Idempotency-Key of one principal. */
  idempotency: (principal: string, key: string) => `${prefix}:edge:idem:${principal}:${key}`
})

// Every Redis key the edge itself writes (rate-limit counters, Idempotency-Key records), under the
// cluster's prefix so one Redis can hold several clusters and tests stay apart. Each key is one
// unit of work on its own, so no hash tag is needed on a Redis Cluster. Plain functions: they
// run on every request.

/** Keys of the edge under a cluster's prefix. */
export const edgeKeys = {
  /** Requests counted in the current window for one user or one client address. */
  rateLimit: (prefix: string, scope: "user" | "ip", id: string) => `${prefix}:edge:rl:${scope}:${id}`,
  /** The stored response (or the in-flight marker) of one Idempotency-Key of one principal. */
  idempotency: (prefix: string, principal: string, key: string) => `${prefix}:edge:idem:${principal}:${key}`
} as const

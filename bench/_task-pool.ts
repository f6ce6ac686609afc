// Running a numbered batch of async tasks with a bound on how many are in flight: the load
// generators' way of keeping N requests outstanding (a closed loop per lane).

/** Runs tasks 0..count-1 with at most `limit` in flight; resolves when all are done. */
export const pool = async (count: number, limit: number, task: (index: number) => Promise<unknown>): Promise<void> => {
  let next = 0
  const lane = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane))
}

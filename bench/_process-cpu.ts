// CPU time used so far by a process (from /proc) and by a Redis server (INFO cpu): benchmarks
// print CPU per operation beside their rates, as it moves less than rates on a shared machine.
import { Effect } from "effect"
import { Redis } from "ioredis"
import { readFileSync } from "node:fs"

/** CPU seconds (user + system) a process has used so far, from /proc. */
export const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

/** CPU seconds the Redis server has used so far. */
export const redisCpuSeconds = (url: string) =>
  Effect.promise(async () => {
    const redis = new Redis(url)
    try {
      const info = await redis.info("cpu")
      return Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])
    } finally {
      redis.disconnect()
    }
  })

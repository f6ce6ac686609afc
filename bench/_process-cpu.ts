// CPU time used so far by a process (from /proc), by a Redis server (INFO cpu) and by the whole
// machine (/proc/stat): benchmarks print CPU per operation beside their rates, as it moves less
// than rates on a shared machine, and the machine's figure against what a target allows.
import { Effect } from "effect"
import { Redis } from "ioredis"
import { readFileSync } from "node:fs"
import { cpus } from "node:os"

/** CPU seconds (user + system) a process has used so far, from /proc. */
export const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")
  return (Number(fields[11]) + Number(fields[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

/**
 * Busy CPU seconds of the whole machine so far, summed over its cores: every process counts
 * (node, edge, Redis, PostgreSQL, the load generator), idle, I/O wait and steal do not.
 */
export const machineCpuSeconds = (): number => {
  const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0] = fields
  return (user + nice + system + irq + softirq) / 100 // clock ticks (USER_HZ = 100)
}

/** What a target of `rate` operations per second allows per operation on this machine's cores, µs. */
export const cpuBudgetUs = (rate: number) => (cpus().length * 1e6) / rate

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

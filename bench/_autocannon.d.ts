// The part of autocannon's programmatic API the HTTP benchmark uses (the package ships no types).
declare module "autocannon" {
  export interface RawRequest {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
  }
  export interface Options {
    url: string
    connections?: number
    duration?: number
    method?: string
    headers?: Record<string, string>
    body?: string
    timeout?: number
    requests?: Array<RawRequest & {
      setupRequest?: (request: RawRequest, context: object) => RawRequest
      onResponse?: (status: number, body: string, context: object) => void
    }>
  }
  export interface Histogram {
    average: number
    mean: number
    p50: number
    p90: number
    p99: number
    max: number
    total: number
  }
  export interface Result {
    requests: Histogram
    latency: Histogram
    errors: number
    timeouts: number
    non2xx: number
    "2xx": number
    duration: number
  }
  function autocannon(options: Options): Promise<Result>
  export default autocannon
}

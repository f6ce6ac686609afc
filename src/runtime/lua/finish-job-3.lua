--[[
  Ends one attempt of an effectful job: done, retried later, or dead-lettered.
  KEYS[1] epoch, KEYS[2] jobs, KEYS[3] dead letters
  ARGV[1] our epoch, ARGV[2] job member, ARGV[3] "done" | "retry" | "dead",
  ARGV[4] retry: next member; dead: dead-letter JSON, ARGV[5] retry delay ms, ARGV[6] dead-letter cap
  Returns 1, 0 when the job is no longer there (finished by someone else), or -1 when fenced.
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
if redis.call("ZREM", KEYS[2], ARGV[2]) == 0 then return 0 end
if ARGV[3] == "retry" then
  local t = redis.call("TIME")
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call("ZADD", KEYS[2], now + tonumber(ARGV[5]), ARGV[4])
elseif ARGV[3] == "dead" then
  redis.call("XADD", KEYS[3], "MAXLEN", "~", ARGV[6], "*", "d", ARGV[4])
end
return 1

--[[
  Claims due effectful jobs for this owner, hiding them for a visibility timeout so a crashed
  owner's jobs come due again for the next one (at-least-once).
  KEYS[1] epoch, KEYS[2] jobs
  ARGV[1] our epoch, ARGV[2] max jobs, ARGV[3] visibility timeout ms
  Returns {1, ms until the next job is due or -1, members...} or {0} when fenced.
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return {0} end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", now, "LIMIT", 0, tonumber(ARGV[2]))
local hidden = now + tonumber(ARGV[3])
for _, member in ipairs(due) do redis.call("ZADD", KEYS[2], hidden, member) end
local next_due = redis.call("ZRANGE", KEYS[2], 0, 0, "WITHSCORES")
local wait = -1
if #next_due > 0 then wait = math.max(0, tonumber(next_due[2]) - now) end
return {1, wait, unpack(due)}

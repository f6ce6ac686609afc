--[[
  Claims due effectful jobs for this owner, hiding them for a visibility timeout so a crashed
  owner's jobs come due again for the next one (at-least-once).
  KEYS[1] epoch, KEYS[2] jobs (ids by due time), KEYS[3] job data (id -> JSON)
  ARGV[1] our epoch, ARGV[2] max jobs, ARGV[3] visibility timeout ms
  Returns {1, ms until the next job is due or -1, id, JSON, id, JSON, ...} (JSON false when
  the data is gone) or {0} when fenced.
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return {0} end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", now, "LIMIT", 0, tonumber(ARGV[2]))
local hidden = now + tonumber(ARGV[3])
local reply = {1, -1}
for k, id in ipairs(due) do
  redis.call("ZADD", KEYS[2], hidden, id)
  reply[2 * k + 1] = id
  reply[2 * k + 2] = redis.call("HGET", KEYS[3], id)
end
local next_due = redis.call("ZRANGE", KEYS[2], 0, 0, "WITHSCORES")
if #next_due > 0 then reply[2] = math.max(0, tonumber(next_due[2]) - now) end
return reply

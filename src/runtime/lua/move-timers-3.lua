--[[
  Moves due timers into the inbox (DESIGN §2 "Timers"); due by Redis TIME, so node clocks
  never matter. Fenced: only the owner moves them.
  KEYS[1] epoch, KEYS[2] timers, KEYS[3] inbox
  ARGV[1] our epoch, ARGV[2] max timers to move
  Returns {moved, ms until the next due timer or -1}, or {-1} when fenced.
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return {-1} end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local due = redis.call("ZRANGEBYSCORE", KEYS[2], "-inf", now, "LIMIT", 0, tonumber(ARGV[2]))
if #due > 0 then
  local fields = {}
  for _, member in ipairs(due) do
    fields[#fields + 1] = "e"
    fields[#fields + 1] = member
  end
  redis.call("XADD", KEYS[3], "*", unpack(fields))
  redis.call("ZREM", KEYS[2], unpack(due))
end
local next_due = redis.call("ZRANGE", KEYS[2], 0, 0, "WITHSCORES")
if #next_due == 0 then return {#due, -1} end
return {#due, math.max(0, tonumber(next_due[2]) - now)}

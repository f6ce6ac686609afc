--[[
  Trims the inbox up to what committed snapshots cover (DESIGN §2 "Snapshots"). Only entries
  at or before the applied offset go, so nothing pending is deleted.
  KEYS[1] epoch, KEYS[2] inbox, KEYS[3] state
  ARGV[1] our epoch, ARGV[2] lowest ID still needed for replay
  Returns the number of entries trimmed, or -1 when fenced.
]]
--@include "stream-id"
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
local applied = redis.call("HGET", KEYS[3], "applied") or "0-0"
local floor = ARGV[2]
if id_greater(floor, applied) then floor = applied end
return redis.call("XTRIM", KEYS[2], "MINID", floor)

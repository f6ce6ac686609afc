--[[
  Raises the relay cursor (never lowers it) and trims the outbox up to it, never past it.
  KEYS[1] epoch, KEYS[2] relay cursor, KEYS[3] outbox
  ARGV[1] our epoch, ARGV[2] last outbox ID delivered to every target
  Returns 1 when raised, 0 when the cursor was already there, -1 when fenced.
]]
--@include "stream-id"
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
local cursor = redis.call("GET", KEYS[2]) or "0-0"
if not id_greater(ARGV[2], cursor) then return 0 end
redis.call("SET", KEYS[2], ARGV[2])
-- MINID keeps IDs >= the cursor: everything before it reached every target.
redis.call("XTRIM", KEYS[3], "MINID", ARGV[2])
return 1

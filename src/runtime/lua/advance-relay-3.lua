--[[
  Raises the relay cursor (never lowers it) and trims the outbox up to it, never past it.
  KEYS[1] epoch, KEYS[2] relay cursor, KEYS[3] outbox
  ARGV[1] our epoch, ARGV[2] last outbox ID delivered to every target
  Returns 1 when raised, 0 when the cursor was already there, -1 when fenced.
]]
--@include "stream-id"
--@include "sender-chunks"
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
return raise_cursor(KEYS[2], KEYS[3], ARGV[2])

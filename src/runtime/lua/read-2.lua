--[[
  Fenced read: moves the consumer group only for the current epoch (DESIGN invariant 1).
  KEYS[1] epoch, KEYS[2] inbox
  ARGV[1] our epoch, ARGV[2] group, ARGV[3] consumer, ARGV[4] count
  Returns {0} when fenced, else {1, entries} (entries as XREADGROUP returns them, or false).
  Entries this consumer was delivered but never acknowledged come first: every commit XACKs
  its whole batch, so they exist only when the reply to an earlier read was lost (a Redis
  restart or dropped connection after the read ran; ioredis then re-sends the read). Reading
  ">" alone would skip them, and the next commit would move the offset past them.
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return {0} end
local pending = redis.call("XREADGROUP", "GROUP", ARGV[2], ARGV[3], "COUNT", ARGV[4], "STREAMS", KEYS[2], "0")
if pending and #pending[1][2] > 0 then return {1, pending[1][2]} end
local reply = redis.call("XREADGROUP", "GROUP", ARGV[2], ARGV[3], "COUNT", ARGV[4], "STREAMS", KEYS[2], ">")
if not reply then return {1, false} end
return {1, reply[1][2]}

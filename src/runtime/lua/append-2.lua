--[[
  Appends a sender's chunks to an inbox, dropping every chunk at or below the highest sequence
  this sender has appended here: dedupe at append, not at apply (DESIGN §2 "Between shards").
  KEYS[1] inbox, KEYS[2] sender sequences
  ARGV[1] sender id, ARGV[2] max inbox length before refusing (0 = no bound),
  then (sequence, chunk) pairs in increasing sequence order
  Returns the new entry ID, "" when every chunk was a duplicate, or "FULL" (back-pressure).
]]
--@include "stream-id"
--@include "sender-chunks"
local fields, last = new_chunks(3, #ARGV, redis.call("HGET", KEYS[2], ARGV[1]) or "0-0")
if last == nil then return "" end
local bound = tonumber(ARGV[2])
if bound > 0 and redis.call("XLEN", KEYS[1]) >= bound then return "FULL" end
local id = redis.call("XADD", KEYS[1], "*", unpack(fields))
redis.call("HSET", KEYS[2], ARGV[1], last)
return id

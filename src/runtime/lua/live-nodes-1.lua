--[[
  Reads the live-node set without changing it (operator tools, tests).
  KEYS[1] live-node set
  Returns {now ms, member1, deadline1, ...} of members whose deadline has not passed.
]]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local live = redis.call("ZRANGEBYSCORE", KEYS[1], "(" .. now, "+inf", "WITHSCORES")
return {now, unpack(live)}

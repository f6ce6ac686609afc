--[[
  One node's heartbeat in the live-node set (DESIGN §2 "Ownership"): a sorted set of members
  "nodeId:joinedAtMs" scored by heartbeat deadline, all times by Redis TIME so node clocks
  never matter. Expired members are removed on the way.
  KEYS[1] live-node set
  ARGV[1] nodeId, ARGV[2] the member this node has used so far ("" on start), ARGV[3] ttl ms
  Returns {now ms, our member, member1, deadline1, member2, deadline2, ...} (live members).
  A node whose member lapsed (paused past its TTL) joins again as a newcomer; a node restarted
  while its previous member is still live keeps that member and so its join time.
]]
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", now)
local member = nil
if ARGV[2] ~= "" and redis.call("ZSCORE", KEYS[1], ARGV[2]) then member = ARGV[2] end
if not member and ARGV[2] == "" then
  local prefix = ARGV[1] .. ":"
  for _, m in ipairs(redis.call("ZRANGE", KEYS[1], 0, -1)) do
    if string.sub(m, 1, #prefix) == prefix then member = m end
  end
end
if not member then member = ARGV[1] .. ":" .. now end
redis.call("ZADD", KEYS[1], now + tonumber(ARGV[3]), member)
local live = redis.call("ZRANGE", KEYS[1], 0, -1, "WITHSCORES")
return {now, member, unpack(live)}

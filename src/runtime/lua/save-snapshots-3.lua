--[[
  Writes snapshots of committed state outside a batch commit (graceful hand-off).
  KEYS[1] epoch, KEYS[2] state, KEYS[3] snapshots
  ARGV[1] our epoch, ARGV[2] the applied offset the snapshots were taken at,
  then field/value pairs
  Returns "OK", "FENCED", or "CONFLICT" when the offset moved (the snapshots would be stale).
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return "FENCED" end
if (redis.call("HGET", KEYS[2], "applied") or "0-0") ~= ARGV[2] then return "CONFLICT" end
for i = 3, #ARGV, 2 do redis.call("HSET", KEYS[3], ARGV[i], ARGV[i + 1]) end
return "OK"

--[[
  Takes a shard's lease and fences every earlier owner (DESIGN §2 "Ownership", "Reading").
  KEYS[1] lease, KEYS[2] epoch, KEYS[3] inbox, KEYS[4] state
  ARGV[1] nodeId, ARGV[2] nonce, ARGV[3] ttl ms, ARGV[4] group, ARGV[5] consumer name prefix
  Returns {epoch, applied, version, consumer} on success (also for a re-sent call with our nonce),
          {0, holder, pttl} when another node holds the lease (pttl: ms until it expires), so
          the assigned node can try again the moment it lapses.
  The group is reset to the committed offset and other consumers deleted: it shows operators
  the committed progress (the owner itself reads from its committed offset, see commit-8).
]]
local holder = redis.call("GET", KEYS[1])
if holder then
  local epoch, nonce = string.match(holder, "^.*:(%d+):([^:]+)$")
  if nonce ~= ARGV[2] then return {0, holder, redis.call("PTTL", KEYS[1])} end
  local state = redis.call("HMGET", KEYS[4], "applied", "version")
  return {tonumber(epoch), state[1] or "0-0", state[2] or "", ARGV[5] .. epoch}
end

local epoch = redis.call("INCR", KEYS[2])
redis.call("SET", KEYS[1], ARGV[1] .. ":" .. epoch .. ":" .. ARGV[2], "PX", ARGV[3])
local state = redis.call("HMGET", KEYS[4], "applied", "version")
local applied = state[1] or "0-0"
local consumer = ARGV[5] .. epoch

local ok = redis.pcall("XGROUP", "CREATE", KEYS[3], ARGV[4], applied, "MKSTREAM")
if type(ok) == "table" and ok.err and not string.find(ok.err, "BUSYGROUP", 1, true) then
  return redis.error_reply(ok.err)
end
-- Entries committed so far, which keeps the group's lag exact (a new shard starts at 0).
local read = redis.call("HGET", KEYS[4], "read")
if not read and applied == "0-0" then
  read = "0"
  redis.call("HSET", KEYS[4], "read", read)
end
if read then
  redis.call("XGROUP", "SETID", KEYS[3], ARGV[4], applied, "ENTRIESREAD", read)
else
  redis.call("XGROUP", "SETID", KEYS[3], ARGV[4], applied)
end
for _, info in ipairs(redis.call("XINFO", "CONSUMERS", KEYS[3], ARGV[4])) do
  local name = info[2]
  if name ~= consumer then redis.call("XGROUP", "DELCONSUMER", KEYS[3], ARGV[4], name) end
end
redis.call("XGROUP", "CREATECONSUMER", KEYS[3], ARGV[4], consumer)
return {epoch, applied, state[2] or "", consumer}

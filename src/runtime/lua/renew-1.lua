--[[
  Extends a lease we still hold; harmless when re-sent.
  KEYS[1] lease
  ARGV[1] lease value nodeId:epoch:nonce, ARGV[2] ttl ms
  Returns 1 when renewed, 0 when the lease is gone or held by another.
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("PEXPIRE", KEYS[1], ARGV[2])
  return 1
end
return 0

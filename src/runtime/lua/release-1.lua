--[[
  Gives up a lease we hold (graceful hand-off); harmless when re-sent.
  KEYS[1] lease
  ARGV[1] lease value nodeId:epoch:nonce
  Returns 1 when released, 0 when it was not ours.
]]
if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("DEL", KEYS[1])
  return 1
end
return 0

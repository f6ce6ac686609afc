--[[
  One relay round on a single Redis server (every shard's keys on one server): appends a page
  of outbox entries to each target inbox, dropping chunks a target already has by sender
  sequence as append-2 does, and raises the relay cursor, trimming the outbox up to it, all in
  one call. A full target changes nothing: the page is sent again later, order kept. On a Redis
  Cluster the targets live on other slots, so each is its own append-2 call and advance-relay-3
  follows.
  KEYS[1] epoch, KEYS[2] relay cursor, KEYS[3] outbox, then (inbox, sender sequences) per target
  ARGV[1] our epoch, ARGV[2] last outbox ID of the page, ARGV[3] sender id,
  ARGV[4] max inbox length before refusing (0 = no bound),
  then per target, in KEYS order: the number of (sequence, chunk) pairs, then the pairs
  Returns 1 when delivered, "FULL" when a target is full (nothing changed), -1 when fenced.
]]
--@include "stream-id"
--@include "sender-chunks"
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
local sender, bound = ARGV[3], tonumber(ARGV[4])
local appends = {}
local i = 5
for t = 4, #KEYS, 2 do
  local n = tonumber(ARGV[i])
  local fields, last = new_chunks(i + 1, i + 2 * n, redis.call("HGET", KEYS[t + 1], sender) or "0-0")
  i = i + 1 + 2 * n
  if last ~= nil then
    if bound > 0 and redis.call("XLEN", KEYS[t]) >= bound then return "FULL" end
    appends[#appends + 1] = {t, fields, last}
  end
end
for _, a in ipairs(appends) do
  redis.call("XADD", KEYS[a[1]], "*", unpack(a[2]))
  redis.call("HSET", KEYS[a[1] + 1], sender, a[3])
end
raise_cursor(KEYS[2], KEYS[3], ARGV[2])
return 1

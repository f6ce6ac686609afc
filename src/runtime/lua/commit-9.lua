--[[
  Group commit of one applied batch (DESIGN §2 "Group commit"), all in the shard's slot, but
  for the askers' reply streams and the targets' inboxes, which a single Redis server lets it
  write too.
  KEYS[1] epoch, KEYS[2] state, KEYS[3] inbox, KEYS[4] outbox, KEYS[5] timers, KEYS[6] jobs,
  KEYS[7] dead letters, KEYS[8] snapshots, KEYS[9] job data, KEYS[10..] feed streams written
  by this batch, then the reply streams it answers (none on Redis Cluster), then, when the
  commit may deliver itself, the relay cursor and the target inboxes in outbox-field order
  ARGV[1] our epoch, ARGV[2] previous applied ID, ARGV[3] new applied ID (last of batch),
  ARGV[4] behaviour version, ARGV[5] group, ARGV[6] feed cap, ARGV[7] dead-letter cap,
  ARGV[8..16] counts: outbox fields, timers, jobs, dead letters, snapshots, feed events,
              inbox entries read (the batch), snapshot deletions, replies
  ARGV[17] reply stream cap, ARGV[18] index of the relay cursor key counted from KEYS[9]
  (0: effects go through the outbox), ARGV[19] max inbox length of a target (0 = no bound)
  then the items in that order: outbox field/value pairs; timer score/member pairs; job
  (due score, id, JSON) triples; dead-letter JSON; snapshot field/value pairs; feed (key index,
  seq, payload) triples; snapshot fields to delete; reply (key index, records) pairs, key
  indexes counted from KEYS[9] as the feeds' are.
  Delivery in the commit (a single Redis server, where every inbox is on this server): while
  the outbox holds nothing the relay has not delivered and every target has room, the effects
  go straight to their targets' inboxes, atomically with the commit, so neither a crash nor a
  re-send can lose or double them. Otherwise they wait in the outbox for the relay, as on a
  Redis Cluster, and so do the next commits' until the relay has caught up: between two actors
  messages keep their order.
  Returns "OK" (or, when it wrote one, the ID of the batch's outbox entry), "ALREADY" (this
  very batch is committed: a re-send), "FENCED" or "CONFLICT".
]]
--@include "stream-id"
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return "FENCED" end
local applied = redis.call("HGET", KEYS[2], "applied") or "0-0"
if applied == ARGV[3] then return "ALREADY" end
if applied ~= ARGV[2] then return "CONFLICT" end
redis.call("HSET", KEYS[2], "applied", ARGV[3], "version", ARGV[4])

local n_out, n_timers, n_jobs, n_dead = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local n_snaps, n_feeds, n_read, n_unsnap = tonumber(ARGV[12]), tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15])
local n_replies, cursor_at, bound = tonumber(ARGV[16]), tonumber(ARGV[18]), tonumber(ARGV[19])
local i = 20

-- True when the relay has delivered every outbox entry and every target has room.
local function can_deliver()
  local last = redis.call("XREVRANGE", KEYS[4], "+", "-", "COUNT", 1)[1]
  if last ~= nil and id_greater(last[1], redis.call("GET", KEYS[9 + cursor_at]) or "0-0") then return false end
  if bound == 0 then return true end
  for k = 1, n_out do
    if redis.call("XLEN", KEYS[9 + cursor_at + k]) >= bound then return false end
  end
  return true
end

local answer = "OK"
if n_out > 0 then
  if cursor_at > 0 and can_deliver() then
    for k = 1, n_out do redis.call("XADD", KEYS[9 + cursor_at + k], "*", "e", ARGV[i + 2 * k - 1]) end
  else
    local fields = {}
    for k = 0, 2 * n_out - 1 do fields[k + 1] = ARGV[i + k] end
    answer = redis.call("XADD", KEYS[4], "*", unpack(fields))
  end
  i = i + 2 * n_out
end
for _ = 1, n_timers do
  redis.call("ZADD", KEYS[5], ARGV[i], ARGV[i + 1])
  i = i + 2
end
-- A job is its id in the jobs set (claims and finishes move ids) and its JSON in the data hash.
for _ = 1, n_jobs do
  redis.call("ZADD", KEYS[6], ARGV[i], ARGV[i + 1])
  redis.call("HSET", KEYS[9], ARGV[i + 1], ARGV[i + 2])
  i = i + 3
end
for _ = 1, n_dead do
  redis.call("XADD", KEYS[7], "MAXLEN", "~", ARGV[7], "*", "d", ARGV[i])
  i = i + 1
end
for _ = 1, n_snaps do
  redis.call("HSET", KEYS[8], ARGV[i], ARGV[i + 1])
  i = i + 2
end
for _ = 1, n_feeds do
  redis.call("XADD", KEYS[9 + tonumber(ARGV[i])], "MAXLEN", "~", ARGV[6], "*", "seq", ARGV[i + 1], "d", ARGV[i + 2])
  i = i + 3
end
-- The owner reads from its committed offset with plain XREAD, so the group is only the
-- operators' progress marker (XINFO GROUPS lag), and only this fenced script moves it.
-- "read" counts the inbox entries committed, so the group's lag stays exact.
if n_read > 0 then
  local read = redis.call("HGET", KEYS[2], "read")
  if read then
    read = tonumber(read) + n_read
    redis.call("HSET", KEYS[2], "read", read)
    redis.call("XGROUP", "SETID", KEYS[3], ARGV[5], ARGV[3], "ENTRIESREAD", read)
  else
    redis.call("XGROUP", "SETID", KEYS[3], ARGV[5], ARGV[3])
  end
end
for _ = 1, n_unsnap do
  redis.call("HDEL", KEYS[8], ARGV[i])
  i = i + 1
end
-- Answers become visible with the commit itself: an asker hears back even if this node dies
-- right after, and no later hop of the node's event loop stands between the commit and them.
-- NOMKSTREAM: an asker that is gone (its stream expired) is not answered.
for _ = 1, n_replies do
  redis.call("XADD", KEYS[9 + tonumber(ARGV[i])], "NOMKSTREAM", "MAXLEN", "~", ARGV[17], "*", "r", ARGV[i + 1])
  i = i + 2
end
return answer

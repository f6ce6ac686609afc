--[[
  Ends one attempt of each of many effectful jobs (a worker round's): each is done, retried
  later, or dead-lettered. All or nothing: a fenced-out owner changes nothing.
  KEYS[1] epoch, KEYS[2] jobs (ids by due time), KEYS[3] job data (id -> JSON), KEYS[4] dead letters
  ARGV[1] our epoch, ARGV[2] dead-letter cap, then 4 per job from ARGV[3]:
    job id, "done" | "retry" | "dead", retry: the job's next JSON / dead: dead-letter JSON /
    done: "", retry delay ms
  Returns the number of jobs ended (a job no longer there, ended by someone else, is skipped),
  or -1 when fenced.
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = ARGV[2]
local ended = 0
for i = 3, #ARGV, 4 do
  local id = ARGV[i]
  if redis.call("ZREM", KEYS[2], id) == 1 then
    ended = ended + 1
    local verb = ARGV[i + 1]
    if verb == "retry" then
      redis.call("ZADD", KEYS[2], now + tonumber(ARGV[i + 3]), id)
      redis.call("HSET", KEYS[3], id, ARGV[i + 2])
    else
      redis.call("HDEL", KEYS[3], id)
      if verb == "dead" then redis.call("XADD", KEYS[4], "MAXLEN", "~", cap, "*", "d", ARGV[i + 2]) end
    end
  end
end
return ended

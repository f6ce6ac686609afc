--[[
  Ends one attempt of each of many effectful jobs (a worker round's): each is done, retried
  later, or dead-lettered. All or nothing: a fenced-out owner changes nothing.
  KEYS[1] epoch, KEYS[2] jobs, KEYS[3] dead letters
  ARGV[1] our epoch, ARGV[2] dead-letter cap, then 4 per job from ARGV[3]:
    job member, "done" | "retry" | "dead", retry: next member / dead: dead-letter JSON / done: "",
    retry delay ms
  Returns the number of jobs ended (a job no longer there, ended by someone else, is skipped),
  or -1 when fenced.
]]
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return -1 end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cap = ARGV[2]
local ended = 0
for i = 3, #ARGV, 4 do
  if redis.call("ZREM", KEYS[2], ARGV[i]) == 1 then
    ended = ended + 1
    local verb = ARGV[i + 1]
    if verb == "retry" then
      redis.call("ZADD", KEYS[2], now + tonumber(ARGV[i + 3]), ARGV[i + 2])
    elseif verb == "dead" then
      redis.call("XADD", KEYS[3], "MAXLEN", "~", cap, "*", "d", ARGV[i + 2])
    end
  end
end
return ended

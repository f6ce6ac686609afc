-- Dedupe at append and the relay cursor, shared by append-2, relay-round-3 and advance-relay-3
-- (needs "stream-id" included first).

-- The stream fields ("e", chunk, ...) of the (sequence, chunk) pairs in ARGV[first..last] whose
-- sequence is above `highest`, the sender's last appended one; and the highest sequence kept.
local function new_chunks(first, last, highest)
  local fields, kept = {}, nil
  for k = first, last, 2 do
    if id_greater(ARGV[k], highest) then
      fields[#fields + 1] = "e"
      fields[#fields + 1] = ARGV[k + 1]
      kept = ARGV[k]
    end
  end
  return fields, kept
end

-- Raises a relay cursor to `id` (never lowers it) and trims the outbox up to it: MINID keeps
-- IDs >= the cursor, and everything before it reached every target. Answers 1 when raised.
local function raise_cursor(cursor_key, outbox_key, id)
  local cursor = redis.call("GET", cursor_key) or "0-0"
  if not id_greater(id, cursor) then return 0 end
  redis.call("SET", cursor_key, id)
  redis.call("XTRIM", outbox_key, "MINID", id)
  return 1
end

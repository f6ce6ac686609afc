-- Stream-ID comparison shared by scripts: IDs are "ms-seq"; a bare integer means "0-n".
local function split_id(id)
  local dash = string.find(id, "-", 1, true)
  if not dash then return 0, tonumber(id) end
  return tonumber(string.sub(id, 1, dash - 1)), tonumber(string.sub(id, dash + 1))
end

local function id_greater(a, b)
  local ams, aseq = split_id(a)
  local bms, bseq = split_id(b)
  if ams ~= bms then return ams > bms end
  return aseq > bseq
end

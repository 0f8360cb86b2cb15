-- A library, not a command: prepended to the scripts that count watched addresses
-- (src/store/scripts.ts, `uses: ["union"]`). union(list) is the number of addresses a list of
-- prefixes covers (outermost blocks' sizes added up, src/store/watch-prefixes.ts). Prefixes are
-- visited shortest first, and one is skipped when a kept one of any shorter length is its start
-- (a hash lookup per distinct length, at most 129).
local function union(prefixes)
  table.sort(prefixes, function(a, b) return #a < #b end)
  local kept, lengths, total = {}, {}, 0
  for _, p in ipairs(prefixes) do
    local covered = kept[p] ~= nil
    for length in pairs(lengths) do
      if not covered and length < #p and kept[string.sub(p, 1, length)] then covered = true end
    end
    if not covered then
      kept[p] = true
      lengths[#p] = true
      local family = string.sub(p, 1, 1) == '4' and 32 or 128
      total = total + 2 ^ (family - (#p - 2))
    end
  end
  return total
end

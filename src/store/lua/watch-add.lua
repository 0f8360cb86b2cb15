-- Adds a watch unless it exists or would take the channel past its cap, or the deployment past
-- its total cap (src/store/watches.ts). One script, so the look (exists? under the caps?) and the
-- write cannot be split by another command. KEYS: the watches hash, the channel's prefixes hash,
-- the watcher set (an address's own, or the set of range watches), every channel's prefixes.
-- ARGV: target, record JSON, cap, watcher member, the target's prefix, the total cap. Returns
-- {1 added | 0 exists | -1 channel cap | -2 total cap, watched}: `watched` is the channel's
-- distinct addresses, or the deployment's for -2 (each channel's distinct addresses added up:
-- each channel's watches run, and keep their states, on their own).
local prefixes = redis.call('HVALS', KEYS[2])
local watched = union(prefixes)
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {0, watched} end
table.insert(prefixes, ARGV[5])
local after = union(prefixes)
if after > tonumber(ARGV[3]) then return {-1, watched} end
local byChannel = {}
local all = redis.call('HGETALL', KEYS[4])
for i = 1, #all, 2 do
  local channel = string.match(all[i], '^(.-)\t')
  if channel then
    byChannel[channel] = byChannel[channel] or {}
    table.insert(byChannel[channel], all[i + 1])
  end
end
local others = 0
local mine = string.match(ARGV[4], '^(.-)\t')
for channel, list in pairs(byChannel) do
  if channel ~= mine then others = others + union(list) end
end
if others + after > tonumber(ARGV[6]) then return {-2, others + watched} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('HSET', KEYS[4], ARGV[4], ARGV[5])
return {1, after}

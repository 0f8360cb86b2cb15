-- Adds a watch unless it exists or would take the channel past the cap (src/store/watches.ts).
-- One script, so the look (exists? under the cap?) and the write cannot be split by another
-- command. KEYS: the watches hash, the channel's prefixes hash, the watcher set (an address's
-- own, or the set of range watches), every channel's prefixes. ARGV: target, record JSON, cap,
-- watcher member, the target's prefix. Returns {1 added | 0 exists | -1 cap, watched}.
local prefixes = redis.call('HVALS', KEYS[2])
local watched = union(prefixes)
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return {0, watched} end
table.insert(prefixes, ARGV[5])
local after = union(prefixes)
if after > tonumber(ARGV[3]) then return {-1, watched} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
redis.call('SADD', KEYS[3], ARGV[4])
redis.call('HSET', KEYS[4], ARGV[4], ARGV[5])
return {1, after}

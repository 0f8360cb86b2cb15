-- Removes one watch if it is still the record the caller read (src/store/watch-removal.ts).
-- KEYS: the watches hash, the prefixes hash, the watch's watcher set, every channel's prefixes.
-- ARGV: target, watcher member, the record text read. Returns 1 removed, 0 gone already, -1
-- changed.
local text = redis.call('HGET', KEYS[1], ARGV[1])
if not text then return 0 end
if text ~= ARGV[3] then return -1 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[2])
redis.call('HDEL', KEYS[4], ARGV[2])
return 1

-- Compare-and-set of one watch record (src/store/watches.ts): KEYS[1] the channel's watches,
-- ARGV: target, the record text the caller read, the new text. Returns 1 written, 0 gone, -1
-- changed meanwhile.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if current ~= ARGV[2] then return -1 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1

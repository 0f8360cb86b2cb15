-- Ends a chain once (src/store/chains.ts). KEYS as chain-open.lua. ARGV: chain id, how it ended,
-- by. Returns the state it found: 'open' means this caller ended it (and tells the threads);
-- 'ended' and 'unknown' mean someone else did or never.
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'unknown' end
if state ~= 'open' then return 'ended' end
redis.call('HSET', KEYS[1], 'state', 'ended', 'ended', ARGV[2], 'by', ARGV[3])
redis.call('SREM', KEYS[2], ARGV[1])
redis.call('SREM', KEYS[3], ARGV[1])
return 'open'

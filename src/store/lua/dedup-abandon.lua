-- Compare-and-delete: the window (KEYS[1]) and the chain's origin list (KEYS[2]) go only if the
-- window still names the chain ARGV[1] whose job could not be queued; a window re-opened by
-- someone else in the meantime is theirs. Returns the askers who had joined the abandoned chain.
if redis.call('HGET', KEYS[1], 'job') ~= ARGV[1] then return {} end
local origins = redis.call('LRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[1], KEYS[2])
return origins

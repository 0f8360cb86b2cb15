-- The chain's first check has a result: the window (KEYS[1]) is marked done if it still names the
-- chain ARGV[1], and everyone on the chain's origin list (KEYS[2]) so far is returned.
if redis.call('HGET', KEYS[1], 'job') == ARGV[1] then redis.call('HSET', KEYS[1], 'state', 'done') end
return redis.call('LRANGE', KEYS[2], 0, -1)

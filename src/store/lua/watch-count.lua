-- The number of distinct addresses a hash of watch prefixes (KEYS[1]) covers
-- (src/store/watch-prefixes.ts).
return union(redis.call('HVALS', KEYS[1]))

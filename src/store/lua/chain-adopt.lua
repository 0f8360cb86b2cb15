-- An open chain adopts a check (src/store/chain-adoption.ts). KEYS: the chain's hash, its origin
-- list (or the hash again when it has none), the adopted check's hash. ARGV: the chain id, keep
-- ms, then the threads to add (JSON). Atomic with the chain's state: a chain stopped or cleared
-- meanwhile adopts nothing, and the check opens its own.
if redis.call('HGET', KEYS[1], 'state') ~= 'open' then return 0 end
for i = 3, #ARGV do redis.call('RPUSH', KEYS[2], ARGV[i]) end
redis.call('HSET', KEYS[3], 'adoptedBy', ARGV[1])
redis.call('PEXPIRE', KEYS[3], ARGV[2])
return 1

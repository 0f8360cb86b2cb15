-- Opens (or keeps open) a re-check chain (src/store/chains.ts).
-- KEYS: the chain's hash, the IP's set of open chains, the set of every open chain.
-- ARGV: chain id, ip, helo, originsKey, origins JSON, now, next job id, keep ms, first failure,
-- re-checks so far, chain job JSON. An ended chain is never re-opened (a re-check that was
-- already running when the chain was stopped must not bring it back): returns 0.
if redis.call('HGET', KEYS[1], 'state') == 'ended' then return 0 end
redis.call('HSETNX', KEYS[1], 'openedAt', ARGV[6])
redis.call('HSET', KEYS[1], 'ip', ARGV[2], 'helo', ARGV[3], 'originsKey', ARGV[4], 'origins', ARGV[5],
  'state', 'open', 'next', ARGV[7], 'firstFailureAt', ARGV[9], 'rechecks', ARGV[10], 'job', ARGV[11])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
return 1

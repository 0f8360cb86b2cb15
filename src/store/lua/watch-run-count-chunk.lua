-- Counts one chunk of a watch run once (src/store/watch-runs.ts). KEYS: the run's hash, its
-- counted chunks, its findings. ARGV[1] the chunk job's id, ARGV[2..4] pass, fail, inconclusive,
-- ARGV[5] chunks this one added (a retry of its inconclusive addresses), ARGV[6] the TTL,
-- ARGV[7..] ip and finding JSON pairs. Returns 1 to the last chunk.
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then
  if redis.call('HGET', KEYS[1], 'last') == ARGV[1] then return 1 end
  return 0
end
redis.call('HINCRBY', KEYS[1], 'pass', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'fail', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'inconclusive', ARGV[4])
for i = 7, #ARGV, 2 do redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 1]) end
local left = redis.call('HINCRBY', KEYS[1], 'pending', tonumber(ARGV[5]) - 1)
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ARGV[6]) end
if left <= 0 then
  redis.call('HSET', KEYS[1], 'last', ARGV[1])
  return 1
end
return 0

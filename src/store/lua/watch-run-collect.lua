-- Collects a watch chunk's change notices into its run (src/store/run-notices.ts). KEYS: the
-- run's hash, its notices (hash: delivery id -> job JSON), its noticed ids (set). ARGV[1] the
-- TTL, ARGV[2..] delivery id and job JSON pairs. While the run is open every notice is kept
-- (a chunk run again rewrites the same ids) and nothing is returned; once it is closed (its
-- messages were planned) or gone, returns the ids it never saw: those the caller sends itself.
local open = redis.call('EXISTS', KEYS[1]) == 1 and redis.call('HEXISTS', KEYS[1], 'closed') == 0
local late = {}
for i = 2, #ARGV, 2 do
  if open then
    redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
    redis.call('SADD', KEYS[3], ARGV[i])
  elseif redis.call('SISMEMBER', KEYS[3], ARGV[i]) == 0 then
    table.insert(late, ARGV[i])
  end
end
if open then
  for i = 2, 3 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
end
return late

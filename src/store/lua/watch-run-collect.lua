-- Collects a watch chunk's change notices into its run (src/store/run-notices.ts). KEYS: the
-- run's hash (with a count per thread), its rows (hash: delivery id -> summary row JSON), its
-- kept notices (hash: delivery id -> job JSON), its noticed ids (set). ARGV[1] the TTL, ARGV[2]
-- how many notices a thread keeps whole, ARGV[3..] quads of delivery id, thread, row, notice.
-- While the run is open each new id is counted in its thread and its row kept, its notice too
-- while the thread has no more than ARGV[2] (an id seen before, a chunk run again, adds
-- nothing); nothing is returned. Once the run is closed (its messages were planned) or gone,
-- returns the ids it never saw: those the caller sends itself.
local open = redis.call('EXISTS', KEYS[1]) == 1 and redis.call('HEXISTS', KEYS[1], 'closed') == 0
local late = {}
for i = 3, #ARGV, 4 do
  local id = ARGV[i]
  if open then
    if redis.call('SADD', KEYS[4], id) == 1 then
      local count = redis.call('HINCRBY', KEYS[1], 'thread:' .. ARGV[i + 1], 1)
      redis.call('HSET', KEYS[2], id, ARGV[i + 2])
      if count <= tonumber(ARGV[2]) then redis.call('HSET', KEYS[3], id, ARGV[i + 3]) end
    end
  elseif redis.call('SISMEMBER', KEYS[4], id) == 0 then
    table.insert(late, id)
  end
end
if open then
  for i = 2, 4 do redis.call('EXPIRE', KEYS[i], ARGV[1]) end
end
return late

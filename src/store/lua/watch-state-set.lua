-- Compare-and-set of what a channel last saw of one IP (src/store/watch-states.ts). KEYS: the
-- channel's state hash, the IP's history list. ARGV: ip, the state the caller read ('' for
-- none), the new state, a history entry ('' for none), the history's length limit, the history's
-- lifetime in seconds. The state is written only if it is still exactly the one the caller read,
-- so of two checks finishing together only one announces the change; the entry is appended in
-- the same script, so the history holds exactly the changes whose state won, is cut to the
-- newest ARGV[5] and expires ARGV[6] seconds after its last change.
local current = redis.call('HGET', KEYS[1], ARGV[1])
if (current or '') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ARGV[4] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[4])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[5]), -1)
  redis.call('EXPIRE', KEYS[2], ARGV[6])
end
return 1

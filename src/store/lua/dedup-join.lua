-- Adds an asker to the de-duplication window of one IP and HELO (src/store/dedup-window.ts).
-- KEYS[1] the window (hash: job, state), KEYS[2] the origin list of the candidate chain ARGV[1],
-- KEYS[3] the origin list of the chain the caller expects the window to name (KEYS[2] again when
-- it expects none). A list key is always passed in KEYS, never built here: when the window names a
-- chain whose list is neither, nothing is written and {job, 'retry'} tells the caller to call
-- again with that chain's list as KEYS[3].
-- ARGV: candidate chain id, origin JSON, window ms, keep ms, a finished chain to re-open the
-- window for ('' for none: if the window still names it, the window is re-opened for ARGV[1], so
-- that the re-run and everyone asking after it share one check again).
local job = redis.call('HGET', KEYS[1], 'job')
local done = job and redis.call('HGET', KEYS[1], 'state') == 'done'
local reopen = (not job) or (done and ARGV[5] ~= '' and job == ARGV[5])
local chain = reopen and ARGV[1] or job
local list
if KEYS[1] .. ':' .. chain == KEYS[2] then list = 2
elseif KEYS[1] .. ':' .. chain == KEYS[3] then list = 3
else return {chain, 'retry'} end
local state = 'joined'
if reopen then
  redis.call('HSET', KEYS[1], 'job', chain, 'state', 'open')
  state = 'new'
  if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) else redis.call('PEXPIRE', KEYS[1], 1) end
elseif done then
  state = 'done'
end
redis.call('RPUSH', KEYS[list], ARGV[2])
redis.call('PEXPIRE', KEYS[list], ARGV[4])
return {chain, state}

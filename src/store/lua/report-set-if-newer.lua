-- Keeps the newer last report (src/store/reports.ts). KEYS[1] the IP's last report. ARGV: the
-- report JSON, its checkedAt, the TTL in seconds. checkedAt is an ISO 8601 UTC time; both sides
-- are brought to one width (fraction padded to 9 digits) so string order is time order whether or
-- not a writer gave milliseconds. An equal time is written (the same report saved again by a
-- retried job); a stored value that does not parse is replaced. Returns 0 when the stored one
-- was checked later and stays.
local function norm(t)
  if type(t) ~= 'string' then return nil end
  local head, frac = string.match(t, '^(%d%d%d%d%-%d%d%-%d%dT%d%d:%d%d:%d%d)%.?(%d*)Z$')
  if not head then return nil end
  return head .. '.' .. string.sub(frac .. '000000000', 1, 9)
end
local current = redis.call('GET', KEYS[1])
local incoming = norm(ARGV[2])
if current and incoming then
  local ok, stored = pcall(cjson.decode, current)
  if ok and type(stored) == 'table' then
    local storedAt = norm(stored.checkedAt)
    if storedAt and storedAt > incoming then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1

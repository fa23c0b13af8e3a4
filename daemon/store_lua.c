/*
 * store_lua: the Lua scripts the store runs with EVALSHA, as C string
 * literals so the daemon needs no data files to talk to Redis.  They must
 * stay deterministic in what they write and touch only the keys passed in
 * KEYS.  On a single Redis one call carries a whole polled feed (its state,
 * seen items, every claim and the alert stream); on Redis Cluster the same
 * script is called once per claim key and once for the feed, each call's
 * keys sharing one hash tag, and returns the alerts for the caller to XADD
 * to the stream, which lives in a slot of its own.
 *
 * The change rule (per claim).  Each figure is an interval given by its
 * qualifier: exact [v,v], at_least [v,inf), at_most [0,v], range [v,max],
 * approx [0.9v,1.1v], vague [v,10v).  The tolerance of a bound x is
 * max(tol_abs, tol_rel*|x|).  A claim CHANGES the current figure when
 *   (1) the two intervals, each widened by its tolerance, do not overlap
 *       ("3.000" after "ratusan" [100,1000) is a change), or
 *   (2) neither figure is vague and the values differ by more than
 *       max(tol_abs, tol_rel*max(|a|,|b|)), or both have an upper bound
 *       and those differ by more than that ("sekitar 100" then "lebih
 *       dari 3.000" is a change; "lebih dari 3.000" after "3.000" is not,
 *       nor is "ribuan" after "3.000", a vaguer report of the same).
 * Otherwise the claim is the SAME figure: its source joins the key's
 * sources (the count in the current hash) and no alert goes out, unless
 * corroborated alerts are on and the source is new.  A key muted by
 * `claimwatch mute` (its current hash's "muted") is stored the same and
 * never alerts.  The first source
 * stays in the current hash (src1); the source set exists only from the
 * second on, which spares most figures a set write and a DEL.  A claim
 * published before the current figure goes to history only (its member
 * marked "history_only").  A claim
 * key's first figure is "new".  A dedupe set of (item id, content hash,
 * occurrence) tokens makes a replayed or doubly submitted claim a no-op,
 * which is what makes one alert per change hold with several daemons and
 * across reconnects.
 */
#include "store_int.h"

/*
 * The call's layout is store_int.h's (STORE_ARGV_*, STORE_CLAIM_*: the
 * numbers below are those; test_store checks each line that uses one,
 * and the text stays plain literals for test_cluster.sh to run).
 * KEYS: [state, seen, seenz:
 * when STORE_ARGV_FEEDKEYS is 1] [alert stream: when STORE_ARGV_STREAMKEY
 * is 1] then per claim: current (hash), history (zset by published),
 * dedupe tokens (zset by detection time), source set (from the second
 * source on).  ARGV: the header (detected_at in seconds and RFC 3339,
 * channel, stream maxlen, dedupe tokens and history kept, corroborated
 * alerts 0/1, seen ids kept, ns = state field/value strings (0 leaves the
 * state alone), ni = items, nc = claims, feed keys 0/1, stream key 0/1,
 * the alerts' feed tail), then ns state strings, ni id/hash pairs, and per
 * claim: token, value, max or "", lo, hi, vague 0/1, published seconds or
 * "", figure JSON (kept), the alert's current figure, its names and story
 * (alert.h's parts), the story label, tol_abs, tol_rel, mode (1 compare
 * and alert, 0 compare and update quietly, h history only: see
 * store_claim_mode; "1w<seconds>" and "0w<seconds>": a story window, a
 * figure published longer than that after the current one starts the
 * story afresh, "new"), source id, item number (1-based).  An alert is
 * joined from those parts only for a claim that alerts.
 * With the feed's keys, a claim whose item the seen hash already holds
 * with the same content hash is skipped (that item's claims ran in an
 * earlier call); without them (cluster) the claim's dedupe token decides.
 * Returns, when it XADDed them itself, the number of alerts published by
 * type (new, changed, corroborated) and one "TYPE\tCURKEY\tOLD\tNEW" line
 * per alert for the log; else per alert: type, stream token (cur key,
 * \031, dedupe token), the alert, the cur key; each also kept in the cur
 * hash as field "o:<token>" until the caller has XADDed it and deletes
 * the field (a replay whose token is already done returns the kept copy
 * again).  The oldest seen ids beyond the limit are forgotten.  No
 * function is made per claim: closures cost an allocation each.
 */
const char store_lua_batch[] =
"local A, K, call = ARGV, KEYS, redis.call\n"
"local now = tonumber(A[1])\n"
"local iso = A[2]\n"
"local chan = A[3]\n"
"local maxlen = A[4]\n"
"local dmax = tonumber(A[5])\n"
"local hmax = tonumber(A[6])\n"
"local corr = A[7] == '1'\n"
"local tail = A[14]\n"
"local ns = tonumber(A[9])\n"
"local ni = tonumber(A[10])\n"
"local nc = tonumber(A[11])\n"
"local NH = 14\n"
"local NCA = 16\n"
"local NCK = 4\n"
"local C_VALUE = 1\n"
"local C_MAX = 2\n"
"local C_LO = 3\n"
"local C_HI = 4\n"
"local C_VAGUE = 5\n"
"local C_PUB = 6\n"
"local C_FIG = 7\n"
"local C_CUR = 8\n"
"local C_NAMES = 9\n"
"local C_LABEL = 10\n"
"local C_TA = 11\n"
"local C_TR = 12\n"
"local C_MODE = 13\n"
"local C_SRC = 14\n"
"local C_ITEM = 15\n"
/*
 * A call in the layout of older daemons (store_int.h's STORE_V1_*: the
 * whole "new" alert where the current figure, names and label are now,
 * no tail) is still run, its alerts spliced from that alert as before.
 */
"local v1, C_ALERT = #A ~= NH + ns + 2 * ni + NCA * nc, nil\n"
"if v1 then\n"
"  local d = NCA - 14\n"
"  NH, NCA = 13, 14\n"
"  C_ALERT = 8\n"
"  tail, C_CUR, C_NAMES, C_LABEL = nil, nil, nil, nil\n"
"  C_TA, C_TR, C_MODE = C_TA - d, C_TR - d, C_MODE - d\n"
"  C_SRC, C_ITEM = C_SRC - d, C_ITEM - d\n"
"end\n"
"local k, fk, stream = 1, nil, nil\n"
"if A[12] == '1' then\n"
"  fk = 1; k = 3 + 1\n"
"end\n"
"if A[13] == '1' then\n"
"  stream = K[k]; k = k + 1\n"
"end\n"
"local out, nal, lg = {}, 0, {}\n"
"local by = {new = 0, changed = 0, corroborated = 0}\n"
"local abs, mx, sub, find = math.abs, math.max, string.sub, string.find\n"
/* Cluster: kept in the claim's hash until the caller XADDed it. */
"local function keep(kind, cur, tok, msg)\n"
"  local n = #out\n"
"  out[n + 1], out[n + 2] = kind, cur .. '\\031' .. tok\n"
"  out[n + 3], out[n + 4] = msg, cur\n"
"end\n"
/* The alert alert_new_json makes, joined only for a claim that alerts. */
"local function alert(a, kind, nsrc, prev)\n"
"  return '{\"v\":2,\"type\":\"' .. kind .. '\",' .. A[a + C_NAMES] ..\n"
"      ',\"sources\":' .. nsrc .. ',\"previous\":' .. (prev or 'null') ..\n"
"      ',\"current\":' .. A[a + C_CUR] .. ',' .. tail\n"
"end\n"
/* Plain finds: an unescaped quote can only be JSON structure. */
"local function splice(a, kind, prev, nsrc)\n"
"  local i, j = find(a, '\"type\":\"new\"', 1, true)\n"
"  a = sub(a, 1, i - 1) .. '\"type\":\"' .. kind .. '\"' .. sub(a, j + 1)\n"
"  i, j = find(a, '\"sources\":1,', 1, true)\n"
"  if i then\n"
"    a = sub(a, 1, i - 1) .. '\"sources\":' .. nsrc .. ',' .. sub(a, j + 1)\n"
"  end\n"
"  i, j = find(a, '\"previous\":null', 1, true)\n"
"  return sub(a, 1, i - 1) .. '\"previous\":' .. prev .. sub(a, j + 1)\n"
"end\n"
"local function message(a, kind, nsrc, prev)\n"
"  if not v1 then return alert(a, kind, nsrc, prev) end\n"
"  if kind == 'new' then return A[a + C_ALERT] end\n"
"  return splice(A[a + C_ALERT], kind, prev, nsrc)\n"
"end\n"
/* A v1 call's story label, from the compact JSON alert_new wrote. */
"local function label(a)\n"
"  if not v1 then return A[a + C_LABEL] end\n"
"  local l = string.match(A[a + C_ALERT],\n"
"      '\"story\":{\"id\":\"[^\"]*\",\"label\":\"(.-)\"},\"sources\":')\n"
"  if not l then return '' end\n"
"  if find(l, '\\\\', 1, true) then\n"
"    local ok, d = pcall(cjson.decode, '\"' .. l .. '\"')\n"
"    l = ok and d or ''\n"
"  end\n"
"  return l\n"
"end\n"
"local function deliver(msg, kind, prev, value, cur, tok)\n"
"  call('PUBLISH', chan, msg)\n"
"  if stream then\n"
"    call('XADD', stream, 'MAXLEN', '~', maxlen, '*', 'alert', msg)\n"
"    lg[#lg + 1] = kind .. '\\t' .. K[k] .. '\\t' .. (prev or '') ..\n"
"        '\\t' .. value\n"
"  else\n"
"    call('HSET', cur, 'o:' .. tok, kind .. ' ' .. msg)\n"
"    keep(kind, cur, tok, msg)\n"
"  end\n"
"  nal = nal + 1\n"
"  by[kind] = by[kind] + 1\n"
"end\n"
"local function trim(key, max)\n"
"  call('ZREMRANGEBYRANK', key, 0, -max - 1)\n"
"end\n"
/* hn, the history's length kept in the current hash, spares a ZCARD. */
"local function history(hist, fig, pub, hn, only)\n"
"  hn = hn + call('ZADD', hist, pub or now,\n"
"      '{\"first_seen\":\"' .. iso .. '\",' .. (only or '') .. sub(fig, 2))\n"
"  if hn > hmax then\n"
"    trim(hist, hmax)\n"
"    hn = hmax\n"
"  end\n"
"  return hn\n"
"end\n"
"local ONLY = '\"history_only\":true,'\n"
/* The change rule's tolerance and distance (the comment above). */
"local function tol(x, ta, tr) return mx(ta, tr * abs(x)) end\n"
"local function far(x, y, ta, tr)\n"
"  return abs(x - y) > mx(ta, tr * mx(abs(x), abs(y)))\n"
"end\n"
"local function changed(a, c, lo, hi, vague)\n"
"  local ta, tr = tonumber(A[a + C_TA]), tonumber(A[a + C_TR])\n"
"  local clo, chi = tonumber(c[3]), tonumber(c[4])\n"
"  if lo - tol(lo, ta, tr) > chi + tol(chi, ta, tr) or\n"
"      clo - tol(clo, ta, tr) > hi + tol(hi, ta, tr) then\n"
"    return true\n"
"  end\n"
"  if vague or c[5] == '1' then return false end\n"
"  if far(tonumber(A[a + C_VALUE]), tonumber(c[1]), ta, tr) then\n"
"    return true\n"
"  end\n"
"  local max, cmax = tonumber(A[a + C_MAX]), tonumber(c[2])\n"
"  return max and cmax and far(max, cmax, ta, tr) or false\n"
"end\n"
/* The same figure again: a new source joins, and may corroborate. */
"local function same(a, c, cur, src, watched)\n"
"  local s, new = A[a + C_SRC]\n"
"  if c[9] and c[8] == '1' then\n"
"    new = c[9] ~= s and call('SADD', src, c[9], s) == 2\n"
"  else\n"
"    new = call('SADD', src, s) == 1\n"
"  end\n"
"  if new then\n"
"    local n = call('HINCRBY', cur, 'sources', 1)\n"
"    if watched and corr then\n"
"      deliver(message(a, 'corroborated', n, c[7]), 'corroborated', c[1],\n"
"          A[a + C_VALUE], cur, A[a])\n"
"    end\n"
"  end\n"
"end\n"
"local skip = {}\n"
"local function claim(a)\n"
"  local cur, hist, done, src = K[k], K[k + 1], K[k + 2], K[k + 3]\n"
"  if fk then\n"
"    if skip[tonumber(A[a + C_ITEM])] then return end\n"
"  else\n"
"    if call('ZADD', done, 'NX', now, A[a]) == 0 then\n"
"      local o = call('HGET', cur, 'o:' .. A[a])\n"
"      if o then\n"
"        local sp = find(o, ' ', 1, true)\n"
"        keep(sub(o, 1, sp - 1), cur, A[a], sub(o, sp + 1))\n"
"      end\n"
"      return\n"
"    end\n"
"    trim(done, dmax)\n"
"  end\n"
"  local mode, fig = A[a + C_MODE], A[a + C_FIG]\n"
"  local pub = tonumber(A[a + C_PUB])\n"
"  local m, win = sub(mode, 1, 1), nil\n"
"  if #mode > 2 then win = tonumber(sub(mode, 3)) end\n"
"  local watched = m == '1'\n"
"  local c = call('HMGET', cur, 'value', 'max', 'lo', 'hi', 'vague',\n"
"      'published', 'figure', 'sources', 'src1', 'hn', 'muted')\n"
/* `claimwatch mute` keeps the figures coming but silences the key. */
"  if c[11] == '1' then watched = false end\n"
"  local hn = tonumber(c[10]) or (c[1] and call('ZCARD', hist)) or 0\n"
"  if m == 'h' then\n"
"    if c[1] then\n"
"      call('HSET', cur, 'hn', history(hist, fig, pub, hn, ONLY))\n"
"    else\n"
"      history(hist, fig, pub, call('ZCARD', hist), ONLY)\n"
"    end\n"
"    return\n"
"  end\n"
"  local kind = 'new'\n"
"  local cpub = tonumber(c[6])\n"
"  if c[1] and win and pub and cpub and pub - cpub > win then\n"
"    if not (c[8] == '1' and c[9]) then call('DEL', src) end\n"
"    c[1] = nil\n"
"  end\n"
"  if c[1] then\n"
"    if pub and cpub and pub < cpub then\n"
"      call('HSET', cur, 'hn', history(hist, fig, pub, hn, ONLY))\n"
"      return\n"
"    end\n"
"    if not changed(a, c, tonumber(A[a + C_LO]), tonumber(A[a + C_HI]),\n"
"        A[a + C_VAGUE] == '1') then\n"
"      same(a, c, cur, src, watched)\n"
"      return\n"
"    end\n"
"    kind = 'changed'\n"
"    if not (c[8] == '1' and c[9]) then call('DEL', src) end\n"
"  end\n"
"  hn = history(hist, fig, pub, hn)\n"
"  call('HSET', cur, 'value', A[a + C_VALUE], 'max', A[a + C_MAX],\n"
"      'lo', A[a + C_LO], 'hi', A[a + C_HI], 'vague', A[a + C_VAGUE],\n"
"      'published', A[a + C_PUB], 'figure', fig, 'sources', 1,\n"
"      'updated', A[1], 'src1', A[a + C_SRC], 'hn', hn,\n"
"      'story_label', label(a))\n"
"  if watched then\n"
"    deliver(message(a, kind, 1, kind ~= 'new' and c[7] or nil), kind,\n"
"        kind ~= 'new' and c[1] or nil, A[a + C_VALUE], cur, A[a])\n"
"  end\n"
"end\n"
/* An item seen with this content hash was written by another call. */
/* HMGET in chunks: unpack() is bounded by the Lua C stack. */
"if fk then\n"
"  for b = 1, ni, 1000 do\n"
"    local ids, e = {}, math.min(ni, b + 999)\n"
"    for i = b, e do ids[#ids + 1] = A[NH - 1 + ns + 2 * i] end\n"
"    local h = call('HMGET', K[2], unpack(ids))\n"
"    for i = b, e do skip[i] = h[i - b + 1] == A[NH + ns + 2 * i] end\n"
"  end\n"
"end\n"
"local a = NH + 1 + ns + 2 * ni\n"
"for _ = 1, nc do\n"
"  claim(a)\n"
"  a = a + NCA\n"
"  k = k + NCK\n"
"end\n"
"if fk then\n"
"  if ns > 0 then\n"
"    call('DEL', K[1])\n"
"    call('HSET', K[1], unpack(A, NH + 1, NH + ns))\n"
"  end\n"
"  for b = 1, ni, 1000 do\n"
"    local hs, zs, e = {}, {}, math.min(ni, b + 999)\n"
"    for i = b, e do\n"
"      local id = A[NH - 1 + ns + 2 * i]\n"
"      hs[#hs + 1] = id\n"
"      hs[#hs + 1] = A[NH + ns + 2 * i]\n"
"      zs[#zs + 1] = now\n"
"      zs[#zs + 1] = id\n"
"    end\n"
"    call('HSET', K[2], unpack(hs))\n"
"    call('ZADD', K[3], 'NX', unpack(zs))\n"
"  end\n"
"  local smax = tonumber(A[8])\n"
"  local n = call('ZCARD', K[3])\n"
"  if n > smax then\n"
"    local old = call('ZRANGE', K[3], 0, n - smax - 1)\n"
"    for _, id in ipairs(old) do call('HDEL', K[2], id) end\n"
"    call('ZREMRANGEBYRANK', K[3], 0, n - smax - 1)\n"
"  end\n"
"end\n"
"if stream then return {by.new, by.changed, by.corroborated, lg} end\n"
"return out\n";

/*
 * KEYS: 1 stream, 2 delivered tokens (a zset in the stream's slot).  ARGV:
 * 1 stream maxlen, then per alert type, stream token, alert JSON.  XADDs
 * the alerts whose token is not yet delivered; the set keeps as many
 * tokens as the stream keeps entries.  Returns how many it XADDed per type:
 * new, changed, corroborated.
 */
const char store_lua_stream[] =
"local by = {new = 0, changed = 0, corroborated = 0}\n"
"local now = redis.call('TIME')[1]\n"
"for i = 2, #ARGV, 3 do\n"
"  if redis.call('ZADD', KEYS[2], 'NX', now, ARGV[i + 1]) == 1 then\n"
"    redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'alert',\n"
"        ARGV[i + 2])\n"
"    by[ARGV[i]] = (by[ARGV[i]] or 0) + 1\n"
"  end\n"
"end\n"
"redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[1]) - 1)\n"
"return {by.new, by.changed, by.corroborated}\n";

/*
 * KEYS: 1 lease.  ARGV: 1 instance id, 2 ttl ms.  Returns 1 when the lease
 * is now ours (taken, or already ours and extended), 0 when another
 * instance holds it.
 */
const char store_lua_lease[] =
"if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then\n"
"  return 1\n"
"end\n"
"if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
"  redis.call('PEXPIRE', KEYS[1], ARGV[2])\n"
"  return 1\n"
"end\n"
"return 0\n";

/*
 * Migration of keys written before stories (run once per database at
 * connect, guarded by ARGV 1 .. "schema" = 2).  Keys then were
 * entity/event/unit; now the unit part is a unit group in which human
 * counts are one, "people" (claim_unit_fold).  Every claim key whose unit
 * folds is renamed to the folded key, or merged into it when both exist:
 * history and dedupe tokens are united, the current figure published last
 * wins, and the history length the current hash caches is dropped so the
 * batch script counts it again.  Keys of the old "-" entity mixed stories
 * and are left as they are: no claim writes them any more.  It touches
 * keys it was not given in KEYS, so it runs on a single Redis only: on a
 * cluster it fails (CROSSSLOT) and the caller logs that the old keys stay
 * where they are.  ARGV: 1 prefix.  Returns the number of keys migrated,
 * or -1 when the database was migrated already.
 */
const char store_lua_migrate[] =
"local call, p = redis.call, ARGV[1]\n"
"local marker = p .. 'schema'\n"
"if call('GET', marker) == '2' then return -1 end\n"
"local fold = {troops = 'people', personnel = 'people',\n"
"    soldiers = 'people', persons = 'people'}\n"
"local sfx = {':cur', ':hist', ':done', ':src'}\n"
"local function has(k) return call('EXISTS', k) == 1 end\n"
"local function merge(b, nb)\n"
"  if not has(nb .. ':cur') then\n"
"    for _, x in ipairs(sfx) do\n"
"      if has(b .. x) then call('RENAME', b .. x, nb .. x) end\n"
"    end\n"
"    return\n"
"  end\n"
"  for _, x in ipairs({':hist', ':done'}) do\n"
"    if has(b .. x) then\n"
"      call('ZUNIONSTORE', nb .. x, 2, nb .. x, b .. x, 'AGGREGATE', 'MIN')\n"
"      call('DEL', b .. x)\n"
"    end\n"
"  end\n"
"  local op = tonumber(call('HGET', b .. ':cur', 'published')) or 0\n"
"  local np = tonumber(call('HGET', nb .. ':cur', 'published')) or 0\n"
"  if op > np then\n"
"    call('RENAME', b .. ':cur', nb .. ':cur')\n"
"    call('DEL', nb .. ':src')\n"
"    if has(b .. ':src') then call('RENAME', b .. ':src', nb .. ':src') end\n"
"  else\n"
"    call('DEL', b .. ':cur', b .. ':src')\n"
"  end\n"
"  call('HDEL', nb .. ':cur', 'hn')\n"
"end\n"
"local pat = '{' .. p:gsub('[%*%?%[%]\\\\]', '\\\\%0') .. 'k:*}:cur'\n"
"local n, cursor = 0, '0'\n"
"repeat\n"
"  local r = call('SCAN', cursor, 'MATCH', pat, 'COUNT', 1000)\n"
"  cursor = r[1]\n"
"  for _, cur in ipairs(r[2]) do\n"
"    local key = string.sub(cur, #p + 4, -6)\n"
"    local s, e, u = string.match(key, '^([^/]*)/([^/]*)/([^/]*)$')\n"
"    if u and fold[u] then\n"
"      merge('{' .. p .. 'k:' .. key .. '}',\n"
"          '{' .. p .. 'k:' .. s .. '/' .. e .. '/' .. fold[u] .. '}')\n"
"      n = n + 1\n"
"    end\n"
"  end\n"
"until cursor == '0'\n"
"call('SET', marker, '2')\n"
"return n\n";

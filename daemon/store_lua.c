/*
 * store_lua: the two Lua scripts the store runs with EVALSHA, as C string
 * literals so the daemon needs no data files to talk to Redis.  They must
 * stay deterministic and touch only the keys passed in KEYS, so that they
 * run unchanged on Redis Cluster (each call's keys share one hash tag,
 * except the alert stream: see the note in store.c).
 *
 * The change rule (store_lua_claim).  Each figure is an interval given by
 * its qualifier: exact [v,v], at_least [v,inf), at_most [0,v], range
 * [v,max], approx [0.9v,1.1v], vague [v,10v).  The tolerance of a bound x
 * is max(tol_abs, tol_rel*|x|).  A claim CHANGES the current figure when
 *   (1) the two intervals, each widened by its tolerance, do not overlap
 *       ("3.000" after "ratusan" [100,1000) is a change), or
 *   (2) neither figure is vague and the values differ by more than
 *       max(tol_abs, tol_rel*max(|a|,|b|)), or both have an upper bound
 *       and those differ by more than that ("sekitar 100" then "lebih
 *       dari 3.000" is a change; "lebih dari 3.000" after "3.000" is not,
 *       nor is "ribuan" after "3.000", a vaguer report of the same).
 * Otherwise the claim is the SAME figure: its source joins the key's
 * source set (sources count) and no alert goes out, unless corroborated
 * alerts are on and the source is new.  A claim published before the
 * current figure goes to history only.  A claim key's first figure is
 * "new".  A dedupe set of (item id, content hash, occurrence) tokens makes
 * a replayed or doubly submitted claim a no-op, which is what makes one
 * alert per change hold with several daemons and across reconnects.
 */
#include "store_int.h"

/*
 * KEYS: 1 current (hash), 2 history (zset by published), 3 dedupe tokens
 * (zset by detection time), 4 source set, 5 alert stream.
 * ARGV: 1 token, 2 value, 3 max or "", 4 lo, 5 hi, 6 vague 0/1,
 * 7 published seconds or "", 8 figure JSON, 9 "new" alert JSON,
 * 10 tol_abs, 11 tol_rel, 12 watched 0/1, 13 corroborated alerts 0/1,
 * 14 channel, 15 stream maxlen, 16 detected_at seconds, 17 source id,
 * 18 detected_at RFC 3339, 19 dedupe tokens kept, 20 history kept.
 * Returns 1 when it published an alert, else 0.
 */
const char store_lua_claim[] =
"local now = tonumber(ARGV[16])\n"
"if redis.call('ZADD', KEYS[3], 'NX', now, ARGV[1]) == 0 then\n"
"  return 0\n"
"end\n"
"local nd = redis.call('ZCARD', KEYS[3])\n"
"local dmax = tonumber(ARGV[19])\n"
"if nd > dmax then\n"
"  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, nd - dmax - 1)\n"
"end\n"
"local value, max = tonumber(ARGV[2]), tonumber(ARGV[3])\n"
"local lo, hi = tonumber(ARGV[4]), tonumber(ARGV[5])\n"
"local vague, pub = ARGV[6] == '1', tonumber(ARGV[7])\n"
"local watched = ARGV[12] == '1'\n"
"local function history()\n"
"  local e = '{\"first_seen\":\"' .. ARGV[18] .. '\",' ..\n"
"      string.sub(ARGV[8], 2)\n"
"  redis.call('ZADD', KEYS[2], pub or now, e)\n"
"  local n = redis.call('ZCARD', KEYS[2])\n"
"  local hmax = tonumber(ARGV[20])\n"
"  if n > hmax then\n"
"    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, n - hmax - 1)\n"
"  end\n"
"end\n"
"local function current()\n"
"  redis.call('HSET', KEYS[1], 'value', ARGV[2], 'max', ARGV[3],\n"
"      'lo', ARGV[4], 'hi', ARGV[5], 'vague', ARGV[6],\n"
"      'published', ARGV[7], 'figure', ARGV[8], 'sources', 1,\n"
"      'updated', ARGV[16])\n"
"  redis.call('DEL', KEYS[4])\n"
"  redis.call('SADD', KEYS[4], ARGV[17])\n"
"  history()\n"
"end\n"
"local function deliver(msg)\n"
"  redis.call('PUBLISH', ARGV[14], msg)\n"
"  redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[15], '*',\n"
"      'alert', msg)\n"
"  return 1\n"
"end\n"
/* Plain finds: an unescaped quote can only be JSON structure. */
"local function splice(kind, prev)\n"
"  local a = ARGV[9]\n"
"  local i, j = string.find(a, '\"type\":\"new\"', 1, true)\n"
"  a = string.sub(a, 1, i - 1) .. '\"type\":\"' .. kind .. '\"' ..\n"
"      string.sub(a, j + 1)\n"
"  i, j = string.find(a, '\"previous\":null', 1, true)\n"
"  return string.sub(a, 1, i - 1) .. '\"previous\":' .. prev ..\n"
"      string.sub(a, j + 1)\n"
"end\n"
"local c = redis.call('HMGET', KEYS[1], 'value', 'max', 'lo', 'hi',\n"
"    'vague', 'published', 'figure')\n"
"if not c[1] then\n"
"  current()\n"
"  if watched then return deliver(ARGV[9]) end\n"
"  return 0\n"
"end\n"
"local cpub = tonumber(c[6])\n"
"if pub and cpub and pub < cpub then\n"
"  history()\n"
"  return 0\n"
"end\n"
"local ta, tr = tonumber(ARGV[10]), tonumber(ARGV[11])\n"
"local function tol(x) return math.max(ta, tr * math.abs(x)) end\n"
"local function far(a, b)\n"
"  return math.abs(a - b) >\n"
"      math.max(ta, tr * math.max(math.abs(a), math.abs(b)))\n"
"end\n"
"local clo, chi = tonumber(c[3]), tonumber(c[4])\n"
"local changed = lo - tol(lo) > chi + tol(chi) or\n"
"    clo - tol(clo) > hi + tol(hi)\n"
"if not changed and not vague and c[5] ~= '1' then\n"
"  changed = far(value, tonumber(c[1]))\n"
"  local cmax = tonumber(c[2])\n"
"  if not changed and max and cmax then changed = far(max, cmax) end\n"
"end\n"
"if changed then\n"
"  current()\n"
"  if watched then return deliver(splice('changed', c[7])) end\n"
"  return 0\n"
"end\n"
"if redis.call('SADD', KEYS[4], ARGV[17]) == 1 then\n"
"  redis.call('HSET', KEYS[1], 'sources', redis.call('SCARD', KEYS[4]))\n"
"  if watched and ARGV[13] == '1' then\n"
"    return deliver(splice('corroborated', c[7]))\n"
"  end\n"
"end\n"
"return 0\n";

/*
 * KEYS: 1 state (hash), 2 seen (hash id -> content hash hex), 3 seen ages
 * (zset id -> first seen).  ARGV: 1 now, 2 seen_max, 3 n = number of state
 * field/value strings (0 leaves the state alone), then n strings, then
 * id/hash pairs.  The oldest ids beyond seen_max are forgotten.
 */
const char store_lua_feed[] =
"local n = tonumber(ARGV[3])\n"
"if n > 0 then\n"
"  redis.call('DEL', KEYS[1])\n"
"  redis.call('HSET', KEYS[1], unpack(ARGV, 4, 3 + n))\n"
"end\n"
"local i = 4 + n\n"
"while i < #ARGV do\n"
"  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])\n"
"  redis.call('ZADD', KEYS[3], 'NX', ARGV[1], ARGV[i])\n"
"  i = i + 2\n"
"end\n"
"local max = tonumber(ARGV[2])\n"
"local c = redis.call('ZCARD', KEYS[3])\n"
"if c > max then\n"
"  local old = redis.call('ZRANGE', KEYS[3], 0, c - max - 1)\n"
"  for _, id in ipairs(old) do redis.call('HDEL', KEYS[2], id) end\n"
"  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, c - max - 1)\n"
"end\n"
"return 0\n";

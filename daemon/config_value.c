/*
 * config_value: the syntax of single setting values (integers, sizes,
 * durations, booleans, Redis URLs, feed URLs, listen addresses) and the
 * "did you mean" suggestions.  Every parser takes the whole string or
 * rejects it with a message that says what was expected; none of them
 * knows file names or line numbers (config.c and config_feeds.c add
 * those), and none of them logs or touches anything outside its arguments.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "config_int.h"
#include "fetch.h"
#include "util.h"

/* Long values are cut in messages so that one line stays one line. */
#define CONFIG_VALUE_SHOW	"%.80s"

void
config_errf(char *err, size_t errlen, const char *file, int line,
    const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (err == NULL || errlen == 0)
		return;
	if (line > 0)
		n = snprintf(err, errlen, "%s:%d: ", file, line);
	else
		n = snprintf(err, errlen, "%s: ", file);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

int
config_parse_long(const char *s, long min, long max, long *out, char *err,
    size_t errlen)
{
	long	 v;
	bool	 neg = false;
	const char *p = s;

	if (*p == '-' && min < 0) {
		neg = true;
		p++;
	}
	if (util_digits(p, LONG_MAX, &v) == -1 ||
	    (neg ? -v : v) < min || (neg ? -v : v) > max) {
		snprintf(err, errlen, "expected an integer from %ld to %ld, "
		    "not '" CONFIG_VALUE_SHOW "'", min, max, s);
		return -1;
	}
	*out = neg ? -v : v;
	return 0;
}

int
config_parse_bool(const char *s, bool *out, char *err, size_t errlen)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t	 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	snprintf(err, errlen, "expected yes/no, true/false, on/off or 1/0, "
	    "not '" CONFIG_VALUE_SHOW "'", s);
	return -1;
}

/*
 * A number followed by at most one unit letter; mult maps the letter to
 * its factor (0 for "not a unit").  Shared by sizes and durations.
 */
static int
config_value_scaled(const char *s, long (*mult)(int), long min, long max,
    long *out)
{
	char	 num[32];
	size_t	 len = strlen(s);
	long	 v, m = 1;

	if (len == 0 || len >= sizeof(num))
		return -1;
	memcpy(num, s, len + 1);
	if (!isdigit((unsigned char)num[len - 1])) {
		if ((m = mult(num[len - 1])) == 0)
			return -1;
		num[len - 1] = '\0';
	}
	if (util_digits(num, LONG_MAX, &v) == -1 || v > max / m)
		return -1;
	v *= m;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static long
config_value_size_mult(int c)
{
	switch (c) {
	case 'k': case 'K':
		return 1024L;
	case 'm': case 'M':
		return 1024L * 1024;
	case 'g': case 'G':
		return 1024L * 1024 * 1024;
	}
	return 0;
}

static long
config_value_duration_mult(int c)
{
	switch (c) {
	case 's':
		return 1;
	case 'm':
		return 60;
	case 'h':
		return 3600;
	case 'd':
		return 86400;
	}
	return 0;
}

/* "8M" rather than "8388608": bounds in messages as a user would write. */
static void
config_value_fmt_size(long v, char *buf, size_t len)
{
	if (v != 0 && v % (1024L * 1024 * 1024) == 0)
		snprintf(buf, len, "%ldG", v / (1024L * 1024 * 1024));
	else if (v != 0 && v % (1024L * 1024) == 0)
		snprintf(buf, len, "%ldM", v / (1024L * 1024));
	else if (v != 0 && v % 1024 == 0)
		snprintf(buf, len, "%ldK", v / 1024);
	else
		snprintf(buf, len, "%ld", v);
}

static void
config_value_fmt_duration(long v, char *buf, size_t len)
{
	if (v != 0 && v % 86400 == 0)
		snprintf(buf, len, "%ldd", v / 86400);
	else if (v != 0 && v % 3600 == 0)
		snprintf(buf, len, "%ldh", v / 3600);
	else if (v != 0 && v % 60 == 0)
		snprintf(buf, len, "%ldm", v / 60);
	else
		snprintf(buf, len, "%lds", v);
}

int
config_parse_size(const char *s, long min, long max, long *out, char *err,
    size_t errlen)
{
	char	 lo[32], hi[32];

	if (config_value_scaled(s, config_value_size_mult, min, max, out) == 0)
		return 0;
	config_value_fmt_size(min, lo, sizeof(lo));
	config_value_fmt_size(max, hi, sizeof(hi));
	snprintf(err, errlen, "expected a size in bytes with an optional K, M "
	    "or G suffix from %s to %s, not '" CONFIG_VALUE_SHOW "'", lo, hi,
	    s);
	return -1;
}

int
config_parse_duration(const char *s, long min, long max, long *out,
    char *err, size_t errlen)
{
	char	 lo[32], hi[32];

	if (config_value_scaled(s, config_value_duration_mult, min, max,
	    out) == 0)
		return 0;
	config_value_fmt_duration(min, lo, sizeof(lo));
	config_value_fmt_duration(max, hi, sizeof(hi));
	snprintf(err, errlen, "expected a duration in seconds with an optional "
	    "s, m, h or d suffix from %s to %s, not '" CONFIG_VALUE_SHOW "'",
	    lo, hi, s);
	return -1;
}

int
config_parse_double(const char *s, bool percent, double *out, char *err,
    size_t errlen)
{
	char	 num[64];
	size_t	 len = strlen(s), i, dots = 0, digits = 0;
	bool	 pct = false;

	if (len > 0 && len < sizeof(num)) {
		memcpy(num, s, len + 1);
		if (percent && num[len - 1] == '%') {
			pct = true;
			num[--len] = '\0';
		}
		/* strtod alone would take "inf", "nan", hex and exponents. */
		for (i = 0; i < len; i++) {
			if (num[i] == '.')
				dots++;
			else if (isdigit((unsigned char)num[i]))
				digits++;
			else
				break;
		}
		if (i == len && dots <= 1 && digits > 0) {
			*out = strtod(num, NULL);
			if (pct)
				*out /= 100.0;
			if (isfinite(*out))
				return 0;
		}
	}
	snprintf(err, errlen, "expected a number >= 0%s, not '"
	    CONFIG_VALUE_SHOW "'", percent ? " (or a percentage)" : "", s);
	return -1;
}

/* A cluster's seed nodes: "HOST:PORT[,HOST:PORT...]". */
int
config_parse_cluster_nodes(const char *s, char *err, size_t errlen)
{
	const char	*p = s;
	size_t		 len, n = 0;
	long		 port;

	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		len = strcspn(p, " \t,");
		if (util_hostport(p, len, true, &port) == -1 || port == 0) {
			snprintf(err, errlen, "expected HOST:PORT[,HOST:PORT"
			    "...] for the cluster's nodes, not '"
			    CONFIG_VALUE_SHOW
			    "'", s);
			return -1;
		}
		p += len;
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "no cluster node given");
		return -1;
	}
	return 0;
}

int
config_parse_redis_url(const char *s, char *err, size_t errlen)
{
	const char	*nodes;

	if ((nodes = util_redis_cluster_nodes(s)) != NULL)
		return config_parse_cluster_nodes(nodes, err, errlen);
	return util_redis_url(s, NULL, err, errlen);
}

int
config_parse_protocols(const char *s, unsigned *out, char *err,
    size_t errlen)
{
	static const char *const names[] = { "http", "https", "file", NULL };
	static const unsigned bits[] = { FETCH_PROTO_HTTP,
	    FETCH_PROTO_HTTPS, FETCH_PROTO_FILE };
	const char	*p = s, *hint;
	char		 word[32];
	size_t		 len, i;
	unsigned	 v = 0;

	for (;;) {
		p += strspn(p, " \t,");
		if (*p == '\0')
			break;
		len = strcspn(p, " \t,");
		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, p, len);
		word[len] = '\0';
		p += strcspn(p, " \t,");
		for (i = 0; names[i] != NULL; i++)
			if (strcasecmp(word, names[i]) == 0)
				break;
		if (names[i] == NULL) {
			hint = config_suggest(word, names);
			if (hint != NULL)
				snprintf(err, errlen, "unknown protocol '%s' "
				    "(did you mean '%s'?)", word, hint);
			else
				snprintf(err, errlen, "unknown protocol '%s' "
				    "(known: http https file)", word);
			return -1;
		}
		v |= bits[i];
	}
	if (v == 0) {
		snprintf(err, errlen, "expected a list of protocols from: "
		    "http https file");
		return -1;
	}
	*out = v;
	return 0;
}

/*
 * A BCP 47 language tag as feeds write it: a two- or three-letter primary
 * subtag in any case, then subtags of 1-8 letters or digits after '-' or
 * '_' ("en", "en-US", "id_ID", "in").  Whether a lexicon covers it is the
 * daemon's question (lang_tag), not the syntax's.
 */
int
config_parse_lang(const char *s, bool allow_auto, char *err, size_t errlen)
{
	size_t	 i = 0, n;

	if (allow_auto && strcmp(s, "auto") == 0)
		return 0;
	while (isalpha((unsigned char)s[i]))
		i++;
	if (i >= 2 && i <= 3) {
		while (s[i] == '-' || s[i] == '_') {
			for (n = 0; isalnum((unsigned char)s[i + 1 + n]); n++)
				;
			if (n == 0 || n > 8)
				break;
			i += 1 + n;
		}
		if (s[i] == '\0')
			return 0;
	}
	snprintf(err, errlen, "expected %sa language tag such as 'id', 'en' "
	    "or 'en-US', not '" CONFIG_VALUE_SHOW "'",
	    allow_auto ? "'auto' or " : "", s);
	return -1;
}

int
config_parse_listen(const char *s, char *err, size_t errlen)
{
	long	 port;

	if (*s == '\0' ||
	    util_hostport(s, strlen(s), true, &port) == 0)
		return 0;
	snprintf(err, errlen, "expected HOST:PORT such as 127.0.0.1:9187, or "
	    "nothing to turn it off, not '" CONFIG_VALUE_SHOW "'", s);
	return -1;
}

int
config_parse_token(const char *s, size_t max, char *err, size_t errlen)
{
	size_t	 len = strlen(s), i;

	for (i = 0; i < len; i++)
		if (!isgraph((unsigned char)s[i]))
			break;
	if (len == 0 || len > max || i != len) {
		snprintf(err, errlen, "expected 1 to %zu printable characters "
		    "without spaces, not '" CONFIG_VALUE_SHOW "'", max, s);
		return -1;
	}
	return 0;
}

/*
 * [poll] proxy: "none", "HOST:PORT" (http) or SCHEME://[USER:PASS@]HOST
 * [:PORT][/] with the schemes libcurl speaks to a proxy.  The message
 * shows the value redacted: it may hold the proxy's password.
 */
int
config_parse_proxy(const char *s, char *err, size_t errlen)
{
	static const char *const schemes[] = {
		"http://", "https://", "socks4://", "socks4a://", "socks5://",
		"socks5h://", NULL
	};
	const char	*p = s, *at, *end;
	char		 shown[256];
	long		 port;
	size_t		 i;

	if (strcmp(s, "none") == 0)
		return 0;
	if (strstr(s, "://") != NULL) {
		for (i = 0; schemes[i] != NULL; i++)
			if (strncasecmp(s, schemes[i], strlen(schemes[i])) == 0)
				break;
		if (schemes[i] == NULL)
			goto bad;
		p = s + strlen(schemes[i]);
	}
	end = p + strcspn(p, "/?#");
	if (*end != '\0' && strcmp(end, "/") != 0)
		goto bad;
	/* The password may hold '@': the host follows the last one. */
	for (at = end; at > p && at[-1] != '@'; at--)
		;
	if (at > p && (at[-1] != '@' || at - 1 == p))
		goto bad;
	if (util_hostport(at, (size_t)(end - at), false, &port) == 0)
		return 0;
bad:
	config_url_redact(s, shown, sizeof(shown));
	snprintf(err, errlen, "expected 'none' or a proxy URL such as "
	    "http://proxy.example:3128 (http, https, socks4, socks5), not "
	    "'" CONFIG_VALUE_SHOW "'", shown);
	return -1;
}

int
config_parse_resolver(const char *value, char *err, size_t errlen)
{
	const char	*s = value;
	unsigned char	 a[16];
	char		 host[64];
	const char	*port = NULL, *colon;
	long		 n;
	size_t		 len;
	int		 af = AF_INET;

	if (*s == '[' && (colon = strstr(s, "]:")) != NULL) {
		len = (size_t)(colon - s - 1);
		port = colon + 2;
		af = AF_INET6;
		s++;
	} else if ((colon = strchr(s, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		len = (size_t)(colon - s);
		port = colon + 1;
	} else {
		len = strlen(s);
		af = colon != NULL ? AF_INET6 : AF_INET;
	}
	if (len > 0 && len < sizeof(host)) {
		memcpy(host, s, len);
		host[len] = '\0';
		if (inet_pton(af, host, a) == 1 && (port == NULL ||
		    (util_digits(port, 65535, &n) == 0 && n > 0)))
			return 0;
	}
	snprintf(err, errlen, "expected a nameserver's address such as "
	    "192.0.2.53, 192.0.2.53:5353 or [2001:db8::53]:53, not "
	    "'" CONFIG_VALUE_SHOW "'", value);
	return -1;
}

/* util_url_redact, cut to a message's length. */
void
config_url_redact(const char *url, char *buf, size_t len)
{
	char	 shown[UTIL_URL_SHOWN];

	snprintf(buf, len, "%.200s", util_url_redact(url, shown,
	    sizeof(shown)));
}

/*
 * True when s looks meant as a URL: it has "://", or starts with a host
 * name ("news.example.com/rss.xml").  A line of /etc/shadow ("root:$y$...")
 * or of any other file named as a feed list by mistake does not, and is
 * then not echoed into the error (nor the log).
 */
static bool
config_value_url_like(const char *s)
{
	size_t	 n;

	if (*s == '\0' || strstr(s, "://") != NULL)
		return true;	/* "" shows nothing */
	n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-");
	return n > 0 && memchr(s, '.', n) != NULL &&
	    (s[n] == '\0' || s[n] == '/');
}

int
config_parse_feed_url(const char *s, unsigned *proto, char *err,
    size_t errlen)
{
	const char	*p;
	char		 show[256];
	size_t		 len = strlen(s), i, hlen;

	for (i = 0; i < len; i++)
		if (!isgraph((unsigned char)s[i]))
			break;
	if (i != len || len > CONFIG_URL_MAX) {
		snprintf(err, errlen, "bad URL: control characters, spaces or "
		    "longer than %d bytes", CONFIG_URL_MAX);
		return -1;
	}
	config_url_redact(s, show, sizeof(show));
	if (strncasecmp(s, "file://", 7) == 0) {
		if (s[7] != '/' || s[8] == '\0') {
			snprintf(err, errlen, "bad URL '%s': expected "
			    "file:///ABSOLUTE/PATH", show);
			return -1;
		}
		*proto = FETCH_PROTO_FILE;
		return 0;
	}
	if (strncasecmp(s, "http://", 7) == 0) {
		*proto = FETCH_PROTO_HTTP;
		p = s + 7;
	} else if (strncasecmp(s, "https://", 8) == 0) {
		*proto = FETCH_PROTO_HTTPS;
		p = s + 8;
	} else if (!config_value_url_like(s)) {
		snprintf(err, errlen, "not a URL (the line is not shown: is "
		    "this file a feed list?)");
		return -1;
	} else {
		snprintf(err, errlen, "bad URL '%s': not an absolute http, "
		    "https or file URL", show);
		return -1;
	}
	hlen = strcspn(p, "/?#");
	/* Credentials may precede the host; they are checked by the server. */
	for (i = hlen; i > 0; i--)
		if (p[i - 1] == '@')
			break;
	if (util_hostport(p + i, hlen - i, false, &(long){ 0 }) ==
	    -1) {
		snprintf(err, errlen, "bad URL '%s': missing or malformed "
		    "host", show);
		return -1;
	}
	return 0;
}

#define CONFIG_VALUE_WORD_MAX	64

static bool
config_value_ceq(char a, char b)
{
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/*
 * Edit distance ignoring case, with a swap of two neighbours counting
 * as one edit (optimal string alignment): "tiemout" is one typo away.
 */
static size_t
config_value_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j, v;
	size_t	 d[CONFIG_VALUE_WORD_MAX + 1][CONFIG_VALUE_WORD_MAX + 1];

	if (la > CONFIG_VALUE_WORD_MAX || lb > CONFIG_VALUE_WORD_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			v = d[i - 1][j - 1] +
			    (config_value_ceq(a[i - 1], b[j - 1]) ? 0 : 1);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 &&
			    config_value_ceq(a[i - 1], b[j - 2]) &&
			    config_value_ceq(a[i - 2], b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

const char *
config_suggest(const char *word, const char *const *candidates)
{
	const char	*best = NULL;
	size_t		 d, bestd = SIZE_MAX, limit;

	for (; *candidates != NULL; candidates++) {
		/* Short names need a closer match, or "url" suggests "ttl". */
		limit = strlen(*candidates) <= 4 ? 1 : 2;
		d = config_value_distance(word, *candidates);
		if (d <= limit && d < bestd) {
			best = *candidates;
			bestd = d;
		}
	}
	return best;
}

char *
config_path_dir(const char *path)
{
	const char	*slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

char *
config_path_resolve(const char *dir, const char *path)
{
	char	*out;

	if (path[0] == '/' || strcmp(dir, ".") == 0)
		return xstrdup(path);
	if (strcmp(dir, "/") == 0)
		xasprintf(&out, "/%s", path);
	else
		xasprintf(&out, "%s/%s", dir, path);
	return out;
}

/*
 * util_url: the syntax of host names, "HOST[:PORT]" and Redis URLs, in
 * one place, so that the config check (config_value.c) and the store's
 * connect (store.c) read a URL the same way: "REDIS://host" is either
 * right for both or wrong for both.  Pure: no logging, no allocation
 * except the parts it hands back.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

/* Long values are cut in messages so that one line stays one line. */
#define UTIL_URL_SHOW	"%.80s"

int
util_digits(const char *s, long max, long *out)
{
	long	 v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		if (v > (max - (*s - '0')) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return 0;
}

bool
util_is_hostname(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || len > 253)
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.' && s[i] != '_')
			return false;
	return true;
}

static bool
util_is_ipv6(const char *s, size_t len)
{
	size_t	 i;

	if (len < 2)
		return false;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' &&
		    s[i] != '.')
			return false;
	return true;
}

int
util_hostport(const char *s, size_t len, bool need_port, long *port)
{
	const char	*colon, *end = s + len;
	char		 num[8];
	size_t		 hlen;

	if (len > 0 && *s == '[') {
		if ((colon = memchr(s, ']', len)) == NULL ||
		    !util_is_ipv6(s + 1, (size_t)(colon - s - 1)))
			return -1;
		colon++;
		if (colon != end && *colon != ':')
			return -1;
	} else {
		colon = memchr(s, ':', len);
		hlen = colon != NULL ? (size_t)(colon - s) : len;
		if (!util_is_hostname(s, hlen))
			return -1;
		if (colon == NULL)
			colon = end;
	}
	if (colon == end)
		return need_port ? -1 : 0;
	colon++;
	if ((size_t)(end - colon) >= sizeof(num))
		return -1;
	memcpy(num, colon, (size_t)(end - colon));
	num[end - colon] = '\0';
	if (util_digits(num, 65535, port) == -1 ||
	    (*port == 0 && !need_port))
		return -1;
	return 0;
}

/* The host part of "HOST[:PORT]" already checked: brackets dropped. */
static char *
util_redis_host(const char *p, size_t len)
{
	const char	*colon;

	if (*p == '[') {
		colon = memchr(p, ']', len);
		return xstrndup(p + 1, (size_t)(colon - p - 1));
	}
	colon = memchr(p, ':', len);
	return xstrndup(p, colon != NULL ? (size_t)(colon - p) : len);
}

const char *
util_redis_cluster_nodes(const char *url)
{
	size_t	 n = sizeof(UTIL_REDIS_CLUSTER) - 1;

	if (url == NULL || strncasecmp(url, UTIL_REDIS_CLUSTER, n) != 0)
		return NULL;
	return url + n;
}

int
util_redis_url(const char *s, struct util_redis_addr *a, char *err,
    size_t errlen)
{
	const char	*p, *slash;
	size_t		 hlen;
	long		 port = 6379, db = 0;

	if (strncasecmp(s, "unix://", 7) == 0) {
		p = s + 7;
		/* sun_path holds 108 bytes with the NUL. */
		if (*p != '/' || strlen(p) > 107 || strpbrk(p, " \t?#") !=
		    NULL) {
			snprintf(err, errlen, "expected unix:///ABSOLUTE/PATH "
			    "(at most 107 bytes), not '" UTIL_URL_SHOW "'", s);
			return -1;
		}
		if (a != NULL)
			a->path = xstrdup(p);
		return 0;
	}
	if (strncasecmp(s, "rediss://", 9) == 0) {
		snprintf(err, errlen, "TLS (rediss://) is not supported; use "
		    "redis:// or unix://");
		return -1;
	}
	if (strncasecmp(s, "redis://", 8) != 0)
		goto bad;
	p = s + 8;
	slash = strchr(p, '/');
	hlen = slash != NULL ? (size_t)(slash - p) : strlen(p);
	/* A URL is logged; a password in it would be too. */
	if (memchr(p, '@', hlen) != NULL) {
		snprintf(err, errlen, "put the password in 'password', not in "
		    "the url (the url appears in logs)");
		return -1;
	}
	if (util_hostport(p, hlen, false, &port) == -1)
		goto bad;
	if (slash != NULL && slash[1] != '\0' &&
	    util_digits(slash + 1, INT_MAX, &db) == -1)
		goto bad;
	if (a != NULL) {
		a->host = util_redis_host(p, hlen);
		a->port = (int)port;
		a->db = (int)db;
	}
	return 0;
bad:
	snprintf(err, errlen, "expected redis://HOST[:PORT][/DB] or "
	    "unix:///PATH, not '" UTIL_URL_SHOW "'", s);
	return -1;
}

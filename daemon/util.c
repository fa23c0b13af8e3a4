/*
 * util: the xmalloc family and bounded string helpers.  Allocation failure
 * is not something a feed monitor can recover from meaningfully, so these
 * end the process (tmux xmalloc.c); callers bound sizes that come from
 * input before they allocate.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "log.h"
#include "util.h"

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		fatalx("xmalloc: zero size");
	if ((p = malloc(size)) == NULL)
		fatal("xmalloc: allocating %zu bytes", size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		fatalx("xcalloc: zero size");
	if ((p = calloc(nmemb, size)) == NULL)
		fatal("xcalloc: allocating %zu * %zu bytes", nmemb, size);
	return p;
}

void *
xreallocarray(void *ptr, size_t nmemb, size_t size)
{
	void	*p;

	if (nmemb == 0 || size == 0)
		fatalx("xreallocarray: zero size");
	if (nmemb > SIZE_MAX / size)
		fatalx("xreallocarray: %zu * %zu overflows", nmemb, size);
	if ((p = realloc(ptr, nmemb * size)) == NULL)
		fatal("xreallocarray: allocating %zu * %zu bytes", nmemb,
		    size);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("xstrdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal("xstrndup");
	return p;
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	 i;

	i = vasprintf(ret, fmt, ap);
	if (i < 0 || *ret == NULL)
		fatal("xvasprintf");
	return i;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 i;

	va_start(ap, fmt);
	i = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return i;
}

size_t
util_strlcpy(char *dst, const char *src, size_t size)
{
	size_t	 len = strlen(src);

	if (size != 0) {
		size_t	 n = len >= size ? size - 1 : len;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

uint64_t
util_hash64(const void *p, size_t len, uint64_t h)
{
	const unsigned char	*s = p;

	/* Four bytes a turn: the loop test is most of a byte's cost. */
	for (; len >= 4; len -= 4, s += 4) {
		h = util_fnv1a_step(h, s[0]);
		h = util_fnv1a_step(h, s[1]);
		h = util_fnv1a_step(h, s[2]);
		h = util_fnv1a_step(h, s[3]);
	}
	while (len-- > 0)
		h = util_fnv1a_step(h, *s++);
	return h;
}

uint64_t
util_hash64_lower(const void *p, size_t len, uint64_t h)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		h = util_fnv1a_step(h, s[i] >= 'A' && s[i] <= 'Z' ?
		    s[i] + ('a' - 'A') : s[i]);
	return h;
}

static void
util_buf_grow(struct util_buf *b, size_t need)
{
	size_t	 cap;

	if (b->len + need + 1 <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < b->len + need + 1) {
		if (cap > SIZE_MAX / 2)
			fatalx("util_buf_grow: buffer too large");
		cap *= 2;
	}
	b->data = xreallocarray(b->data, cap, 1);
	b->cap = cap;
}

void
util_buf_append(struct util_buf *b, const void *p, size_t len)
{
	util_buf_grow(b, len);
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void
util_buf_printf(struct util_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("util_buf_printf: bad format");
	util_buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
util_buf_reset(struct util_buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
util_buf_free(struct util_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int
util_read_file(const char *path, size_t max, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	struct util_buf	 b = { 0 };
	char		 chunk[8192];
	struct stat	 st;
	ssize_t		 n;
	int		 fd, fl;

	/*
	 * O_NONBLOCK: opening a FIFO (a config, lexicon file or feed list
	 * that is one by mistake) would wait for a writer, and a SIGHUP
	 * reload with it.  Only regular files are read.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			snprintf(err, errlen, "%s: larger than %zu bytes", path,
			    max);
			goto fail;
		}
		util_buf_append(&b, chunk, (size_t)n);
	}
	close(fd);
	if (b.data == NULL)
		util_buf_append(&b, "", 0);
	*out = b.data;
	*outlen = b.len;
	return 0;
fail:
	close(fd);
	util_buf_free(&b);
	return -1;
}

void
util_iso8601(int64_t t, char *buf, size_t len)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		util_strlcpy(buf, "1970-01-01T00:00:00Z", len);
}

int64_t
util_now(void)
{
	return (int64_t)time(NULL);
}

int64_t
util_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
util_shown(const char *s, char *buf, size_t len)
{
	size_t	 i;

	util_strlcpy(buf, s != NULL ? s : "", len);
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f ||
		    buf[i] == '"' || buf[i] == '\'' || buf[i] == '\\')
			buf[i] = '?';
	return buf;
}

/*
 * libcurl's parser finds the userinfo the way the fetch will read it, so
 * what is hidden is exactly what would be sent: an '@' in the query or
 * the path is left alone, and "user:pass;options" goes as a whole.
 */
const char *
util_url_redact(const char *url, char *buf, size_t len)
{
	CURLU		*u;
	CURLUcode	 rc;
	char		*user = NULL, *pass = NULL, *opts = NULL, *out = NULL;
	const char	*scheme, *shown = url;

	if ((u = curl_url()) == NULL)
		fatalx("curl_url: out of memory");
	rc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME |
	    CURLU_PATH_AS_IS);
	if (rc != CURLUE_OK) {
		/* Unreadable: nothing after the scheme, it may hold one. */
		if (strchr(url, '@') != NULL) {
			scheme = strstr(url, "://");
			snprintf(buf, len, "%.*s***", scheme != NULL ?
			    (int)(scheme - url + 3) : 0, url);
			shown = buf;
		}
		goto out;
	}
	(void)curl_url_get(u, CURLUPART_USER, &user, 0);
	(void)curl_url_get(u, CURLUPART_PASSWORD, &pass, 0);
	(void)curl_url_get(u, CURLUPART_OPTIONS, &opts, 0);
	if (user == NULL && pass == NULL && opts == NULL)
		goto out;
	if (curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_OPTIONS, NULL, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_USER, "***", 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_URL, &out, 0) != CURLUE_OK)
		util_strlcpy(buf, "***", len);
	else
		util_strlcpy(buf, out, len);
	shown = buf;
out:
	curl_free(user);
	curl_free(pass);
	curl_free(opts);
	curl_free(out);
	curl_url_cleanup(u);
	return shown;
}

const char *
util_url_origin(const char *url, char *buf, size_t len)
{
	const char	*host = strstr(url, "://"), *at = NULL, *end, *p;

	if (host == NULL) {
		util_strlcpy(buf, "***", len);
		return buf;
	}
	host += 3;
	for (p = host; *p != '\0' && strchr("/?#", *p) == NULL; p++)
		if (*p == '@')
			at = p;
	end = p;
	if (at != NULL)
		snprintf(buf, len, "%.*s***%.*s", (int)(host - url), url,
		    (int)(end - at), at);
	else
		snprintf(buf, len, "%.*s", (int)(end - url), url);
	if (*end != '\0' && strlen(buf) + 5 <= len)
		strcat(buf, "/***");
	return buf;
}

/*
 * The next pat in [p, end), or NULL.  Not memmem: ASan's memmem checks
 * the whole rest of the buffer on every call, which made a page of
 * 1,000,000 comments a quadratic scan under the sanitizer build.
 */
static const char *
util_markup_find(const char *p, const char *end, const char *pat,
    size_t plen)
{
	while ((p = memchr(p, pat[0], (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) < plen)
			return NULL;
		if (memcmp(p, pat, plen) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* Past the next pat in [p, end), or end when there is none. */
static const char *
util_markup_skip(const char *p, const char *end, const char *pat, size_t plen)
{
	const char	*q = util_markup_find(p, end, pat, plen);

	return q == NULL ? end : q + plen;
}

/* Past a quoted value that starts at p (its quote), or end. */
static const char *
util_markup_quoted(const char *p, const char *end)
{
	const char	*q = memchr(p + 1, *p, (size_t)(end - p - 1));

	return q == NULL ? end : q + 1;
}

/* Counts the attributes of the tag whose name ends at p; p moves past. */
static size_t
util_markup_attrs(const char **pp, const char *end, size_t max)
{
	const char	*p = *pp;
	size_t		 n = 0;

	for (;;) {
		while (p < end && (isspace((unsigned char)*p) || *p == '/'))
			p++;
		if (p >= end || *p == '>' || n > max)
			break;
		if (*p == '"' || *p == '\'') {
			p = util_markup_quoted(p, end);
			continue;
		}
		n++;
		while (p < end && !isspace((unsigned char)*p) && *p != '=' &&
		    *p != '>' && *p != '/')
			p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p >= end || *p != '=')
			continue;
		p++;
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p < end && (*p == '"' || *p == '\''))
			p = util_markup_quoted(p, end);
		else
			while (p < end && !isspace((unsigned char)*p) &&
			    *p != '>')
				p++;
	}
	*pp = p;
	return n;
}

/* Past the end tag of raw-text element name (script, style), or end. */
static const char *
util_markup_rawtext(const char *p, const char *end, const char *name,
    size_t nlen)
{
	const char	*q;

	while ((q = util_markup_find(p, end, "</", 2)) != NULL) {
		if ((size_t)(end - q - 2) >= nlen &&
		    strncasecmp(q + 2, name, nlen) == 0)
			return q;
		p = q + 2;
	}
	return end;
}

int
util_markup_check(const char *buf, size_t len, size_t max_attrs,
    size_t max_nodes, char *err, size_t errlen)
{
	const char	*p = buf, *end = buf + len, *name;
	size_t		 nodes = 0, nlen, i, n;

	while (p < end && (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		if (++p >= end || *p == '/')
			continue;
		if (*p != '!' && *p != '?' && !isalpha((unsigned char)*p) &&
		    *p != '_' && *p != ':' && (unsigned char)*p < 0x80)
			continue;	/* a bare '<' in text */
		if (++nodes > max_nodes) {
			snprintf(err, errlen, "more than %zu elements and "
			    "attributes", max_nodes);
			return -1;
		}
		if (end - p >= 3 && memcmp(p, "!--", 3) == 0) {
			p = util_markup_skip(p + 3, end, "-->", 3);
			continue;
		}
		if (end - p >= 8 && memcmp(p, "![CDATA[", 8) == 0) {
			p = util_markup_skip(p + 8, end, "]]>", 3);
			continue;
		}
		if (*p == '!' || *p == '?')
			continue;	/* declarations: read on as text */
		name = p;
		while (p < end && !isspace((unsigned char)*p) && *p != '>' &&
		    *p != '/')
			p++;
		nlen = (size_t)(p - name);
		if ((n = util_markup_attrs(&p, end, max_attrs)) > max_attrs) {
			/* The name is feed text: print only its tame part. */
			for (i = 0; i < nlen && i < 32 &&
			    (isalnum((unsigned char)name[i]) ||
			    strchr(":_.-", name[i]) != NULL); i++)
				;
			snprintf(err, errlen, "more than %zu attributes on "
			    "element <%.*s> at byte %zu", max_attrs, (int)i,
			    name, (size_t)(name - 1 - buf));
			return -1;
		}
		/* An attribute is a node of the tree too. */
		if ((nodes += n) > max_nodes) {
			snprintf(err, errlen, "more than %zu elements and "
			    "attributes", max_nodes);
			return -1;
		}
		if ((nlen == 6 && strncasecmp(name, "script", 6) == 0) ||
		    (nlen == 5 && strncasecmp(name, "style", 5) == 0))
			p = util_markup_rawtext(p, end, name, nlen);
	}
	return 0;
}

size_t
util_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c, min;
	size_t			 len, i;

	if (n == 0)
		return 0;
	if ((c = p[0]) < 0x80) {
		*cp = c;
		return 1;
	}
	/* 0xc0, 0xc1 and 0xf5-0xff never start a valid sequence. */
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		c &= 0x1f;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		c &= 0x0f;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		c &= 0x07;
		min = 0x10000;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

size_t
util_utf8_cut(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	/* s[max] is the first byte left out: back up while it continues. */
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

void
util_buf_escape(struct util_buf *b, const char *s, size_t n)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, start = 0, len;
	uint32_t		 cp;

	while (i < n) {
		if (p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\') {
			util_buf_append(b, s + start, i - start);
			if (p[i] == '\\')
				util_buf_append(b, "\\\\", 2);
			else
				util_buf_printf(b, "\\x%02x", p[i]);
			start = ++i;
			continue;
		}
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((len = util_utf8_decode(s + i, n - i, &cp)) == 0) {
			i++;
			continue;
		}
		if ((cp >= 0x80 && cp <= 0x9f) || (cp >= 0x202a &&
		    cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0x200e || cp == 0x200f || cp == 0x061c) {
			util_buf_append(b, s + start, i - start);
			util_buf_printf(b, "\\u%04x", (unsigned)cp);
			start = i + len;
		}
		i += len;
	}
	util_buf_append(b, s + start, n - start);
}

bool
util_has_suffix(const char *name, const char *suffix)
{
	size_t	 n = strlen(name), m = strlen(suffix);

	return n > m && name[0] != '.' && strcmp(name + n - m, suffix) == 0;
}

static int
util_str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
util_dir_names(const char *dir, const char *const *suffixes, char **names,
    size_t max, char *err, size_t errlen)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0, k;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s:0: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		for (k = 0; suffixes[k] != NULL; k++)
			if (util_has_suffix(de->d_name, suffixes[k]))
				break;
		if (suffixes[k] == NULL)
			continue;
		if (n == max) {
			snprintf(err, errlen, "%s:0: too many files", dir);
			while (n > 0)
				free(names[--n]);
			closedir(d);
			return -1;
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), util_str_cmp);
	return (int)n;
}

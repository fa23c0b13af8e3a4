/*
 * util: allocation that cannot fail (it ends the process instead, like
 * tmux's xmalloc.c) and small bounded string and buffer helpers.  A leaf:
 * every module may include it.
 */
#ifndef CLAIMWATCH_UTIL_H
#define CLAIMWATCH_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocators: never return NULL; on exhaustion they log and exit(1). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
/* Formats into a new string the caller frees; returns its length. */
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* BSD strlcpy: always NUL-terminates, returns strlen(src). */
size_t	 util_strlcpy(char *, const char *, size_t);

/* Decimal digits only (no sign, space, "0x"), at most max: 0, else -1. */
int	 util_digits(const char *, long max, long *);
/* A host name or IPv4 address: letters, digits, '-', '.', '_'. */
bool	 util_is_hostname(const char *, size_t);
/*
 * "HOST[:PORT]" with HOST a name, an IPv4 address or "[IPv6]": 0, else
 * -1.  *port is left alone when there is none; need_port makes a missing
 * port an error and also allows port 0 (any free port, for tests).
 */
int	 util_hostport(const char *, size_t, bool need_port, long *port);

/* A Redis address: host and port, or a unix socket path. */
struct util_redis_addr {
	char	*host;		/* or NULL for a unix socket; caller frees */
	int	 port;		/* 6379 when the URL has none */
	char	*path;		/* unix socket, or NULL; caller frees */
	int	 db;
};
/*
 * The one Redis URL parser: redis://HOST[:PORT][/DB] or unix:///PATH,
 * scheme in any case.  Fills a (when not NULL) and returns 0, else -1
 * with a message in err.
 */
int	 util_redis_url(const char *, struct util_redis_addr *, char *err,
	    size_t errlen);
/*
 * The seed node list ("HOST:PORT,...") of a Redis Cluster URL, after
 * UTIL_REDIS_CLUSTER (scheme in any case), or NULL when url is not one.
 */
#define UTIL_REDIS_CLUSTER	"redis+cluster://"
const char *util_redis_cluster_nodes(const char *url);

/*
 * url with any "user:password@" shown as "***@", for logs: url itself
 * when it has none, else buf (len bytes, cut to fit).
 */
const char *util_url_redact(const char *url, char *buf, size_t len);
#define UTIL_URL_SHOWN	2112	/* a buffer for any feed URL redacted */
/*
 * Less still, for URLs that are themselves the secret (webhooks): only
 * scheme://host[:port], "/..." (stars) for anything after it, "***@" for
 * credentials; into buf (cut to fit), which it returns.
 */
const char *util_url_origin(const char *url, char *buf, size_t len);

/*
 * s (may be NULL: "") cut to len - 1 bytes into buf for one log or
 * message line in quotes: control bytes, '"', '\'' and '\\' become '?'.
 * Returns buf.
 */
const char *util_shown(const char *s, char *buf, size_t len);

/*
 * The one UTF-8 decoder.  The sequence at s (n bytes left): returns its
 * length (1 to 4) with the code point in *cp, or 0 when it is not valid
 * UTF-8 (n == 0, a stray continuation byte, a truncated sequence, an
 * overlong form, a surrogate, a value above U+10FFFF), *cp untouched.
 */
size_t	 util_utf8_decode(const char *s, size_t n, uint32_t *cp);
/*
 * The longest prefix of s (len bytes) of at most max bytes that does not
 * end inside a character: where to cut text at a byte cap.
 */
size_t	 util_utf8_cut(const char *s, size_t len, size_t max);

/*
 * 64-bit FNV-1a, the one hash of the program (item ids, feed hash tags,
 * lexicon and gazetteer words, spool checksums): util_hash64 over len
 * bytes continuing from seed (start with UTIL_HASH_SEED); util_fnv1a_step
 * adds one byte, for callers that fold case or build a phrase as they go.
 */
#define UTIL_HASH_SEED 0xcbf29ce484222325ULL
#define UTIL_HASH_PRIME 0x100000001b3ULL
static inline uint64_t
util_fnv1a_step(uint64_t h, unsigned char c)
{
	return (h ^ c) * UTIL_HASH_PRIME;
}
uint64_t util_hash64(const void *, size_t, uint64_t);
/* util_hash64 of the bytes with ASCII A-Z folded to a-z. */
uint64_t util_hash64_lower(const void *, size_t, uint64_t);

/* Growable byte buffer; data is always NUL-terminated after len bytes. */
struct util_buf {
	char	*data;	/* owned; NULL until the first append */
	size_t	 len;	/* bytes used, excluding the terminating NUL */
	size_t	 cap;	/* bytes allocated */
};
void	 util_buf_append(struct util_buf *, const void *, size_t);
void	 util_buf_printf(struct util_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 util_buf_reset(struct util_buf *);	/* len = 0, keeps memory */
void	 util_buf_free(struct util_buf *);	/* frees data, zeroes it */
/*
 * Appends n bytes of s made safe for a terminal or a log line: C0
 * controls and DEL become \xNN, C1 controls (U+0080-U+009F) and the bidi
 * overrides and isolates (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
 * U+061C) become \uNNNN, and a backslash is doubled, so an "ESC ] 0;"
 * in a feed title can neither retitle nor reorder what is printed.
 */
void	 util_buf_escape(struct util_buf *, const char *, size_t);

/*
 * Reads a whole file of at most max bytes into a new NUL-terminated buffer
 * (*out, caller frees).  Returns 0, or -1 with "path: reason" in err.
 */
int	 util_read_file(const char *, size_t, char **, size_t *, char *,
	    size_t);

/* Whether name is not hidden and ends in suffix after something. */
bool	 util_has_suffix(const char *name, const char *suffix);

/*
 * The data files of a directory: the names (not paths) of its entries
 * that util_has_suffix one of suffixes (NULL-terminated), sorted so that
 * what loads them never depends on readdir's order.  At most max go into
 * names[]; each is the caller's to free.  Returns the count, or -1 with
 * "DIR:0: reason" in err (a directory that cannot be read, more than max
 * files) and nothing left to free.
 */
int	 util_dir_names(const char *dir, const char *const *suffixes,
	    char **names, size_t max, char *err, size_t errlen);

/*
 * A cheap byte scan of XML or HTML before libxml2 sees it, so that what
 * libxml2 does badly never starts: its duplicate-attribute check is
 * quadratic (680,000 attributes on one element took minutes) and every
 * element, comment or declaration costs a tree node.  Returns 0, or -1
 * with "more than N attributes on element <name> at byte B" or "more than
 * N elements and attributes" in err when one element has more than
 * max_attrs attributes or the document more than max_nodes pieces of
 * markup and attributes in all.  script and style
 * contents are raw text, as in HTML, and are skipped.
 */
int	 util_markup_check(const char *, size_t, size_t, size_t, char *,
	    size_t);

/* UTC time as RFC 3339 "YYYY-MM-DDTHH:MM:SSZ" into buf (>= 21 bytes). */
void	 util_iso8601(int64_t, char *, size_t);

/* Current wall-clock time in seconds and in milliseconds. */
int64_t	 util_now(void);
int64_t	 util_now_ms(void);

#endif

/*
 * fetch: non-blocking HTTP(S) for the whole daemon, the libcurl multi-socket
 * API driven by the one event_base (curl's hiperfifo.c shape).  Owns every
 * CURL handle; conditional GET, compression, redirect and size limits,
 * per-host and global concurrency caps, proxies, per-request credentials,
 * and the private-address guard.
 */
#ifndef CLAIMWATCH_FETCH_H
#define CLAIMWATCH_FETCH_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct fetch;
struct sockaddr;

/*
 * URL schemes, the bits of the protocols fields below; the configuration's
 * "protocols" setting is parsed into these too.
 */
#define FETCH_PROTO_HTTP	0x01
#define FETCH_PROTO_HTTPS	0x02
#define FETCH_PROTO_FILE	0x04

/*
 * What max_body, max_total and user_agent left at 0 or NULL mean; they
 * are also the configuration's defaults (claimwatch.conf(5)).  A crawler
 * names a page about itself: build with CW_URL once there is one.
 */
#define FETCH_MAX_BODY		(8L * 1024 * 1024)
#define FETCH_MAX_TOTAL		256	/* live easy handles */
#ifdef CW_URL
#define FETCH_USER_AGENT	"claimwatch/" CW_VERSION " (+" CW_URL ")"
#else
#define FETCH_USER_AGENT	"claimwatch/" CW_VERSION
#endif

/* Credentials a request carries to its URL's origin, and no further. */
enum fetch_auth {
	FETCH_AUTH_NONE,
	FETCH_AUTH_BASIC,	/* auth_user, auth_secret the password */
	FETCH_AUTH_BEARER,	/* auth_secret the token */
	FETCH_AUTH_HEADER	/* auth_secret a "Name: value" line */
};

struct fetch_options {
	long		 connect_timeout; /* seconds */
	long		 timeout;	/* whole transfer, seconds */
	long		 max_body;	/* bytes, after decompression;
					   0: FETCH_MAX_BODY */
	long		 max_redirects;
	long		 max_per_host;
	long		 max_total;
	const char	*user_agent;	/* copied; NULL or "":
					   FETCH_USER_AGENT */
	bool		 allow_private;	/* allow loopback/private/link-local */
	unsigned	 protocols;	/* FETCH_PROTO_* */
	const char	*proxy;		/* copied; NULL: http_proxy,
					   https_proxy, all_proxy, no_proxy (as
					   libcurl reads them); "": none; else
					   the proxy URL, no_proxy honoured */
	const char	*resolver;	/* copied; "ADDR[:PORT]" of the
					   nameserver that judges targets
					   behind the proxy; NULL: those of
					   /etc/resolv.conf */
};

struct fetch_request {
	const char	*url;
	const char	*etag;		/* sent as If-None-Match, or NULL */
	const char	*last_modified;	/* sent as If-Modified-Since, or NULL */
	unsigned	 protocols;	/* FETCH_PROTO_* this request and its
					   redirects may use, within the
					   options' protocols; 0: those */
	/* A POST (webhooks) when body is not NULL: no redirects followed. */
	const char	*body;		/* body_len bytes, copied */
	size_t		 body_len;
	const char *const *headers;	/* extra "Name: value" lines, NULL-
					   terminated, copied; or NULL */
	bool		 secret_url;	/* the URL holds a token: logs show
					   scheme://host only */
	enum fetch_auth	 auth;		/* credentials, copied; never sent to
					   another origin after a redirect */
	const char	*auth_user;	/* basic */
	const char	*auth_secret;	/* password, token or header line */
};

/* Everything here lives until the done callback returns; copy to keep. */
struct fetch_result {
	const char	*url;		/* as requested */
	int		 status;	/* HTTP status; 0 when no response */
	const char	*error;		/* NULL on a complete response, else
					   why ("timeout", "body over 8388608
					   bytes", "refused private address
					   127.0.0.1") */
	const char	*body;		/* NUL-terminated; NULL on error/304 */
	size_t		 len;
	const char	*content_type;	/* or NULL */
	const char	*etag;		/* new validator, or NULL */
	const char	*last_modified;	/* new validator, or NULL */
	const char	*effective_url;	/* after redirects */
	const char	*moved_to;	/* target of a permanent (301/308)
					   redirect chain, or NULL */
	long		 retry_after;	/* seconds from Retry-After, or 0 */
	long		 max_age;	/* Cache-Control max-age, or 0 */
	long		 bytes;		/* bytes received on the wire */
	double		 seconds;	/* transfer time */
};

typedef void (*fetch_done_cb)(const struct fetch_result *, void *arg);
/*
 * A deep copy of r that outlives the done callback (for work handed to
 * another thread); free with fetch_result_free, which takes NULL.
 */
struct fetch_result *fetch_result_copy(const struct fetch_result *r);
void		 fetch_result_free(struct fetch_result *);

/* Creates the fetcher on base; returns NULL with err filled on failure. */
struct fetch	*fetch_new(struct event_base *, const struct fetch_options *,
		    char *err, size_t errlen);
/*
 * Queues a GET (the caps may hold it back).  cb runs exactly once, from the
 * loop, never from inside fetch_start.  Returns 0, or -1 when the URL is
 * refused outright (cb is then not called).
 */
int		 fetch_start(struct fetch *, const struct fetch_request *,
		    fetch_done_cb cb, void *arg);
/*
 * The schemes a request made on behalf of url (an article page of its
 * feed, a feed's redirects) may use, for fetch_request.protocols: https
 * only when url is https, else http or https; never file, whatever the
 * options allow.
 */
unsigned	 fetch_follow_protocols(const char *url);
/* Transfers running or queued. */
size_t		 fetch_pending(const struct fetch *);
/* Replaces the options (for reload); running transfers keep theirs. */
void		 fetch_set_options(struct fetch *,
		    const struct fetch_options *);
/*
 * True when connecting to sa is refused unless allow_private: loopback,
 * RFC 1918, 100.64/10, link-local, unique-local, multicast, 0/8, the
 * unspecified address, reserved v4, and v6 forms embedding such a v4
 * address (mapped, compatible, NAT64, 6to4).  Non-IP families count too.
 */
bool		 fetch_addr_is_private(const struct sockaddr *);
/*
 * Aborts every transfer without calling callbacks; NULL is a no-op.  Not
 * from inside a done callback.  A target look-up it cancels is released
 * by libevent at the loop's next pass (on a base that is still alive).
 */
void		 fetch_free(struct fetch *);

#endif

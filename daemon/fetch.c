/*
 * fetch: every HTTP(S) request of the daemon, through the libcurl
 * multi-socket API on the daemon's one event_base, in the shape of curl's
 * hiperfifo.c: curl tells us which sockets to watch and when to wake it,
 * libevent tells curl what happened.  fetch owns every CURL handle and
 * per-transfer buffer and frees them in one place, the completion drain.
 * At most max_total easy handles exist: requests beyond that wait as small
 * records in a FIFO, and a finished transfer's handle and body buffer are
 * reset and reused for the next, so ten thousand due feeds cost ten
 * thousand small records, not ten thousand libcurl handles.
 * It must never block, never call libcurl from inside curl's own
 * callbacks (the timer callback only arms a libevent timer), never call a
 * caller's done callback from inside fetch_start, and never connect to a
 * private address unless told to: the check runs on the resolved address
 * at connect time, so a name that resolves (or rebinds) to 127.0.0.1 is
 * refused too.  Behind a proxy that check would see only the proxy, so
 * fetch_dns.c judges the target host, without blocking, before the
 * transfer starts; and fetch follows such a transfer's redirects itself
 * (fetch_xfer_follow), judging each new host before its hop, with
 * libcurl's limits and bookkeeping.  fetch_proxy.c holds the proxy choice
 * and a request's credentials.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "fetch.h"
#include "fetch_int.h"
#include "log.h"
#include "util.h"

/* Headers we send are bounded so a corrupt stored validator cannot grow. */
#define FETCH_MAX_VALIDATOR	512
/* A reused body buffer above this size is given back, not kept. */
#define FETCH_KEEP_BODY		(256 * 1024)

struct fetch_xfer;
TAILQ_HEAD(fetch_xfers, fetch_xfer);

/* One live easy handle with its buffers, reused transfer after transfer. */
struct fetch_slot {
	SLIST_ENTRY(fetch_slot)	 entry;		/* on the idle list */
	CURL			*easy;
	struct util_buf		 body;
	char			 refused[256];
	char			 errbuf[CURL_ERROR_SIZE];
};

struct fetch {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;		/* curl's one timeout */
	struct fetch_options	 opts;		/* user_agent points at ua */
	char			*ua;
	struct fetch_proxy	 px;		/* proxies, fetch_proxy.c */
	struct fetch_dns	 dns;		/* target checks, fetch_dns.c */
	struct fetch_xfers	 xfers;		/* running: bound to a slot */
	struct fetch_xfers	 waiting;	/* for a slot, in order */
	SLIST_HEAD(, fetch_slot) idle;
	size_t			 nidle;
	size_t			 nactive;
	size_t			 pending;	/* running + waiting */
	int			 running;
};

/* One socket curl asked us to watch; attached with curl_multi_assign. */
struct fetch_sock {
	struct fetch		*f;
	curl_socket_t		 fd;
	struct event		*ev;
	int			 what;
};

/*
 * One request: a small record while it waits, then bound to a slot (the
 * easy handle's CURLOPT_PRIVATE) while it runs.
 */
struct fetch_xfer {
	struct fetch		*f;
	TAILQ_ENTRY(fetch_xfer)	 entry;		/* on xfers or waiting */
	struct fetch_slot	*slot;		/* NULL while waiting */
	CURL			*easy;		/* slot->easy while running */
	struct curl_slist	*headers;
	char			*url;
	char			*etag;
	char			*last_modified;
	char			*post;		/* POST body, or NULL: GET */
	size_t			 post_len;
	char			**extra;	/* more header lines, or NULL */
	fetch_done_cb		 cb;
	void			*arg;
	long			 max_body;
	unsigned		 protocols;	/* the request's mask, or 0 */
	bool			 allow_private;
	bool			 over_limit;
	bool			 secret_url;
	bool			 all_permanent;	/* every 3xx so far 301/308 */
	int			 redirects;
	bool			 judged;	/* target judged before each
						   request: fetch follows */
	char			*hop_url;	/* that redirect's URL */
	const char		*redir;		/* schemes redirects may use */
	long			 max_redirects;
	long			 timeout;	/* seconds, or 0 */
	curl_off_t		 hops_bytes;	/* earlier hops' bytes */
	curl_off_t		 hops_us;	/* and their time */
	struct fetch_hop	 hop;		/* proxy, credentials */
};

static void	fetch_check_multi_info(struct fetch *);
static void	fetch_pump(struct fetch *);
static int	fetch_xfer_add(struct fetch *, struct fetch_xfer *);

/* True for a v4 address (host order) in a range we must not connect to. */
static bool
fetch_v4_is_private(uint32_t a)
{
	return (a >> 24) == 0 ||		/* 0.0.0.0/8 */
	    (a >> 24) == 10 ||			/* RFC 1918 */
	    (a >> 24) == 127 ||			/* loopback */
	    (a & 0xffc00000) == 0x64400000 ||	/* 100.64/10, CGNAT */
	    (a & 0xffff0000) == 0xa9fe0000 ||	/* 169.254/16 */
	    (a & 0xfff00000) == 0xac100000 ||	/* 172.16/12 */
	    (a & 0xffff0000) == 0xc0a80000 ||	/* 192.168/16 */
	    (a & 0xffffff00) == 0xc0000000 ||	/* 192.0.0/24, IETF */
	    (a >> 28) == 0xe ||			/* 224/4 multicast */
	    (a >> 28) == 0xf;			/* 240/4 and broadcast */
}

static uint32_t
fetch_v4_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

bool
fetch_addr_is_private(const struct sockaddr *sa)
{
	static const unsigned char	 mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};
	static const unsigned char	 zero[12] = { 0 };
	static const unsigned char	 siit[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0
	};
	static const unsigned char	 nat64[12] = {
		0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0
	};
	const struct sockaddr_in	*sin;
	const struct sockaddr_in6	*sin6;
	const unsigned char		*b;

	if (sa->sa_family == AF_INET) {
		sin = (const struct sockaddr_in *)sa;
		return fetch_v4_is_private(ntohl(sin->sin_addr.s_addr));
	}
	if (sa->sa_family != AF_INET6)
		return true;
	sin6 = (const struct sockaddr_in6 *)sa;
	b = sin6->sin6_addr.s6_addr;
	/*
	 * Forms that carry a v4 address are judged by it: mapped, the old
	 * compatible form (which also covers :: and ::1 via 0.0.0.0/8),
	 * SIIT's translated form ::ffff:0:a.b.c.d, NAT64 and 6to4.
	 */
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, zero, 12) == 0 ||
	    memcmp(b, siit, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return fetch_v4_is_private(fetch_v4_at(b + 12));
	if (b[0] == 0x20 && b[1] == 0x02)
		return fetch_v4_is_private(fetch_v4_at(b + 2));
	return (b[0] & 0xfe) == 0xfc ||		/* fc00::/7 */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||	/* fe80::/10 */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) ||	/* fec0::/10 */
	    b[0] == 0xff;				/* multicast */
}

static void
fetch_addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	const void	*a;

	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else {
		snprintf(buf, len, "family %d", sa->sa_family);
		return;
	}
	if (inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
		util_strlcpy(buf, "?", len);
}

/*
 * CURLOPT_OPENSOCKETFUNCTION: runs after resolution, for every address
 * curl tries, so it sees what DNS really answered this time.
 */
static curl_socket_t
fetch_opensocket_cb(void *clientp, curlsocktype purpose,
    struct curl_sockaddr *addr)
{
	struct fetch_xfer	*x = clientp;
	char			 text[INET6_ADDRSTRLEN + 16];

	/* The proxy may be on the LAN: fetch_proxy.c judges the target. */
	if (purpose == CURLSOCKTYPE_IPCXN && !x->allow_private &&
	    fetch_addr_is_private(&addr->addr) &&
	    !fetch_hop_via_proxy(&x->hop)) {
		fetch_addr_text(&addr->addr, text, sizeof(text));
		snprintf(x->slot->refused, sizeof(x->slot->refused),
		    "refused private address %s ([poll] allow_private = yes "
		    "allows it)", text);
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype | SOCK_CLOEXEC,
	    addr->protocol);
}

/* Counts decoded bytes: CURLOPT_MAXFILESIZE only sees the wire length. */
static size_t
fetch_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct fetch_xfer	*x = arg;
	size_t			 len = size * n;

	if (len > (size_t)x->max_body ||
	    x->slot->body.len > (size_t)x->max_body - len) {
		x->over_limit = true;
		return 0;
	}
	util_buf_append(&x->slot->body, p, len);
	return len;
}

/* Sees every response's status line, to tell 301/308 chains from others. */
static size_t
fetch_header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct fetch_xfer	*x = arg;
	size_t			 len = size * n;
	int			 code;

	if (len > 9 && strncmp(p, "HTTP/", 5) == 0) {
		const char	*sp = memchr(p, ' ', len);

		if (sp != NULL && (size_t)(sp - p) + 4 <= len &&
		    sscanf(sp + 1, "%3d", &code) == 1 && code >= 300 &&
		    code < 400 && code != 304) {
			x->redirects++;
			if (code != 301 && code != 308)
				x->all_permanent = false;
		}
	}
	return len;
}

static void
fetch_slot_free(struct fetch_slot *sl)
{
	curl_easy_cleanup(sl->easy);
	util_buf_free(&sl->body);
	free(sl);
}

/* Keeps a finished transfer's slot for the next one, within the cap. */
static void
fetch_slot_release(struct fetch *f, struct fetch_slot *sl)
{
	size_t	 cap = f->opts.max_total > 0 ? (size_t)f->opts.max_total :
	    FETCH_MAX_TOTAL;

	if (f->nidle >= cap) {
		fetch_slot_free(sl);
		return;
	}
	if (sl->body.cap > FETCH_KEEP_BODY)
		util_buf_free(&sl->body);
	util_buf_reset(&sl->body);
	SLIST_INSERT_HEAD(&f->idle, sl, entry);
	f->nidle++;
}

static void
fetch_record_free(struct fetch_xfer *x)
{
	size_t	 i;

	curl_slist_free_all(x->headers);
	fetch_hop_clear(&x->hop);
	free(x->url);
	free(x->hop_url);
	free(x->etag);
	free(x->last_modified);
	free(x->post);
	if (x->extra != NULL)
		for (i = 0; x->extra[i] != NULL; i++)
			free(x->extra[i]);
	free(x->extra);
	free(x);
}

/* Ends a running transfer: off the multi, slot kept, record freed. */
static void
fetch_xfer_free(struct fetch_xfer *x)
{
	struct fetch	*f = x->f;

	TAILQ_REMOVE(&f->xfers, x, entry);
	f->pending--;
	f->nactive--;
	curl_multi_remove_handle(f->multi, x->easy);
	fetch_slot_release(f, x->slot);
	fetch_record_free(x);
}

/* Copies the last response's header name into a new string, or NULL. */
static char *
fetch_header_dup(CURL *easy, const char *name)
{
	struct curl_header	*h;

	if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &h) !=
	    CURLHE_OK || h->value == NULL || h->value[0] == '\0')
		return NULL;
	return xstrndup(h->value, FETCH_MAX_VALIDATOR);
}

static long
fetch_max_age(const char *cc)
{
	const char	*p;
	long		 n;

	if (cc == NULL)
		return 0;
	for (p = cc; (p = strcasestr(p, "max-age")) != NULL; p += 7) {
		/* Skip s-maxage and friends: the token must stand alone. */
		if (p != cc && p[-1] != ',' && p[-1] != ' ' && p[-1] != '\t')
			continue;
		if (sscanf(p + 7, " = %ld", &n) == 1 && n > 0)
			return n;
		return 0;
	}
	return 0;
}

/* Builds the result, runs the callback, frees the transfer. */
static void
fetch_complete(struct fetch_xfer *x, CURLcode rc)
{
	struct fetch_result	 r;
	char			*etag, *lm, *cc, *err = NULL;
	char			*ctype = NULL, *eff = NULL, *scheme = NULL;
	curl_off_t		 ra = 0, dl = 0, tt = 0;
	long			 code = 0, hdr = 0;

	memset(&r, 0, sizeof(r));
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(x->easy, CURLINFO_CONTENT_TYPE, &ctype);
	curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
	curl_easy_getinfo(x->easy, CURLINFO_SCHEME, &scheme);
	curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &ra);
	curl_easy_getinfo(x->easy, CURLINFO_SIZE_DOWNLOAD_T, &dl);
	curl_easy_getinfo(x->easy, CURLINFO_HEADER_SIZE, &hdr);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &tt);
	etag = fetch_header_dup(x->easy, "ETag");
	lm = fetch_header_dup(x->easy, "Last-Modified");
	cc = fetch_header_dup(x->easy, "Cache-Control");

	r.url = x->url;
	r.status = (int)code;
	/* file:// has no status; a read file is as good as a 200. */
	if (rc == CURLE_OK && code == 0 && scheme != NULL &&
	    strcasecmp(scheme, "file") == 0)
		r.status = 200;
	if (x->over_limit || rc == CURLE_FILESIZE_EXCEEDED)
		xasprintf(&err, "body over %ld bytes", x->max_body);
	else if (x->slot->refused[0] != '\0' && rc != CURLE_OK)
		err = xstrdup(x->slot->refused);
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		xasprintf(&err, "timeout: %s", x->slot->errbuf[0] != '\0' ?
		    x->slot->errbuf : curl_easy_strerror(rc));
	else if (rc != CURLE_OK)
		err = xstrdup(x->slot->errbuf[0] != '\0' ? x->slot->errbuf :
		    curl_easy_strerror(rc));
	r.error = err;
	if (err == NULL && r.status != 304) {
		if (x->slot->body.data == NULL)
			util_buf_append(&x->slot->body, "", 0);
		r.body = x->slot->body.data;
		r.len = x->slot->body.len;
	}
	r.content_type = ctype;
	r.etag = etag;
	r.last_modified = lm;
	r.effective_url = eff;
	if (err == NULL && x->redirects > 0 && x->all_permanent)
		r.moved_to = eff;
	r.retry_after = (long)ra;
	r.max_age = fetch_max_age(cc);
	r.bytes = (long)(dl + hdr + x->hops_bytes);
	r.seconds = (double)(tt + x->hops_us) / 1e6;
	if (err != NULL) {
		char	 shown[UTIL_URL_SHOWN];

		log_debug("fetch: url=%s error=%s", x->secret_url ?
		    util_url_origin(x->url, shown, sizeof(shown)) :
		    util_url_redact(x->url, shown, sizeof(shown)), err);
	}
	x->cb(&r, x->arg);
	free(err);
	free(etag);
	free(lm);
	free(cc);
	fetch_xfer_free(x);
}

/* fetch_hop_judge's verdict on x's next request. */
static void
fetch_xfer_judged_cb(void *arg)
{
	struct fetch_xfer	*x = arg;
	struct fetch		*f = x->f;
	CURLMcode		 mrc;

	if (x->slot->refused[0] != '\0') {
		fetch_complete(x, CURLE_ABORTED_BY_CALLBACK);
		fetch_pump(f);
		return;
	}
	if ((mrc = curl_multi_add_handle(f->multi, x->easy)) != CURLM_OK) {
		log_warn("fetch: curl_multi_add_handle: %s",
		    curl_multi_strerror(mrc));
		util_strlcpy(x->slot->errbuf, "cannot start the transfer",
		    sizeof(x->slot->errbuf));
		fetch_complete(x, CURLE_FAILED_INIT);
		fetch_pump(f);
	}
}

/*
 * A judged transfer's redirect, followed by fetch as libcurl would
 * (CURLOPT_MAXREDIRS, CURLOPT_REDIR_PROTOCOLS_STR, credentials for the
 * first origin only, the time limit for all hops together) once the new
 * host is judged.  Returns true when x goes on to that hop; false when
 * the response is x's answer, with *rc set when there were too many.
 */
static bool
fetch_xfer_follow(struct fetch_xfer *x, CURLcode *rc)
{
	char		*loc = NULL;
	long		 code = 0, hdr = 0;
	curl_off_t	 dl = 0, tt = 0, left;

	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(x->easy, CURLINFO_REDIRECT_URL, &loc);
	if (*rc != CURLE_OK || code < 300 || code >= 400 || code == 304 ||
	    loc == NULL)
		return false;
	if (x->redirects > x->max_redirects) {
		snprintf(x->slot->errbuf, sizeof(x->slot->errbuf),
		    "Maximum (%ld) redirects followed", x->max_redirects);
		*rc = CURLE_TOO_MANY_REDIRECTS;
		return false;
	}
	free(x->hop_url);
	x->hop_url = xstrdup(loc);
	curl_easy_getinfo(x->easy, CURLINFO_SIZE_DOWNLOAD_T, &dl);
	curl_easy_getinfo(x->easy, CURLINFO_HEADER_SIZE, &hdr);
	curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME_T, &tt);
	x->hops_bytes += dl + hdr;
	x->hops_us += tt;
	curl_multi_remove_handle(x->f->multi, x->easy);
	util_buf_reset(&x->slot->body);
	x->slot->errbuf[0] = '\0';
	curl_easy_setopt(x->easy, CURLOPT_URL, x->hop_url);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, x->redir);
	if (x->timeout > 0) {
		left = (curl_off_t)x->timeout * 1000 - x->hops_us / 1000;
		curl_easy_setopt(x->easy, CURLOPT_TIMEOUT_MS,
		    (long)(left > 1 ? left : 1));
	}
	fetch_hop_follow(&x->hop, x->easy, x->hop_url);
	fetch_hop_judge(&x->hop, &x->f->dns, x->hop_url,
	    fetch_xfer_judged_cb, x);
	return true;
}

/* The completion drain: the one place transfers end. */
static void
fetch_check_multi_info(struct fetch *f)
{
	struct fetch_xfer	*x;
	CURLMsg			*msg;
	CURLcode		 rc;
	int			 left;

	while ((msg = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &x);
		if (x == NULL)
			continue;
		rc = msg->data.result;
		if (!x->judged || x->post != NULL ||
		    !fetch_xfer_follow(x, &rc))
			fetch_complete(x, rc);
	}
	fetch_pump(f);
}

static void
fetch_event_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;
	int		 action = 0;
	CURLMcode	 rc;

	if (what & EV_READ)
		action |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	rc = curl_multi_socket_action(f->multi, fd, action, &f->running);
	if (rc != CURLM_OK)
		log_warn("fetch: curl_multi_socket_action: %s",
		    curl_multi_strerror(rc));
	fetch_check_multi_info(f);
	/* A transfer started by the drain above may have armed the timer. */
	if (f->running <= 0 && f->nactive == 0 &&
	    evtimer_pending(f->timer, NULL))
		evtimer_del(f->timer);
}

static void
fetch_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetch	*f = arg;
	CURLMcode	 rc;

	(void)fd;
	(void)what;
	rc = curl_multi_socket_action(f->multi, CURL_SOCKET_TIMEOUT, 0,
	    &f->running);
	if (rc != CURLM_OK)
		log_warn("fetch: curl_multi_socket_action: %s",
		    curl_multi_strerror(rc));
	fetch_check_multi_info(f);
}

/* CURLMOPT_TIMERFUNCTION: only (re)arms our timer, never calls curl. */
static int
fetch_multi_timer_cb(CURLM *multi, long ms, void *arg)
{
	struct fetch	*f = arg;
	struct timeval	 tv;

	(void)multi;
	if (ms < 0) {
		evtimer_del(f->timer);
		return 0;
	}
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	evtimer_add(f->timer, &tv);
	return 0;
}

static void
fetch_sock_set(struct fetch *f, struct fetch_sock *s, curl_socket_t fd,
    int what)
{
	short	 kind = EV_PERSIST;

	if (what & CURL_POLL_IN)
		kind |= EV_READ;
	if (what & CURL_POLL_OUT)
		kind |= EV_WRITE;
	if (s->ev != NULL) {
		event_del(s->ev);
		event_assign(s->ev, f->base, fd, kind, fetch_event_cb, f);
	} else
		s->ev = event_new(f->base, fd, kind, fetch_event_cb, f);
	s->fd = fd;
	s->what = what;
	event_add(s->ev, NULL);
}

/* CURLMOPT_SOCKETFUNCTION: what curl wants watched on which socket. */
static int
fetch_multi_sock_cb(CURL *easy, curl_socket_t fd, int what, void *arg,
    void *sockp)
{
	struct fetch		*f = arg;
	struct fetch_sock	*s = sockp;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			event_free(s->ev);
			free(s);
			curl_multi_assign(f->multi, fd, NULL);
		}
		return 0;
	}
	if (s == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->f = f;
		curl_multi_assign(f->multi, fd, s);
	}
	fetch_sock_set(f, s, fd, what);
	return 0;
}

static void
fetch_copy_options(struct fetch *f, const struct fetch_options *o)
{
	char	*old = f->ua;

	f->opts = *o;
	fetch_proxy_set(&f->px, o->proxy);
	f->opts.proxy = NULL;	/* not kept: f->px has it */
	fetch_dns_set(&f->dns, f->base, o->resolver);
	f->opts.resolver = NULL;	/* nor this: f->dns has it */
	f->ua = xstrdup(o->user_agent != NULL && o->user_agent[0] != '\0' ?
	    o->user_agent : FETCH_USER_AGENT);
	f->opts.user_agent = f->ua;
	free(old);
	if (f->opts.max_body <= 0)
		f->opts.max_body = FETCH_MAX_BODY;
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    f->opts.max_per_host > 0 ? f->opts.max_per_host : 0L);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    f->opts.max_total > 0 ? f->opts.max_total : 0L);
	if (f->opts.max_total > 0)
		curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS,
		    f->opts.max_total);
}

struct fetch *
fetch_new(struct event_base *base, const struct fetch_options *o, char *err,
    size_t errlen)
{
	struct fetch	*f;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "curl_global_init failed");
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->base = base;
	TAILQ_INIT(&f->xfers);
	TAILQ_INIT(&f->waiting);
	SLIST_INIT(&f->idle);
	if ((f->multi = curl_multi_init()) == NULL) {
		snprintf(err, errlen, "curl_multi_init failed");
		free(f);
		curl_global_cleanup();
		return NULL;
	}
	f->timer = evtimer_new(base, fetch_timer_cb, f);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETFUNCTION,
	    fetch_multi_sock_cb);
	curl_multi_setopt(f->multi, CURLMOPT_SOCKETDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERFUNCTION,
	    fetch_multi_timer_cb);
	curl_multi_setopt(f->multi, CURLMOPT_TIMERDATA, f);
	curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	fetch_copy_options(f, o);
	return f;
}

/* Adds "Name: value" unless value is empty or could split the header. */
static void
fetch_add_header(struct fetch_xfer *x, const char *name, const char *value)
{
	char	*h;

	if (value == NULL || value[0] == '\0' ||
	    strlen(value) > FETCH_MAX_VALIDATOR || strpbrk(value, "\r\n"))
		return;
	xasprintf(&h, "%s: %s", name, value);
	x->headers = curl_slist_append(x->headers, h);
	free(h);
}

/* An idle slot, reset for a new transfer, or a new one; NULL on failure. */
static struct fetch_slot *
fetch_slot_get(struct fetch *f)
{
	struct fetch_slot	*sl;

	if ((sl = SLIST_FIRST(&f->idle)) != NULL) {
		SLIST_REMOVE_HEAD(&f->idle, entry);
		f->nidle--;
		curl_easy_reset(sl->easy);
	} else {
		sl = xcalloc(1, sizeof(*sl));
		if ((sl->easy = curl_easy_init()) == NULL) {
			free(sl);
			return NULL;
		}
	}
	sl->refused[0] = '\0';
	sl->errbuf[0] = '\0';
	return sl;
}

/*
 * The curl scheme lists for a FETCH_PROTO_* mask: what the first request
 * may use (*protos) and what redirects may lead to (*redir).
 */
static void
fetch_protocols(unsigned mask, const char **protos, const char **redir)
{
	switch (mask & (FETCH_PROTO_HTTP | FETCH_PROTO_HTTPS)) {
	case FETCH_PROTO_HTTP:
		*protos = *redir = "http";
		break;
	case FETCH_PROTO_HTTPS:
		*protos = *redir = "https";
		break;
	default:
		*protos = *redir = "http,https";
		break;
	}
	/* Redirects never lead to file://, even when feeds may use it. */
	if (mask & FETCH_PROTO_FILE)
		*protos = (mask & (FETCH_PROTO_HTTP | FETCH_PROTO_HTTPS)) ==
		    FETCH_PROTO_HTTP ? "http,file" : (mask & (FETCH_PROTO_HTTP |
		    FETCH_PROTO_HTTPS)) == FETCH_PROTO_HTTPS ? "https,file" :
		    "http,https,file";
}

/* The request headers of x, built afresh for each attempt. */
static void
fetch_xfer_headers(struct fetch_xfer *x)
{
	size_t	 i;

	curl_slist_free_all(x->headers);
	x->headers = NULL;
	fetch_add_header(x, "If-None-Match", x->etag);
	fetch_add_header(x, "If-Modified-Since", x->last_modified);
	if (x->post == NULL)
		x->headers = curl_slist_append(x->headers, "Accept: "
		    "application/rss+xml, application/atom+xml, "
		    "application/feed+json, application/xml;q=0.9, "
		    "text/xml;q=0.9, */*;q=0.8");
	else	/* No 1 s wait for a "100 Continue" receivers rarely send. */
		x->headers = curl_slist_append(x->headers, "Expect:");
	for (i = 0; x->extra != NULL && x->extra[i] != NULL; i++)
		x->headers = curl_slist_append(x->headers, x->extra[i]);
}

/*
 * Binds a waiting record to a slot, sets the transfer up with the current
 * options and adds it to the multi handle.  Returns -1, with the record
 * untouched and still owned by the caller, when that fails.
 */
static int
fetch_xfer_begin(struct fetch *f, struct fetch_xfer *x)
{
	const struct fetch_options	*o = &f->opts;
	const char			*protos, *redir;
	unsigned			 mask = o->protocols;

	if ((x->slot = fetch_slot_get(f)) == NULL)
		return -1;
	x->easy = x->slot->easy;
	x->max_body = o->max_body;
	x->allow_private = o->allow_private;
	x->all_permanent = true;
	x->over_limit = false;
	x->redirects = 0;
	/* A request may narrow the options' schemes, never widen them. */
	if (x->protocols != 0)
		mask &= x->protocols;
	fetch_protocols(mask, &protos, &redir);
	fetch_xfer_headers(x);
	fetch_hop_begin(&x->hop, &f->px, x->easy, x->url, x->allow_private,
	    x->slot->refused, sizeof(x->slot->refused), &x->headers);
	/* Through a proxy, the guard judges the target before each hop. */
	x->judged = x->hop.proxy != NULL && !x->allow_private;
	x->redir = redir;
	x->max_redirects = o->max_redirects >= 0 ? o->max_redirects : 0;
	x->timeout = o->timeout > 0 ? o->timeout : 0;
	x->hops_bytes = x->hops_us = 0;

	curl_easy_setopt(x->easy, CURLOPT_URL, x->url);
	curl_easy_setopt(x->easy, CURLOPT_PRIVATE, x);
	curl_easy_setopt(x->easy, CURLOPT_ERRORBUFFER, x->slot->errbuf);
	curl_easy_setopt(x->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(x->easy, CURLOPT_WRITEFUNCTION, fetch_write_cb);
	curl_easy_setopt(x->easy, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HEADERFUNCTION, fetch_header_cb);
	curl_easy_setopt(x->easy, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETFUNCTION,
	    fetch_opensocket_cb);
	curl_easy_setopt(x->easy, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers);
	curl_easy_setopt(x->easy, CURLOPT_USERAGENT, o->user_agent);
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(x->easy, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_2TLS);
	/* A redirected POST would turn into a GET: report the 3xx. */
	curl_easy_setopt(x->easy, CURLOPT_FOLLOWLOCATION,
	    x->post == NULL && !x->judged ? 1L : 0L);
	if (x->post != NULL) {
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)x->post_len);
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, x->post);
	}
	curl_easy_setopt(x->easy, CURLOPT_MAXREDIRS,
	    o->max_redirects >= 0 ? o->max_redirects : 0L);
	curl_easy_setopt(x->easy, CURLOPT_PROTOCOLS_STR, protos);
	curl_easy_setopt(x->easy, CURLOPT_REDIR_PROTOCOLS_STR, redir);
	curl_easy_setopt(x->easy, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)x->max_body);
	if (o->connect_timeout > 0)
		curl_easy_setopt(x->easy, CURLOPT_CONNECTTIMEOUT,
		    o->connect_timeout);
	if (o->timeout > 0)
		curl_easy_setopt(x->easy, CURLOPT_TIMEOUT, o->timeout);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(x->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	return fetch_xfer_add(f, x);
}

/*
 * Adds a set-up transfer to the multi handle, or, when judged, to the
 * running list while its target is judged (fetch_xfer_judged_cb adds it
 * then).  Returns -1, with the slot given back, when that fails.
 */
static int
fetch_xfer_add(struct fetch *f, struct fetch_xfer *x)
{
	CURLMcode	 mrc;

	if (x->judged)
		fetch_hop_judge(&x->hop, &f->dns, x->url,
		    fetch_xfer_judged_cb, x);
	else if ((mrc = curl_multi_add_handle(f->multi, x->easy)) !=
	    CURLM_OK) {
		log_warn("fetch: curl_multi_add_handle: %s",
		    curl_multi_strerror(mrc));
		fetch_slot_release(f, x->slot);
		x->slot = NULL;
		x->easy = NULL;
		return -1;
	}
	TAILQ_INSERT_HEAD(&f->xfers, x, entry);
	f->nactive++;
	return 0;
}

static size_t
fetch_max_active(const struct fetch *f)
{
	return f->opts.max_total > 0 ? (size_t)f->opts.max_total :
	    FETCH_MAX_TOTAL;
}

/*
 * Starts waiting requests while slots are free.  Runs from the loop only
 * (never inside fetch_start), so a request that cannot start may be
 * answered through its callback.
 */
static void
fetch_pump(struct fetch *f)
{
	struct fetch_result	 r;
	struct fetch_xfer	*x;

	while ((x = TAILQ_FIRST(&f->waiting)) != NULL &&
	    f->nactive < fetch_max_active(f)) {
		TAILQ_REMOVE(&f->waiting, x, entry);
		if (fetch_xfer_begin(f, x) == 0)
			continue;
		memset(&r, 0, sizeof(r));
		r.url = x->url;
		r.error = "cannot start the transfer";
		f->pending--;
		x->cb(&r, x->arg);
		fetch_record_free(x);
	}
}

int
fetch_start(struct fetch *f, const struct fetch_request *req,
    fetch_done_cb cb, void *arg)
{
	struct fetch_xfer	*x;
	size_t			 n;

	if (req->url == NULL || req->url[0] == '\0' || cb == NULL)
		return -1;
	x = xcalloc(1, sizeof(*x));
	x->f = f;
	x->cb = cb;
	x->arg = arg;
	x->url = xstrdup(req->url);
	x->protocols = req->protocols;
	if (req->etag != NULL)
		x->etag = xstrndup(req->etag, FETCH_MAX_VALIDATOR + 1);
	if (req->last_modified != NULL)
		x->last_modified = xstrndup(req->last_modified,
		    FETCH_MAX_VALIDATOR + 1);
	x->secret_url = req->secret_url;
	fetch_hop_auth(&x->hop, req);
	if (req->body != NULL) {
		x->post = xmalloc(req->body_len + 1);
		memcpy(x->post, req->body, req->body_len);
		x->post[req->body_len] = '\0';
		x->post_len = req->body_len;
	}
	if (req->headers != NULL) {
		for (n = 0; req->headers[n] != NULL; n++)
			;
		x->extra = xcalloc(n + 1, sizeof(*x->extra));
		for (n = 0; req->headers[n] != NULL; n++)
			x->extra[n] = xstrdup(req->headers[n]);
	}
	/* Straight to a slot when one is free and nobody waits before us. */
	if (TAILQ_EMPTY(&f->waiting) && f->nactive < fetch_max_active(f)) {
		if (fetch_xfer_begin(f, x) == -1) {
			fetch_record_free(x);
			return -1;
		}
	} else
		TAILQ_INSERT_TAIL(&f->waiting, x, entry);
	f->pending++;
	return 0;
}

static const char *
fetch_dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct fetch_result *
fetch_result_copy(const struct fetch_result *r)
{
	struct fetch_result	*c = xmalloc(sizeof(*c));
	char			*body = NULL;

	*c = *r;
	if (r->body != NULL) {
		/* Bodies are NUL-terminated, and may hold NULs themselves. */
		body = xmalloc(r->len + 1);
		memcpy(body, r->body, r->len);
		body[r->len] = '\0';
	}
	c->body = body;
	c->url = fetch_dup_or_null(r->url);
	c->error = fetch_dup_or_null(r->error);
	c->content_type = fetch_dup_or_null(r->content_type);
	c->etag = fetch_dup_or_null(r->etag);
	c->last_modified = fetch_dup_or_null(r->last_modified);
	c->effective_url = fetch_dup_or_null(r->effective_url);
	c->moved_to = fetch_dup_or_null(r->moved_to);
	return c;
}

void
fetch_result_free(struct fetch_result *r)
{
	if (r == NULL)
		return;
	free((char *)r->url);
	free((char *)r->error);
	free((char *)r->body);
	free((char *)r->content_type);
	free((char *)r->etag);
	free((char *)r->last_modified);
	free((char *)r->effective_url);
	free((char *)r->moved_to);
	free(r);
}

unsigned
fetch_follow_protocols(const char *url)
{
	if (url != NULL && strncasecmp(url, "https:", 6) == 0)
		return FETCH_PROTO_HTTPS;
	return FETCH_PROTO_HTTP | FETCH_PROTO_HTTPS;
}

size_t
fetch_pending(const struct fetch *f)
{
	return f->pending;
}

void
fetch_set_options(struct fetch *f, const struct fetch_options *o)
{
	fetch_copy_options(f, o);
	/*
	 * A larger max_total takes effect at the next completion; starting
	 * waiting requests here could answer one from inside a reload.
	 */
}

void
fetch_free(struct fetch *f)
{
	struct fetch_xfer	*x;
	struct fetch_slot	*sl;

	if (f == NULL)
		return;
	while ((x = TAILQ_FIRST(&f->xfers)) != NULL)
		fetch_xfer_free(x);
	while ((x = TAILQ_FIRST(&f->waiting)) != NULL) {
		TAILQ_REMOVE(&f->waiting, x, entry);
		fetch_record_free(x);
	}
	while ((sl = SLIST_FIRST(&f->idle)) != NULL) {
		SLIST_REMOVE_HEAD(&f->idle, entry);
		fetch_slot_free(sl);
	}
	/* Cleanup may still report sockets as removed; f must be alive. */
	curl_multi_cleanup(f->multi);
	event_free(f->timer);
	fetch_dns_clear(&f->dns);
	fetch_proxy_clear(&f->px);
	free(f->ua);
	free(f);
	curl_global_cleanup();
}

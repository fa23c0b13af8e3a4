/*
 * testhttpd: a loopback HTTP/1.1 server for tests, on libevent's evhttp.
 * It serves files from one directory (re-read on every request, because
 * tests rewrite them between polls) with strong ETags and Last-Modified,
 * answers conditional requests with 304, and scripts the hostile and
 * unusual behaviours under /_/ that fetch must survive.  It never binds
 * anything but 127.0.0.1 and never serves a path outside its directory.
 * gzip bodies are produced by a small fixed-Huffman deflate writer of its
 * own, so the tool needs no library beyond the daemon's.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "util.h"

#define TESTHTTPD_MAX_FILE	(64UL * 1024 * 1024)
#define TESTHTTPD_MAX_BIG	(512L * 1024 * 1024)
#define TESTHTTPD_MAX_BOMB_MB	4096L
#define TESTHTTPD_RSS_PREFIX	"<?xml version=\"1.0\"?>\n" \
				"<rss version=\"2.0\"><channel><title>bomb</title>"

struct testhttpd {
	struct event_base	*base;
	struct evhttp		*http;
	const char		*dir;
};

/* One /_/drip transfer; freed when it ends or its connection closes. */
struct testhttpd_drip {
	struct evhttp_request		*req;
	struct evhttp_connection	*evcon;
	struct event			*ev;
	long				 left;
};

/* Bit writer for deflate: bits go out least significant first. */
struct testhttpd_bits {
	struct evbuffer	*out;
	uint32_t	 acc;
	int		 n;
};

/* Prints " name=value" with blanks and controls made '_', if present. */
static void
testhttpd_log_header(struct evhttp_request *req, const char *header,
    const char *name)
{
	const char	*v;
	size_t		 i;

	v = evhttp_find_header(evhttp_request_get_input_headers(req), header);
	if (v == NULL)
		return;
	printf(" %s=", name);
	for (i = 0; v[i] != '\0' && i < 256; i++)
		putchar((unsigned char)v[i] <= ' ' ? '_' : v[i]);
}

/*
 * One line per request, "METHOD URI STATUS t=SECONDS" then the request's
 * conditional, encoding and credential headers (inm=, ims=, ae=, auth=,
 * apikey=): tests read timing and what the client sent from here.
 */
static void
testhttpd_log(struct evhttp_request *req, int status)
{
	struct timespec	 ts;
	const char	*m;

	m = evhttp_request_get_command(req) == EVHTTP_REQ_HEAD ? "HEAD" :
	    "GET";
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("%s %s %d t=%lld.%03ld", m, evhttp_request_get_uri(req),
	    status, (long long)ts.tv_sec, ts.tv_nsec / 1000000);
	testhttpd_log_header(req, "If-None-Match", "inm");
	testhttpd_log_header(req, "If-Modified-Since", "ims");
	testhttpd_log_header(req, "Accept-Encoding", "ae");
	testhttpd_log_header(req, "Authorization", "auth");
	testhttpd_log_header(req, "X-Api-Key", "apikey");
	putchar('\n');
	fflush(stdout);
}

static const char *
testhttpd_reason(int code)
{
	switch (code) {
	case 200: return "OK";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 410: return "Gone";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

static void
testhttpd_reply(struct evhttp_request *req, int code, struct evbuffer *body)
{
	testhttpd_log(req, code);
	evhttp_send_reply(req, code, testhttpd_reason(code), body);
}

static void
testhttpd_plain(struct evhttp_request *req, int code)
{
	struct evbuffer	*b = evbuffer_new();

	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "text/plain");
	evbuffer_add_printf(b, "%d %s\n", code, testhttpd_reason(code));
	testhttpd_reply(req, code, b);
	evbuffer_free(b);
}

static const char *
testhttpd_type(const char *path)
{
	static const struct {
		const char	*ext;
		const char	*type;
	} types[] = {
		{ ".xml", "application/rss+xml" },
		{ ".rss", "application/rss+xml" },
		{ ".atom", "application/atom+xml" },
		{ ".json", "application/feed+json" },
		{ ".html", "text/html" },
		{ ".txt", "text/plain" },
	};
	const char	*dot = strrchr(path, '.');
	size_t		 i;

	if (dot != NULL && strchr(dot, '/') == NULL)
		for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
			if (strcasecmp(dot, types[i].ext) == 0)
				return types[i].type;
	return "application/octet-stream";
}

/* Parses a query parameter as a long in [0, max]; returns def if absent. */
static long
testhttpd_qlong(struct evhttp_request *req, const char *name, long def,
    long max)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	struct evkeyvalq	 q;
	const char		*v, *query;
	char			*end;
	long			 n = def;

	if ((query = evhttp_uri_get_query(uri)) == NULL)
		return def;
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(query, &q) == 0 &&
	    (v = evhttp_find_header(&q, name)) != NULL) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || n < 0)
			n = def;
		if (n > max)
			n = max;
	}
	evhttp_clear_headers(&q);
	return n;
}

/* Returns a query parameter (decoded, caller frees) or NULL. */
static char *
testhttpd_qstr(struct evhttp_request *req, const char *name)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	struct evkeyvalq	 q;
	const char		*v, *query;
	char			*s = NULL;

	if ((query = evhttp_uri_get_query(uri)) == NULL)
		return NULL;
	TAILQ_INIT(&q);
	if (evhttp_parse_query_str(query, &q) == 0 &&
	    (v = evhttp_find_header(&q, name)) != NULL)
		s = xstrdup(v);
	evhttp_clear_headers(&q);
	return s;
}

static uint32_t
testhttpd_crc32(uint32_t crc, const unsigned char *p, size_t len)
{
	uint32_t	 t[256], c;
	size_t		 i;
	int		 k;

	/* A table per call is cheap next to the megabytes a bomb sums. */
	for (i = 0; i < 256; i++) {
		c = (uint32_t)i;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320U & (0U - (c & 1)));
		t[i] = c;
	}
	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = t[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void
testhttpd_bits_put(struct testhttpd_bits *w, uint32_t v, int n)
{
	w->acc |= v << w->n;
	w->n += n;
	while (w->n >= 8) {
		unsigned char	 c = w->acc & 0xff;

		evbuffer_add(w->out, &c, 1);
		w->acc >>= 8;
		w->n -= 8;
	}
}

/* Huffman codes are defined most significant bit first: reverse them. */
static void
testhttpd_bits_huff(struct testhttpd_bits *w, uint32_t code, int n)
{
	uint32_t	 r = 0;
	int		 i;

	for (i = 0; i < n; i++)
		r |= ((code >> i) & 1) << (n - 1 - i);
	testhttpd_bits_put(w, r, n);
}

static void
testhttpd_bits_lit(struct testhttpd_bits *w, unsigned char c)
{
	if (c < 144)
		testhttpd_bits_huff(w, 0x30 + c, 8);
	else
		testhttpd_bits_huff(w, 0x190 + (c - 144), 9);
}

static void
testhttpd_gzip_head(struct testhttpd_bits *w)
{
	static const unsigned char	 h[10] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3
	};

	evbuffer_add(w->out, h, sizeof(h));
	testhttpd_bits_put(w, 1, 1);	/* BFINAL */
	testhttpd_bits_put(w, 1, 2);	/* BTYPE 01: fixed Huffman */
}

static void
testhttpd_gzip_tail(struct testhttpd_bits *w, uint32_t crc, uint64_t isize)
{
	unsigned char	 t[8];
	int		 i;

	testhttpd_bits_huff(w, 0, 7);	/* end of block, symbol 256 */
	if (w->n > 0)
		testhttpd_bits_put(w, 0, 8 - w->n);
	for (i = 0; i < 4; i++) {
		t[i] = (crc >> (8 * i)) & 0xff;
		t[4 + i] = (uint32_t)(isize >> (8 * i)) & 0xff;
	}
	evbuffer_add(w->out, t, sizeof(t));
}

/* gzip of data as literals only: valid, not small, which tests don't need. */
static void
testhttpd_gzip(struct evbuffer *out, const char *data, size_t len)
{
	struct testhttpd_bits	 w = { out, 0, 0 };
	size_t			 i;

	testhttpd_gzip_head(&w);
	for (i = 0; i < len; i++)
		testhttpd_bits_lit(&w, (unsigned char)data[i]);
	testhttpd_gzip_tail(&w, testhttpd_crc32(0,
	    (const unsigned char *)data, len), len);
}

/*
 * A prefix, then mb MiB of spaces as back-references of 258 bytes at
 * distance 1: 12 bits per 258 bytes, so 64 MiB travel in under 400 KB.
 */
static void
testhttpd_bomb(struct evbuffer *out, long mb)
{
	struct testhttpd_bits	 w = { out, 0, 0 };
	unsigned char		 sp[65536];
	const char		*pre = TESTHTTPD_RSS_PREFIX;
	uint64_t		 total, left, i;
	uint32_t		 crc;
	size_t			 plen = strlen(pre);

	memset(sp, ' ', sizeof(sp));
	total = (uint64_t)mb * 1024 * 1024;
	testhttpd_gzip_head(&w);
	crc = testhttpd_crc32(0, (const unsigned char *)pre, plen);
	for (i = 0; i < plen; i++)
		testhttpd_bits_lit(&w, (unsigned char)pre[i]);
	for (left = total; left > 0; ) {
		size_t	 n = left > sizeof(sp) ? sizeof(sp) : (size_t)left;

		crc = testhttpd_crc32(crc, sp, n);
		left -= n;
	}
	left = total;
	if (left > 0) {
		testhttpd_bits_lit(&w, ' ');
		left--;
	}
	while (left >= 258) {
		testhttpd_bits_huff(&w, 0xc5, 8);	/* length 258 */
		testhttpd_bits_huff(&w, 0, 5);		/* distance 1 */
		left -= 258;
	}
	while (left-- > 0)
		testhttpd_bits_lit(&w, ' ');
	testhttpd_gzip_tail(&w, crc, plen + total);
}

static void
testhttpd_httpdate(time_t t, char *buf, size_t len)
{
	struct tm	 tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* Maps a URL path to a file under dir; NULL for anything that escapes. */
static char *
testhttpd_file_path(struct testhttpd *h, const char *rel)
{
	char	*dec, *p;
	size_t	 len;

	if ((dec = evhttp_uridecode(rel, 0, &len)) == NULL)
		return NULL;
	if (dec[0] == '\0' || strstr(dec, "..") != NULL ||
	    strlen(dec) != len) {
		free(dec);
		return NULL;
	}
	xasprintf(&p, "%s/%s", h->dir, dec[0] == '/' ? dec + 1 : dec);
	free(dec);
	return p;
}

/*
 * Serves file rel with validators; gzip and max_age (-1 = none) are the
 * /_/gzip and /_/maxage variants.
 */
static void
testhttpd_serve_file(struct testhttpd *h, struct evhttp_request *req,
    const char *rel, int gzip, long max_age)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;
	struct stat		 st;
	struct tm		 tm;
	const char		*inm, *ims;
	char			*path, *data, err[256], etag[32], lm[64];
	char			 cc[64];
	size_t			 len;

	if ((path = testhttpd_file_path(h, rel)) == NULL) {
		testhttpd_plain(req, 403);
		return;
	}
	if (stat(path, &st) == -1 || !S_ISREG(st.st_mode) ||
	    util_read_file(path, TESTHTTPD_MAX_FILE, &data, &len, err,
	    sizeof(err)) == -1) {
		free(path);
		testhttpd_plain(req, 404);
		return;
	}
	free(path);
	snprintf(etag, sizeof(etag), "\"%016" PRIx64 "%s\"",
	    util_hash64(data, len, UTIL_HASH_SEED), gzip ? "-gz" : "");
	testhttpd_httpdate(st.st_mtime, lm, sizeof(lm));
	evhttp_add_header(out, "ETag", etag);
	evhttp_add_header(out, "Last-Modified", lm);
	if (max_age >= 0) {
		snprintf(cc, sizeof(cc), "max-age=%ld", max_age);
		evhttp_add_header(out, "Cache-Control", cc);
	}
	inm = evhttp_find_header(in, "If-None-Match");
	ims = evhttp_find_header(in, "If-Modified-Since");
	if (inm != NULL) {
		/* Weak comparison is what RFC 9110 asks for with GET. */
		if (strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL) {
			free(data);
			testhttpd_reply(req, 304, NULL);
			return;
		}
	} else if (ims != NULL) {
		memset(&tm, 0, sizeof(tm));
		if (strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm) != NULL &&
		    st.st_mtime <= timegm(&tm)) {
			free(data);
			testhttpd_reply(req, 304, NULL);
			return;
		}
	}
	evhttp_add_header(out, "Content-Type", testhttpd_type(rel));
	b = evbuffer_new();
	if (gzip) {
		evhttp_add_header(out, "Content-Encoding", "gzip");
		testhttpd_gzip(b, data, len);
	} else
		evbuffer_add(b, data, len);
	free(data);
	testhttpd_reply(req, 200, b);
	evbuffer_free(b);
}

/*
 * Writes raw bytes (possibly none) straight to the socket and shuts it
 * down, for responses evhttp cannot be made to send (a cut-off chunk, no
 * response at all).  evhttp then sees the close and frees the request.
 */
static void
testhttpd_raw_close(struct evhttp_request *req, const char *raw)
{
	struct evhttp_connection	*evcon;
	struct linger			 lg = { 1, 0 };
	evutil_socket_t			 fd;
	size_t				 off = 0, len = strlen(raw);
	ssize_t				 n;

	evcon = evhttp_request_get_connection(req);
	fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
	while (off < len) {
		n = send(fd, raw + off, len - off, MSG_NOSIGNAL);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (len == 0)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	shutdown(fd, SHUT_RDWR);
}

static void
testhttpd_drip_free(struct testhttpd_drip *d)
{
	evhttp_connection_set_closecb(d->evcon, NULL, NULL);
	event_free(d->ev);
	free(d);
}

static void
testhttpd_drip_closed_cb(struct evhttp_connection *evcon, void *arg)
{
	struct testhttpd_drip	*d = arg;

	/*
	 * evhttp has detached the unfinished request from the dying
	 * connection; ending the reply is what frees it.
	 */
	(void)evcon;
	evhttp_send_reply_end(d->req);
	testhttpd_drip_free(d);
}

static void
testhttpd_drip_cb(evutil_socket_t fd, short what, void *arg)
{
	struct testhttpd_drip	*d = arg;
	struct timeval		 tv = { 1, 0 };
	struct evbuffer		*b;

	(void)fd;
	(void)what;
	if (d->left-- <= 0) {
		evhttp_send_reply_end(d->req);
		testhttpd_drip_free(d);
		return;
	}
	b = evbuffer_new();
	evbuffer_add(b, " ", 1);
	evhttp_send_reply_chunk(d->req, b);
	evbuffer_free(b);
	evtimer_add(d->ev, &tv);
}

static void
testhttpd_drip(struct testhttpd *h, struct evhttp_request *req)
{
	struct testhttpd_drip	*d = xcalloc(1, sizeof(*d));
	struct timeval		 tv = { 0, 0 };

	d->req = req;
	d->evcon = evhttp_request_get_connection(req);
	d->left = testhttpd_qlong(req, "bytes", 3600, 86400);
	d->ev = evtimer_new(h->base, testhttpd_drip_cb, d);
	evhttp_connection_set_closecb(d->evcon, testhttpd_drip_closed_cb, d);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/rss+xml");
	testhttpd_log(req, 200);
	evhttp_send_reply_start(req, 200, "OK");
	evtimer_add(d->ev, &tv);
}

/* Parses "NNN" at the start of s, leaving *rest after it and any '/'. */
static int
testhttpd_num(const char *s, const char **rest)
{
	long	 n = 0;
	int	 digits = 0;

	while (*s >= '0' && *s <= '9' && digits < 9) {
		n = n * 10 + (*s++ - '0');
		digits++;
	}
	if (digits == 0 || (*s != '\0' && *s != '/'))
		return -1;
	if (*s == '/')
		s++;
	*rest = s;
	return (int)n;
}

static void
testhttpd_scripted(struct testhttpd *h, struct evhttp_request *req,
    const char *what)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;
	const char		*rest;
	char			*s, buf[65536];
	long			 n;
	int			 code;

	if (strncmp(what, "status/", 7) == 0) {
		if ((code = testhttpd_num(what + 7, &rest)) < 100 ||
		    code > 599) {
			testhttpd_plain(req, 400);
			return;
		}
		if ((code == 429 || code == 503) &&
		    (s = testhttpd_qstr(req, "after")) != NULL) {
			evhttp_add_header(out, "Retry-After", s);
			free(s);
		}
		if (code == 304 || code == 204 || code < 200)
			testhttpd_reply(req, code, NULL);
		else
			testhttpd_plain(req, code);
	} else if (strncmp(what, "redirect/", 9) == 0) {
		code = testhttpd_num(what + 9, &rest);
		if ((code != 301 && code != 302 && code != 307 &&
		    code != 308) || (s = testhttpd_qstr(req, "to")) == NULL) {
			testhttpd_plain(req, 400);
			return;
		}
		evhttp_add_header(out, "Location", s);
		free(s);
		testhttpd_plain(req, code);
	} else if (strcmp(what, "loop") == 0) {
		evhttp_add_header(out, "Location", "/_/loop");
		testhttpd_plain(req, 302);
	} else if (strncmp(what, "gzip/", 5) == 0)
		testhttpd_serve_file(h, req, what + 5, 1, -1);
	else if (strncmp(what, "maxage/", 7) == 0) {
		if ((code = testhttpd_num(what + 7, &rest)) < 0) {
			testhttpd_plain(req, 400);
			return;
		}
		testhttpd_serve_file(h, req, rest, 0, code);
	} else if (strcmp(what, "big") == 0) {
		n = testhttpd_qlong(req, "bytes", 1024, TESTHTTPD_MAX_BIG);
		memset(buf, 'x', sizeof(buf));
		b = evbuffer_new();
		for (; n > 0; n -= (long)sizeof(buf))
			evbuffer_add(b, buf, n > (long)sizeof(buf) ?
			    sizeof(buf) : (size_t)n);
		evhttp_add_header(out, "Content-Type", "text/plain");
		testhttpd_reply(req, 200, b);
		evbuffer_free(b);
	} else if (strcmp(what, "bomb") == 0) {
		n = testhttpd_qlong(req, "mb", 64, TESTHTTPD_MAX_BOMB_MB);
		b = evbuffer_new();
		testhttpd_bomb(b, n);
		evhttp_add_header(out, "Content-Type", "application/rss+xml");
		evhttp_add_header(out, "Content-Encoding", "gzip");
		testhttpd_reply(req, 200, b);
		evbuffer_free(b);
	} else if (strcmp(what, "stall") == 0)
		testhttpd_log(req, 0);	/* evhttp frees req when peer goes */
	else if (strcmp(what, "drip") == 0)
		testhttpd_drip(h, req);
	else if (strcmp(what, "reset") == 0) {
		testhttpd_log(req, 0);
		testhttpd_raw_close(req, "");
	} else if (strcmp(what, "truncated") == 0) {
		testhttpd_log(req, 200);
		testhttpd_raw_close(req, "HTTP/1.1 200 OK\r\n"
		    "Content-Type: application/rss+xml\r\n"
		    "Transfer-Encoding: chunked\r\n\r\n"
		    "13\r\n<rss version=\"2.0\">\r\n"
		    "100\r\n<channel><title>cut");
	} else
		testhttpd_plain(req, 404);
}

static void
testhttpd_request_cb(struct evhttp_request *req, void *arg)
{
	struct testhttpd	*h = arg;
	const char		*path;

	path = evhttp_uri_get_path(evhttp_request_get_evhttp_uri(req));
	if (path == NULL || path[0] != '/') {
		testhttpd_plain(req, 400);
		return;
	}
	if (strncmp(path, "/_/", 3) == 0)
		testhttpd_scripted(h, req, path + 3);
	else
		testhttpd_serve_file(h, req, path, 0, -1);
}

static void
testhttpd_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct testhttpd	*h = arg;

	(void)sig;
	(void)what;
	event_base_loopbreak(h->base);
}

static int
testhttpd_write_port(const char *portfile, int port)
{
	char	*tmp;
	FILE	*f;
	int	 rc = -1;

	/* Write then rename, so a reader never sees half a number. */
	xasprintf(&tmp, "%s.tmp", portfile);
	if ((f = fopen(tmp, "w")) != NULL) {
		fprintf(f, "%d\n", port);
		if (fclose(f) == 0 && rename(tmp, portfile) == 0)
			rc = 0;
	}
	free(tmp);
	return rc;
}

static void
testhttpd_usage(void)
{
	fprintf(stderr, "usage: testhttpd -d DIR [-p PORT] [-P PORTFILE]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct testhttpd		 h = { 0 };
	struct evhttp_bound_socket	*bound;
	struct event			*sigterm, *sigint;
	struct sockaddr_in		 sin;
	socklen_t			 slen = sizeof(sin);
	const char			*portfile = NULL;
	int				 ch, port = 0;

	while ((ch = getopt(argc, argv, "d:p:P:")) != -1) {
		switch (ch) {
		case 'd':
			h.dir = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'P':
			portfile = optarg;
			break;
		default:
			testhttpd_usage();
		}
	}
	if (h.dir == NULL || port < 0 || port > 65535)
		testhttpd_usage();
	signal(SIGPIPE, SIG_IGN);
	if ((h.base = event_base_new()) == NULL ||
	    (h.http = evhttp_new(h.base)) == NULL) {
		fprintf(stderr, "testhttpd: libevent setup failed\n");
		return 1;
	}
	evhttp_set_allowed_methods(h.http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_gencb(h.http, testhttpd_request_cb, &h);
	if ((bound = evhttp_bind_socket_with_handle(h.http, "127.0.0.1",
	    (ev_uint16_t)port)) == NULL) {
		fprintf(stderr, "testhttpd: bind 127.0.0.1:%d: %s\n", port,
		    strerror(errno));
		return 1;
	}
	if (getsockname(evhttp_bound_socket_get_fd(bound),
	    (struct sockaddr *)&sin, &slen) == -1) {
		fprintf(stderr, "testhttpd: getsockname: %s\n",
		    strerror(errno));
		return 1;
	}
	port = ntohs(sin.sin_port);
	if (portfile != NULL && testhttpd_write_port(portfile, port) == -1) {
		fprintf(stderr, "testhttpd: %s: %s\n", portfile,
		    strerror(errno));
		return 1;
	}
	sigterm = evsignal_new(h.base, SIGTERM, testhttpd_signal_cb, &h);
	sigint = evsignal_new(h.base, SIGINT, testhttpd_signal_cb, &h);
	evsignal_add(sigterm, NULL);
	evsignal_add(sigint, NULL);
	event_base_dispatch(h.base);
	event_free(sigterm);
	event_free(sigint);
	evhttp_free(h.http);
	event_base_free(h.base);
	return 0;
}

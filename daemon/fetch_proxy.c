/*
 * fetch_proxy: which proxy a transfer goes through ([poll] proxy, else
 * http_proxy, https_proxy, all_proxy and no_proxy as libcurl reads them),
 * the credentials it carries (a feed's auth=FILE), and the check curl's
 * prereq callback runs before each request, every redirect hop included.
 * Through a proxy the connect-time address guard in fetch.c sees only the
 * proxy (usually on the LAN, and allowed), so fetch_dns.c judges the
 * target host before each request instead.  A credential in a custom
 * header is bound to the first URL's origin; Basic and Bearer go to that
 * origin only: libcurl sees to it when it follows a redirect, and
 * fetch_hop_follow when fetch follows one itself (behind a proxy).  The
 * proxy is logged redacted; credentials never are.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/dns.h>
#include <event2/event.h>

#include "fetch.h"
#include "fetch_int.h"
#include "log.h"
#include "util.h"

static char *
fetch_proxy_env(const char *lower, const char *upper)
{
	const char	*v = getenv(lower);

	if ((v == NULL || *v == '\0') && upper != NULL)
		v = getenv(upper);
	return v != NULL && *v != '\0' ? xstrdup(v) : NULL;
}

void
fetch_proxy_clear(struct fetch_proxy *px)
{
	free(px->http);
	free(px->https);
	free(px->noproxy);
	memset(px, 0, sizeof(*px));
}

void
fetch_proxy_set(struct fetch_proxy *px, const char *option)
{
	char	 a[UTIL_URL_SHOWN], b[UTIL_URL_SHOWN], n[256];

	fetch_proxy_clear(px);
	if (option != NULL && *option == '\0')
		return;
	if (option != NULL) {
		px->http = xstrdup(option);
		px->https = xstrdup(option);
	} else {
		/* libcurl reads no HTTP_PROXY: a CGI's request header
		   "Proxy:" arrives as that variable (httpoxy). */
		px->http = fetch_proxy_env("http_proxy", NULL);
		px->https = fetch_proxy_env("https_proxy", "HTTPS_PROXY");
		if (px->http == NULL)
			px->http = fetch_proxy_env("all_proxy", "ALL_PROXY");
		if (px->https == NULL)
			px->https = fetch_proxy_env("all_proxy", "ALL_PROXY");
	}
	px->noproxy = fetch_proxy_env("no_proxy", "NO_PROXY");
	if (px->http == NULL && px->https == NULL)
		return;
	log_info("fetch: proxy http=%s https=%s no_proxy=\"%s\" (from %s)",
	    px->http != NULL ? util_url_redact(px->http, a, sizeof(a)) : "-",
	    px->https != NULL ? util_url_redact(px->https, b, sizeof(b)) : "-",
	    util_shown(px->noproxy, n, sizeof(n)), option != NULL ?
	    "[poll] proxy" : "the environment");
}

/* An address or CIDR entry of no_proxy against a literal host address. */
static bool
fetch_proxy_cidr(const char *host, int af, const char *tok, size_t len)
{
	unsigned char	 h[16], t[16];
	char		 buf[64], *slash;
	long		 bits = af == AF_INET ? 32 : 128;
	int		 i;

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		if (util_digits(slash + 1, bits, &bits) == -1)
			return false;
	}
	if (inet_pton(af, host, h) != 1 || inet_pton(af, buf, t) != 1)
		return false;
	for (i = 0; bits >= 8; i++, bits -= 8)
		if (h[i] != t[i])
			return false;
	return bits == 0 || ((h[i] ^ t[i]) & (0xff << (8 - bits)) & 0xff) == 0;
}

bool
fetch_proxy_bypass(const char *noproxy, const char *host)
{
	const char	*p, *tok;
	unsigned char	 addr[16];
	size_t		 hlen, tlen;
	int		 af = 0;

	if (noproxy == NULL || *noproxy == '\0' || host == NULL)
		return false;
	if (strcmp(noproxy, "*") == 0)
		return true;
	if (inet_pton(AF_INET, host, addr) == 1)
		af = AF_INET;
	else if (inet_pton(AF_INET6, host, addr) == 1)
		af = AF_INET6;
	hlen = strlen(host);
	if (af == 0 && hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	for (p = noproxy; *p != '\0'; p = tok + tlen) {
		tok = p + strspn(p, ", \t");
		tlen = strcspn(tok, ", \t");
		if (tlen == 0)
			break;
		if (af != 0) {
			if (fetch_proxy_cidr(host, af, tok, tlen))
				return true;
			continue;
		}
		/* "example.com" and ".example.com" both cover www. too. */
		if (tok[tlen - 1] == '.')
			tlen--;
		if (tlen > 0 && *tok == '.') {
			tok++;
			tlen--;
		}
		if (tlen == 0 || tlen > hlen)
			continue;
		if (strncasecmp(host + hlen - tlen, tok, tlen) == 0 &&
		    (tlen == hlen || host[hlen - tlen - 1] == '.'))
			return true;
	}
	return false;
}

char *
fetch_hop_host(const char *url)
{
	CURLU	*u;
	char	*h = NULL, *out = NULL;
	size_t	 n;

	if (url == NULL || (u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK) {
		n = strlen(h);
		if (n >= 2 && h[0] == '[' && h[n - 1] == ']')
			out = xstrndup(h + 1, n - 2);
		else
			out = xstrdup(h);
	}
	curl_free(h);
	curl_url_cleanup(u);
	return out;
}

/* "scheme://host:port" of url, the port always written; or NULL. */
static char *
fetch_hop_origin(const char *url)
{
	CURLU	*u;
	char	*s = NULL, *h = NULL, *p = NULL, *out = NULL, *c;

	if (url == NULL || (u = curl_url()) == NULL)
		return NULL;
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &s, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &h, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &p, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK) {
		xasprintf(&out, "%s://%s:%s", s, h, p);
		for (c = out; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
	}
	curl_free(s);
	curl_free(h);
	curl_free(p);
	curl_url_cleanup(u);
	return out;
}

bool
fetch_hop_proxied(const struct fetch_hop *hop, const char *url)
{
	char	*host;
	bool	 via;

	if (hop->proxy == NULL)
		return false;
	host = fetch_hop_host(url);
	via = host != NULL && !fetch_proxy_bypass(hop->noproxy, host);
	free(host);
	return via;
}

bool
fetch_hop_via_proxy(const struct fetch_hop *hop)
{
	char	*url = NULL;

	if (hop->proxy == NULL || hop->easy == NULL)
		return false;
	curl_easy_getinfo(hop->easy, CURLINFO_EFFECTIVE_URL, &url);
	return fetch_hop_proxied(hop, url);
}

/*
 * CURLOPT_PREREQFUNCTION: after connecting, before each request.  The
 * target's address was judged before the transfer (or hop) started.
 */
static int
fetch_hop_prereq_cb(void *clientp, char *primary_ip, char *local_ip,
    int primary_port, int local_port)
{
	struct fetch_hop	*hop = clientp;
	char			*url = NULL, *origin;
	bool			 same;

	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	curl_easy_getinfo(hop->easy, CURLINFO_EFFECTIVE_URL, &url);
	if (hop->origin != NULL) {
		origin = fetch_hop_origin(url);
		same = origin != NULL && strcmp(origin, hop->origin) == 0;
		free(origin);
		if (!same) {
			snprintf(hop->refused, hop->refusedlen, "redirect to "
			    "another host not followed: the feed's auth= "
			    "header goes to its own host only");
			return CURL_PREREQFUNC_ABORT;
		}
	}
	return CURL_PREREQFUNC_OK;
}

static char *
fetch_hop_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
fetch_hop_wipe(char **s)
{
	if (*s != NULL) {
		explicit_bzero(*s, strlen(*s));
		free(*s);
		*s = NULL;
	}
}

void
fetch_hop_auth(struct fetch_hop *hop, const struct fetch_request *req)
{
	hop->auth = req->auth_secret != NULL ? req->auth : FETCH_AUTH_NONE;
	if (hop->auth == FETCH_AUTH_NONE)
		return;
	hop->auth_user = xstrdup(req->auth_user != NULL ? req->auth_user :
	    "");
	hop->auth_secret = xstrdup(req->auth_secret);
}

static void
fetch_hop_set_auth(struct fetch_hop *hop, CURL *easy, const char *url,
    struct curl_slist **headers)
{
	/* Said outright: credentials stay with the host they are for. */
	curl_easy_setopt(easy, CURLOPT_UNRESTRICTED_AUTH, 0L);
	free(hop->home);
	hop->home = fetch_hop_origin(url);
	switch (hop->auth) {
	case FETCH_AUTH_NONE:
		break;
	case FETCH_AUTH_BASIC:
		curl_easy_setopt(easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(easy, CURLOPT_USERNAME, hop->auth_user);
		curl_easy_setopt(easy, CURLOPT_PASSWORD, hop->auth_secret);
		break;
	case FETCH_AUTH_BEARER:
		curl_easy_setopt(easy, CURLOPT_HTTPAUTH,
		    (long)CURLAUTH_BEARER);
		curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER,
		    hop->auth_secret);
		break;
	case FETCH_AUTH_HEADER:
		/* libcurl would send a custom header to any host; an
		   origin that cannot be read matches none. */
		if ((hop->origin = fetch_hop_origin(url)) == NULL)
			hop->origin = xstrdup("");
		*headers = curl_slist_append(*headers, hop->auth_secret);
		break;
	}
}

void
fetch_hop_begin(struct fetch_hop *hop, const struct fetch_proxy *px,
    CURL *easy, const char *url, bool allow_private, char *refused,
    size_t refusedlen, struct curl_slist **headers)
{
	const char	*proxy = NULL;

	hop->easy = easy;
	hop->allow_private = allow_private;
	hop->refused = refused;
	hop->refusedlen = refusedlen;
	if (strncasecmp(url, "http:", 5) == 0)
		proxy = px->http;
	else if (strncasecmp(url, "https:", 6) == 0)
		proxy = px->https;
	free(hop->proxy);
	free(hop->noproxy);
	hop->proxy = fetch_hop_dup(proxy);
	hop->noproxy = fetch_hop_dup(px->noproxy);
	/*
	 * Set both, always: libcurl then reads no environment itself, and
	 * the guard knows which connections are the proxy's.  Redirects
	 * keep the proxy of the first URL's scheme.
	 */
	curl_easy_setopt(easy, CURLOPT_PROXY, proxy != NULL ? proxy : "");
	curl_easy_setopt(easy, CURLOPT_NOPROXY, px->noproxy != NULL ?
	    px->noproxy : "");
	curl_easy_setopt(easy, CURLOPT_PREREQFUNCTION, fetch_hop_prereq_cb);
	curl_easy_setopt(easy, CURLOPT_PREREQDATA, hop);
	free(hop->origin);
	hop->origin = NULL;
	fetch_hop_set_auth(hop, easy, url, headers);
}

void
fetch_hop_follow(struct fetch_hop *hop, CURL *easy, const char *url)
{
	char	*origin;
	bool	 home;

	if (hop->auth != FETCH_AUTH_BASIC && hop->auth != FETCH_AUTH_BEARER)
		return;		/* a header credential: the prereq check */
	origin = fetch_hop_origin(url);
	home = origin != NULL && hop->home != NULL &&
	    strcmp(origin, hop->home) == 0;
	free(origin);
	if (home && hop->auth == FETCH_AUTH_BASIC) {
		curl_easy_setopt(easy, CURLOPT_USERNAME, hop->auth_user);
		curl_easy_setopt(easy, CURLOPT_PASSWORD, hop->auth_secret);
	} else if (home)
		curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER,
		    hop->auth_secret);
	else {
		curl_easy_setopt(easy, CURLOPT_USERNAME, NULL);
		curl_easy_setopt(easy, CURLOPT_PASSWORD, NULL);
		curl_easy_setopt(easy, CURLOPT_XOAUTH2_BEARER, NULL);
	}
}

void
fetch_hop_clear(struct fetch_hop *hop)
{
	/* The callback sees EVUTIL_EAI_CANCEL and leaves hop alone. */
	if (hop->lookup != NULL)
		evdns_getaddrinfo_cancel(hop->lookup);
	if (hop->later != NULL)
		event_free(hop->later);
	free(hop->host);
	free(hop->home);
	free(hop->proxy);
	free(hop->noproxy);
	free(hop->origin);
	fetch_hop_wipe(&hop->auth_user);
	fetch_hop_wipe(&hop->auth_secret);
	memset(hop, 0, sizeof(*hop));
}

/*
 * fetch_int.h: what fetch.c (the transfers) shares with fetch_proxy.c
 * (which proxy a transfer uses, the credentials it carries and the checks
 * run before each of its requests).  Private to the fetch module.
 */
#ifndef CLAIMWATCH_FETCH_INT_H
#define CLAIMWATCH_FETCH_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "fetch.h"

/* The fetcher's proxies, from the options or the environment; owned. */
struct fetch_proxy {
	char	*http;		/* for http:// URLs, or NULL: direct */
	char	*https;		/* for https:// URLs, or NULL */
	char	*noproxy;	/* hosts that go direct (no_proxy), or NULL */
};

/*
 * One transfer's proxy and credentials, and the checks its prereq
 * callback runs before every request, redirects included.  Owns its
 * strings (the credentials are wiped when freed).
 */
struct fetch_hop {
	CURL		*easy;		/* while running, else NULL */
	char		*proxy;		/* this transfer's proxy, or NULL */
	char		*noproxy;
	bool		 allow_private;
	enum fetch_auth	 auth;
	char		*auth_user;
	char		*auth_secret;
	char		*origin;	/* scheme://host:port a header
					   credential is bound to, or NULL */
	char		*refused;	/* the slot's message buffer */
	size_t		 refusedlen;
};

/*
 * Replaces px with the proxies option names (see fetch_options.proxy),
 * reading the environment when it is NULL, and logs them redacted.
 */
void	 fetch_proxy_set(struct fetch_proxy *, const char *option);
void	 fetch_proxy_clear(struct fetch_proxy *);
/*
 * Whether host goes direct by the no_proxy list noproxy (NULL: none), as
 * libcurl matches it: "*", a domain and its subdomains, an address or a
 * CIDR range.
 */
bool	 fetch_proxy_bypass(const char *noproxy, const char *host);

/* Copies the request's credentials into hop (at fetch_start). */
void	 fetch_hop_auth(struct fetch_hop *, const struct fetch_request *);
/*
 * Sets easy up for url: its proxy from px (or none), the credentials, the
 * prereq check writing its reason into refused; a header credential is
 * appended to *headers.  Call before CURLOPT_HTTPHEADER is set.
 */
void	 fetch_hop_begin(struct fetch_hop *, const struct fetch_proxy *,
	    CURL *, const char *url, bool allow_private, char *refused,
	    size_t, struct curl_slist **headers);
/*
 * Whether the connection curl opens now is to the proxy (the address
 * guard then leaves it alone: the prereq check judges the target).
 */
bool	 fetch_hop_via_proxy(const struct fetch_hop *);
/* Frees and wipes what hop owns; it may be begun again after. */
void	 fetch_hop_clear(struct fetch_hop *);

#endif

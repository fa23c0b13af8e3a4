/*
 * fetch_int.h: what fetch.c (the transfers) shares with fetch_proxy.c
 * (which proxy a transfer uses, the credentials it carries) and
 * fetch_dns.c (the target check run, without blocking, before each of
 * its requests through a proxy).  Private to the fetch module.
 */
#ifndef CLAIMWATCH_FETCH_INT_H
#define CLAIMWATCH_FETCH_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "fetch.h"

struct event;
struct event_base;
struct evdns_base;
struct evdns_getaddrinfo_request;

/* The fetcher's proxies, from the options or the environment; owned. */
struct fetch_proxy {
	char	*http;		/* for http:// URLs, or NULL: direct */
	char	*https;		/* for https:// URLs, or NULL */
	char	*noproxy;	/* hosts that go direct (no_proxy), or NULL */
};

/*
 * The fetcher's resolver for target checks behind a proxy: evdns on the
 * daemon's loop, made at the first look-up.  Owned by struct fetch.
 */
struct fetch_dns {
	struct event_base	*base;
	struct evdns_base	*evdns;		/* or NULL: none made yet */
	char			*resolver;	/* "ADDR[:PORT]", or NULL:
						   /etc/resolv.conf */
};

/* Runs from the loop once a hop's target is judged (fetch_hop_judge). */
typedef void (*fetch_hop_cb)(void *arg);

/*
 * One transfer's proxy and credentials, its prereq check (a header
 * credential's origin) and the judgement of its target before each
 * request through the proxy.  Owns its strings (the credentials are wiped
 * when freed), its look-up and its event.
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
	char		*home;		/* the first URL's origin: Basic
					   and Bearer go there only */
	char		*refused;	/* the slot's message buffer */
	size_t		 refusedlen;
	char		*host;		/* the name being judged, or NULL */
	struct evdns_getaddrinfo_request *lookup; /* in flight, or NULL */
	struct event	*later;		/* hands the verdict to the loop */
	fetch_hop_cb	 judged;
	void		*judged_arg;
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
 * guard then leaves it alone: fetch_hop_judge judged the target).
 */
bool	 fetch_hop_via_proxy(const struct fetch_hop *);
/* Whether url goes through the hop's proxy (not a no_proxy host). */
bool	 fetch_hop_proxied(const struct fetch_hop *, const char *url);
/* A new string: url's host without IPv6 brackets, or NULL. */
char	*fetch_hop_host(const char *url);
/*
 * Before fetch itself follows a redirect to url: Basic and Bearer
 * credentials are set for the first URL's origin and cleared for any
 * other, as libcurl does when it follows.
 */
void	 fetch_hop_follow(struct fetch_hop *, CURL *, const char *url);
/* Frees and wipes what hop owns, cancelling a look-up in flight. */
void	 fetch_hop_clear(struct fetch_hop *);

/*
 * Judges the target of url before its request goes through the proxy
 * (fetch_dns.c): a literal address, "localhost", or the addresses dns
 * answers for the name, looked up without blocking.  done(arg) runs
 * later from the loop, never from inside this call, with hop->refused
 * filled when the target is refused; a name dns cannot answer is left to
 * the proxy.  One judgement at a time per hop; fetch_hop_clear cancels
 * it (done is then not called).
 */
void	 fetch_hop_judge(struct fetch_hop *, struct fetch_dns *,
	    const char *url, fetch_hop_cb done, void *arg);
/* Sets the resolver (see fetch_options.resolver); for a reload too. */
void	 fetch_dns_set(struct fetch_dns *, struct event_base *,
	    const char *resolver);
/* Frees the resolver; every hop must be cleared first. */
void	 fetch_dns_clear(struct fetch_dns *);

#endif

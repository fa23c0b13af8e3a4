/*
 * fetch_dns: the private-address guard's judgement of a target behind a
 * proxy, without blocking the loop.  Curl connects to the proxy, which
 * resolves the name itself, so the address curl would pin is not the
 * target's; the target is judged here, before the transfer and before
 * each redirect hop fetch follows: a literal address by itself,
 * "localhost" (RFC 6761) as loopback, and a name by what the local
 * resolver (/etc/hosts, then the nameservers of /etc/resolv.conf, or
 * [poll] resolver) answers for it, through libevent's evdns on the
 * daemon's one event_base.  A blocking getaddrinfo() here would stall
 * every feed, Redis and /metrics for as long as the resolver takes.
 * Look-ups are bounded by the transfers: each holds a slot (at most
 * max_total), and evdns sends at most 64 queries at a time.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "fetch.h"
#include "fetch_int.h"
#include "log.h"
#include "util.h"

/* Points evdns at dns->resolver, or at /etc/resolv.conf's nameservers. */
static void
fetch_dns_nameservers(struct fetch_dns *dns)
{
	int	 rc;

	evdns_base_clear_nameservers_and_suspend(dns->evdns);
	if (dns->resolver != NULL)
		rc = evdns_base_nameserver_ip_add(dns->evdns, dns->resolver);
	else
		rc = evdns_base_resolv_conf_parse(dns->evdns,
		    DNS_OPTION_NAMESERVERS, "/etc/resolv.conf");
	if (rc != 0)
		log_warn("fetch: no nameserver from %s (error %d): names "
		    "behind the proxy are left to it", dns->resolver != NULL ?
		    dns->resolver : "/etc/resolv.conf", rc);
	evdns_base_resume(dns->evdns);
}

/* The evdns base, made at the first look-up; NULL if it cannot be. */
static struct evdns_base *
fetch_dns_base(struct fetch_dns *dns)
{
	if (dns->evdns != NULL)
		return dns->evdns;
	/* An idle resolver must not keep a --once loop running. */
	dns->evdns = evdns_base_new(dns->base,
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (dns->evdns == NULL) {
		log_warn("fetch: evdns_base_new failed");
		return NULL;
	}
	/* Search domains, ndots, timeout and attempts as the system's. */
	evdns_base_resolv_conf_parse(dns->evdns, DNS_OPTION_SEARCH |
	    DNS_OPTION_MISC, "/etc/resolv.conf");
	evdns_base_load_hosts(dns->evdns, "/etc/hosts");
	fetch_dns_nameservers(dns);
	return dns->evdns;
}

void
fetch_dns_set(struct fetch_dns *dns, struct event_base *base,
    const char *resolver)
{
	bool	 same;

	dns->base = base;
	same = (resolver == NULL && dns->resolver == NULL) ||
	    (resolver != NULL && dns->resolver != NULL &&
	    strcmp(resolver, dns->resolver) == 0);
	if (same)
		return;
	free(dns->resolver);
	dns->resolver = resolver != NULL ? xstrdup(resolver) : NULL;
	/* Look-ups in flight are sent again to the new nameservers. */
	if (dns->evdns != NULL)
		fetch_dns_nameservers(dns);
}

void
fetch_dns_clear(struct fetch_dns *dns)
{
	if (dns->evdns != NULL)
		evdns_base_free(dns->evdns, 0);
	free(dns->resolver);
	memset(dns, 0, sizeof(*dns));
}

/* The refusal, in the words the blocking check used. */
static void
fetch_hop_refuse(struct fetch_hop *hop, const char *text)
{
	bool	 named = strcmp(text, hop->host) != 0;

	snprintf(hop->refused, hop->refusedlen, "refused private address "
	    "%s%s%.64s through the proxy ([poll] allow_private = yes allows "
	    "it)", text, named ? " of host " : "", named ? hop->host : "");
}

/* evdns_getaddrinfo's answer: the first private address refuses. */
static void
fetch_hop_lookup_cb(int result, struct evutil_addrinfo *res, void *arg)
{
	struct fetch_hop	*hop = arg;
	struct evutil_addrinfo	*ai;
	char			 text[NI_MAXHOST];
	struct timeval		 now = { 0, 0 };

	/* From fetch_hop_clear: hop is going away. */
	if (result == EVUTIL_EAI_CANCEL)
		return;
	hop->lookup = NULL;
	/* No answer: left to the proxy, which resolves the name itself. */
	for (ai = result == 0 ? res : NULL; ai != NULL; ai = ai->ai_next) {
		if (!fetch_addr_is_private(ai->ai_addr))
			continue;
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, text,
		    sizeof(text), NULL, 0, NI_NUMERICHOST) != 0)
			util_strlcpy(text, "?", sizeof(text));
		fetch_hop_refuse(hop, text);
		break;
	}
	if (res != NULL)
		evutil_freeaddrinfo(res);
	/* Maybe still inside evdns_getaddrinfo: the verdict waits. */
	evtimer_add(hop->later, &now);
}

static void
fetch_hop_later_cb(evutil_socket_t fd, short what, void *arg)
{
	struct fetch_hop	*hop = arg;

	(void)fd;
	(void)what;
	/* done may free hop and this event: nothing touches them after. */
	hop->judged(hop->judged_arg);
}

/* RFC 6761: localhost and its subdomains are loopback. */
static bool
fetch_hop_is_localhost(const char *host)
{
	size_t	 n = strlen(host);

	if (n > 0 && host[n - 1] == '.')
		n--;
	return (n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
	    (n > 10 && strncasecmp(host + n - 10, ".localhost", 10) == 0);
}

void
fetch_hop_judge(struct fetch_hop *hop, struct fetch_dns *dns,
    const char *url, fetch_hop_cb done, void *arg)
{
	struct evutil_addrinfo	 hints;
	struct evdns_base	*evdns;
	struct timeval		 now = { 0, 0 };

	hop->refused[0] = '\0';
	hop->judged = done;
	hop->judged_arg = arg;
	if (hop->later == NULL)
		hop->later = evtimer_new(dns->base, fetch_hop_later_cb, hop);
	free(hop->host);
	hop->host = NULL;
	if (hop->allow_private || !fetch_hop_proxied(hop, url) ||
	    (hop->host = fetch_hop_host(url)) == NULL) {
		evtimer_add(hop->later, &now);
		return;
	}
	if (fetch_hop_is_localhost(hop->host)) {
		fetch_hop_refuse(hop, "localhost");
		evtimer_add(hop->later, &now);
		return;
	}
	if ((evdns = fetch_dns_base(dns)) == NULL) {
		evtimer_add(hop->later, &now);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	/* A literal address, or a hosts entry, is answered at once. */
	hop->lookup = evdns_getaddrinfo(evdns, hop->host, NULL, &hints,
	    fetch_hop_lookup_cb, hop);
}

/*
 * libFuzzer target for alert: arbitrary numbers and strings (any bytes,
 * invalid UTF-8, quotes, the very substrings the store's script searches
 * for) must always give parseable JSON, and a "new" alert must keep the
 * splice invariants the Lua script relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert.h"
#include "claim.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Next NUL- or end-terminated field of the input, copied. */
static char *
fuzz_alert_field(const uint8_t **p, const uint8_t *end)
{
	const uint8_t	*q = *p;
	char		*s;

	while (q < end && *q != '\0')
		q++;
	s = xstrndup((const char *)*p, (size_t)(q - *p));
	*p = q < end ? q + 1 : q;
	return s;
}

static void
fuzz_alert_parses(const char *s)
{
	json_t	*j;

	if ((j = json_loads(s, 0, NULL)) == NULL)
		abort();
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t		*p = data, *end = data + size;
	struct claim		 c;
	struct alert_source	 src;
	char			*f[6], *a, *fig, *cj, *at;
	int64_t			 pub;
	size_t			 i;

	if (size < 18)
		return 0;
	memset(&c, 0, sizeof(c));
	memcpy(&c.value, p, 8);
	memcpy(&pub, p + 8, 8);
	c.qualifier = (enum claim_qualifier)(p[16] % 6);
	c.has_max = p[17] & 1;
	c.max = c.value * 2;
	p += 18;
	for (i = 0; i < 6; i++)
		f[i] = fuzz_alert_field(&p, end);
	util_strlcpy(c.entity, f[0], sizeof(c.entity));
	util_strlcpy(c.event, f[1], sizeof(c.event));
	util_strlcpy(c.unit, f[2], sizeof(c.unit));
	claim_make_key(&c);
	src.url = f[3];
	src.title = f[4];
	src.text = f[5];
	src.lang = "id";
	/* Years beyond gmtime's range are the caller's bug, not input. */
	src.published = pub % 100000000000LL;

	cj = alert_claim_json(&c, f[5], strlen(f[5]));
	fig = alert_figure_json(&c, &src);
	a = alert_new_json(&c, &src, f[3], src.published);
	fuzz_alert_parses(cj);
	fuzz_alert_parses(fig);
	fuzz_alert_parses(a);
	/* The script replaces the first "type":"new" and the only
	   "previous":null; both must be the structural ones. */
	if (strncmp(a, "{\"v\":2,\"type\":\"new\",", 20) != 0)
		abort();
	if ((at = strstr(a, "\"previous\":null")) == NULL ||
	    strstr(at + 1, "\"previous\":null") != NULL)
		abort();
	free(cj);
	free(fig);
	free(a);
	for (i = 0; i < 6; i++)
		free(f[i]);
	return 0;
}

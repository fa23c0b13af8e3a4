/*
 * libFuzzer target for alert_fields: any alert text and any template
 * (NUL-separated in the input).  Whatever the alert's strings hold, a
 * JSON template must render to parseable JSON whose values are exactly
 * the fields (no injection), a text template must never gain a line
 * break from a field, and a digest must parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert_fields.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_TMPL_JSON	"{\"t\":\"{{title}}\",\"s\":\"{{summary}}\"," \
			"\"k\":\"{{key}}{{value}}{{nope}}\",\"i\":\"{{id}}\"}"

static void
fuzz_check_json(const struct alert_fields *const *f, const char *const *ids,
    size_t n)
{
	json_t		*j;
	const char	*t;
	char		*s;

	s = alert_render(FUZZ_TMPL_JSON, f, ids, n, true);
	if ((j = json_loads(s, 0, NULL)) == NULL || !json_is_object(j) ||
	    json_object_size(j) != 4)
		abort();
	/* The title comes back as it was: escaped, not interpreted. */
	t = json_string_value(json_object_get(j, "t"));
	if (t == NULL || strcmp(t, f[0]->title != NULL ? f[0]->title : "") != 0)
		abort();
	json_decref(j);
	free(s);
	s = alert_render("{{title}}|{{summary}}|{{text}}", f, ids, n, false);
	if (strpbrk(s, "\r\n") != NULL && n == 1)
		abort();
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alert_fields		 f;
	const struct alert_fields	*fp[2] = { &f, &f };
	const char			*ids[2] = { "1-0", "2-0" }, *al[2];
	char				*alert, *tmpl, *s, err[256];
	const uint8_t			*nul;
	json_t				*j;

	nul = memchr(data, '\0', size);
	alert = xstrndup((const char *)data, nul != NULL ?
	    (size_t)(nul - data) : size);
	tmpl = nul != NULL ? xstrndup((const char *)nul + 1,
	    size - (size_t)(nul - data) - 1) : xstrdup("{{summary}}");
	if (alert_fields_parse(alert, &f, err, sizeof(err)) == 0) {
		fuzz_check_json(fp, ids, 1);
		fuzz_check_json(fp, ids, 2);
		free(alert_render(tmpl, fp, ids, 2, true));
		free(alert_render(tmpl, fp, ids, 1, false));
	}
	alert_fields_free(&f);
	al[0] = alert;
	al[1] = tmpl;
	s = alert_digest_json(al, ids, 2);
	if ((j = json_loads(s, 0, NULL)) == NULL)
		abort();
	json_decref(j);
	free(s);
	free(alert);
	free(tmpl);
	return 0;
}

/*
 * Fuzz target for page: each input line is a stored figure (JSON, as the
 * store keeps them, so every string is attacker-chosen); they make one
 * key's history, rendered as the key page and the index.  Besides memory
 * errors it checks that the markup is page's own whatever the figures
 * say: no tag or attribute from the input (a script element, an event
 * handler), no link but to the site or an http(s) URL.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "look.h"
#include "page.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static bool
fuzz_page_in(const char *word, size_t n, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && strncmp(*list, word, n) == 0)
			return true;
	return false;
}

/*
 * The markup is only what page writes: every '<' opens one of its tags,
 * every attribute is one of its own with a quoted value, and every href
 * is a site path or an http(s) URL.  Anything from the input that got
 * through unescaped breaks one of these.
 */
static void
fuzz_page_check(const char *html)
{
	static const char *const tags[] = { "!DOCTYPE", "html", "head",
	    "meta", "title", "style", "body", "h1", "h2", "p", "a", "table",
	    "thead", "tbody", "tr", "th", "td", "span", "strong", "code", "br",
	    "svg", "line", "text", "path", "rect", "g", "circle", NULL };
	static const char *const attrs[] = { "class", "href", "rel", "lang",
	    "charset", "name", "content", "xmlns", "viewBox", "width",
	    "height", "role", "aria-label", "x", "y", "x1", "y1", "x2", "y2",
	    "cx", "cy", "r", "d", "text-anchor", "data-value",
	    "data-qualifier", NULL };
	const char	*p = html, *q;
	size_t		 n;

	while ((p = strchr(p, '<')) != NULL) {
		p += p[1] == '/' ? 2 : 1;
		n = strcspn(p, " >/");
		if (!fuzz_page_in(p, n, tags))
			abort();
		p += n;
		while (*p == ' ') {
			p++;
			if (strncmp(p, "html", 4) == 0 && p[4] == '>')
				break;		/* <!DOCTYPE html> */
			n = strcspn(p, "=");
			if (!fuzz_page_in(p, n, attrs) || p[n + 1] != '"')
				abort();
			if (strncmp(p, "href", 4) == 0 && p[6] != '/' &&
			    strncasecmp(p + 6, "http://", 7) != 0 &&
			    strncasecmp(p + 6, "https://", 8) != 0)
				abort();
			if ((q = strchr(p + n + 2, '"')) == NULL)
				abort();
			p = q + 1;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct look_history	*h = xcalloc(1, sizeof(*h));
	struct look_keys	 ks;
	struct util_buf		 b = { 0 };
	char			*text, *line, *next, err[128];

	text = xstrndup((const char *)data, size);
	look_key_clear(&h->k);
	h->k.key = xstrdup("fuzz/key/<x>");
	for (line = text; line != NULL && h->nfigs < 64; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		h->figs = xreallocarray(h->figs, h->nfigs + 1,
		    sizeof(*h->figs));
		if (look_figure_parse(&h->figs[h->nfigs], line, err,
		    sizeof(err)) == 0)
			h->nfigs++;
	}
	look_figures_sort(h->figs, h->nfigs);
	if (h->nfigs > 0) {
		h->figs[h->nfigs - 1].current = true;
		h->k.has_figure = look_figure_parse(&h->k.cur, text, err,
		    sizeof(err)) == 0;
		h->k.label = h->figs[0].title != NULL ?
		    xstrdup(h->figs[0].title) : NULL;
	}
	page_key(&b, h);
	fuzz_page_check(b.data);
	util_buf_reset(&b);
	ks.v = &h->k;
	ks.n = 1;
	page_index(&b, &ks, 0);
	fuzz_page_check(b.data);
	util_buf_free(&b);
	look_history_free(h);
	free(text);
	return 0;
}

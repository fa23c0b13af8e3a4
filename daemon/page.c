/*
 * page: HTML and SVG for the look-back page.  Pure: look data in, bytes
 * appended to a buffer out.  The document carries its own CSS and draws
 * the chart as inline SVG so it works offline and without JavaScript.
 * Feed strings (titles, URLs, labels) are hostile: every one passes
 * page_escape, the one escaping function, and only http(s) URLs are
 * linked (no javascript: or data: href can reach the page).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "look.h"
#include "page.h"
#include "util.h"

/* Chart geometry, in SVG user units. */
#define PAGE_W		760
#define PAGE_H		320
#define PAGE_ML		80	/* left margin: y labels */
#define PAGE_MR		24
#define PAGE_MT		20
#define PAGE_MB		44	/* bottom margin: x labels */

static const char page_css[] =
"body{font:15px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:62em;"
"padding:0 1em;color:#1b1b1b;background:#fff}"
"h1{font-size:1.4em}table{border-collapse:collapse;width:100%}"
"th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #ddd;"
"vertical-align:top}th{background:#f3f3f3}td.n{text-align:right;"
"font-variant-numeric:tabular-nums}a{color:#0645ad}"
".muted{color:#777}.cur{font-weight:bold}.rej{color:#999;"
"text-decoration:line-through}svg{max-width:100%;height:auto;"
"background:#fafafa;border:1px solid #ddd}"
".step{fill:none;stroke:#c0392b;stroke-width:2.5}"
".band{fill:#c0392b;fill-opacity:.18}"
".pt{fill:#c0392b;stroke:#c0392b;stroke-width:2}"
".open{fill:#fff}.hist{fill:#888;stroke:#888}"
".rejected{fill:#fff;stroke:#aaa;stroke-dasharray:2 2}"
".axis{stroke:#444;stroke-width:1}.grid{stroke:#ddd;stroke-width:1}"
".lbl{font-size:12px;fill:#444}";

void
page_escape(struct util_buf *b, const char *s)
{
	const char	*p, *rep;

	if (s == NULL)
		return;
	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			util_buf_append(b, p, 1);
			continue;
		}
		util_buf_append(b, rep, strlen(rep));
	}
}

void
page_url_key(struct util_buf *b, const char *key)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)key; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL)
			util_buf_append(b, p, 1);
		else
			util_buf_printf(b, "%%%02X", *p);
	}
}

static void
page_head(struct util_buf *b, const char *title)
{
	util_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width\"><title>");
	page_escape(b, title);
	util_buf_printf(b, " - claimwatch</title><style>%s</style></head>"
	    "<body>\n", page_css);
}

static void
page_tail(struct util_buf *b)
{
	util_buf_printf(b, "</body></html>\n");
}

/* The figure as people read it: "14000", "100-200", "at least 3000". */
static void
page_figure(struct util_buf *b, const struct look_figure *f)
{
	const char	*q = f->qualifier != NULL ? f->qualifier : "";
	char		 v[80];

	if (f->has_max)
		snprintf(v, sizeof(v), "%.15g&ndash;%.15g", f->value, f->max);
	else
		snprintf(v, sizeof(v), "%.15g", f->value);
	if (strcmp(q, "at_least") == 0)
		util_buf_printf(b, "at least %s", v);
	else if (strcmp(q, "at_most") == 0)
		util_buf_printf(b, "at most %s", v);
	else if (strcmp(q, "approx") == 0)
		util_buf_printf(b, "about %s", v);
	else if (strcmp(q, "vague") == 0)
		util_buf_printf(b, "%s+ (vague)", v);
	else
		util_buf_printf(b, "%s", v);
}

static void
page_time(struct util_buf *b, int64_t t, bool date_only)
{
	char	 iso[32];

	if (t == LOOK_NO_TIME || t == 0) {
		util_buf_printf(b, "&ndash;");
		return;
	}
	util_iso8601(t, iso, sizeof(iso));
	if (date_only)
		iso[10] = '\0';
	else {
		iso[16] = '\0';	/* "2024-10-14 07:00" */
		iso[10] = ' ';
	}
	util_buf_printf(b, "%s", iso);
}

/* <a href=URL>text</a> when url is http(s), else the text alone. */
static void
page_link(struct util_buf *b, const char *url, const char *text)
{
	if (look_url_is_web(url)) {
		util_buf_printf(b, "<a href=\"");
		page_escape(b, url);
		util_buf_printf(b, "\" rel=\"noreferrer\">");
		page_escape(b, text);
		util_buf_printf(b, "</a>");
	} else
		page_escape(b, text);
}

static void
page_index_row(struct util_buf *b, const struct look_key *k, bool first)
{
	util_buf_printf(b, "<tr><td>");
	if (first)
		page_escape(b, look_label(k));
	util_buf_printf(b, "</td><td><a class=\"key\" href=\"/key/");
	page_url_key(b, k->key);
	util_buf_printf(b, "\">");
	page_escape(b, k->key);
	util_buf_printf(b, "</a>%s</td><td class=\"n fig\">",
	    k->muted ? " <span class=\"muted\">(muted)</span>" : "");
	page_figure(b, &k->cur);
	util_buf_printf(b, "</td><td>");
	page_time(b, k->cur.published, true);
	util_buf_printf(b, "</td><td>");
	page_time(b, k->updated, false);
	util_buf_printf(b, "</td><td class=\"n\">%ld</td></tr>\n",
	    k->sources);
}

/*
 * Stories in the order of their newest change, each with its quantities
 * (in the order given: newest change first); a key without a story label
 * is a story of its own, named by its key.
 */
void
page_index(struct util_buf *b, const struct look_keys *ks, int64_t now)
{
	bool	*done;
	size_t	 i, j;

	page_head(b, "Figures");
	util_buf_printf(b, "<h1>Figures</h1><p class=\"muted\">%zu "
	    "quantities, newest change first; as of ", ks->n);
	page_time(b, now, false);
	util_buf_printf(b, " UTC. <a href=\"/api/figures\">JSON</a></p>\n"
	    "<table><thead><tr><th>Story</th><th>Quantity</th>"
	    "<th>Current figure</th><th>Published</th><th>Last change</th>"
	    "<th>Sources</th></tr></thead><tbody>\n");
	done = xcalloc(ks->n + 1, sizeof(*done));
	for (i = 0; i < ks->n; i++) {
		if (done[i])
			continue;
		page_index_row(b, &ks->v[i], true);
		for (j = i + 1; j < ks->n; j++)
			if (!done[j] && strcmp(look_label(&ks->v[i]),
			    look_label(&ks->v[j])) == 0) {
				done[j] = true;
				page_index_row(b, &ks->v[j], false);
			}
	}
	free(done);
	util_buf_printf(b, "</tbody></table>\n");
	page_tail(b);
}

/* The chart's time and value ranges. */
struct page_scale {
	double	 t0, t1;	/* seconds at the left and right edges */
	double	 ymax;		/* value at the top */
	double	 ystep;		/* between y grid lines */
};

static int64_t
page_when(const struct look_figure *f)
{
	return f->published != LOOK_NO_TIME ? f->published : f->first_seen;
}

static double
page_x(const struct page_scale *s, int64_t t)
{
	return PAGE_ML + ((double)t - s->t0) / (s->t1 - s->t0) *
	    (PAGE_W - PAGE_ML - PAGE_MR);
}

static double
page_y(const struct page_scale *s, double v)
{
	if (v > s->ymax)
		v = s->ymax;
	return PAGE_H - PAGE_MB - v / s->ymax * (PAGE_H - PAGE_MT - PAGE_MB);
}

/* Ranges with a margin, and a y step of 1, 2 or 5 times a power of ten. */
static bool
page_scale(struct page_scale *s, const struct look_history *h)
{
	double	 top = 0, raw, mag;
	int64_t	 t, lo = INT64_MAX, hi = INT64_MIN;
	size_t	 i;

	for (i = 0; i < h->nfigs; i++) {
		if ((t = page_when(&h->figs[i])) == LOOK_NO_TIME)
			continue;
		lo = t < lo ? t : lo;
		hi = t > hi ? t : hi;
		top = fmax(top, h->figs[i].value);
		if (h->figs[i].has_max)
			top = fmax(top, h->figs[i].max);
	}
	if (lo > hi)
		return false;
	raw = (double)(hi - lo);
	if (raw < 86400)
		raw = 86400;
	s->t0 = (double)lo - raw * 0.06;
	s->t1 = (double)hi + raw * 0.06;
	if (!(top > 0) || !isfinite(top))
		top = 1;
	raw = top * 1.15 / 5;
	mag = pow(10, floor(log10(raw)));
	s->ystep = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag :
	    raw <= 5 * mag ? 5 * mag : 10 * mag;
	s->ymax = ceil(top * 1.15 / s->ystep) * s->ystep;
	return true;
}

static void
page_axes(struct util_buf *b, const struct page_scale *s)
{
	double	 v, y, xl = PAGE_ML, xr = PAGE_W - PAGE_MR;
	double	 yb = PAGE_H - PAGE_MB;
	int	 i;

	for (v = 0; v <= s->ymax * 1.0001; v += s->ystep) {
		y = page_y(s, v);
		util_buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" "
		    "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/><text "
		    "class=\"lbl\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">"
		    "%.15g</text>\n", xl, y, xr, y, xl - 6, y + 4, v);
	}
	util_buf_printf(b, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" "
	    "x2=\"%.1f\" y2=\"%.1f\"/>\n", xl, yb, xr, yb);
	for (i = 0; i <= 4; i++) {
		double	 t = s->t0 + (s->t1 - s->t0) * (0.06 + 0.88 * i / 4.0);
		char	 iso[32];

		util_iso8601((int64_t)t, iso, sizeof(iso));
		iso[10] = '\0';
		util_buf_printf(b, "<text class=\"lbl\" x=\"%.1f\" y=\"%.1f\" "
		    "text-anchor=\"middle\">%s</text>\n",
		    page_x(s, (int64_t)t), yb + 18, iso);
	}
}

/* Whether f was the current figure in its time (it draws the line). */
static bool
page_on_line(const struct look_figure *f)
{
	return !f->rejected && f->role != LOOK_ROLE_HISTORY &&
	    page_when(f) != LOOK_NO_TIME;
}

/* The step line and range bands through the figures current in turn. */
static void
page_steps(struct util_buf *b, const struct page_scale *s,
    const struct look_history *h)
{
	const struct look_figure	*f, *next;
	struct util_buf			 path = { 0 };
	double				 x, xn;
	size_t				 i, j;

	for (i = 0; i < h->nfigs; i++) {
		f = &h->figs[i];
		if (!page_on_line(f))
			continue;
		for (j = i + 1, next = NULL; j < h->nfigs; j++)
			if (page_on_line(&h->figs[j])) {
				next = &h->figs[j];
				break;
			}
		x = page_x(s, page_when(f));
		xn = next != NULL ? page_x(s, page_when(next)) :
		    PAGE_W - PAGE_MR;
		if (path.len == 0)
			util_buf_printf(&path, "M%.1f %.1f", x,
			    page_y(s, f->value));
		else
			util_buf_printf(&path, " H%.1f V%.1f", x,
			    page_y(s, f->value));
		if (next == NULL)
			util_buf_printf(&path, " H%.1f", xn);
		if (f->has_max)
			util_buf_printf(b, "<rect class=\"band\" x=\"%.1f\" "
			    "y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>\n", x,
			    page_y(s, f->max), xn - x, page_y(s, f->value) -
			    page_y(s, f->max));
	}
	if (path.len > 0)
		util_buf_printf(b, "<path class=\"step\" d=\"%s\"/>\n",
		    path.data);
	util_buf_free(&path);
}

/* One point: an open marker for "at least", grey for history only and
   rejected, a link to its source with the title as tooltip. */
static void
page_point(struct util_buf *b, const struct page_scale *s,
    const struct look_figure *f)
{
	const char	*q = f->qualifier != NULL ? f->qualifier : "";
	double		 x = page_x(s, page_when(f)), y = page_y(s, f->value);
	bool		 link = look_url_is_web(f->url);

	if (link) {
		util_buf_printf(b, "<a class=\"src\" href=\"");
		page_escape(b, f->url);
		util_buf_printf(b, "\">");
	}
	util_buf_printf(b, "<g><title>");
	page_figure(b, f);
	util_buf_printf(b, " (");
	page_escape(b, q);
	util_buf_printf(b, "): ");
	page_escape(b, f->title != NULL ? f->title : "no title");
	util_buf_printf(b, "</title>");
	if (f->has_max)
		util_buf_printf(b, "<line class=\"pt\" x1=\"%.1f\" y1=\"%.1f\" "
		    "x2=\"%.1f\" y2=\"%.1f\"/>", x, y, x, page_y(s, f->max));
	util_buf_printf(b, "<circle class=\"pt%s%s%s\" data-value=\"%.15g\" "
	    "data-qualifier=\"", strcmp(q, "at_least") == 0 ? " open" : "",
	    f->role == LOOK_ROLE_HISTORY ? " hist" : "",
	    f->rejected ? " rejected" : "", f->value);
	page_escape(b, q);
	util_buf_printf(b, "\" cx=\"%.1f\" cy=\"%.1f\" r=\"%d\"/></g>", x, y,
	    f->current ? 7 : 5);
	util_buf_printf(b, "%s\n", link ? "</a>" : "");
}

void
page_chart(struct util_buf *b, const struct look_history *h)
{
	struct page_scale	 s;
	size_t			 i;

	util_buf_printf(b, "<svg class=\"chart\" xmlns=\"http://www.w3.org/"
	    "2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
	    "role=\"img\" aria-label=\"figures of ", PAGE_W, PAGE_H, PAGE_W,
	    PAGE_H);
	page_escape(b, h->k.key);
	util_buf_printf(b, " over time\">\n");
	if (!page_scale(&s, h)) {
		util_buf_printf(b, "<text class=\"lbl\" x=\"%d\" y=\"%d\" "
		    "text-anchor=\"middle\">no dated figures</text></svg>\n",
		    PAGE_W / 2, PAGE_H / 2);
		return;
	}
	page_axes(b, &s);
	page_steps(b, &s, h);
	for (i = 0; i < h->nfigs; i++)
		if (page_when(&h->figs[i]) != LOOK_NO_TIME)
			page_point(b, &s, &h->figs[i]);
	util_buf_printf(b, "</svg>\n");
}

static const char *
page_role(const struct look_figure *f)
{
	if (f->rejected)
		return "rejected source";
	if (f->role == LOOK_ROLE_HISTORY)
		return "history only (older than the figure then current)";
	if (f->role == LOOK_ROLE_CORRECTION)
		return "editor's correction";
	return f->current ? "current" : "reported";
}

/* One history row; the current figure lists its other sources too. */
static void
page_history_row(struct util_buf *b, const struct look_figure *f)
{
	char	 host[256];
	size_t	 i;

	util_buf_printf(b, "<tr class=\"%s\"><td>", f->current ? "cur" :
	    f->rejected ? "rej" : "");
	page_time(b, f->published, true);
	util_buf_printf(b, "</td><td class=\"n fig\">");
	page_figure(b, f);
	util_buf_printf(b, "</td><td>");
	page_escape(b, f->qualifier);
	util_buf_printf(b, "</td><td>%s</td><td>", page_role(f));
	look_host(f->url, host, sizeof(host));
	page_escape(b, host[0] != '\0' ? host : f->editor);
	util_buf_printf(b, "</td><td>");
	page_link(b, f->url, f->title != NULL ? f->title : f->url);
	if (f->note != NULL) {
		util_buf_printf(b, " <span class=\"muted\">");
		page_escape(b, f->note);
		util_buf_printf(b, "</span>");
	}
	for (i = 0; f->current && i < f->nsources; i++) {
		if (f->url != NULL && strcmp(f->url, f->sources[i]) == 0)
			continue;
		util_buf_printf(b, "<br>also: ");
		page_link(b, f->sources[i], f->sources[i]);
	}
	util_buf_printf(b, "</td><td>");
	page_time(b, f->first_seen, false);
	util_buf_printf(b, "</td></tr>\n");
}

static void
page_log(struct util_buf *b, const struct look_history *h)
{
	size_t	 i;

	if (h->nlog == 0)
		return;
	util_buf_printf(b, "<h2>Editor's log</h2><table><thead><tr>"
	    "<th>When</th><th>Who</th><th>Action</th><th>Detail</th></tr>"
	    "</thead><tbody>\n");
	for (i = 0; i < h->nlog; i++) {
		util_buf_printf(b, "<tr><td>");
		page_time(b, h->log[i].at, false);
		util_buf_printf(b, "</td><td>");
		page_escape(b, h->log[i].who);
		util_buf_printf(b, "</td><td>");
		page_escape(b, h->log[i].action);
		util_buf_printf(b, "</td><td>");
		page_escape(b, h->log[i].detail);
		util_buf_printf(b, "</td></tr>\n");
	}
	util_buf_printf(b, "</tbody></table>\n");
}

void
page_key(struct util_buf *b, const struct look_history *h)
{
	const struct look_key	*k = &h->k;
	size_t			 i;

	page_head(b, look_label(k));
	util_buf_printf(b, "<p><a href=\"/\">&larr; all figures</a></p>"
	    "<h1>");
	page_escape(b, look_label(k));
	util_buf_printf(b, "</h1>\n<p>Quantity <code class=\"key\">");
	page_escape(b, k->key);
	util_buf_printf(b, "</code>%s. ", k->muted ? " (muted: no alerts)" :
	    "");
	if (k->has_figure) {
		util_buf_printf(b, "Current figure <strong class=\"fig\">");
		page_figure(b, &k->cur);
		util_buf_printf(b, "</strong>, published ");
		page_time(b, k->cur.published, true);
		util_buf_printf(b, ", %ld source%s, last change ", k->sources,
		    k->sources == 1 ? "" : "s");
		page_time(b, k->updated, false);
		util_buf_printf(b, " UTC.");
	} else
		util_buf_printf(b, "No current figure.");
	util_buf_printf(b, " <a href=\"/api/history?key=");
	page_url_key(b, k->key);
	util_buf_printf(b, "\">JSON</a></p>\n");
	page_chart(b, h);
	util_buf_printf(b, "<p class=\"muted\">Step line: the figure current "
	    "in turn; band: a range; open marker: &ldquo;at least&rdquo;; "
	    "grey: history only; dashed: rejected source. Each point links "
	    "to its source.</p>\n<h2>History</h2><table><thead><tr>"
	    "<th>Published</th><th>Figure</th><th>Qualifier</th><th>Role</th>"
	    "<th>Outlet</th><th>Source</th><th>First seen</th></tr></thead>"
	    "<tbody>\n");
	for (i = h->nfigs; i > 0; i--)
		page_history_row(b, &h->figs[i - 1]);
	util_buf_printf(b, "</tbody></table>\n");
	page_log(b, h);
	page_tail(b);
}

void
page_message(struct util_buf *b, int code, const char *text)
{
	char	 title[16];

	snprintf(title, sizeof(title), "%d", code);
	page_head(b, title);
	util_buf_printf(b, "<h1>%d</h1><p>", code);
	page_escape(b, text);
	util_buf_printf(b, "</p><p><a href=\"/\">all figures</a></p>");
	page_tail(b);
}

/*
 * article: an HTML page → its main text, for feeds whose items carry one
 * sentence while the figures are in the article.  libxml2's HTML parser
 * (network off, from memory) builds the tree; boilerplate is dropped by
 * element (nav, header, footer, aside, form, script ...), by ARIA role and
 * by class or id words (comment, share, related, "baca-juga", trending,
 * ads ...); then, as readability does, each paragraph of 25+ characters
 * scores its parent and half its grandparent, and the paragraphs under
 * the best-scoring container form the text, minus link lists and "Baca
 * juga:" lines.  Pure: never logs, never fetches what the page names, and
 * the xmlDoc is freed before returning.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "article.h"
#include "util.h"

#define ARTICLE_MAX_INPUT	(16 * 1024 * 1024)
#define ARTICLE_MAX_OUTPUT	(256 * 1024)
#define ARTICLE_MAX_DEPTH	200
#define ARTICLE_MIN_PARA	25	/* bytes for a paragraph to score */
/*
 * libxml2 builds the whole tree of a page (about 190 bytes a node: 8 MB
 * of <b></b> cost 216 MB) and checks attributes for duplicates in
 * quadratic time (83,000 on one element: 18 s).  News pages hold a few
 * thousand elements of a few dozen attributes; the byte pre-scan refuses
 * more before libxml2 sees the page.
 */
#define ARTICLE_MAX_NODES	100000
#define ARTICLE_MAX_ATTRS	128

/* One paragraph of text and the container it scores. */
struct article_para {
	const xmlNode	*parent;	/* the element holding the text */
	char		*text;		/* whitespace-collapsed UTF-8 */
	size_t		 len;
	size_t		 link_len;	/* characters inside <a> */
};

struct article_cand {
	const xmlNode	*node;
	double		 score;
};

struct article {
	struct article_para	*paras;
	size_t			 npara, cpara;
	struct article_cand	*cands;
	size_t			 ncand, ccand;
	struct util_buf		 cur;		/* paragraph being built */
	size_t			 cur_links;
	bool			 cur_space;
};

static bool
article_name_in(const xmlNode *n, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcasecmp((const char *)n->name, *names) == 0)
			return true;
	return false;
}

/* Elements that never hold article text. */
static bool
article_is_junk_element(const xmlNode *n)
{
	static const char *const junk[] = { "script", "style", "noscript",
	    "nav", "header", "footer", "aside", "form", "iframe", "button",
	    "svg", "select", "input", "textarea", "template", "object",
	    "embed", "menu", "dialog", "figure", "head", NULL };

	return article_name_in(n, junk);
}

/* Class and id words that mark boilerplate, in English and Indonesian. */
static bool
article_is_junk_word(const char *w, size_t n)
{
	static const char *const words[] = { "comment", "comments",
	    "komentar", "share", "sharing", "social", "sosmed", "related",
	    "terkait", "bacajuga", "baca", "readalso", "read-also",
	    "trending", "populer", "terpopuler", "popular", "sidebar",
	    "widget", "ad", "ads", "advert", "advertisement", "iklan",
	    "banner", "promo", "newsletter", "subscribe", "breadcrumb",
	    "breadcrumbs", "tags", "tag", "footer", "header", "nav", "navbar",
	    "menu", "cookie", "consent", "recommended", "rekomendasi",
	    "outbrain", "taboola", "disqus", "author-box", "paging",
	    "pagination", "modal", "popup", "hidden", NULL };
	const char *const	*p;

	for (p = words; *p != NULL; p++)
		if (strlen(*p) == n && strncasecmp(*p, w, n) == 0)
			return true;
	return false;
}

/*
 * True when a class or id value names boilerplate: each space-separated
 * token is checked whole ("baca-juga") and by its parts ("post-share").
 */
static bool
article_is_junk_attr(const char *v)
{
	const char	*t, *p;
	size_t		 tlen, plen;
	char		 joined[64];
	size_t		 j;

	while (*v != '\0') {
		while (isspace((unsigned char)*v))
			v++;
		t = v;
		while (*v != '\0' && !isspace((unsigned char)*v))
			v++;
		if ((tlen = (size_t)(v - t)) == 0)
			break;
		if (article_is_junk_word(t, tlen))
			return true;
		/* "baca-juga", "read_also" → "bacajuga", "readalso". */
		for (j = 0, p = t; p < v && j + 1 < sizeof(joined); p++)
			if (*p != '-' && *p != '_')
				joined[j++] = *p;
		joined[j] = '\0';
		if (article_is_junk_word(joined, j))
			return true;
		for (p = t; p < v; p += plen + 1) {
			plen = strcspn(p, "-_ \t\n");
			if (p + plen > v)
				plen = (size_t)(v - p);
			if (plen > 0 && article_is_junk_word(p, plen))
				return true;
		}
	}
	return false;
}

static bool
article_is_junk(const xmlNode *n)
{
	static const char *const roles[] = { "navigation", "complementary",
	    "contentinfo", "banner", "search", "dialog", NULL };
	xmlChar		*v;
	bool		 junk = false;
	size_t		 i;

	static const char *const keep[] = { "html", "body", "main", "article",
	    NULL };

	if (article_is_junk_element(n))
		return true;
	/* "has-sidebar" on <body> describes the page, not the element. */
	if (article_name_in(n, keep))
		return false;
	if ((v = xmlGetProp(n, (const xmlChar *)"role")) != NULL) {
		for (i = 0; roles[i] != NULL; i++)
			if (strcasecmp((const char *)v, roles[i]) == 0)
				junk = true;
		xmlFree(v);
	}
	if (!junk && (v = xmlGetProp(n, (const xmlChar *)"class")) != NULL) {
		junk = article_is_junk_attr((const char *)v);
		xmlFree(v);
	}
	if (!junk && (v = xmlGetProp(n, (const xmlChar *)"id")) != NULL) {
		junk = article_is_junk_attr((const char *)v);
		xmlFree(v);
	}
	if (!junk && (v = xmlGetProp(n, (const xmlChar *)"hidden")) != NULL) {
		junk = true;
		xmlFree(v);
	}
	return junk;
}

/* Elements that end a paragraph. */
static bool
article_is_block(const xmlNode *n)
{
	static const char *const blocks[] = { "p", "div", "br", "li", "ul",
	    "ol", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td",
	    "th", "blockquote", "pre", "hr", "section", "article", "main",
	    "body", "dl", "dt", "dd", "center", "address", "figcaption",
	    NULL };

	return article_name_in(n, blocks);
}

/* Appends text with whitespace collapsed; invalid UTF-8 → U+FFFD. */
static void
article_text_add(struct article *a, const char *s, bool link)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), i = 0, k, before;
	uint32_t		 cp;

	while (i < n) {
		if (isspace(p[i]) || (p[i] == 0xc2 && p[i + 1] == 0xa0)) {
			a->cur_space = a->cur.len > 0;
			i += isspace(p[i]) ? 1 : 2;
			continue;
		}
		if (a->cur.len > ARTICLE_MAX_OUTPUT)
			return;
		if (a->cur_space) {
			util_buf_append(&a->cur, " ", 1);
			a->cur_space = false;
		}
		if ((k = util_utf8_decode(s + i, n - i, &cp)) == 0) {
			util_buf_append(&a->cur, "\xef\xbf\xbd", 3);
			i++;
			continue;
		}
		before = a->cur.len;
		util_buf_append(&a->cur, s + i, k);
		if (link)
			a->cur_links += a->cur.len - before;
		i += k;
	}
}

static void
article_cand_add(struct article *a, const xmlNode *n, double score)
{
	size_t	 i;

	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return;
	for (i = 0; i < a->ncand; i++)
		if (a->cands[i].node == n) {
			a->cands[i].score += score;
			return;
		}
	if (a->ncand == a->ccand) {
		a->ccand = a->ccand ? a->ccand * 2 : 16;
		a->cands = xreallocarray(a->cands, a->ccand,
		    sizeof(*a->cands));
	}
	a->cands[a->ncand].node = n;
	a->cands[a->ncand++].score = score;
}

/* Closes the paragraph being built; it belongs to container. */
static void
article_flush(struct article *a, const xmlNode *container)
{
	struct article_para	*p;
	const char		*s;
	double			 score;

	if (a->cur.len == 0)
		return;
	if (a->npara == a->cpara) {
		a->cpara = a->cpara ? a->cpara * 2 : 32;
		a->paras = xreallocarray(a->paras, a->cpara,
		    sizeof(*a->paras));
	}
	p = &a->paras[a->npara++];
	p->parent = container;
	p->text = xstrndup(a->cur.data, a->cur.len);
	p->len = a->cur.len;
	p->link_len = a->cur_links;
	if (p->len >= ARTICLE_MIN_PARA && p->link_len * 2 < p->len) {
		/* Readability: one point, one per comma, one per 100 chars. */
		score = 1;
		for (s = p->text; (s = strchr(s, ',')) != NULL; s++)
			score++;
		score += p->len / 100 > 3 ? 3 : (double)(p->len / 100);
		if (container != NULL && container->parent != NULL) {
			article_cand_add(a, container->parent, score);
			article_cand_add(a, container->parent->parent,
			    score / 2);
		}
	}
	util_buf_reset(&a->cur);
	a->cur_links = 0;
	a->cur_space = false;
}

/* Gathers paragraphs under n; container is the nearest block ancestor. */
static void
article_walk(struct article *a, const xmlNode *n, const xmlNode *container,
    bool link, int depth)
{
	const xmlNode	*c;
	bool		 block;

	if (depth > ARTICLE_MAX_DEPTH)
		return;
	for (c = n->children; c != NULL; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type ==
		    XML_CDATA_SECTION_NODE) {
			if (c->content != NULL)
				article_text_add(a, (const char *)c->content,
				    link);
			continue;
		}
		if (c->type != XML_ELEMENT_NODE || article_is_junk(c))
			continue;
		block = article_is_block(c);
		if (block)
			article_flush(a, container);
		article_walk(a, c, block ? c : container, link ||
		    strcasecmp((const char *)c->name, "a") == 0, depth + 1);
		if (block)
			article_flush(a, c);
	}
}

static bool
article_is_within(const xmlNode *n, const xmlNode *anc)
{
	for (; n != NULL; n = n->parent)
		if (n == anc)
			return true;
	return false;
}

/* Lines that are boilerplate even inside the article body. */
static bool
article_is_junk_para(const struct article_para *p)
{
	static const char *const prefixes[] = { "baca juga", "baca:",
	    "read also", "read more", "see also", "simak juga", "lihat juga",
	    "advertisement", "scroll to continue", "bagikan", "share this",
	    "tonton juga", "ikuti kami", "follow us", "leave a comment",
	    "tinggalkan komentar", "berita terkait", "artikel terkait",
	    NULL };
	const char *const	*q;

	for (q = prefixes; *q != NULL; q++)
		if (strncasecmp(p->text, *q, strlen(*q)) == 0)
			return true;
	/* A line that is mostly links is a list of other articles. */
	return p->link_len * 2 > p->len;
}

char *
article_text(const char *html, size_t len, const char *content_type,
    char *err, size_t errlen)
{
	struct article	 a;
	struct util_buf	 out = { 0 };
	const xmlNode	*best = NULL, *body;
	htmlDocPtr	 doc;
	const char	*cs;
	char		 enc[41], reason[160];
	double		 top = 0;
	size_t		 i, n;

	if (html == NULL || len == 0) {
		snprintf(err, errlen, "empty page");
		return NULL;
	}
	if (len > ARTICLE_MAX_INPUT || len > INT32_MAX) {
		snprintf(err, errlen, "page too large: %zu bytes", len);
		return NULL;
	}
	if (util_markup_check(html, len, ARTICLE_MAX_ATTRS, ARTICLE_MAX_NODES,
	    reason, sizeof(reason)) == -1) {
		snprintf(err, errlen, "page refused: %s", reason);
		return NULL;
	}
	enc[0] = '\0';
	if (content_type != NULL &&
	    (cs = strcasestr(content_type, "charset=")) != NULL) {
		cs += 8;
		n = strcspn(cs, "; \t\"'");
		if (n > 0 && n < sizeof(enc)) {
			memcpy(enc, cs, n);
			enc[n] = '\0';
		}
		/* As browsers do: latin-1 labels mean windows-1252. */
		if (strcasecmp(enc, "iso-8859-1") == 0 ||
		    strcasecmp(enc, "us-ascii") == 0)
			util_strlcpy(enc, "windows-1252", sizeof(enc));
	}
	doc = htmlReadMemory(html, (int)len, NULL, enc[0] ? enc : NULL,
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_RECOVER | HTML_PARSE_COMPACT);
	if (doc == NULL || (body = xmlDocGetRootElement(doc)) == NULL) {
		xmlFreeDoc(doc);
		snprintf(err, errlen, "not HTML");
		return NULL;
	}
	memset(&a, 0, sizeof(a));
	article_walk(&a, body, body, false, 0);
	article_flush(&a, body);
	for (i = 0; i < a.ncand; i++)
		if (a.cands[i].score > top) {
			top = a.cands[i].score;
			best = a.cands[i].node;
		}
	for (i = 0; i < a.npara; i++) {
		if (best != NULL && !article_is_within(a.paras[i].parent,
		    best))
			continue;
		if (article_is_junk_para(&a.paras[i]) ||
		    out.len > ARTICLE_MAX_OUTPUT)
			continue;
		if (out.len > 0)
			util_buf_append(&out, "\n\n", 2);
		util_buf_append(&out, a.paras[i].text, a.paras[i].len);
	}
	for (i = 0; i < a.npara; i++)
		free(a.paras[i].text);
	free(a.paras);
	free(a.cands);
	util_buf_free(&a.cur);
	xmlFreeDoc(doc);
	if (out.len == 0) {
		util_buf_free(&out);
		snprintf(err, errlen, "no main text found");
		return NULL;
	}
	return out.data;
}

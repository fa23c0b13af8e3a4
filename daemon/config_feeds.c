/*
 * config_feeds: the feed list, either a plain list (one URL per line, '#'
 * comments, "key=value" options after the URL) or OPML 2.0 (recognised by
 * its content, parsed by libxml2 from memory with the network, external
 * DTDs and entity declarations refused), into an array of struct
 * config_feed.  Every URL is checked and duplicates are found with a hash
 * table, so lists of tens of thousands of feeds load in linear time.  It
 * must never log or fetch anything: errors are "FILE:LINE: message".
 */
#include <sys/stat.h>

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "config.h"
#include "config_int.h"
#include "util.h"

/* The list being built and the index that finds duplicate URLs. */
struct config_feeds_list {
	const char		*path;
	struct config_feed	*feeds;
	size_t			 nfeeds;
	size_t			 cap;
	size_t			*slots;		/* index + 1, 0 is empty */
	size_t			 nslots;	/* a power of two */
	char			*err;
	size_t			 errlen;
	int			 xml_line;	/* first XML error */
	char			 xml_msg[256];
	int			 ent_line;	/* first entity declaration */
	void			(*report)(const char *, void *);
	void			*report_arg;	/* every error, when set */
	size_t			 nreported;
};

static const char *const config_feeds_options[] = {
	"interval", "lang", "articles", NULL
};

/*
 * URLs compare equal when they differ only in the case of the scheme and
 * host: both name the same feed, and polling it twice would alert twice.
 */
static size_t
config_feeds_authority_end(const char *url)
{
	const char	*p = strstr(url, "://");

	if (p == NULL)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

static uint64_t
config_feeds_url_hash(const char *url)
{
	size_t		 end = config_feeds_authority_end(url), i;
	uint64_t	 h = UTIL_HASH_SEED;
	char		 c;

	for (i = 0; i < end; i++) {
		c = (char)tolower((unsigned char)url[i]);
		h = util_hash64(&c, 1, h);
	}
	return util_hash64(url + end, strlen(url + end), h);
}

static bool
config_feeds_url_eq(const char *a, const char *b)
{
	size_t	 ea = config_feeds_authority_end(a);

	if (ea != config_feeds_authority_end(b))
		return false;
	return strncasecmp(a, b, ea) == 0 && strcmp(a + ea, b + ea) == 0;
}

/* Returns the index of an equal URL already listed, or SIZE_MAX. */
static size_t
config_feeds_index_find(struct config_feeds_list *l, const char *url,
    size_t *slot)
{
	size_t	 mask = l->nslots - 1, i, idx;

	i = (size_t)config_feeds_url_hash(url) & mask;
	while ((idx = l->slots[i]) != 0) {
		if (config_feeds_url_eq(l->feeds[idx - 1].url, url))
			return idx - 1;
		i = (i + 1) & mask;
	}
	*slot = i;
	return SIZE_MAX;
}

static void
config_feeds_index_grow(struct config_feeds_list *l)
{
	size_t	 i, slot;

	if (l->nslots != 0 && l->nfeeds * 2 < l->nslots)
		return;
	free(l->slots);
	l->nslots = l->nslots == 0 ? 64 : l->nslots * 2;
	l->slots = xcalloc(l->nslots, sizeof(*l->slots));
	for (i = 0; i < l->nfeeds; i++) {
		(void)config_feeds_index_find(l, l->feeds[i].url, &slot);
		l->slots[slot] = i + 1;
	}
}

/*
 * Adds a feed for url (checked here) and returns it for its options to be
 * set; NULL after filling the error.
 */
static struct config_feed *
config_feeds_add(struct config_feeds_list *l, const char *url, int line)
{
	struct config_feed	*f;
	char			 msg[CONFIG_ERR_LEN], show[256];
	unsigned		 proto;
	size_t			 dup, slot;

	if (config_parse_feed_url(url, &proto, msg, sizeof(msg)) == -1) {
		config_errf(l->err, l->errlen, l->path, line, "%s", msg);
		return NULL;
	}
	if (l->nfeeds >= CONFIG_FEEDS_MAX) {
		config_errf(l->err, l->errlen, l->path, line, "more than %d "
		    "feeds in one list", CONFIG_FEEDS_MAX);
		return NULL;
	}
	config_feeds_index_grow(l);
	if ((dup = config_feeds_index_find(l, url, &slot)) != SIZE_MAX) {
		config_url_redact(url, show, sizeof(show));
		config_errf(l->err, l->errlen, l->path, line, "duplicate feed "
		    "'%s' (first at line %d)", show, l->feeds[dup].line);
		return NULL;
	}
	if (l->nfeeds == l->cap) {
		l->cap = l->cap == 0 ? 64 : l->cap * 2;
		l->feeds = xreallocarray(l->feeds, l->cap, sizeof(*l->feeds));
	}
	f = &l->feeds[l->nfeeds];
	memset(f, 0, sizeof(*f));
	f->url = xstrdup(url);
	f->line = line;
	l->slots[slot] = ++l->nfeeds;
	return f;
}

/* One "name=value" option of a feed, from either list format. */
static int
config_feeds_option(struct config_feeds_list *l, struct config_feed *f,
    const char *name, const char *value, unsigned *seen, int line)
{
	char		 msg[CONFIG_ERR_LEN];
	const char	*hint;
	long		 v;
	size_t		 i;

	for (i = 0; config_feeds_options[i] != NULL; i++)
		if (strcmp(name, config_feeds_options[i]) == 0)
			break;
	if (config_feeds_options[i] == NULL) {
		if ((hint = config_suggest(name, config_feeds_options)) !=
		    NULL)
			config_errf(l->err, l->errlen, l->path, line,
			    "unknown option '%.64s' (did you mean '%s'?)",
			    name, hint);
		else
			config_errf(l->err, l->errlen, l->path, line,
			    "unknown option '%.64s' (known: interval lang "
			    "articles)", name);
		return -1;
	}
	if (*seen & (1U << i)) {
		config_errf(l->err, l->errlen, l->path, line, "option '%s' "
		    "given twice", name);
		return -1;
	}
	*seen |= 1U << i;
	switch (i) {
	case 0:
		if (config_parse_duration(value, CONFIG_INTERVAL_MIN,
		    CONFIG_INTERVAL_MAX, &v, msg, sizeof(msg)) == -1)
			goto bad;
		f->interval = (int)v;
		break;
	case 1:
		if (config_parse_lang(value, true, msg, sizeof(msg)) == -1)
			goto bad;
		free(f->lang);
		/* "auto" is what NULL already means. */
		f->lang = strcmp(value, "auto") == 0 ? NULL : xstrdup(value);
		break;
	default:
		if (config_parse_bool(value, &f->fetch_articles, msg,
		    sizeof(msg)) == -1)
			goto bad;
		break;
	}
	return 0;
bad:
	config_errf(l->err, l->errlen, l->path, line, "%s: %s", name, msg);
	return -1;
}

/* One line of a plain list, NUL-terminated, without its newline. */
static int
config_feeds_plain_line(struct config_feeds_list *l, char *s, int line)
{
	struct config_feed	*f = NULL;
	char			*tok, *eq, *save = NULL;
	unsigned		 seen = 0;

	for (tok = strtok_r(s, " \t\r\v\f", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t\r\v\f", &save)) {
		/* '#' starts a comment only as a word: URLs hold fragments. */
		if (*tok == '#')
			break;
		if (f == NULL) {
			if ((f = config_feeds_add(l, tok, line)) == NULL)
				return -1;
			continue;
		}
		if ((eq = strchr(tok, '=')) == NULL || eq == tok) {
			config_errf(l->err, l->errlen, l->path, line,
			    "expected an option 'name=value' after the URL, "
			    "not '%.64s'", tok);
			return -1;
		}
		*eq = '\0';
		if (config_feeds_option(l, f, tok, eq + 1, &seen, line) == -1)
			return -1;
	}
	return 0;
}

static int
config_feeds_plain(struct config_feeds_list *l, char *buf, size_t len)
{
	char	*p = buf, *nl, *end = buf + len;
	int	 line = 0;

	while (p < end) {
		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		*nl = '\0';
		if (config_feeds_plain_line(l, p, line) == -1) {
			if (l->report == NULL)
				return -1;
			/* Count and go on, so one run lists them all. */
			l->report(l->err, l->report_arg);
			l->nreported++;
		}
		p = nl + 1;
	}
	return l->nreported > 0 ? -1 : 0;
}

/* An attribute's value as a new C string (entities never expanded). */
static char *
config_feeds_attr(xmlAttr *a)
{
	xmlChar	*v;
	char	*s;

	if ((v = xmlNodeListGetString(a->doc, a->children, 1)) == NULL)
		return xstrdup("");
	s = xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static bool
config_feeds_is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

static int
config_feeds_outline(struct config_feeds_list *l, xmlNode *n)
{
	struct config_feed	*f;
	xmlAttr			*a;
	char			*url = NULL, *title = NULL, *text = NULL, *v;
	const char		*name;
	int			 line = (int)xmlGetLineNo(n), rc = -1;
	unsigned		 seen = 0;
	size_t			 slot;

	for (a = n->properties; a != NULL; a = a->next) {
		if (a->ns != NULL)
			continue;
		name = (const char *)a->name;
		if (strcmp(name, "xmlUrl") == 0 && url == NULL)
			url = config_feeds_attr(a);
		else if (strcmp(name, "title") == 0 && title == NULL)
			title = config_feeds_attr(a);
		else if (strcmp(name, "text") == 0 && text == NULL)
			text = config_feeds_attr(a);
	}
	if (url == NULL) {
		rc = 0;		/* a folder: the walk visits its children */
		goto out;
	}
	/* Feed readers export a feed once per folder it is filed in: one
	   feed, its first outline's options and title. */
	config_feeds_index_grow(l);
	if (config_feeds_index_find(l, url, &slot) != SIZE_MAX) {
		rc = 0;
		goto out;
	}
	if ((f = config_feeds_add(l, url, line)) == NULL)
		goto out;
	if (title != NULL && *title != '\0') {
		f->title = title;
		title = NULL;
	} else if (text != NULL && *text != '\0') {
		f->title = text;
		text = NULL;
	}
	for (a = n->properties; a != NULL; a = a->next) {
		name = (const char *)a->name;
		if (a->ns != NULL) {
			/* Only our namespace: other readers add their own. */
			if (a->ns->href == NULL || strcmp((const char *)
			    a->ns->href, CONFIG_OPML_NS) != 0)
				continue;
		} else {
			/* Plain attributes we do not know are OPML's. */
			if (strcmp(name, "interval") != 0 &&
			    strcmp(name, "lang") != 0 &&
			    strcmp(name, "articles") != 0)
				continue;
		}
		v = config_feeds_attr(a);
		if (config_feeds_option(l, f, name, v, &seen, line) == -1) {
			free(v);
			goto out;
		}
		free(v);
	}
	rc = 0;
out:
	free(url);
	free(title);
	free(text);
	return rc;
}

/* Outlines nest as folders; the parser's depth limit bounds recursion. */
static int
config_feeds_walk(struct config_feeds_list *l, xmlNode *n)
{
	for (; n != NULL; n = n->next) {
		if (!config_feeds_is(n, "outline"))
			continue;
		if (config_feeds_outline(l, n) == -1 ||
		    config_feeds_walk(l, n->children) == -1)
			return -1;
	}
	return 0;
}

static int
config_feeds_line_of(const char *buf, const char *at)
{
	int	 line = 1;

	for (; buf < at; buf++)
		if (*buf == '\n')
			line++;
	return line;
}

/*
 * libxml2 reports every error of a broken document and keeps the last;
 * the first says where it went wrong, so this keeps that one, and nothing
 * reaches stderr.
 */
static void
config_feeds_xml_error_cb(void *arg, xmlError *e)
{
	xmlParserCtxt		*ctxt = arg;
	struct config_feeds_list *l = ctxt->_private;
	size_t			 len;

	if (l->xml_line != 0 || e->level < XML_ERR_ERROR)
		return;
	l->xml_line = e->line > 0 ? e->line : 1;
	util_strlcpy(l->xml_msg, e->message != NULL ? e->message :
	    "unknown error", sizeof(l->xml_msg));
	len = strlen(l->xml_msg);
	while (len > 0 && isspace((unsigned char)l->xml_msg[len - 1]))
		l->xml_msg[--len] = '\0';
}

/*
 * The parser's own entity-declaration hook: an entity could expand
 * without bound or pull in a local file, and no feed list needs one.
 * Unlike a byte search this sees the declaration whatever the encoding
 * (encoding="UTF-7" hid "<!ENTITY" from memmem).
 */
static void
config_feeds_entity_cb(void *arg, const xmlChar *name, int type,
    const xmlChar *publicid, const xmlChar *systemid, xmlChar *content)
{
	xmlParserCtxt		*ctxt = arg;
	struct config_feeds_list *l = ctxt->_private;

	(void)name;
	(void)type;
	(void)publicid;
	(void)systemid;
	(void)content;
	if (l->ent_line == 0)
		l->ent_line = xmlSAX2GetLineNumber(ctxt) > 0 ?
		    xmlSAX2GetLineNumber(ctxt) : 1;
	xmlStopParser(ctxt);
}

static int
config_feeds_opml(struct config_feeds_list *l, const char *buf, size_t len)
{
	xmlParserCtxt	*ctxt;
	xmlDoc		*doc = NULL;
	xmlNode		*root, *n;
	int		 rc = -1;

	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		config_errf(l->err, l->errlen, l->path, 0, "out of memory");
		return -1;
	}
	ctxt->_private = l;
	ctxt->sax->serror = config_feeds_xml_error_cb;
	ctxt->sax->entityDecl = config_feeds_entity_cb;
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, l->path, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_BIG_LINES);
	if (l->ent_line != 0) {
		config_errf(l->err, l->errlen, l->path, l->ent_line,
		    "entity declarations are not allowed in a feed list");
		goto out;
	}
	if (doc == NULL || !ctxt->wellFormed || l->xml_line != 0) {
		config_errf(l->err, l->errlen, l->path, l->xml_line,
		    "malformed OPML: %s", l->xml_line != 0 ? l->xml_msg :
		    "unknown error");
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || !config_feeds_is(root, "opml")) {
		config_errf(l->err, l->errlen, l->path, root != NULL ?
		    (int)xmlGetLineNo(root) : 1, "not an OPML document (root "
		    "element is '%.64s', expected 'opml')", root != NULL ?
		    (const char *)root->name : "");
		goto out;
	}
	for (n = root->children; n != NULL; n = n->next)
		if (config_feeds_is(n, "body"))
			break;
	if (n == NULL) {
		config_errf(l->err, l->errlen, l->path,
		    (int)xmlGetLineNo(root), "OPML document without <body>");
		goto out;
	}
	rc = config_feeds_walk(l, n->children);
out:
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* OPML is told from a plain list by its content, not its name. */
static bool
config_feeds_is_xml(const char *buf, size_t len)
{
	size_t	 i = 0;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	return i < len && buf[i] == '<';
}

int
config_feeds_load(const char *path, struct config_feed **feeds,
    size_t *nfeeds, char *err, size_t errlen)
{
	return config_feeds_load_report(path, feeds, nfeeds, err, errlen, NULL,
	    NULL);
}

int
config_feeds_load_report(const char *path, struct config_feed **feeds,
    size_t *nfeeds, char *err, size_t errlen,
    void (*report)(const char *, void *), void *arg)
{
	struct config_feeds_list l = { 0 };
	char		 msg[CONFIG_ERR_LEN], *buf, *nul;
	size_t		 len;
	int		 rc;

	/* A FIFO or a device ("list = /dev/stdin") is refused there. */
	if (util_read_file(path, CONFIG_FEEDS_FILE_MAX, &buf, &len, msg,
	    sizeof(msg)) == -1) {
		util_strlcpy(err, msg, errlen);
		if (report != NULL)
			report(err, arg);
		return -1;
	}
	l.path = path;
	l.err = err;
	l.errlen = errlen;
	l.report = report;
	l.report_arg = arg;
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		config_errf(err, errlen, path, config_feeds_line_of(buf, nul),
		    "NUL byte: not a text file");
		rc = -1;
	} else if (config_feeds_is_xml(buf, len))
		rc = config_feeds_opml(&l, buf, len);
	else if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		/* Saved by an editor that marks UTF-8 with a BOM. */
		rc = config_feeds_plain(&l, buf + 3, len - 3);
	else
		rc = config_feeds_plain(&l, buf, len);
	free(buf);
	free(l.slots);
	if (rc == -1) {
		if (report != NULL && l.nreported == 0)
			report(err, arg);
		config_feeds_free(l.feeds, l.nfeeds);
		return -1;
	}
	*feeds = l.feeds;
	*nfeeds = l.nfeeds;
	return 0;
}

void
config_feeds_free(struct config_feed *feeds, size_t n)
{
	size_t	 i;

	if (feeds == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(feeds[i].url);
		free(feeds[i].title);
		free(feeds[i].lang);
	}
	free(feeds);
}

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

/* Folder names kept per feed: deeper folders are walked, not named. */
#define CONFIG_FEEDS_DEPTH	8

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
	void			(*warn)(const char *, void *);
	void			*report_arg;	/* every error, when set */
	size_t			 nreported;
	/* The folders around the outline being read, outermost first. */
	const char		*folders[CONFIG_FEEDS_DEPTH];
	size_t			 nfolders;
};

static const char *const config_feeds_options[] = {
	"interval", "lang", "articles", "auth", NULL
};

/* Outline types that are feeds; none at all is a feed too (or a folder). */
static const char *const config_feeds_types[] = {
	"rss", "atom", "json", "jsonfeed", "rdf", NULL
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
	size_t		 end = config_feeds_authority_end(url);
	uint64_t	 h = UTIL_HASH_SEED;

	h = util_hash64_lower(url, end, h);
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

/* auth=FILE, relative to the list's own directory. */
static int
config_feeds_auth(struct config_feeds_list *l, struct config_feed *f,
    const char *value, int line)
{
	char	 msg[CONFIG_ERR_LEN], warn[CONFIG_ERR_LEN];
	char	 full[CONFIG_ERR_LEN];
	char	*dir = config_path_dir(l->path);
	int	 rc;

	rc = config_auth_load(f, dir, value, msg, sizeof(msg), warn,
	    sizeof(warn));
	free(dir);
	if (rc == -1) {
		config_errf(l->err, l->errlen, l->path, line, "auth: %s", msg);
		return -1;
	}
	if (warn[0] != '\0' && l->warn != NULL) {
		config_errf(full, sizeof(full), l->path, line, "auth: %s",
		    warn);
		l->warn(full, l->report_arg);
	}
	return 0;
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
			    "articles auth)", name);
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
	case 3:
		return config_feeds_auth(l, f, value, line);
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

/* A category once: a feed filed under a folder twice keeps one. */
static void
config_feeds_category(struct config_feed *f, const char *name)
{
	size_t	 i;

	if (*name == '\0')
		return;
	for (i = 0; i < f->ncategories; i++)
		if (strcmp(f->categories[i], name) == 0)
			return;
	f->categories = xreallocarray(f->categories, f->ncategories + 1,
	    sizeof(*f->categories));
	f->categories[f->ncategories++] = xstrdup(name);
}

/* Every enclosing folder's name is one of the feed's categories. */
static void
config_feeds_folders(struct config_feeds_list *l, struct config_feed *f)
{
	size_t	 i;

	for (i = 0; i < l->nfolders; i++)
		config_feeds_category(f, l->folders[i]);
}

static bool
config_feeds_is_feed_type(const char *type)
{
	size_t	 i;

	for (i = 0; config_feeds_types[i] != NULL; i++)
		if (strcasecmp(type, config_feeds_types[i]) == 0)
			return true;
	return false;
}

/*
 * A warning names the file and line; the outline's text is the list
 * author's but is shown with anything unprintable replaced.
 */
static void
config_feeds_warn_skip(struct config_feeds_list *l, int line,
    const char *type, const char *name)
{
	char	 msg[CONFIG_ERR_LEN], t[40], n[80];

	if (l->warn == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s:%d: skipped outline '%s' of "
	    "type '%s': not a feed", l->path, line, util_shown(name, n,
	    sizeof(n)), util_shown(type, t, sizeof(t)));
	l->warn(msg, l->report_arg);
}

/* Plain attributes we know, and those of our namespace, are options. */
static int
config_feeds_outline_options(struct config_feeds_list *l,
    struct config_feed *f, xmlNode *n, int line)
{
	xmlAttr		*a;
	const char	*name;
	char		*v;
	unsigned	 seen = 0;
	int		 rc;

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
			    strcmp(name, "articles") != 0 &&
			    strcmp(name, "auth") != 0)
				continue;
		}
		v = config_feeds_attr(a);
		rc = config_feeds_option(l, f, name, v, &seen, line);
		free(v);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* The outline's attributes this reads: each a new string or NULL. */
struct config_feeds_attrs {
	char	*url;
	char	*title;
	char	*text;
	char	*type;
};

static void
config_feeds_attrs(xmlNode *n, struct config_feeds_attrs *o)
{
	xmlAttr		*a;
	const char	*name;
	char		**to;

	memset(o, 0, sizeof(*o));
	for (a = n->properties; a != NULL; a = a->next) {
		if (a->ns != NULL)
			continue;
		name = (const char *)a->name;
		if (strcmp(name, "xmlUrl") == 0)
			to = &o->url;
		else if (strcmp(name, "title") == 0)
			to = &o->title;
		else if (strcmp(name, "text") == 0)
			to = &o->text;
		else if (strcmp(name, "type") == 0)
			to = &o->type;
		else
			continue;
		if (*to == NULL)
			*to = config_feeds_attr(a);
	}
}

/*
 * One outline: a feed (xmlUrl), a folder (neither xmlUrl nor a type) or
 * something else a reader exports (FreshRSS "HTML+XPath" scraping, a
 * "link"), skipped with a warning.  *folder tells the walk to push it.
 */
static int
config_feeds_outline(struct config_feeds_list *l, xmlNode *n, char **folder)
{
	struct config_feed		*f;
	struct config_feeds_attrs	 o;
	const char			*name;
	int				 line = (int)xmlGetLineNo(n), rc = -1;
	size_t				 slot, dup;

	config_feeds_attrs(n, &o);
	name = o.title != NULL && *o.title != '\0' ? o.title : o.text;
	if (o.type != NULL && *o.type != '\0' &&
	    !config_feeds_is_feed_type(o.type)) {
		config_feeds_warn_skip(l, line, o.type, name);
		rc = 1;		/* and not its children either */
		goto out;
	}
	if (o.url == NULL) {
		/* A folder: the walk visits its children under its name. */
		if (name != NULL)
			*folder = xstrdup(name);
		rc = 0;
		goto out;
	}
	/* Feed readers export a feed once per folder it is filed in: one
	   feed, its first outline's options and title, every folder. */
	config_feeds_index_grow(l);
	if ((dup = config_feeds_index_find(l, o.url, &slot)) != SIZE_MAX) {
		config_feeds_folders(l, &l->feeds[dup]);
		rc = 0;
		goto out;
	}
	if ((f = config_feeds_add(l, o.url, line)) == NULL)
		goto out;
	if (name != NULL && *name != '\0')
		f->title = xstrdup(name);
	config_feeds_folders(l, f);
	rc = config_feeds_outline_options(l, f, n, line);
out:
	free(o.url);
	free(o.title);
	free(o.text);
	free(o.type);
	return rc;
}

/* Outlines nest as folders; the parser's depth limit bounds recursion. */
static int
config_feeds_walk(struct config_feeds_list *l, xmlNode *n)
{
	char	*folder;
	int	 rc;

	for (; n != NULL; n = n->next) {
		if (!config_feeds_is(n, "outline"))
			continue;
		folder = NULL;
		if ((rc = config_feeds_outline(l, n, &folder)) == -1)
			return -1;
		if (rc == 1)
			continue;
		/* Deeper than this, folders are still walked, not named. */
		if (folder != NULL && l->nfolders < CONFIG_FEEDS_DEPTH)
			l->folders[l->nfolders++] = folder;
		else {
			free(folder);
			folder = NULL;
		}
		rc = config_feeds_walk(l, n->children);
		if (folder != NULL)
			free((char *)l->folders[--l->nfolders]);
		if (rc == -1)
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
	    NULL, NULL);
}

int
config_feeds_load_report(const char *path, struct config_feed **feeds,
    size_t *nfeeds, char *err, size_t errlen,
    void (*report)(const char *, void *), void (*warn)(const char *, void *),
    void *arg)
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
	l.warn = warn;
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
	size_t	 i, j;

	if (feeds == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(feeds[i].url);
		free(feeds[i].title);
		free(feeds[i].lang);
		config_auth_clear(&feeds[i]);
		for (j = 0; j < feeds[i].ncategories; j++)
			free(feeds[i].categories[j]);
		free(feeds[i].categories);
	}
	free(feeds);
}

/* s as XML attribute text: escaped, control bytes XML forbids dropped. */
static void
config_feeds_xml_attr(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&apos;", fp);
			break;
		case '\t':
		case '\n':
		case '\r':
			/* Kept: a raw one would be normalised to a space. */
			fprintf(fp, "&#%d;", *s);
			break;
		default:
			if ((unsigned char)*s >= 0x20 && *s != 0x7f)
				fputc(*s, fp);
			break;
		}
	}
}

static void
config_feeds_write_feed(FILE *fp, const struct config_feed *f,
    const char *indent)
{
	const char	*name = f->title != NULL ? f->title : f->url;

	fprintf(fp, "%s<outline type=\"rss\" text=\"", indent);
	config_feeds_xml_attr(fp, name);
	fputs("\" title=\"", fp);
	config_feeds_xml_attr(fp, name);
	fputs("\" xmlUrl=\"", fp);
	config_feeds_xml_attr(fp, f->url);
	fputc('"', fp);
	if (f->interval > 0)
		fprintf(fp, " cw:interval=\"%ds\"", f->interval);
	if (f->lang != NULL) {
		fputs(" cw:lang=\"", fp);
		config_feeds_xml_attr(fp, f->lang);
		fputc('"', fp);
	}
	if (f->fetch_articles)
		fputs(" cw:articles=\"yes\"", fp);
	/* The file's name only: what it holds stays in it. */
	if (f->auth_file != NULL) {
		fputs(" cw:auth=\"", fp);
		config_feeds_xml_attr(fp, f->auth_file);
		fputc('"', fp);
	}
	fputs("/>\n", fp);
}

/* The distinct categories in first-seen order; borrowed strings. */
static const char **
config_feeds_all_categories(const struct config_feed *feeds, size_t n,
    size_t *ncats)
{
	const char	**cats = NULL;
	size_t		 k, i, j, nc = 0;

	for (k = 0; k < n; k++)
		for (i = 0; i < feeds[k].ncategories; i++) {
			for (j = 0; j < nc; j++)
				if (strcmp(cats[j], feeds[k].categories[i]) ==
				    0)
					break;
			if (j < nc)
				continue;
			cats = xreallocarray(cats, nc + 1, sizeof(*cats));
			cats[nc++] = feeds[k].categories[i];
		}
	*ncats = nc;
	return cats;
}

int
config_feeds_write_opml(FILE *fp, const struct config_feed *feeds, size_t n)
{
	const char	**cats;
	size_t		 ncats, c, k, i;

	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<opml version=\"2.0\" xmlns:cw=\"%s\">\n<head>\n"
	    "  <title>claimwatch feeds</title>\n</head>\n<body>\n",
	    CONFIG_OPML_NS);
	for (k = 0; k < n; k++)
		if (feeds[k].ncategories == 0)
			config_feeds_write_feed(fp, &feeds[k], "  ");
	/* A feed in two folders is written in both, as readers do. */
	cats = config_feeds_all_categories(feeds, n, &ncats);
	for (c = 0; c < ncats; c++) {
		fputs("  <outline text=\"", fp);
		config_feeds_xml_attr(fp, cats[c]);
		fputs("\">\n", fp);
		for (k = 0; k < n; k++)
			for (i = 0; i < feeds[k].ncategories; i++)
				if (strcmp(feeds[k].categories[i], cats[c]) ==
				    0)
					config_feeds_write_feed(fp, &feeds[k],
					    "    ");
		fputs("  </outline>\n", fp);
	}
	free(cats);
	fputs("</body>\n</opml>\n", fp);
	return fflush(fp) == 0 && !ferror(fp) ? 0 : -1;
}

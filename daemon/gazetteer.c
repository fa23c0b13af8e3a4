/*
 * gazetteer: loads place names, event kinds and agencies from the "*.txt"
 * files of one directory into normalised phrases, and finds them in text
 * longest phrase first, through a hash table of every word prefix of every
 * name.  It owns the nodes (one per id) and the phrases.  Like the lexicon
 * it never logs or exits on bad data: every problem comes back as
 * "FILE:LINE: message".
 *
 * Normalisation, the same for data and text: words are those of
 * words_split (runs of ASCII letters and digits and of bytes >= 0x80),
 * ASCII folded to lower case, joined by one space.  So "Kab. Demak",
 * "Kab Demak" and "KAB DEMAK" are one phrase, and a word's hash from
 * words_split is its one-word phrase's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "util.h"
#include "words.h"

#define GAZETTEER_FILE_MAX	(4 * 1024 * 1024)
#define GAZETTEER_FILES_MAX	256
#define GAZETTEER_WORDS_MAX	6	/* words in one phrase */
#define GAZETTEER_NORM_MAX	256	/* bytes of one normalised phrase */

struct gazetteer_node {
	char	*id;
	char	*label_id;	/* first Indonesian (or "*") name */
	char	*label_en;	/* first English (or "*") name */
	char	*parent;	/* place: parent id or NULL; else NULL */
	int	 up;		/* index of the parent, or -1 */
	int	 depth;
	bool	 owned;		/* event kind told by its owners ("war") */
};

struct gazetteer_name {
	char			*norm;
	enum gazetteer_kind	 kind;
	int			 id;
	size_t			 order;	/* load order: first wins a tie */
};

struct gazetteer_agency {
	char	*entity;
	char	*country;
};

struct gazetteer_list {
	struct gazetteer_node	*v;
	size_t			 n, cap;
};

/*
 * A phrase some name starts with (or is): its first len bytes of a name's
 * norm, and that name when the phrase is all of it.
 */
struct gazetteer_phrase {
	const char	*norm;		/* NULL: a free slot */
	size_t		 len;
	uint64_t	 hash;		/* util_hash64 of norm[0..len) */
	int		 name;		/* index into names, or -1 */
};

struct gazetteer {
	struct gazetteer_list	 nodes[3];	/* by enum gazetteer_kind */
	struct gazetteer_name	*names;
	size_t			 nnames, capnames;
	struct gazetteer_agency	*agencies;
	size_t			 nagencies;
	struct gazetteer_phrase	*phrases;	/* open addressing */
	size_t			 nphrases;	/* slots, a power of two */
};

/* tolower(3) of the C locale, inline. */
static char
gazetteer_lower(unsigned char ch)
{
	return (char)(ch >= 'A' && ch <= 'Z' ? ch + ('a' - 'A') : ch);
}

/* The normalised phrase of words w[0..n); false when it does not fit. */
static bool
gazetteer_norm(const char *s, const struct words_word *w, size_t n,
    char *buf, size_t size)
{
	size_t	 i, j, o = 0;

	for (i = 0; i < n; i++) {
		if (o + w[i].len + 2 > size)
			return false;
		if (i > 0)
			buf[o++] = ' ';
		for (j = 0; j < w[i].len; j++)
			buf[o++] = gazetteer_lower((unsigned char)s[w[i].off +
			    j]);
	}
	buf[o] = '\0';
	return true;
}

static int
gazetteer_node_add(struct gazetteer_list *l, const char *id)
{
	size_t	 i;

	/* Lines of one id follow each other: look at the last one first. */
	if (l->n > 0 && strcmp(l->v[l->n - 1].id, id) == 0)
		return (int)l->n - 1;
	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return (int)i;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[l->n]));
	l->v[l->n].id = xstrdup(id);
	l->v[l->n].up = -1;
	return (int)l->n++;
}

/* Sets the labels a name gives its node; "!" ends a label-only name. */
static void
gazetteer_label_set(struct gazetteer_node *nd, const char *lang,
    const char *name)
{
	size_t	 len = strcspn(name, "!");

	if ((strcmp(lang, "id") == 0 || strcmp(lang, "*") == 0) &&
	    nd->label_id == NULL)
		nd->label_id = xstrndup(name, len);
	if ((strcmp(lang, "en") == 0 || strcmp(lang, "*") == 0) &&
	    nd->label_en == NULL)
		nd->label_en = xstrndup(name, len);
}

static int
gazetteer_name_add(struct gazetteer *g, enum gazetteer_kind kind, int id,
    const char *name)
{
	struct words		 ws;
	char			 buf[GAZETTEER_NORM_MAX];
	bool			 ok;

	if (strchr(name, '!') != NULL)
		return 0;
	words_split(&ws, name, strlen(name));
	ok = ws.n > 0 && ws.n <= GAZETTEER_WORDS_MAX &&
	    gazetteer_norm(name, ws.w, ws.n, buf, sizeof(buf));
	words_free(&ws);
	if (!ok)
		return -1;
	if (g->nnames == g->capnames) {
		g->capnames = g->capnames ? g->capnames * 2 : 1024;
		g->names = xreallocarray(g->names, g->capnames,
		    sizeof(*g->names));
	}
	g->names[g->nnames].norm = xstrdup(buf);
	g->names[g->nnames].kind = kind;
	g->names[g->nnames].id = id;
	g->names[g->nnames].order = g->nnames;
	g->nnames++;
	return 0;
}

/* Splits off the next blank-separated field of *p, or NULL. */
static char *
gazetteer_field(char **p)
{
	char	*s = *p, *e;

	s += strspn(s, " \t");
	if (*s == '\0')
		return NULL;
	e = s + strcspn(s, " \t");
	if (*e != '\0')
		*e++ = '\0';
	*p = e;
	return s;
}

static bool
gazetteer_lang_ok(const char *lang)
{
	return strcmp(lang, "*") == 0 || (strlen(lang) >= 2 &&
	    strlen(lang) <= 3 && strspn(lang, "abcdefghijklmnopqrstuvwxyz") ==
	    strlen(lang));
}

/*
 * One line: "place ID PARENT LANG NAME", "kind ID LANG NAME", "common ID
 * LANG NAME", "owned ID" or "agency ENTITY COUNTRY".
 */
static const char *
gazetteer_line(struct gazetteer *g, char *line)
{
	struct gazetteer_node	*nd;
	char			*p = line, *what, *id, *parent = NULL, *lang;
	enum gazetteer_kind	 kind;
	int			 i;

	if ((what = gazetteer_field(&p)) == NULL || *what == '#')
		return NULL;
	if ((id = gazetteer_field(&p)) == NULL)
		return "missing id";
	if (strcmp(what, "owned") == 0) {
		i = gazetteer_node_add(&g->nodes[GAZETTEER_EVENT], id);
		g->nodes[GAZETTEER_EVENT].v[i].owned = true;
		return NULL;
	}
	if (strcmp(what, "agency") == 0) {
		if ((lang = gazetteer_field(&p)) == NULL)
			return "agency needs an entity and a country";
		g->agencies = xreallocarray(g->agencies, g->nagencies + 1,
		    sizeof(*g->agencies));
		g->agencies[g->nagencies].entity = xstrdup(id);
		g->agencies[g->nagencies++].country = xstrdup(lang);
		return NULL;
	}
	if (strcmp(what, "place") == 0) {
		kind = GAZETTEER_PLACE;
		if ((parent = gazetteer_field(&p)) == NULL)
			return "place needs a parent (\"-\" for none)";
	} else if (strcmp(what, "kind") == 0)
		kind = GAZETTEER_EVENT;
	else if (strcmp(what, "common") == 0)
		kind = GAZETTEER_COMMON;
	else
		return "unknown entry (place, kind, common, owned or agency)";
	if ((lang = gazetteer_field(&p)) == NULL || !gazetteer_lang_ok(lang))
		return "bad or missing language (id, en or *)";
	p += strspn(p, " \t");
	if (*p == '\0')
		return "missing name";
	if (strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(id))
		return "id must be lower case letters, digits and '-'";
	i = gazetteer_node_add(&g->nodes[kind], id);
	nd = &g->nodes[kind].v[i];
	if (parent != NULL && strcmp(parent, "-") != 0 && nd->parent == NULL)
		nd->parent = xstrdup(parent);
	gazetteer_label_set(nd, lang, p);
	if (gazetteer_name_add(g, kind, i, p) == -1)
		return "name has no words, or more than 6";
	return NULL;
}

static int
gazetteer_load_file(struct gazetteer *g, const char *path, char *err,
    size_t errlen)
{
	char		*buf, *line, *next;
	const char	*why;
	size_t		 len;
	int		 lineno = 0;

	if (util_read_file(path, GAZETTEER_FILE_MAX, &buf, &len, err,
	    errlen) == -1)
		return -1;
	for (line = buf; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if ((why = gazetteer_line(g, line)) != NULL) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			free(buf);
			return -1;
		}
	}
	free(buf);
	return 0;
}

/*
 * The phrase slot for the len bytes at p whose FNV-1a hash is h: the one
 * holding them, or the free slot where they would go.
 */
static struct gazetteer_phrase *
gazetteer_phrase_slot(const struct gazetteer *g, const char *p, size_t len,
    uint64_t h)
{
	struct gazetteer_phrase	*e;
	size_t			 i;

	for (i = h & (g->nphrases - 1);; i = (i + 1) & (g->nphrases - 1)) {
		e = &g->phrases[i];
		if (e->norm == NULL || (e->hash == h && e->len == len &&
		    memcmp(e->norm, p, len) == 0))
			return e;
	}
}

/*
 * Whether some phrase of len bytes may hash to h: false (most words of a
 * text, which start no name) needs neither the normal form nor a compare.
 */
static bool
gazetteer_phrase_maybe(const struct gazetteer *g, size_t len, uint64_t h)
{
	const struct gazetteer_phrase	*e;
	size_t				 i;

	for (i = h & (g->nphrases - 1);; i = (i + 1) & (g->nphrases - 1)) {
		e = &g->phrases[i];
		if (e->norm == NULL)
			return false;
		if (e->hash == h && e->len == len)
			return true;
	}
}

/*
 * Every word prefix of every name ("kabupaten", "kabupaten demak"), so a
 * scan extends a phrase word by word only while some name goes on, and
 * most words (that start no name) cost one look-up.
 */
static void
gazetteer_index_phrases(struct gazetteer *g)
{
	struct gazetteer_phrase	*e;
	const char		*norm;
	size_t			 i, len, all = 0;
	uint64_t		 h;

	for (i = 0; i < g->nnames; i++)
		for (norm = g->names[i].norm; *norm != '\0'; norm++)
			all += *norm == ' ';
	all += g->nnames;
	for (g->nphrases = 64; g->nphrases < 2 * all; g->nphrases *= 2)
		;
	g->phrases = xcalloc(g->nphrases, sizeof(*g->phrases));
	for (i = 0; i < g->nnames; i++) {
		norm = g->names[i].norm;
		for (len = 0;; len++) {
			if (norm[len] != ' ' && norm[len] != '\0')
				continue;
			h = util_hash64(norm, len, UTIL_HASH_SEED);
			e = gazetteer_phrase_slot(g, norm, len, h);
			if (e->norm == NULL) {
				e->norm = norm;
				e->len = len;
				e->hash = h;
				e->name = -1;
			}
			if (norm[len] == '\0') {
				e->name = (int)i;
				break;
			}
		}
	}
}

static int
gazetteer_name_cmp(const void *a, const void *b)
{
	const struct gazetteer_name	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->norm, y->norm)) != 0)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Parents to indexes, depths, and the names sorted for the search. */
static const char *
gazetteer_index(struct gazetteer *g)
{
	struct gazetteer_list	*l = &g->nodes[GAZETTEER_PLACE];
	size_t			 i, j, o;
	int			 up, d;

	for (i = 0; i < l->n; i++)
		if (l->v[i].parent != NULL &&
		    (l->v[i].up = gazetteer_place(g, l->v[i].parent)) == -1)
			return l->v[i].id;
	for (i = 0; i < l->n; i++) {
		for (d = 0, up = l->v[i].up; up != -1 && d <= 8; d++)
			up = l->v[up].up;
		if (d > 8)
			return l->v[i].id;
		l->v[i].depth = d;
	}
	qsort(g->names, g->nnames, sizeof(*g->names), gazetteer_name_cmp);
	/* A phrase named twice keeps its first meaning only. */
	for (i = 0, o = 0; i < g->nnames; i = j) {
		for (j = i + 1; j < g->nnames &&
		    strcmp(g->names[j].norm, g->names[i].norm) == 0; j++)
			free(g->names[j].norm);
		g->names[o++] = g->names[i];
	}
	g->nnames = o;
	gazetteer_index_phrases(g);
	return NULL;
}

struct gazetteer *
gazetteer_load(const char *dir, char *err, size_t errlen)
{
	static const char *const suffixes[] = { ".txt", NULL };
	struct gazetteer	*g;
	char			*names[GAZETTEER_FILES_MAX], *path;
	const char		*bad;
	size_t			 i;
	int			 n, rc = 0;

	/* Sorted: which file wins a phrase named twice must not vary. */
	if ((n = util_dir_names(dir, suffixes, names, GAZETTEER_FILES_MAX,
	    err, errlen)) == -1)
		return NULL;
	g = xcalloc(1, sizeof(*g));
	for (i = 0; i < (size_t)n; i++) {
		if (rc == 0) {
			xasprintf(&path, "%s/%s", dir, names[i]);
			rc = gazetteer_load_file(g, path, err, errlen);
			free(path);
		}
		free(names[i]);
	}
	if (rc == 0 && g->nnames == 0) {
		snprintf(err, errlen, "%s:0: no names (*.txt files)", dir);
		rc = -1;
	}
	if (rc == 0 && (bad = gazetteer_index(g)) != NULL) {
		snprintf(err, errlen, "%s:0: place %s: unknown parent or a "
		    "cycle", dir, bad);
		rc = -1;
	}
	if (rc == -1) {
		gazetteer_free(g);
		return NULL;
	}
	return g;
}

void
gazetteer_free(struct gazetteer *g)
{
	struct gazetteer_list	*l;
	size_t			 i, k;

	if (g == NULL)
		return;
	for (k = 0; k < 3; k++) {
		l = &g->nodes[k];
		for (i = 0; i < l->n; i++) {
			free(l->v[i].id);
			free(l->v[i].label_id);
			free(l->v[i].label_en);
			free(l->v[i].parent);
		}
		free(l->v);
	}
	for (i = 0; i < g->nnames; i++)
		free(g->names[i].norm);
	free(g->names);
	for (i = 0; i < g->nagencies; i++) {
		free(g->agencies[i].entity);
		free(g->agencies[i].country);
	}
	free(g->agencies);
	free(g->phrases);
	free(g);
}

#define GAZETTEER_SCAN_WORDS	WORDS_COUNT	/* words looked at per call */

/*
 * The longest name that the words at w (n of them; s has len bytes)
 * start with, as the number of its words (0: none) and *hit.  A place
 * whose last word is lower-case is no match, nor one followed by "$" (a
 * currency: "US$", "S$"); a shorter name may be.
 */
static size_t
gazetteer_longest(const struct gazetteer *g, const char *s, size_t len,
    const struct words_word *w, size_t n,
    const struct gazetteer_name **hit)
{
	const struct gazetteer_phrase	*e;
	const struct gazetteer_name	*nm;
	char				 buf[GAZETTEER_NORM_MAX];
	uint64_t			 h = UTIL_HASH_SEED;
	size_t				 k, j, o = 0, best = 0, end;

	if (n > GAZETTEER_WORDS_MAX)
		n = GAZETTEER_WORDS_MAX;
	for (k = 0; k < n; k++) {
		/* buf and h grow by " word", as gazetteer_norm writes. */
		if (o + w[k].len + 2 > sizeof(buf))
			break;
		if (k > 0) {
			buf[o++] = ' ';
			h = util_fnv1a_step(h, ' ');
		}
		for (j = 0; j < w[k].len; j++) {
			buf[o] = gazetteer_lower((unsigned char)s[w[k].off +
			    j]);
			h = util_fnv1a_step(h,
			    (unsigned char)buf[o++]);
		}
		e = gazetteer_phrase_slot(g, buf, o, h);
		if (e->norm == NULL)
			break;		/* no name goes on like this */
		if (e->name == -1)
			continue;
		nm = &g->names[e->name];
		end = w[k].off + w[k].len;
		if (nm->kind == GAZETTEER_PLACE &&
		    (islower((unsigned char)s[w[k].off]) ||
		    (end < len && s[end] == '$')))
			continue;
		*hit = nm;
		best = k + 1;
	}
	return best;
}

size_t
gazetteer_scan_words(const struct gazetteer *g, const char *text, size_t len,
    const struct words *ws, struct gazetteer_match *m, size_t max)
{
	const struct words_word		*w = ws->w;
	const struct gazetteer_name	*nm = NULL;
	size_t				 nw, i = 0, k, n = 0;

	nw = ws->n < GAZETTEER_SCAN_WORDS ? ws->n : GAZETTEER_SCAN_WORDS;
	while (i < nw) {
		/* Most words start no name: known by hash, no call. */
		if (!gazetteer_phrase_maybe(g, w[i].len, w[i].hash) ||
		    (k = gazetteer_longest(g, text, len, w + i, nw - i,
		    &nm)) == 0) {
			i++;
			continue;
		}
		if (n < max) {
			m[n].kind = nm->kind;
			m[n].id = nm->id;
			m[n].offset = w[i].off;
			m[n].length = w[i + k - 1].off + w[i + k - 1].len -
			    w[i].off;
		}
		n++;
		i += k;
	}
	return n;
}

size_t
gazetteer_scan(const struct gazetteer *g, const char *text, size_t len,
    struct gazetteer_match *m, size_t max)
{
	struct words	 ws;
	size_t		 n;

	words_split(&ws, text, len);
	n = gazetteer_scan_words(g, text, len, &ws, m, max);
	words_free(&ws);
	return n;
}

const char *
gazetteer_id(const struct gazetteer *g, enum gazetteer_kind kind, int id)
{
	return g->nodes[kind].v[id].id;
}

const char *
gazetteer_label(const struct gazetteer *g, enum gazetteer_kind kind, int id,
    const char *lang)
{
	const struct gazetteer_node	*nd = &g->nodes[kind].v[id];
	const char			*l;

	if (lang != NULL && strcmp(lang, "id") == 0)
		l = nd->label_id != NULL ? nd->label_id : nd->label_en;
	else
		l = nd->label_en != NULL ? nd->label_en : nd->label_id;
	return l != NULL ? l : nd->id;
}

bool
gazetteer_owned(const struct gazetteer *g, int event)
{
	return g->nodes[GAZETTEER_EVENT].v[event].owned;
}

int
gazetteer_depth(const struct gazetteer *g, int place)
{
	return g->nodes[GAZETTEER_PLACE].v[place].depth;
}

int
gazetteer_country(const struct gazetteer *g, int place)
{
	const struct gazetteer_list	*l = &g->nodes[GAZETTEER_PLACE];

	while (l->v[place].up != -1)
		place = l->v[place].up;
	return place;
}

static int
gazetteer_lookup(const struct gazetteer_list *l, const char *id)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return (int)i;
	return -1;
}

int
gazetteer_place(const struct gazetteer *g, const char *id)
{
	return gazetteer_lookup(&g->nodes[GAZETTEER_PLACE], id);
}

int
gazetteer_event(const struct gazetteer *g, const char *id)
{
	return gazetteer_lookup(&g->nodes[GAZETTEER_EVENT], id);
}

const char *
gazetteer_agency(const struct gazetteer *g, const char *entity)
{
	size_t	 i;

	for (i = 0; i < g->nagencies; i++)
		if (strcmp(g->agencies[i].entity, entity) == 0)
			return g->agencies[i].country;
	return NULL;
}

size_t
gazetteer_size(const struct gazetteer *g)
{
	return g->nnames;
}

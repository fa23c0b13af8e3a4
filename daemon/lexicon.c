/*
 * lexicon: loads the per-language word lists ("*.lex") and the entity
 * gazetteers ("*.txt") of one directory into a single open-addressing
 * hash table keyed by the hash of a phrase's first word, so that the
 * extractor pays one probe per word of text and never allocates.  It owns
 * the entries and their interned names.  It must never log or exit on bad
 * data: every problem is reported as "FILE:LINE: message" in err, and
 * reading happens only at start and reload.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "claim.h"
#include "lexicon.h"
#include "util.h"

#define LEXICON_FILE_MAX	(1024 * 1024)	/* bytes per data file */
#define LEXICON_ENTRIES_MAX	200000
#define LEXICON_LANGS_MAX	16
#define LEXICON_FILES_MAX	256
#define LEXICON_LINE_MAX	1024
#define LEXICON_PREFIXES_MAX	8
#define LEXICON_EVMAP_MAX	16
#define LEXICON_ALIASES_MAX	8
#define LEXICON_AFFIX_LEN	8	/* longest affix in the affix tables */

struct lexicon_lang {
	char	 name[8];
	char	 decimal;
	char	 group;
	char	 suffix[16];
	char	 plural[LEXICON_PREFIXES_MAX][2][8]; /* ending, singular */
	int	 nplural;
	bool	 head_last;
	char	 prefix[LEXICON_PREFIXES_MAX][8];
	size_t	 prefixlen[LEXICON_PREFIXES_MAX];
	size_t	 plurallen[LEXICON_PREFIXES_MAX];
	uint8_t	 plurallast[32];	/* bit set: last letters of endings */
	int	 nprefix;
	/* "eventmap arrived troops deployed": event, unit group, event. */
	char	 evmap[LEXICON_EVMAP_MAX][3][CLAIM_NAME_MAX];
	int	 nevmap;
	char	 alias[LEXICON_ALIASES_MAX][16]; /* other tags: "in", "ind" */
	int	 nalias;
};

struct lexicon_slot {
	uint64_t hash;		/* 0: empty */
	int32_t	 head;		/* first entry of the chain */
};

struct lexicon {
	struct lexicon_entry	*entries;
	size_t			 nentries;
	size_t			 capentries;
	char			**names;	/* interned ids */
	size_t			 nnames;
	struct lexicon_slot	*slots;
	size_t			 mask;
	struct lexicon_lang	 langs[LEXICON_LANGS_MAX];
	int			 nlangs;
	/* Detection affixes by outer letter pair: see lexicon_affix_lens. */
	uint8_t			 affix[2][LEXICON_PAIRS];
};

enum lexicon_arg {
	LEXICON_ARG_NONE,
	LEXICON_ARG_VALUE,
	LEXICON_ARG_NAME,
	LEXICON_ARG_QUAL,
	LEXICON_ARG_MODAL,
	LEXICON_ARG_ROLE
};

static const struct {
	const char		*name;
	enum lexicon_kind	 kind;
	bool			 weak;
	enum lexicon_arg	 arg;
} lexicon_kinds[] = {
	{ "num",	LEXICON_NUM,		false, LEXICON_ARG_VALUE },
	{ "mult",	LEXICON_MULT,		false, LEXICON_ARG_VALUE },
	{ "teen",	LEXICON_MULT,		true,  LEXICON_ARG_VALUE },
	{ "vague",	LEXICON_VAGUE,		false, LEXICON_ARG_VALUE },
	{ "qual",	LEXICON_QUAL,		false, LEXICON_ARG_QUAL },
	{ "postqual",	LEXICON_POSTQUAL,	false, LEXICON_ARG_QUAL },
	{ "range",	LEXICON_RANGE,		false, LEXICON_ARG_NONE },
	{ "rangepair",	LEXICON_RANGE,		true,  LEXICON_ARG_NONE },
	{ "unit",	LEXICON_UNIT,		false, LEXICON_ARG_NAME },
	{ "weakunit",	LEXICON_UNIT,		true,  LEXICON_ARG_NAME },
	{ "money",	LEXICON_MONEY,		false, LEXICON_ARG_NAME },
	{ "currency",	LEXICON_CURRENCY,	false, LEXICON_ARG_NAME },
	{ "event",	LEXICON_EVENT,		false, LEXICON_ARG_NAME },
	{ "weakevent",	LEXICON_EVENT,		true,  LEXICON_ARG_NAME },
	{ "modal",	LEXICON_MODAL,		false, LEXICON_ARG_MODAL },
	{ "notcount",	LEXICON_NOTCOUNT,	false, LEXICON_ARG_NONE },
	{ "prenot",	LEXICON_PRENOT,		false, LEXICON_ARG_NONE },
	{ "month",	LEXICON_MONTH,		false, LEXICON_ARG_NONE },
	{ "clause",	LEXICON_CLAUSE,		false, LEXICON_ARG_NONE },
	{ "stop",	LEXICON_STOP,		false, LEXICON_ARG_NONE },
	{ "link",	LEXICON_LINK,		false, LEXICON_ARG_NONE },
	{ "away",	LEXICON_AWAY,		false, LEXICON_ARG_NONE },
	{ "inherit",	LEXICON_INHERIT,	false, LEXICON_ARG_NONE },
	{ "detect",	LEXICON_DETECT,		false, LEXICON_ARG_NONE },
	{ "classifier",	LEXICON_CLASSIFIER,	false, LEXICON_ARG_NONE },
	{ "elide",	LEXICON_ELIDE,		false, LEXICON_ARG_NONE },
	{ "role",	LEXICON_ROLE,		false, LEXICON_ARG_ROLE },
	{ "notnoun",	LEXICON_NOTNOUN,	false, LEXICON_ARG_NONE },
	{ "locative",	LEXICON_LOCATIVE,	false, LEXICON_ARG_NONE },
	{ "aux",	LEXICON_AUX,		false, LEXICON_ARG_NONE },
	{ "conj",	LEXICON_CONJ,		false, LEXICON_ARG_NONE },
	{ "det",	LEXICON_DET,		false, LEXICON_ARG_NONE },
	{ "source",	LEXICON_SOURCE,		false, LEXICON_ARG_NONE },
	{ "purpose",	LEXICON_PURPOSE,	false, LEXICON_ARG_NONE },
	{ "rate",	LEXICON_RATE,		false, LEXICON_ARG_NONE },
	{ "ratejoin",	LEXICON_RATEJOIN,	false, LEXICON_ARG_NONE },
	{ "moneymult",	LEXICON_MONEYMULT,	false, LEXICON_ARG_VALUE },
	{ "detectpre",	LEXICON_DETECT_PRE,	false, LEXICON_ARG_NONE },
	{ "detectsuf",	LEXICON_DETECT_SUF,	false, LEXICON_ARG_NONE },
};

#define LEXICON_NITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* Every kind has a bit in a 64-bit kinds mask. */
_Static_assert(LEXICON_DETECT_SUF < 64, "too many lexicon kinds for a mask");

uint64_t
lexicon_hash(const char *s, size_t len)
{
	return lexicon_hash_end(util_hash64_lower(s, len, UTIL_HASH_SEED));
}

static const char *
lexicon_intern(struct lexicon *lex, const char *s)
{
	size_t	 i;

	for (i = 0; i < lex->nnames; i++)
		if (strcmp(lex->names[i], s) == 0)
			return lex->names[i];
	lex->names = xreallocarray(lex->names, lex->nnames + 1,
	    sizeof(*lex->names));
	lex->names[lex->nnames] = xstrdup(s);
	return lex->names[lex->nnames++];
}

/*
 * Splits a phrase into words the way the extractor's tokenizer does:
 * whitespace separates, and every ASCII punctuation character is a word
 * of its own, so "US$" is "US" "$" in both places.
 */
static int
lexicon_phrase(const char *p, struct lexicon_entry *e)
{
	const char	*w;
	size_t		 n, i;
	bool		 upper;

	e->nwords = 0;
	e->upper = 0;
	while (*p != '\0') {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		w = p;
		if ((unsigned char)*p < 0x80 && !isalnum((unsigned char)*p) &&
		    *p != '\'')
			p++;
		else
			while (*p != '\0' && ((unsigned char)*p >= 0x80 ||
			    isalnum((unsigned char)*p) || *p == '\''))
				p++;
		n = (size_t)(p - w);
		if (e->nwords == LEXICON_PHRASE_MAX)
			return -1;
		/* Short all-capital words are acronyms: "AS" is not "as". */
		upper = n >= 2 && n <= 5;
		for (i = 0; i < n && upper; i++)
			if (!isupper((unsigned char)w[i]))
				upper = false;
		if (upper)
			e->upper |= 1U << e->nwords;
		e->words[e->nwords++] = lexicon_hash(w, n);
	}
	return e->nwords > 0 ? 0 : -1;
}

static bool
lexicon_valid_id(const char *s)
{
	if (*s == '\0' || strlen(s) >= CLAIM_NAME_MAX)
		return false;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s)
		    && *s != '-' && *s != '_')
			return false;
	return true;
}

static struct lexicon_entry *
lexicon_add(struct lexicon *lex)
{
	struct lexicon_entry	*e;

	if (lex->nentries == lex->capentries) {
		lex->capentries = lex->capentries ? lex->capentries * 2 : 512;
		lex->entries = xreallocarray(lex->entries, lex->capentries,
		    sizeof(*lex->entries));
	}
	e = &lex->entries[lex->nentries];
	memset(e, 0, sizeof(*e));
	e->next = -1;
	return e;
}

/* Cuts the next whitespace-separated field off *p; NULL when none. */
static char *
lexicon_field(char **p)
{
	char	*s = *p, *start;

	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return NULL;
	start = s;
	while (*s != '\0' && !isspace((unsigned char)*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return start;
}

static bool
lexicon_short_word(const char *v)
{
	size_t	 i;

	for (i = 0; v[i] != '\0'; i++)
		if (!islower((unsigned char)v[i]))
			return false;
	return i < 8;
}

/* "plural ies y", "plural s", "verbprefix me": short lower-case words. */
static int
lexicon_word_line(struct lexicon_lang *l, const char *key, char *rest,
    char *msg, size_t msglen)
{
	char		*v, *rep;
	unsigned char	 c;

	v = lexicon_field(&rest);
	rep = lexicon_field(&rest);
	if (v == NULL || *v == '\0' || !lexicon_short_word(v) ||
	    (rep != NULL && !lexicon_short_word(rep)) ||
	    lexicon_field(&rest) != NULL ||
	    (rep != NULL && strcmp(key, "plural") != 0)) {
		snprintf(msg, msglen, "%s takes 1-7 lower-case letters%s", key,
		    strcmp(key, "plural") == 0 ? " and a singular ending" : "");
		return -1;
	}
	if ((strcmp(key, "plural") == 0 ? l->nplural : l->nprefix) ==
	    LEXICON_PREFIXES_MAX) {
		snprintf(msg, msglen, "more than %d %s lines",
		    LEXICON_PREFIXES_MAX, key);
		return -1;
	}
	if (strcmp(key, "plural") == 0) {
		l->plurallen[l->nplural] = strlen(v);
		c = (unsigned char)v[strlen(v) - 1];
		l->plurallast[c >> 3] |= 1U << (c & 7);
		util_strlcpy(l->plural[l->nplural][0], v, 8);
		util_strlcpy(l->plural[l->nplural++][1], rep != NULL ? rep : "",
		    8);
	} else {
		l->prefixlen[l->nprefix] = strlen(v);
		util_strlcpy(l->prefix[l->nprefix++], v, 8);
	}
	return 0;
}

/* "eventmap arrived troops deployed": troops that arrive are deployed. */
static int
lexicon_evmap_line(struct lexicon_lang *l, char *rest, char *msg,
    size_t msglen)
{
	char	*f[3];
	int	 i;

	for (i = 0; i < 3; i++)
		if ((f[i] = lexicon_field(&rest)) == NULL ||
		    !lexicon_valid_id(f[i]))
			break;
	if (i < 3 || lexicon_field(&rest) != NULL) {
		snprintf(msg, msglen, "eventmap takes EVENT GROUP EVENT");
		return -1;
	}
	if (l->nevmap == LEXICON_EVMAP_MAX) {
		snprintf(msg, msglen, "more than %d eventmap lines",
		    LEXICON_EVMAP_MAX);
		return -1;
	}
	for (i = 0; i < 3; i++)
		util_strlcpy(l->evmap[l->nevmap][i], f[i], CLAIM_NAME_MAX);
	l->nevmap++;
	return 0;
}

/* Another tag naming the language: an old code, a three-letter one. */
static int
lexicon_alias_line(struct lexicon_lang *l, const char *v, char *msg,
    size_t msglen)
{
	const char	*p;

	for (p = v; *p != '\0'; p++)
		if (!islower((unsigned char)*p))
			break;
	if (*p != '\0' || p - v < 2 || (size_t)(p - v) >= sizeof(l->alias[0])) {
		snprintf(msg, msglen, "bad alias \"%s\" (2-15 lower-case "
		    "letters)", v);
		return -1;
	}
	if (l->nalias == LEXICON_ALIASES_MAX) {
		snprintf(msg, msglen, "more than %d aliases",
		    LEXICON_ALIASES_MAX);
		return -1;
	}
	util_strlcpy(l->alias[l->nalias++], v, sizeof(l->alias[0]));
	return 0;
}

static int
lexicon_lang_line(struct lexicon *lex, int *lang, const char *key,
    char *rest, char *msg, size_t msglen)
{
	struct lexicon_lang	*l;
	char			*v;

	if (*lang != LEXICON_ANY_LANG && strcmp(key, "eventmap") == 0)
		return lexicon_evmap_line(&lex->langs[*lang], rest, msg,
		    msglen);
	if (*lang != LEXICON_ANY_LANG && (strcmp(key, "plural") == 0 ||
	    strcmp(key, "verbprefix") == 0))
		return lexicon_word_line(&lex->langs[*lang], key, rest, msg,
		    msglen);
	v = lexicon_field(&rest);
	if (v == NULL || lexicon_field(&rest) != NULL) {
		snprintf(msg, msglen, "%s takes one value", key);
		return -1;
	}
	if (strcmp(key, "lang") == 0) {
		if (*lang != LEXICON_ANY_LANG) {
			snprintf(msg, msglen, "second lang line");
			return -1;
		}
		if (!lexicon_valid_id(v) || strlen(v) >= sizeof(l->name)) {
			snprintf(msg, msglen, "bad language name \"%s\"", v);
			return -1;
		}
		if (lexicon_lang_index(lex, v) != -1 ||
		    lex->nlangs == LEXICON_LANGS_MAX) {
			snprintf(msg, msglen, "language \"%s\" repeated or "
			    "too many languages", v);
			return -1;
		}
		l = &lex->langs[lex->nlangs];
		util_strlcpy(l->name, v, sizeof(l->name));
		l->decimal = '.';
		l->group = ',';
		*lang = lex->nlangs++;
		return 0;
	}
	if (*lang == LEXICON_ANY_LANG) {
		snprintf(msg, msglen, "%s before lang", key);
		return -1;
	}
	l = &lex->langs[*lang];
	if (strcmp(key, "head") == 0) {
		if (strcmp(v, "first") != 0 && strcmp(v, "last") != 0) {
			snprintf(msg, msglen, "head must be first or last");
			return -1;
		}
		l->head_last = strcmp(v, "last") == 0;
		return 0;
	}
	if (strcmp(key, "alias") == 0)
		return lexicon_alias_line(l, v, msg, msglen);
	if (strcmp(key, "suffix") == 0) {
		if (strlen(v) >= sizeof(l->suffix)) {
			snprintf(msg, msglen, "suffix too long");
			return -1;
		}
		util_strlcpy(l->suffix, v, sizeof(l->suffix));
		return 0;
	}
	if ((v[0] != '.' && v[0] != ',') || v[1] != '\0') {
		snprintf(msg, msglen, "%s must be '.' or ','", key);
		return -1;
	}
	if (strcmp(key, "decimal") == 0)
		l->decimal = v[0];
	else
		l->group = v[0];
	return 0;
}

/* Records the length of detection affix p (one word) by its outer pair. */
static void
lexicon_affix_note(struct lexicon *lex, enum lexicon_kind kind,
    const char *p)
{
	size_t	 n;
	int	 pair;

	while (isspace((unsigned char)*p))
		p++;
	for (n = 0; p[n] != '\0' && !isspace((unsigned char)p[n]); n++)
		;
	/* Text is scored by runs of letters: other affixes never match. */
	if (n < 2 || n > LEXICON_AFFIX_LEN)
		return;
	pair = kind == LEXICON_DETECT_PRE ? lexicon_pair(p[0], p[1]) :
	    lexicon_pair(p[n - 2], p[n - 1]);
	if (pair != -1)
		lex->affix[kind == LEXICON_DETECT_SUF][pair] |= 1U << (n - 1);
}

const uint8_t *
lexicon_affixes(const struct lexicon *lex, enum lexicon_kind kind)
{
	return lex->affix[kind == LEXICON_DETECT_SUF];
}

unsigned
lexicon_affix_lens(const struct lexicon *lex, enum lexicon_kind kind,
    unsigned char a, unsigned char b)
{
	int	 pair = lexicon_pair(a, b);

	if (pair == -1 || (kind != LEXICON_DETECT_PRE &&
	    kind != LEXICON_DETECT_SUF))
		return 0;
	return (unsigned)lexicon_affixes(lex, kind)[pair] << 1;
}

static int
lexicon_entry_line(struct lexicon *lex, int lang, char *key, char *rest,
    char *msg, size_t msglen)
{
	struct lexicon_entry	*e;
	char			*arg = NULL, *end;
	size_t			 k;
	double			 v = 0;

	for (k = 0; k < LEXICON_NITEMS(lexicon_kinds); k++)
		if (strcmp(lexicon_kinds[k].name, key) == 0)
			break;
	if (k == LEXICON_NITEMS(lexicon_kinds)) {
		snprintf(msg, msglen, "unknown kind \"%s\"", key);
		return -1;
	}
	if (lang == LEXICON_ANY_LANG) {
		snprintf(msg, msglen, "entry before lang line");
		return -1;
	}
	if (lexicon_kinds[k].arg != LEXICON_ARG_NONE &&
	    (arg = lexicon_field(&rest)) == NULL) {
		snprintf(msg, msglen, "%s needs a value and a phrase", key);
		return -1;
	}
	switch (lexicon_kinds[k].arg) {
	case LEXICON_ARG_VALUE:
		errno = 0;
		v = strtod(arg, &end);
		if (errno != 0 || *end != '\0' || v <= 0 || v > 1e15) {
			snprintf(msg, msglen, "bad value \"%s\"", arg);
			return -1;
		}
		break;
	case LEXICON_ARG_QUAL:
		if (claim_qualifier_parse(arg) == -1) {
			snprintf(msg, msglen, "unknown qualifier \"%s\"", arg);
			return -1;
		}
		break;
	case LEXICON_ARG_MODAL:
		if (claim_modality_parse(arg) == -1) {
			snprintf(msg, msglen, "unknown modality \"%s\"", arg);
			return -1;
		}
		break;
	case LEXICON_ARG_ROLE:
		if (claim_role_parse(arg) == -1) {
			snprintf(msg, msglen, "unknown role \"%s\"", arg);
			return -1;
		}
		break;
	case LEXICON_ARG_NAME:
		if (!lexicon_valid_id(arg)) {
			snprintf(msg, msglen, "bad name \"%s\"", arg);
			return -1;
		}
		break;
	case LEXICON_ARG_NONE:
		break;
	}
	e = lexicon_add(lex);
	if (lexicon_phrase(rest, e) == -1) {
		snprintf(msg, msglen, "missing phrase or more than %d words",
		    LEXICON_PHRASE_MAX);
		return -1;
	}
	if ((lexicon_kinds[k].kind == LEXICON_DETECT_PRE ||
	    lexicon_kinds[k].kind == LEXICON_DETECT_SUF) && e->nwords != 1) {
		snprintf(msg, msglen, "%s takes one affix of letters", key);
		return -1;
	}
	e->kind = lexicon_kinds[k].kind;
	if (e->kind == LEXICON_DETECT_PRE || e->kind == LEXICON_DETECT_SUF)
		lexicon_affix_note(lex, e->kind, rest);
	e->weak = lexicon_kinds[k].weak;
	e->lang = lang;
	e->value = v;
	e->id = arg != NULL ? lexicon_intern(lex, arg) : "";
	lex->nentries++;
	return 0;
}

static int
lexicon_entity_line(struct lexicon *lex, char *id, char *rest, char *msg,
    size_t msglen)
{
	struct lexicon_entry	*e;

	if (!lexicon_valid_id(id)) {
		snprintf(msg, msglen, "bad entity id \"%s\"", id);
		return -1;
	}
	e = lexicon_add(lex);
	if (lexicon_phrase(rest, e) == -1) {
		snprintf(msg, msglen, "missing phrase or more than %d words",
		    LEXICON_PHRASE_MAX);
		return -1;
	}
	e->kind = LEXICON_ENTITY;
	e->lang = LEXICON_ANY_LANG;
	e->id = lexicon_intern(lex, id);
	lex->nentries++;
	return 0;
}

static int
lexicon_load_file(struct lexicon *lex, const char *path, bool gazetteer,
    char *err, size_t errlen)
{
	char	*data, *line, *next, *p, *key, msg[160];
	size_t	 len, lineno = 0, n;
	int	 lang = LEXICON_ANY_LANG, rc;

	if (util_read_file(path, LEXICON_FILE_MAX, &data, &len, err,
	    errlen) == -1)
		return -1;
	if (memchr(data, '\0', len) != NULL) {
		snprintf(err, errlen, "%s:1: NUL byte in file", path);
		free(data);
		return -1;
	}
	for (line = data; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((n = strlen(line)) > LEXICON_LINE_MAX) {
			snprintf(err, errlen, "%s:%zu: line too long", path,
			    lineno);
			goto fail;
		}
		/* A comment starts at '#' at line start or after a blank. */
		for (p = line; *p != '\0'; p++)
			if (*p == '#' && (p == line ||
			    isspace((unsigned char)p[-1]))) {
				*p = '\0';
				break;
			}
		p = line;
		if ((key = lexicon_field(&p)) == NULL)
			continue;
		if (lex->nentries >= LEXICON_ENTRIES_MAX) {
			snprintf(err, errlen, "%s:%zu: too many entries", path,
			    lineno);
			goto fail;
		}
		if (gazetteer)
			rc = lexicon_entity_line(lex, key, p, msg,
			    sizeof(msg));
		else if (strcmp(key, "lang") == 0 ||
		    strcmp(key, "decimal") == 0 ||
		    strcmp(key, "group") == 0 || strcmp(key, "suffix") == 0 ||
		    strcmp(key, "plural") == 0 || strcmp(key, "head") == 0 ||
		    strcmp(key, "verbprefix") == 0 ||
		    strcmp(key, "eventmap") == 0 ||
		    strcmp(key, "alias") == 0)
			rc = lexicon_lang_line(lex, &lang, key, p, msg,
			    sizeof(msg));
		else
			rc = lexicon_entry_line(lex, lang, key, p, msg,
			    sizeof(msg));
		if (rc == -1) {
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, msg);
			goto fail;
		}
	}
	if (!gazetteer && lang == LEXICON_ANY_LANG) {
		snprintf(err, errlen, "%s:%zu: no lang line", path, lineno);
		goto fail;
	}
	free(data);
	return 0;
fail:
	free(data);
	return -1;
}

static struct lexicon_slot *
lexicon_slot(const struct lexicon *lex, uint64_t h)
{
	size_t	 i = (size_t)h & lex->mask;

	while (lex->slots[i].hash != 0 && lex->slots[i].hash != h)
		i = (i + 1) & lex->mask;
	return &lex->slots[i];
}

/* Iterative, as one chain may be as long as a user's file. */
static void
lexicon_chain_kinds(struct lexicon *lex, int32_t head, int32_t *stack)
{
	size_t		 n = 0;
	uint64_t	 kinds = 0;
	int32_t		 i;

	for (i = head; i != -1; i = lex->entries[i].next)
		stack[n++] = i;
	while (n > 0) {
		i = stack[--n];
		kinds |= LEXICON_BIT(lex->entries[i].kind);
		lex->entries[i].kinds = kinds;
	}
}

/* Chains keep longer phrases first so that the first match is longest. */
static void
lexicon_index(struct lexicon *lex)
{
	struct lexicon_slot	*s;
	struct lexicon_entry	*e;
	int32_t			*pp, *stack;
	size_t			 i, size = 16;

	/* Sparse: most words of a text are misses, and a miss probes until
	 * an empty slot. */
	while (size < lex->nentries * 8)
		size *= 2;
	lex->slots = xcalloc(size, sizeof(*lex->slots));
	lex->mask = size - 1;
	for (i = 0; i < lex->nentries; i++) {
		e = &lex->entries[i];
		s = lexicon_slot(lex, e->words[0]);
		if (s->hash == 0) {
			s->hash = e->words[0];
			s->head = -1;
		}
		pp = &s->head;
		while (*pp != -1 && lex->entries[*pp].nwords >= e->nwords)
			pp = &lex->entries[*pp].next;
		e->next = *pp;
		*pp = (int32_t)i;
	}
	/* Each entry knows the kinds left in its chain: a miss costs one
	 * test instead of a walk. */
	stack = xreallocarray(NULL, lex->nentries + 1, sizeof(*stack));
	for (i = 0; i < size; i++)
		if (lex->slots[i].hash != 0)
			lexicon_chain_kinds(lex, lex->slots[i].head, stack);
	free(stack);
}

struct lexicon *
lexicon_load(const char *dir, char *err, size_t errlen)
{
	static const char *const suffixes[] = { ".lex", ".txt", NULL };
	struct lexicon	*lex;
	char		*names[LEXICON_FILES_MAX], *path;
	size_t		 i;
	int		 n, rc = 0;

	/* Sorted, so language indexes do not depend on readdir order. */
	if ((n = util_dir_names(dir, suffixes, names, LEXICON_FILES_MAX, err,
	    errlen)) == -1)
		return NULL;
	if (n == 0) {
		snprintf(err, errlen, "%s:0: no *.lex or *.txt files", dir);
		rc = -1;
	}
	lex = xcalloc(1, sizeof(*lex));
	for (i = 0; i < (size_t)n; i++) {
		if (rc == 0) {
			xasprintf(&path, "%s/%s", dir, names[i]);
			rc = lexicon_load_file(lex, path,
			    util_has_suffix(names[i], ".txt"), err, errlen);
			free(path);
		}
		free(names[i]);
	}
	if (rc == 0 && lex->nlangs == 0) {
		snprintf(err, errlen, "%s:0: no language (*.lex) file", dir);
		rc = -1;
	}
	if (rc == -1) {
		lexicon_free(lex);
		return NULL;
	}
	lexicon_index(lex);
	return lex;
}

static bool
lexicon_is_dir(const char *path)
{
	struct stat	 st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *
lexicon_tree_dir(void)
{
	char		 exe[PATH_MAX], *dir, *p;
	ssize_t		 n;
	const char	*up[] = { "..", "../.." };
	size_t		 i;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return NULL;
	exe[n] = '\0';
	if ((dir = strrchr(exe, '/')) == NULL)
		return NULL;
	*dir = '\0';
	/* build/claimwatch or build/san/claimwatch, next to the Makefile. */
	for (i = 0; i < sizeof(up) / sizeof(up[0]); i++) {
		xasprintf(&p, "%s/%s/Makefile", exe, up[i]);
		if (access(p, F_OK) == 0) {
			free(p);
			xasprintf(&p, "%s/%s/config/lexicon", exe, up[i]);
			if (lexicon_is_dir(p))
				return p;
		}
		free(p);
	}
	return NULL;
}

struct lexicon *
lexicon_load_setting(const char *dir, bool set, const char *conf,
    char **used, char *err, size_t errlen)
{
	struct lexicon	*lex;
	char		*tree = NULL, msg[1024];
	const char	*d = dir;
	size_t		 n;

	if (!set && (tree = lexicon_tree_dir()) != NULL)
		d = tree;
	if ((lex = lexicon_load(d, msg, sizeof(msg))) == NULL) {
		n = strlen(d);
		/* "DIR:0: ..." is about the directory, not a line in it. */
		if (strncmp(msg, d, n) == 0 && strncmp(msg + n, ":0: ", 4) ==
		    0)
			snprintf(err, errlen, "%s: [extract] lexicon_dir%s: "
			    "%s: %s", conf, set ? "" : " (not set; the "
			    "default)", d, msg + n + 4);
		else
			util_strlcpy(err, msg, errlen);
	} else if (used != NULL)
		*used = xstrdup(d);
	free(tree);
	return lex;
}

void
lexicon_free(struct lexicon *lex)
{
	size_t	 i;

	if (lex == NULL)
		return;
	for (i = 0; i < lex->nnames; i++)
		free(lex->names[i]);
	free(lex->names);
	free(lex->entries);
	free(lex->slots);
	free(lex);
}

const struct lexicon_entry *
lexicon_first(const struct lexicon *lex, uint64_t h)
{
	const struct lexicon_slot	*s = lexicon_slot(lex, h);

	if (s->hash == 0)
		return NULL;
	return &lex->entries[s->head];
}

const struct lexicon_entry *
lexicon_entry(const struct lexicon *lex, int32_t i)
{
	if (i < 0 || (size_t)i >= lex->nentries)
		return NULL;
	return &lex->entries[i];
}

int
lexicon_nlangs(const struct lexicon *lex)
{
	return lex->nlangs;
}

int
lexicon_lang_index(const struct lexicon *lex, const char *name)
{
	int	 i;

	for (i = 0; i < lex->nlangs; i++)
		if (strcmp(lex->langs[i].name, name) == 0)
			return i;
	return -1;
}

int
lexicon_lang_find(const struct lexicon *lex, const char *s, size_t len)
{
	int	 i, k;

	for (i = 0; i < lex->nlangs; i++) {
		if (strlen(lex->langs[i].name) == len &&
		    strncasecmp(lex->langs[i].name, s, len) == 0)
			return i;
		for (k = 0; k < lex->langs[i].nalias; k++)
			if (strlen(lex->langs[i].alias[k]) == len &&
			    strncasecmp(lex->langs[i].alias[k], s, len) == 0)
				return i;
	}
	return -1;
}

const char *
lexicon_lang_name(const struct lexicon *lex, int i)
{
	if (i < 0 || i >= lex->nlangs)
		return NULL;
	return lex->langs[i].name;
}

char
lexicon_decimal(const struct lexicon *lex, int i)
{
	return i >= 0 && i < lex->nlangs ? lex->langs[i].decimal : '.';
}

char
lexicon_group(const struct lexicon *lex, int i)
{
	return i >= 0 && i < lex->nlangs ? lex->langs[i].group : ',';
}

const char *
lexicon_suffix(const struct lexicon *lex, int i)
{
	if (i < 0 || i >= lex->nlangs || lex->langs[i].suffix[0] == '\0')
		return NULL;
	return lex->langs[i].suffix;
}

bool
lexicon_singular(const struct lexicon *lex, int i, const char *w, size_t n,
    char *out, size_t outlen)
{
	const struct lexicon_lang	*l;
	size_t				 m, k;
	int				 p;

	if (i < 0 || i >= lex->nlangs)
		return false;
	l = &lex->langs[i];
	if (n == 0)
		return false;
	k = (unsigned char)tolower((unsigned char)w[n - 1]);
	if (!(l->plurallast[k >> 3] & (1U << (k & 7))))
		return false;
	for (p = 0; p < l->nplural; p++) {
		m = l->plurallen[p];
		/* A word is longer than its ending, and "ss" is no plural. */
		/* The last letter first: most words end in none. */
		if (n < m + 3 || tolower((unsigned char)w[n - 1]) !=
		    l->plural[p][0][m - 1] ||
		    strncasecmp(w + n - m, l->plural[p][0], m) != 0 ||
		    (m == 1 && tolower((unsigned char)w[n - 2]) == w[n - 1]))
			continue;
		if (out != NULL && outlen > 0) {
			k = n - m < outlen - 1 ? n - m : outlen - 1;
			memmove(out, w, k);
			out[k] = '\0';
			util_strlcpy(out + k, l->plural[p][1], outlen - k);
		}
		return true;
	}
	return false;
}

const char *
lexicon_event_for(const struct lexicon *lex, int i, const char *event,
    const char *group)
{
	const struct lexicon_lang	*l;
	int				 k;

	if (i < 0 || i >= lex->nlangs)
		return event;
	l = &lex->langs[i];
	for (k = 0; k < l->nevmap; k++)
		if (strcmp(l->evmap[k][0], event) == 0 &&
		    strcmp(l->evmap[k][1], group) == 0)
			return l->evmap[k][2];
	return event;
}

bool
lexicon_head_last(const struct lexicon *lex, int i)
{
	return i >= 0 && i < lex->nlangs && lex->langs[i].head_last;
}

bool
lexicon_verb_prefix(const struct lexicon *lex, int i, const char *w, size_t n)
{
	const struct lexicon_lang	*l;
	size_t				 k, m;
	int				 p;

	if (i < 0 || i >= lex->nlangs)
		return false;
	l = &lex->langs[i];
	for (p = 0; p < l->nprefix; p++) {
		m = l->prefixlen[p];
		if (n <= m + 2)
			continue;
		for (k = 0; k < m; k++)
			if (tolower((unsigned char)w[k]) != l->prefix[p][k])
				break;
		if (k == m)
			return true;
	}
	return false;
}

size_t
lexicon_size(const struct lexicon *lex)
{
	return lex->nentries;
}

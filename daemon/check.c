/*
 * check: --check-config for both programs.  Nothing stops at the first
 * problem: the configuration's errors are counted and the other checks
 * still run on what could be read, so one run lists every mistake.  The
 * two printers are for the programs' -n / check-config.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "gazetteer.h"
#include "lang.h"
#include "lexicon.h"
#include "util.h"

struct check_ctx {
	check_msg_cb		 cb;
	void			*arg;
	struct check_result	*r;
};

static void
check_msg(struct check_ctx *x, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
check_msg(struct check_ctx *x, bool error, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (error)
		x->r->nerrors++;
	else
		x->r->nwarnings++;
	x->cb(error, msg, x->arg);
	free(msg);
}

static void
check_config_cb(const char *msg, void *arg)
{
	struct check_ctx	*x = arg;

	x->r->nerrors++;
	x->cb(true, msg, x->arg);
}

/* The spool lives there: missing or read-only loses writes in an outage. */
static void
check_state_dir(struct check_ctx *x, const struct config *c)
{
	struct stat	 st;

	if (stat(c->state_dir, &st) == -1)
		check_msg(x, false, "%s: [daemon] state_dir: %s: %s (the "
		    "daemon cannot spool writes while Redis is away)",
		    c->path, c->state_dir, strerror(errno));
	else if (!S_ISDIR(st.st_mode))
		check_msg(x, true, "%s: [daemon] state_dir: %s: not a "
		    "directory", c->path, c->state_dir);
	else if (access(c->state_dir, W_OK | X_OK) == -1)
		check_msg(x, false, "%s: [daemon] state_dir: %s: not "
		    "writable by this user (uid %d): %s", c->path,
		    c->state_dir, (int)getuid(), strerror(errno));
}

/* The lexicon's languages, for a message: "en id". */
static void
check_langs(const struct lexicon *lex, char *buf, size_t len)
{
	int	 i;

	buf[0] = '\0';
	for (i = 0; i < lexicon_nlangs(lex); i++) {
		if (i > 0)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, lexicon_lang_name(lex, i), len - strlen(buf) - 1);
	}
}

static void
check_languages(struct check_ctx *x, const struct config *c,
    const struct lexicon *lex)
{
	char	 have[128];
	size_t	 i;

	check_langs(lex, have, sizeof(have));
	if (strcmp(lang_tag(lex, c->lang), LANG_NONE) == 0)
		check_msg(x, false, "%s: [extract] lang: '%s' has no lexicon "
		    "(have: %s); items are detected instead", c->path,
		    c->lang, have);
	for (i = 0; i < c->nfeeds; i++)
		if (c->feeds[i].lang != NULL &&
		    strcmp(lang_tag(lex, c->feeds[i].lang), LANG_NONE) == 0)
			check_msg(x, false, "%s:%d: lang=%s has no lexicon "
			    "(have: %s); items are detected instead",
			    c->feeds_list, c->feeds[i].line,
			    c->feeds[i].lang, have);
}

int
check_load_data(const struct config *c, struct lexicon **lexp,
    struct gazetteer **gazp, char **lexdir, char *err, size_t errlen)
{
	char	*used = NULL, *gdir;

	*gazp = NULL;
	if ((*lexp = lexicon_load_setting(c->lexicon_dir, c->lexicon_dir_set,
	    c->path, &used, err, errlen)) == NULL)
		return -1;
	/* The gazetteer beside the lexicon in use, unless set. */
	if (c->gazetteer_dir_set)
		gdir = xstrdup(c->gazetteer_dir);
	else
		xasprintf(&gdir, "%s/../gazetteer", used);
	*gazp = gazetteer_load(gdir, err, errlen);
	free(gdir);
	if (*gazp == NULL) {
		lexicon_free(*lexp);
		*lexp = NULL;
		free(used);
		return -1;
	}
	if (lexdir != NULL)
		*lexdir = used;
	else
		free(used);
	return 0;
}

void
check_config(const char *path, check_msg_cb cb, void *arg,
    struct check_result *r)
{
	struct check_ctx	 x = { cb, arg, r };
	struct config		*c;
	struct lexicon		*lex;
	struct gazetteer	*gaz;
	char			 err[1024], *used = NULL;
	size_t			 n;

	memset(r, 0, sizeof(*r));
	if ((c = config_load_all(path, check_config_cb, &x, &n)) == NULL)
		return;
	r->nfeeds = c->nfeeds;
	if (check_load_data(c, &lex, &gaz, &used, err, sizeof(err)) == -1)
		check_msg(&x, true, "%s", err);
	else {
		util_strlcpy(r->lexicon, used, sizeof(r->lexicon));
		check_languages(&x, c, lex);
	}
	check_state_dir(&x, c);
	if (c->feeds_list != NULL && c->nfeeds == 0 && n == 0)
		check_msg(&x, false, "%s: the feed list has no feeds: the "
		    "daemon will poll nothing", c->feeds_list);
	free(used);
	lexicon_free(lex);
	gazetteer_free(gaz);
	config_free(c);
}

void
check_print_cb(bool error, const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s%s\n", error ? "" : "warning: ", msg);
}

int
check_verdict(const char *path, const struct check_result *r)
{
	if (r->nerrors > 0) {
		fprintf(stderr, "%s: %zu error%s\n", path, r->nerrors,
		    r->nerrors == 1 ? "" : "s");
		return 1;
	}
	printf("%s: configuration OK, %zu feeds, lexicon %s", path,
	    r->nfeeds, r->lexicon);
	if (r->nwarnings > 0)
		printf(", %zu warning%s", r->nwarnings,
		    r->nwarnings == 1 ? "" : "s");
	printf("\n");
	return 0;
}

/*
 * check: what --check-config verifies, for claimwatchd -n and claimwatch
 * check-config alike: every error of the configuration and its feed list
 * (config_load_all), the lexicon it names, that state_dir is a writable
 * directory, and warnings for an empty feed list and for languages with
 * no lexicon.  Like OpenBSD httpd -n it reads, reports and decides.  It
 * reads files only; check_print_cb and check_verdict print on stdio.
 */
#ifndef CLAIMWATCH_CHECK_H
#define CLAIMWATCH_CHECK_H

#include <stdbool.h>
#include <stddef.h>

/* One message: "FILE[:LINE]: text"; msg lives until the call returns. */
typedef void (*check_msg_cb)(bool error, const char *msg, void *arg);

/* The verdict of one check. */
struct check_result {
	size_t	 nerrors;
	size_t	 nwarnings;
	size_t	 nfeeds;	/* feeds in the list */
	char	 lexicon[1024];	/* directory loaded, or "" */
};

struct config;
struct gazetteer;
struct lexicon;

/*
 * Loads the lexicon and the gazetteer a configuration names, as the
 * daemon and the tools use them: lexicon_load_setting (the checkout's
 * lexicon from a build tree when lexicon_dir is unset), and the gazetteer
 * of gazetteer_dir, else the one beside the lexicon loaded.  0 with both
 * (free with lexicon_free, gazetteer_free), else -1 with a message in
 * err and neither.  *lexdir (when not NULL) gets the lexicon directory;
 * caller frees.
 */
int	 check_load_data(const struct config *, struct lexicon **,
	    struct gazetteer **, char **lexdir, char *err, size_t errlen);

/* Checks the configuration at path; every message goes to cb. */
void	 check_config(const char *path, check_msg_cb cb, void *arg,
	    struct check_result *);

/* Prints one message on stderr, warnings marked "warning: ". */
void	 check_print_cb(bool error, const char *msg, void *arg);
/*
 * Prints the verdict: "PATH: N errors" on stderr and returns 1, or
 * "PATH: configuration OK, N feeds, lexicon DIR[, N warnings]" on stdout
 * and returns 0 (the exit status).
 */
int	 check_verdict(const char *path, const struct check_result *);

#endif

/*
 * config_auth: a feed's auth=FILE, the credentials that must be neither in
 * the feed URL nor in the feed list, read from their own file when the list
 * is loaded (start, reload, check-config).  The file holds one credential
 * line, '#' comments and blank lines aside:
 *
 *	USER:PASSWORD  or  basic USER:PASSWORD	HTTP Basic
 *	bearer TOKEN				Authorization: Bearer
 *	header NAME: VALUE			any header (an API key)
 *
 * It owns the strings it stores in the feed and wipes them when freed.
 * Its messages name the file and what is wrong, never a byte of what the
 * file holds; a file others may read is refused as ssh refuses a key.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_int.h"
#include "util.h"

/* A credential file is a line, not a document. */
#define CONFIG_AUTH_FILE_MAX	4096
#define CONFIG_AUTH_LINE_MAX	1024

static char *
config_auth_dup(const char *s, size_t len)
{
	char	*d = xmalloc(len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

static void
config_auth_wipe(char *s)
{
	if (s != NULL) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
config_auth_clear(struct config_feed *f)
{
	free(f->auth_file);
	config_auth_wipe(f->auth_user);
	config_auth_wipe(f->auth_secret);
	f->auth_file = f->auth_user = f->auth_secret = NULL;
	f->auth = CONFIG_AUTH_NONE;
}

/* Bytes a header or a URL userinfo cannot carry: controls, DEL. */
static bool
config_auth_clean(const char *s, size_t len, bool spaces)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f ||
		    (!spaces && s[i] == ' '))
			return false;
	return len > 0;
}

static bool
config_auth_is_word(const char *s, const char *word)
{
	size_t	 n = strlen(word);

	return strncmp(s, word, n) == 0 && s[n] == ' ';
}

/* One credential line (NUL-terminated, no newline) into f. */
static int
config_auth_line(struct config_feed *f, const char *s, char *msg,
    size_t msglen)
{
	const char	*colon, *v;
	size_t		 len = strlen(s), n;

	if (config_auth_is_word(s, "bearer")) {
		v = s + 7;
		if (!config_auth_clean(v, strlen(v), false)) {
			snprintf(msg, msglen, "'bearer' wants one token "
			    "without spaces or control bytes");
			return -1;
		}
		f->auth = CONFIG_AUTH_BEARER;
		f->auth_secret = config_auth_dup(v, strlen(v));
		return 0;
	}
	if (config_auth_is_word(s, "header")) {
		v = s + 7;
		n = strcspn(v, ":");
		if (n == 0 || v[n] != ':' || !config_auth_clean(v, n, false) ||
		    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrst"
		    "uvwxyz0123456789-_") != n ||
		    !config_auth_clean(v + n + 1, strlen(v + n + 1), true) ||
		    strspn(v + n + 1, " ") == strlen(v + n + 1)) {
			snprintf(msg, msglen, "'header' wants 'Name: value' "
			    "(a name of letters, digits and '-', a value "
			    "without control bytes)");
			return -1;
		}
		f->auth = CONFIG_AUTH_HEADER;
		f->auth_secret = config_auth_dup(v, strlen(v));
		return 0;
	}
	if (config_auth_is_word(s, "basic")) {
		s += 6;
		len -= 6;
	}
	if ((colon = strchr(s, ':')) == NULL || colon == s ||
	    !config_auth_clean(s, len, true)) {
		snprintf(msg, msglen, "expected 'USER:PASSWORD', 'bearer "
		    "TOKEN' or 'header NAME: VALUE' on its first line");
		return -1;
	}
	f->auth = CONFIG_AUTH_BASIC;
	f->auth_user = config_auth_dup(s, (size_t)(colon - s));
	f->auth_secret = config_auth_dup(colon + 1, strlen(colon + 1));
	return 0;
}

/* The one line that is not blank or a comment, parsed into f. */
static int
config_auth_parse(struct config_feed *f, char *buf, size_t len, char *msg,
    size_t msglen)
{
	char	*p = buf, *nl, *end = buf + len, *found = NULL;
	size_t	 n;

	if (memchr(buf, '\0', len) != NULL) {
		snprintf(msg, msglen, "NUL byte: not a text file");
		return -1;
	}
	for (; p < end; p = nl + 1) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		*nl = '\0';
		n = strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			p[--n] = '\0';
		if (n == 0 || *p == '#')
			continue;
		if (found != NULL) {
			snprintf(msg, msglen, "more than one credential line "
			    "(one per file)");
			return -1;
		}
		if (n > CONFIG_AUTH_LINE_MAX) {
			snprintf(msg, msglen, "credential line longer than %d "
			    "bytes", CONFIG_AUTH_LINE_MAX);
			return -1;
		}
		found = p;
	}
	if (found == NULL) {
		snprintf(msg, msglen, "empty: no credential line");
		return -1;
	}
	return config_auth_line(f, found, msg, msglen);
}

int
config_auth_load(struct config_feed *f, const char *dir, const char *value,
    char *msg, size_t msglen, char *warn, size_t warnlen)
{
	struct stat	 st;
	char		*path, *buf = NULL, m[CONFIG_ERR_LEN];
	size_t		 len = 0;
	int		 rc = -1;

	warn[0] = '\0';
	config_auth_clear(f);
	if (*value == '\0') {
		snprintf(msg, msglen, "expected a file name");
		return -1;
	}
	path = config_path_resolve(dir, value);
	if (stat(path, &st) == -1) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* As ssh with a key: what others can read is no longer a secret. */
	if (S_ISREG(st.st_mode) && (st.st_mode & (S_IROTH | S_IWOTH))) {
		snprintf(msg, msglen, "%s: readable or writable by others "
		    "(mode %03o): chmod o-rw it", path,
		    (unsigned)(st.st_mode & 0777));
		goto out;
	}
	if (util_read_file(path, CONFIG_AUTH_FILE_MAX, &buf, &len, m,
	    sizeof(m)) == -1) {
		util_strlcpy(msg, m, msglen);
		goto out;
	}
	if (config_auth_parse(f, buf, len, m, sizeof(m)) == -1) {
		snprintf(msg, msglen, "%s: %s", path, m);
		config_auth_clear(f);
		goto out;
	}
	if (st.st_mode & (S_IRGRP | S_IWGRP))
		snprintf(warn, warnlen, "%s: readable or writable by its group "
		    "(mode %03o); chmod g-rw it unless the group is the "
		    "daemon's alone", path, (unsigned)(st.st_mode & 0777));
	f->auth_file = path;
	path = NULL;
	rc = 0;
out:
	if (buf != NULL) {
		explicit_bzero(buf, len);
		free(buf);
	}
	free(path);
	return rc;
}

/*
 * feed_date: the date strings feeds carry → UTC seconds.  RFC 3339 and
 * the W3C profile of ISO 8601 are read strictly by position; everything
 * else (RFC 822 and what publishers make of it: wrong weekdays, missing
 * commas, two-digit years, zone names, Indonesian and English month and
 * day names, "19/12/2024 10:30 WIB") by a token scanner that ignores
 * words it does not know.  Pure arithmetic: no locale, no TZ variable,
 * no mktime, so the answer never depends on the host.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "feed_int.h"

struct feed_date_word {
	const char	*name;
	int		 value;
};

/* Month names and abbreviations, English then Indonesian; value 1-12. */
static const struct feed_date_word feed_date_months[] = {
	{ "january", 1 }, { "february", 2 }, { "march", 3 }, { "april", 4 },
	{ "may", 5 }, { "june", 6 }, { "july", 7 }, { "august", 8 },
	{ "september", 9 }, { "october", 10 }, { "november", 11 },
	{ "december", 12 }, { "jan", 1 }, { "feb", 2 }, { "mar", 3 },
	{ "apr", 4 }, { "jun", 6 }, { "jul", 7 }, { "aug", 8 },
	{ "sep", 9 }, { "sept", 9 }, { "oct", 10 }, { "nov", 11 },
	{ "dec", 12 }, { "januari", 1 }, { "februari", 2 },
	{ "pebruari", 2 }, { "maret", 3 }, { "mei", 5 }, { "juni", 6 },
	{ "juli", 7 }, { "agustus", 8 }, { "oktober", 10 },
	{ "desember", 12 }, { "peb", 2 }, { "agu", 8 }, { "agt", 8 },
	{ "ags", 8 }, { "okt", 10 }, { "des", 12 }, { NULL, 0 }
};

/* Zone names with their offset in minutes east of UTC. */
static const struct feed_date_word feed_date_zones[] = {
	{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 },
	{ "est", -300 }, { "edt", -240 }, { "cst", -360 }, { "cdt", -300 },
	{ "mst", -420 }, { "mdt", -360 }, { "pst", -480 }, { "pdt", -420 },
	{ "akst", -540 }, { "akdt", -480 }, { "hst", -600 },
	{ "ast", -240 }, { "adt", -180 }, { "bst", 60 }, { "cet", 60 },
	{ "cest", 120 }, { "met", 60 }, { "eet", 120 }, { "eest", 180 },
	{ "msk", 180 }, { "ist", 330 }, { "sgt", 480 }, { "jst", 540 },
	{ "kst", 540 }, { "aest", 600 }, { "aedt", 660 },
	{ "wib", 420 }, { "wita", 480 }, { "wit", 540 }, { NULL, 0 }
};

static int
feed_date_lookup(const struct feed_date_word *w, const char *s, size_t n)
{
	char	 low[16];
	size_t	 i;

	if (n == 0 || n >= sizeof(low))
		return -10000;
	for (i = 0; i < n; i++)
		low[i] = (char)tolower((unsigned char)s[i]);
	low[n] = '\0';
	for (; w->name != NULL; w++)
		if (w->name[0] == low[0] && strcmp(w->name, low) == 0)
			return w->value;
	return -10000;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
feed_date_days(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t
feed_date_make(int y, int mo, int d, int h, int mi, int s, int off)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || h < 0 || h > 24 || mi < 0 || mi > 59 ||
	    s < 0 || s > 60)
		return FEED_TIME_NONE;
	if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return FEED_TIME_NONE;
	if (s == 60)
		s = 59;
	return feed_date_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + s -
	    (int64_t)off * 60;
}

/* Reads exactly n digits at *p; returns -1 when they are not there. */
static int
feed_date_digits(const char **p, int n)
{
	int	 v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	return v;
}

/* "Z", "+hh:mm", "+hhmm", "+hh"; *off in minutes.  0, or -1. */
static int
feed_date_offset(const char **pp, int *off)
{
	const char	*p = *pp;
	int		 sign, h, m = 0;

	if (*p == 'Z' || *p == 'z') {
		*off = 0;
		*pp = p + 1;
		return 0;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if ((h = feed_date_digits(&p, 2)) < 0)
		return -1;
	if (*p == ':')
		p++;
	if (isdigit((unsigned char)*p) && (m = feed_date_digits(&p, 2)) < 0)
		return -1;
	*off = sign * (h * 60 + m);
	*pp = p;
	return 0;
}

/* RFC 3339 / W3C-DTF: 2004-01-01[T19:48[:21[.5]]][Z|+01:00]. */
static int64_t
feed_date_iso(const char *p)
{
	int	 y, mo = 1, d = 1, h = 0, mi = 0, s = 0, off = 0;
	bool	 compact;

	if ((y = feed_date_digits(&p, 4)) < 0)
		return FEED_TIME_NONE;
	compact = isdigit((unsigned char)*p);
	if (*p == '-' || compact) {
		if (!compact)
			p++;
		if ((mo = feed_date_digits(&p, 2)) < 0)
			return FEED_TIME_NONE;
		if (*p == '-' || (compact && isdigit((unsigned char)*p))) {
			if (!compact)
				p++;
			if ((d = feed_date_digits(&p, 2)) < 0)
				return FEED_TIME_NONE;
		}
	}
	if (*p == 'T' || *p == 't' || (*p == ' ' &&
	    isdigit((unsigned char)p[1]))) {
		p++;
		if ((h = feed_date_digits(&p, 2)) < 0)
			return FEED_TIME_NONE;
		if (*p == ':')
			p++;
		if ((mi = feed_date_digits(&p, 2)) < 0)
			return FEED_TIME_NONE;
		if (*p == ':' || isdigit((unsigned char)*p)) {
			if (*p == ':')
				p++;
			if ((s = feed_date_digits(&p, 2)) < 0)
				return FEED_TIME_NONE;
			if (*p == '.' || *p == ',')
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		while (*p == ' ')
			p++;
		if (*p != '\0' && feed_date_offset(&p, &off) == -1) {
			/* A zone name after the time, as some feeds write. */
			const char	*w = p;

			while (isalpha((unsigned char)*p))
				p++;
			if ((off = feed_date_lookup(feed_date_zones, w,
			    (size_t)(p - w))) == -10000)
				return FEED_TIME_NONE;
		}
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		return FEED_TIME_NONE;
	return feed_date_make(y, mo, d, h, mi, s, off);
}

/* What feed_date_loose has read so far. */
struct feed_date_parts {
	int	 y, mo, d;	/* -1 until read */
	int	 h, mi, s;	/* 0 until read */
	int	 off;		/* minutes east of UTC */
	int	 pm;		/* -1 unknown, 0 am, 1 pm */
	bool	 have_time;
};

/* A word at *p: a month, a zone after the time, am or pm; else skipped. */
static void
feed_date_loose_word(const char **p, struct feed_date_parts *t)
{
	const char	*w = *p;
	size_t		 n;
	int		 v;

	while (isalpha((unsigned char)**p) || **p == '\'')
		(*p)++;
	n = (size_t)(*p - w);
	if ((v = feed_date_lookup(feed_date_months, w, n)) != -10000 &&
	    t->mo == -1)
		t->mo = v;
	else if ((v = feed_date_lookup(feed_date_zones, w, n)) != -10000 &&
	    t->have_time)
		t->off = v;
	else if (n == 2 && strncasecmp(w, "am", 2) == 0)
		t->pm = 0;
	else if (n == 2 && strncasecmp(w, "pm", 2) == 0)
		t->pm = 1;
}

/* The rest of "H:MM[:SS][.frac]" at *p (at the ':'), hours read: h. */
static int
feed_date_loose_time(const char **p, int h, struct feed_date_parts *t)
{
	t->h = h;
	(*p)++;
	if ((t->mi = feed_date_digits(p, 2)) < 0)
		return -1;
	if (**p == ':') {
		(*p)++;
		if ((t->s = feed_date_digits(p, 2)) < 0)
			return -1;
	}
	if (**p == '.')
		for ((*p)++; isdigit((unsigned char)**p); (*p)++)
			;
	t->have_time = true;
	return 0;
}

/*
 * The rest of a numeric d/m/y at *p (at the first '/'), first number
 * read: first.  The order Indonesian sites use, unless the middle
 * number cannot be a month.
 */
static int
feed_date_loose_dmy(const char **p, int first, struct feed_date_parts *t)
{
	const char	*w;
	int		 second, year;

	(*p)++;
	if ((second = (int)strtol(*p, (char **)(uintptr_t)&w, 10)) <= 0 ||
	    *w != '/')
		return -1;
	*p = w + 1;
	if (!isdigit((unsigned char)**p))
		return -1;
	year = (int)strtol(*p, (char **)(uintptr_t)&w, 10);
	*p = w;
	if (second > 12 && first <= 12) {
		t->mo = first;
		t->d = second;
	} else {
		t->d = first;
		t->mo = second;
	}
	t->y = year < 100 ? year + (year < 50 ? 2000 : 1900) : year;
	return 0;
}

/* RFC 822 and free-form dates, token by token. */
static int64_t
feed_date_loose(const char *p)
{
	struct feed_date_parts	 t = { -1, -1, -1, 0, 0, 0, 0, -1, false };
	int			 v, nd;

	while (*p != '\0') {
		if (isspace((unsigned char)*p) || *p == ',' || *p == '.' ||
		    (*p == '-' && !t.have_time)) {
			p++;
			continue;
		}
		if (isalpha((unsigned char)*p)) {
			feed_date_loose_word(&p, &t);
			continue;
		}
		if ((*p == '+' || *p == '-') && t.have_time &&
		    isdigit((unsigned char)p[1])) {
			if (feed_date_offset(&p, &t.off) == -1)
				return FEED_TIME_NONE;
			continue;
		}
		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		v = 0;
		for (nd = 0; isdigit((unsigned char)*p); nd++, p++)
			if (nd < 9)
				v = v * 10 + (*p - '0');
		if (*p == ':' && !t.have_time) {
			if (feed_date_loose_time(&p, v, &t) == -1)
				return FEED_TIME_NONE;
		} else if (*p == '/' && t.d == -1 && t.mo == -1) {
			if (feed_date_loose_dmy(&p, v, &t) == -1)
				return FEED_TIME_NONE;
		} else if (nd == 4 && t.y == -1)
			t.y = v;
		else if (nd <= 2 && t.d == -1)
			t.d = v;
		else if (nd <= 2 && t.y == -1)
			t.y = v < 50 ? 2000 + v : 1900 + v;
		else
			return FEED_TIME_NONE;
	}
	if (t.y == -1 || t.mo == -1 || t.d == -1)
		return FEED_TIME_NONE;
	if (t.pm == 1 && t.h < 12)
		t.h += 12;
	else if (t.pm == 0 && t.h == 12)
		t.h = 0;
	return feed_date_make(t.y, t.mo, t.d, t.h, t.mi, t.s, t.off);
}

/*
 * The RFC 822 date nearly every RSS feed writes, "Tue, 07 Jan 2020
 * 22:39:00 GMT" or "+0700" at the end, read in one pass.  Returns -1 when
 * s is any other shape, and the loose reader (which agrees on this one,
 * weekday ignored) takes over.
 */
static int
feed_date_rfc822(const char *p, int64_t *t)
{
	static const char	 mons[] = "janfebmaraprmayjunjul"
	    "augsepoctnovdec";
	static const char	 days[] = "montuewedthufrisatsun";
	char			 m[3];
	const char		*q;
	int			 d, mo, y, h, mi, s, off = 0, i;

	/* Only an English weekday: a month name there means something. */
	if (isalpha((unsigned char)*p)) {
		for (i = 0; i < 7; i++)
			if (strncasecmp(p, days + 3 * i, 3) == 0)
				break;
		if (i == 7 || (p[3] != ',' && p[3] != ' '))
			return -1;
		p += 3;
	}
	if (*p == ',')
		p++;
	while (*p == ' ')
		p++;
	if ((d = feed_date_digits(&p, 2)) < 0 || *p++ != ' ')
		return -1;
	for (i = 0; i < 3; i++)
		m[i] = (char)tolower((unsigned char)p[i]);
	if (!isalpha((unsigned char)m[0]) || !isalpha((unsigned char)m[1]) ||
	    !isalpha((unsigned char)m[2]) || p[3] != ' ')
		return -1;
	for (mo = 0; mo < 12; mo++)
		if (memcmp(mons + 3 * mo, m, 3) == 0)
			break;
	if (mo == 12)
		return -1;
	p += 4;
	for (q = p; isdigit((unsigned char)*q); q++)
		;
	if (q - p != 4 || *q != ' ' || (y = feed_date_digits(&p, 4)) < 0)
		return -1;
	p++;
	if ((h = feed_date_digits(&p, 2)) < 0 || *p++ != ':' ||
	    (mi = feed_date_digits(&p, 2)) < 0 || *p++ != ':' ||
	    (s = feed_date_digits(&p, 2)) < 0 || *p++ != ' ')
		return -1;
	if (strncmp(p, "GMT", 3) == 0)
		p += 3;
	else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && isdigit((unsigned char)p[3]) &&
	    isdigit((unsigned char)p[4]) && !isdigit((unsigned char)p[5])) {
		off = ((p[1] - '0') * 10 + p[2] - '0') * 60 +
		    (p[3] - '0') * 10 + p[4] - '0';
		if (*p == '-')
			off = -off;
		p += 5;
	} else
		return -1;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		return -1;
	*t = feed_date_make(y, mo + 1, d, h, mi, s, off);
	return 0;
}

/* Returns UTC seconds, or FEED_TIME_NONE when s is no date we know. */
int64_t
feed_date_parse(const char *s)
{
	int64_t	 t;
	size_t	 i;

	if (s == NULL)
		return FEED_TIME_NONE;
	while (isspace((unsigned char)*s))
		s++;
	for (i = 0; i < 4 && isdigit((unsigned char)s[i]); i++)
		;
	if (i == 4 && (s[4] == '-' || isdigit((unsigned char)s[4])))
		return feed_date_iso(s);
	if (feed_date_rfc822(s, &t) == 0)
		return t;
	return feed_date_loose(s);
}

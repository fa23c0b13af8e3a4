/*
 * feed_enc: turns the bytes of a feed into valid UTF-8 before any parser
 * sees them, so that libxml2 and jansson only ever read one encoding and
 * every string handed downstream is valid UTF-8.  The charset is chosen as
 * RFC 7303 and feedparser do: a byte order mark wins, then the HTTP
 * charset, then the XML declaration, else UTF-8.  ISO-8859-1 and US-ASCII
 * labels are decoded as windows-1252, as the WHATWG Encoding Standard and
 * browsers do, because publishers mislabel cp1252 that way.  Bytes that do
 * not decode become U+FFFD; this file must never fail a feed over them.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "feed_int.h"

#define FEED_ENC_LABEL	40

/* windows-1252 0x80-0x9f; the five holes map to C1 as WHATWG says. */
static const uint16_t feed_enc_cp1252[32] = {
	0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
	0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178
};

void
feed_enc_put_cp(struct util_buf *b, uint32_t cp)
{
	char	 s[4];
	size_t	 n;

	/* XML forbids most C0 controls and these two; keep text loadable. */
	if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
	    cp == 0xfffe || cp == 0xffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		s[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		s[0] = (char)(0xf0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	util_buf_append(b, s, n);
}

static bool	feed_enc_http_charset(const char *, char *, size_t);
static bool	feed_enc_xml_decl(const char *, size_t, char *, size_t);

/*
 * True when buf can go to the parser as it is: no byte order mark, no
 * charset other than UTF-8 declared, valid UTF-8 and no character XML
 * refuses.  The common case, and it saves a copy of the document.
 */
bool
feed_enc_is_clean(const char *buf, size_t len, const char *ctype)
{
	const unsigned char	*s = (const unsigned char *)buf;
	char			 label[FEED_ENC_LABEL] = "utf-8";
	uint32_t		 cp;
	size_t			 i = 0, k;

	if (len >= 2 && (s[0] >= 0xef || s[0] == 0 || s[1] == 0))
		return false;
	if (!feed_enc_http_charset(ctype, label, sizeof(label)))
		(void)feed_enc_xml_decl(buf, len, label, sizeof(label));
	if (strcasecmp(label, "utf-8") != 0 && strcasecmp(label, "utf8") != 0)
		return false;
	while (i < len) {
		/* Eight bytes at a time while they are printable ASCII. */
		while (i + 8 <= len) {
			uint64_t	 w;

			memcpy(&w, s + i, 8);
			if (((w | (w - 0x2020202020202020ULL)) &
			    0x8080808080808080ULL) != 0)
				break;
			i += 8;
		}
		if (i >= len)
			break;
		if (s[i] >= 0x20 && s[i] < 0x80) {
			i++;
			continue;
		}
		if (s[i] < 0x20) {
			if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
				return false;
			i++;
			continue;
		}
		if ((k = util_utf8_decode(buf + i, len - i, &cp)) == 0 ||
		    cp == 0xfffe || cp == 0xffff)
			return false;
		i += k;
	}
	return true;
}

bool
feed_enc_valid_utf8(const char *p, size_t n)
{
	const unsigned char	*s = (const unsigned char *)p;
	uint32_t		 cp;
	size_t			 i = 0, k;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = util_utf8_decode(p + i, n - i, &cp)) == 0)
			return false;
		i += k;
	}
	return true;
}

/*
 * Copies the run of plain ASCII (printable, tab, newline, return) at s[i]
 * to b in one append; returns the index after it.  Most feed bytes are in
 * such runs, so the slow per-character paths only see the rest.
 */
static size_t
feed_enc_copy_plain(struct util_buf *b, const unsigned char *s, size_t n,
    size_t i)
{
	size_t	 start = i;

	while (i < n && s[i] < 0x80 && (s[i] >= 0x20 ||
	    s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	if (i > start)
		util_buf_append(b, s + start, i - start);
	return i;
}

/*
 * Appends p as UTF-8 with every invalid sequence (and every character XML
 * cannot carry) replaced by U+FFFD.  ASCII runs are copied in bulk, which
 * is what keeps this pass cheap on ordinary feeds.
 */
void
feed_enc_sanitize(struct util_buf *b, const char *p, size_t n)
{
	const unsigned char	*s = (const unsigned char *)p;
	uint32_t		 cp;
	size_t			 i = 0, k;

	while (i < n) {
		i = feed_enc_copy_plain(b, s, n, i);
		if (i >= n)
			break;
		if ((k = util_utf8_decode(p + i, n - i, &cp)) == 0) {
			feed_enc_put_cp(b, 0xfffd);
			i++;
			continue;
		}
		if (k == 1 || cp == 0xfffe || cp == 0xffff)
			feed_enc_put_cp(b, cp);
		else
			util_buf_append(b, s + i, k);
		i += k;
	}
}

static void
feed_enc_utf16(struct util_buf *b, const unsigned char *s, size_t n,
    bool le)
{
	uint32_t	 u, v;
	size_t		 i;

	for (i = 0; i + 1 < n; i += 2) {
		u = le ? (uint32_t)(s[i] | s[i + 1] << 8) :
		    (uint32_t)(s[i] << 8 | s[i + 1]);
		if (u >= 0xd800 && u <= 0xdbff && i + 3 < n) {
			v = le ? (uint32_t)(s[i + 2] | s[i + 3] << 8) :
			    (uint32_t)(s[i + 2] << 8 | s[i + 3]);
			if (v >= 0xdc00 && v <= 0xdfff) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (v - 0xdc00);
				i += 2;
			}
		}
		feed_enc_put_cp(b, u);
	}
	if (i < n)
		feed_enc_put_cp(b, 0xfffd);
}

static void
feed_enc_cp1252_decode(struct util_buf *b, const unsigned char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; ) {
		i = feed_enc_copy_plain(b, s, n, i);
		if (i >= n)
			break;
		if (s[i] >= 0x80 && s[i] < 0xa0)
			feed_enc_put_cp(b, feed_enc_cp1252[s[i] - 0x80]);
		else
			feed_enc_put_cp(b, s[i]);
		i++;
	}
}

/* Decodes through iconv; returns -1 when iconv does not know the label. */
static int
feed_enc_iconv(struct util_buf *b, const char *label, const char *p,
    size_t n, bool *bad)
{
	iconv_t	 cd;
	char	 out[4096], *in = (char *)(uintptr_t)p, *o;
	size_t	 inleft = n, oleft;

	if ((cd = iconv_open("UTF-8", label)) == (iconv_t)-1)
		return -1;
	while (inleft > 0) {
		o = out;
		oleft = sizeof(out);
		if (iconv(cd, &in, &inleft, &o, &oleft) == (size_t)-1) {
			feed_enc_sanitize(b, out, (size_t)(o - out));
			if (errno == E2BIG)
				continue;
			/* EILSEQ or a truncated tail: one U+FFFD, move on. */
			*bad = true;
			feed_enc_put_cp(b, 0xfffd);
			in++;
			inleft--;
			iconv(cd, NULL, NULL, NULL, NULL);
			continue;
		}
		feed_enc_sanitize(b, out, (size_t)(o - out));
	}
	o = out;
	oleft = sizeof(out);
	iconv(cd, NULL, NULL, &o, &oleft);
	feed_enc_sanitize(b, out, (size_t)(o - out));
	iconv_close(cd);
	return 0;
}

/* Copies the value after "charset=" in a Content-Type into label. */
static bool
feed_enc_http_charset(const char *ctype, char *label, size_t size)
{
	const char	*p;
	size_t		 n = 0;

	if (ctype == NULL || (p = strcasestr(ctype, "charset=")) == NULL)
		return false;
	p += 8;
	if (*p == '"' || *p == '\'')
		p++;
	while (p[n] != '\0' && p[n] != '"' && p[n] != '\'' && p[n] != ';' &&
	    !isspace((unsigned char)p[n]) && n + 1 < size) {
		label[n] = p[n];
		n++;
	}
	label[n] = '\0';
	return n > 0;
}

/* Copies encoding="..." from an XML declaration at the start of s. */
static bool
feed_enc_xml_decl(const char *s, size_t n, char *label, size_t size)
{
	const char	*end, *p;
	char		 q;
	size_t		 k = 0, lim = n < 1024 ? n : 1024;

	if (lim < 6 || memcmp(s, "<?xml", 5) != 0)
		return false;
	if ((end = memmem(s, lim, "?>", 2)) == NULL)
		return false;
	if ((p = memmem(s, (size_t)(end - s), "encoding", 8)) == NULL)
		return false;
	p += 8;
	while (p < end && (isspace((unsigned char)*p) || *p == '='))
		p++;
	if (p >= end || (*p != '"' && *p != '\''))
		return false;
	q = *p++;
	while (p < end && *p != q && k + 1 < size)
		label[k++] = *p++;
	label[k] = '\0';
	return k > 0;
}

static bool
feed_enc_is(const char *label, const char *const *names)
{
	for (; *names != NULL; names++)
		if (strcasecmp(label, *names) == 0)
			return true;
	return false;
}

/*
 * Returns buf decoded to a new NUL-terminated UTF-8 string (caller frees)
 * of *outlen bytes.  ctype is the HTTP Content-Type or NULL.  *bozo is
 * set when bytes had to be replaced or the label was unknown.  Never
 * fails on content; NULL only for an impossible label conversion.
 */
char *
feed_enc_to_utf8(const char *buf, size_t len, const char *ctype,
    size_t *outlen, bool *bozo, char *err, size_t errlen)
{
	static const char *const utf8[] = { "utf-8", "utf8",
	    "unicode-1-1-utf-8", NULL };
	static const char *const cp1252[] = { "iso-8859-1", "iso8859-1",
	    "latin1", "latin-1", "l1", "iso_8859-1", "iso-ir-100", "cp819",
	    "ibm819", "us-ascii", "ascii", "windows-1252", "cp1252",
	    "x-cp1252", "ansi_x3.4-1968", "iso_8859-1:1987", "csisolatin1",
	    NULL };
	static const char *const u16[] = { "utf-16", "utf16", "ucs-2",
	    "iso-10646-ucs-2", "utf-16le", "utf-16be", NULL };
	const unsigned char	*s = (const unsigned char *)buf;
	struct util_buf		 b = { 0 };
	char			 label[FEED_ENC_LABEL] = "utf-8";
	bool			 bad = false, declared;

	(void)err;
	(void)errlen;
	if (len >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		feed_enc_sanitize(&b, buf + 3, len - 3);
		bad = !feed_enc_valid_utf8(buf + 3, len - 3);
	} else if (len >= 2 && s[0] == 0xff && s[1] == 0xfe)
		feed_enc_utf16(&b, s + 2, len - 2, true);
	else if (len >= 2 && s[0] == 0xfe && s[1] == 0xff)
		feed_enc_utf16(&b, s + 2, len - 2, false);
	else if (len >= 4 && s[0] == '<' && s[1] == 0 && s[2] == '?' &&
	    s[3] == 0)
		feed_enc_utf16(&b, s, len, true);
	else if (len >= 4 && s[0] == 0 && s[1] == '<' && s[2] == 0 &&
	    s[3] == '?')
		feed_enc_utf16(&b, s, len, false);
	else {
		declared = feed_enc_http_charset(ctype, label,
		    sizeof(label)) || feed_enc_xml_decl(buf, len, label,
		    sizeof(label));
		if (!declared && !feed_enc_valid_utf8(buf, len)) {
			/*
			 * Nothing declared and not UTF-8: the legacy charset
			 * of the web, as feedparser and browsers fall back.
			 */
			bad = true;
			feed_enc_cp1252_decode(&b, s, len);
		} else if (feed_enc_is(label, utf8)) {
			if (!feed_enc_valid_utf8(buf, len))
				bad = true;
			feed_enc_sanitize(&b, buf, len);
		} else if (feed_enc_is(label, cp1252))
			feed_enc_cp1252_decode(&b, s, len);
		else if (feed_enc_is(label, u16))
			/* No BOM, no NUL: the 16-bit label lies. */
			feed_enc_sanitize(&b, buf, len);
		else if (feed_enc_iconv(&b, label, buf, len, &bad) == -1) {
			bad = true;
			feed_enc_sanitize(&b, buf, len);
		}
	}
	if (bad)
		*bozo = true;
	if (b.data == NULL)
		util_buf_append(&b, "", 0);
	*outlen = b.len;
	return b.data;
}

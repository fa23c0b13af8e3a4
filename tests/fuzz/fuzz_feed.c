/*
 * libFuzzer target for feed: any bytes, with one of a few HTTP charsets
 * chosen by the first byte, must never crash, and whatever parses must
 * hold only valid UTF-8 and render as loadable JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "feed.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_feed_check(const char *s)
{
	json_t	*j;

	if (s == NULL)
		return;
	if ((j = json_string(s)) == NULL)
		abort();	/* jansson refuses invalid UTF-8 */
	json_decref(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ctypes[] = { NULL, "text/xml",
	    "application/rss+xml; charset=iso-8859-1",
	    "text/xml; charset=utf-16", "text/xml; charset=koi8-r",
	    "application/json; charset=\"utf-8\"" };
	char		 err[FEED_ERR_LEN], *js;
	struct feed	*f;
	json_t		*j;
	size_t		 i;

	if (size < 1)
		return 0;
	f = feed_parse((const char *)data + 1, size - 1, "http://fuzz.test/",
	    ctypes[data[0] % (sizeof(ctypes) / sizeof(ctypes[0]))], err,
	    sizeof(err));
	if (f == NULL)
		return 0;
	fuzz_feed_check(f->title);
	for (i = 0; i < f->nitems; i++) {
		if (f->items[i].id == NULL)
			abort();
		fuzz_feed_check(f->items[i].title);
		fuzz_feed_check(f->items[i].summary);
		fuzz_feed_check(f->items[i].content);
		fuzz_feed_check(f->items[i].link);
	}
	js = feed_to_json(f);
	if ((j = json_loads(js, 0, NULL)) == NULL)
		abort();
	json_decref(j);
	free(js);
	feed_free(f);
	return 0;
}

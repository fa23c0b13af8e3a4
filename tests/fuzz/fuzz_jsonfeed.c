/*
 * libFuzzer target for the JSON Feed half of feed: the input is forced to
 * look like JSON (a leading '{'), so the fuzzer spends its time in
 * feed_json.c rather than in libxml2.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 err[FEED_ERR_LEN], *buf, *js;
	struct feed	*f;

	buf = xmalloc(size + 1);
	buf[0] = '{';
	if (size > 0)
		memcpy(buf + 1, data, size);
	if ((f = feed_parse(buf, size + 1, NULL, NULL, err,
	    sizeof(err))) != NULL) {
		js = feed_to_json(f);
		free(js);
		feed_free(f);
	}
	free(buf);
	return 0;
}

/*
 * libFuzzer target for article: any bytes as an HTML page must never
 * crash, and any text returned must be NUL-free valid-looking output of
 * bounded size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 err[256], *t;

	if ((t = article_text((const char *)data, size, size % 2 ?
	    "text/html; charset=windows-1252" : NULL, err,
	    sizeof(err))) != NULL) {
		if (strlen(t) > 512 * 1024)
			abort();
		free(t);
	}
	return 0;
}

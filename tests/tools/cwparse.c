/*
 * cwparse: feeds one file to the feed parser or the article reader and
 * prints the outcome with the process's peak resident memory (VmHWM),
 * so that tests/integration/test_hostile.sh can bound what a hostile
 * document costs.  Usage: cwparse feed|article FILE
 * Prints "result=ok items=N vmhwm_kb=K" or "result=error ... vmhwm_kb=K".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "feed.h"
#include "util.h"

static long
cwparse_vmhwm_kb(void)
{
	FILE	*fp;
	char	 line[256];
	long	 kb = -1;

	if ((fp = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "VmHWM:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(fp);
	return kb;
}

int
main(int argc, char **argv)
{
	struct feed	*f;
	char		*buf, *text, err[512];
	size_t		 len;

	if (argc != 3 || (strcmp(argv[1], "feed") != 0 &&
	    strcmp(argv[1], "article") != 0)) {
		fprintf(stderr, "usage: cwparse feed|article FILE\n");
		return 2;
	}
	if (util_read_file(argv[2], 64UL * 1024 * 1024, &buf, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "cwparse: %s\n", err);
		return 2;
	}
	if (strcmp(argv[1], "feed") == 0) {
		f = feed_parse(buf, len, "http://127.0.0.1/feed.xml", NULL,
		    err, sizeof(err));
		if (f == NULL)
			printf("result=error error=\"%s\"", err);
		else
			printf("result=ok items=%zu bozo=\"%s\"", f->nitems,
			    f->bozo_reason != NULL ? f->bozo_reason : "");
		feed_free(f);
	} else {
		text = article_text(buf, len, "text/html; charset=utf-8", err,
		    sizeof(err));
		if (text == NULL)
			printf("result=error error=\"%s\"", err);
		else
			printf("result=ok chars=%zu", strlen(text));
		free(text);
	}
	free(buf);
	printf(" vmhwm_kb=%ld\n", cwparse_vmhwm_kb());
	return 0;
}

/*
 * bench_extract: extraction throughput on generated mixed Indonesian and
 * English news text (a few MB, made up here from our own sentence
 * templates, so no corpus is committed), in MB/s on one core, and the
 * allocations extract_text makes, counted by interposing malloc.  Not a
 * test: it prints numbers and never fails on them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "claim.h"
#include "extract.h"
#include "lexicon.h"
#include "util.h"

static size_t	bench_extract_nalloc;

#ifndef __SANITIZE_ADDRESS__
/*
 * glibc's own entry points, so that ours can count and forward.  Under
 * AddressSanitizer its allocator must stay in charge, so nothing is
 * counted there.
 */
void	*__libc_malloc(size_t);
void	*__libc_calloc(size_t, size_t);
void	*__libc_realloc(void *, size_t);

void *
malloc(size_t n)
{
	bench_extract_nalloc++;
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t m)
{
	bench_extract_nalloc++;
	return __libc_calloc(n, m);
}

void *
realloc(void *p, size_t n)
{
	bench_extract_nalloc++;
	return __libc_realloc(p, n);
}
#endif

static const char *const bench_extract_id[] = {
	"Sekitar @ tentara Korea Utara dilaporkan tewas di garis depan.",
	"Pemerintah akan mengirimkan @.# personel ke wilayah bencana.",
	"Banjir bandang merendam @ rumah warga di tiga kecamatan.",
	"Lebih dari @ ribu orang mengungsi setelah gempa mengguncang "
	    "kota itu.",
	"Polisi menangkap @ pengunjuk rasa di depan gedung parlemen.",
	"Anggaran sebesar Rp @ triliun disiapkan untuk pemulihan.",
	"Ratusan warga sipil terjebak di reruntuhan bangunan.",
	"Pertemuan itu digelar pada @ Desember 2024 di Jakarta.",
	"Para pejabat menegaskan bahwa situasi di lapangan masih "
	    "terkendali dan bantuan terus mengalir.",
	"Menurut keterangan resmi, pemerintah daerah sedang menyiapkan "
	    "langkah lanjutan bersama lembaga terkait.",
	"Warga diminta tetap waspada karena hujan deras diperkirakan "
	    "masih akan turun hingga akhir pekan.",
	"Kepala daerah itu mengatakan koordinasi dengan aparat berjalan "
	    "baik sejak kemarin sore.",
};

static const char *const bench_extract_en[] = {
	"About @ North Korean soldiers were killed near the border.",
	"The government will deploy @,# troops to the region.",
	"Flash floods damaged @ homes across three districts.",
	"More than @ thousand people fled after the earthquake.",
	"Police arrested @ protesters outside parliament.",
	"Donors pledged $@ billion for reconstruction.",
	"Dozens of civilians remain trapped under the rubble.",
	"The meeting took place on December @, 2024 in Jakarta.",
	"Officials insisted that the situation on the ground remained "
	    "under control and that aid kept flowing.",
	"According to the statement, local authorities are preparing "
	    "further steps together with the agencies involved.",
	"Residents were told to stay alert because heavy rain is expected "
	    "to continue until the weekend.",
	"The governor said coordination with the security forces had "
	    "gone well since yesterday afternoon.",
};

static uint64_t
bench_extract_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A template with "@" for a number and "#" for three more digits. */
static void
bench_extract_fill(struct util_buf *b, const char *t, int n, int frac)
{
	for (; *t != '\0'; t++) {
		if (*t == '@')
			util_buf_printf(b, "%d", n);
		else if (*t == '#')
			util_buf_printf(b, "%03d", frac);
		else
			util_buf_append(b, t, 1);
	}
}

/* Paragraphs of five sentences, one language per paragraph. */
static void
bench_extract_generate(struct util_buf *b, size_t size)
{
	const char *const	*t;
	uint64_t		 s = 0x9e3779b97f4a7c15ULL;
	int			 i, r;

	while (b->len < size) {
		t = bench_extract_rand(&s) & 1 ? bench_extract_id :
		    bench_extract_en;
		for (i = 0; i < 5; i++) {
			r = (int)(bench_extract_rand(&s) % 12);
			bench_extract_fill(b, t[r],
			    (int)(bench_extract_rand(&s) % 900 + 2),
			    (int)(bench_extract_rand(&s) % 1000));
			util_buf_append(b, " ", 1);
		}
		util_buf_append(b, "\n\n", 2);
	}
}

static void
bench_extract_cb(const struct claim *c, void *arg)
{
	size_t	*sum = arg;

	*sum += c->length;
}

static int
bench_extract_save(const char *path, const struct util_buf *b)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL ||
	    fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
		fprintf(stderr, "bench_extract: %s: cannot write\n", path);
		return -1;
	}
	return 0;
}

static double
bench_extract_now(void)
{
	struct timespec	 ts;

	/* CPU time of this thread: MB/s per core even on a busy host. */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct lexicon		*lex;
	struct util_buf		 b = { 0 };
	const char		*dir, *modes[] = { "id", "en", "auto" };
	char			 err[256];
	double			 t0, best, dt;
	size_t			 mb, n = 0, sum = 0, a0, allocs, m;
	int			 rounds = 5, r;

	dir = argc > 1 ? argv[1] : "config/lexicon";
	mb = argc > 2 ? (size_t)atoi(argv[2]) : 8;
	/* argv[3]: where to write the text, for the wc -w comparison. */
	if ((lex = lexicon_load(dir, err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench_extract: %s\n", err);
		return 1;
	}
	bench_extract_generate(&b, mb * 1024 * 1024);
	if (argc > 3 && bench_extract_save(argv[3], &b) == -1)
		return 1;
	printf("%-6s %10s %8s %10s %10s %12s %14s\n", "lang", "bytes",
	    "MB/s/cpu", "claims", "claims/MB", "allocations", "allocs/claim");
	for (m = 0; m < 3; m++) {
		best = 1e9;
		allocs = 0;
		for (r = 0; r < rounds; r++) {
			a0 = bench_extract_nalloc;
			t0 = bench_extract_now();
			n = extract_text(lex, b.data, b.len, modes[m],
			    bench_extract_cb, &sum);
			dt = bench_extract_now() - t0;
			allocs += bench_extract_nalloc - a0;
			if (dt < best)
				best = dt;
		}
		printf("%-6s %10zu %8.1f %10zu %10.0f %12zu %14.4f\n",
		    modes[m], b.len, b.len / best / 1e6, n,
		    n / (b.len / 1e6), allocs / rounds,
		    n != 0 ? (double)allocs / rounds / n : 0.0);
	}
	printf("lexicon entries: %zu (checksum %zu)\n", lexicon_size(lex),
	    sum);
	util_buf_free(&b);
	lexicon_free(lex);
	return 0;
}

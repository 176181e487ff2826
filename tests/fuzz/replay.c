// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A main() for a libFuzzer target built without libFuzzer: feeds it N
 * inputs from a seeded generator (random bytes, then runs of mutations of
 * structured seeds the target offers through fuzz_seed), or the files given
 * on the command line. A crash or a sanitizer report fails the test.
 *
 *   fuzz_NAME_replay [N]          N generated inputs (default 10000)
 *   fuzz_NAME_replay FILE...      each file once (a libFuzzer crash file)
 *   fuzz_NAME_replay --write-seeds DIR N
 *                                 the target's first N structured seeds as
 *                                 files DIR/seed-K (tests/fuzz/corpus/NAME)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MAX_INPUT 8192

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static int replay_file(const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

static int write_seeds(const char *dir, unsigned long n)
{
	static uint8_t buf[MAX_INPUT];

	for (unsigned long k = 0; k < n; k++) {
		char path[4096];
		size_t len = fuzz_seed(buf, sizeof(buf), k);
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%lu", dir, k);
		f = fopen(path, "wbe");
		if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
			fprintf(stderr, "%s: %s\n", path, strerror(errno));
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t buf[MAX_INPUT];
	unsigned long n = 10000;
	char *end;

	if (argc == 4 && strcmp(argv[1], "--write-seeds") == 0)
		return write_seeds(argv[2], strtoul(argv[3], NULL, 10));
	if (argc > 1) {
		n = strtoul(argv[1], &end, 10);
		if (*end) {
			for (int i = 1; i < argc; i++)
				if (replay_file(argv[i]))
					return 2;
			return 0;
		}
	}
	for (unsigned long i = 0; i < n; i++) {
		size_t len;

		if (i % 2) {
			/* a structured seed, then a few bytes flipped */
			len = fuzz_seed(buf, sizeof(buf), next());
			for (unsigned int k = next() % 8; len && k; k--)
				buf[next() % len] ^= (uint8_t)(1u << (next() % 8));
			if (len && next() % 4 == 0)
				len = next() % len;	/* cut short */
		} else {
			len = next() % (i % 16 == 0 ? sizeof(buf) : 256);
			for (size_t k = 0; k < len; k++)
				buf[k] = (uint8_t)next();
		}
		LLVMFuzzerTestOneInput(buf, len);
	}
	printf("%lu inputs, no crash\n", n);
	return 0;
}

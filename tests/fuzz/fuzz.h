/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a fuzz target gives: the libFuzzer entry, and structured seeds for replay.c. */
#ifndef STALEFS_FUZZ_H
#define STALEFS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* A well-formed input chosen by r, written into buf (at most len); its length. */
size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r);

/* fuzz_seed for a target whose seeds are n texts: the one r picks. */
static inline size_t fuzz_seed_text(const char *const *seeds, size_t n, uint8_t *buf, size_t len,
				    uint64_t r)
{
	const char *s = seeds[r % n];
	size_t k = strlen(s) < len ? strlen(s) : len;

	memcpy(buf, s, k);
	return k;
}

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 (FIPS 180-4), for content-addressed object names and for
 * checking every byte a workload reads. Dependency-free; uses the x86 SHA
 * extensions where the CPU has them.
 */
#ifndef STALEFS_SHA256_H
#define STALEFS_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	unsigned char buf[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[32]);
/* One-shot, as 64 lowercase hex digits plus NUL. */
void sha256_hex(const void *data, size_t len, char out[65]);
void sha256_to_hex(const unsigned char digest[32], char out[65]);
/* "sha-ni" or "portable": the block function in use. */
const char *sha256_impl(void);
/* Use the portable block function from now on (tests, benchmarks). */
void sha256_force_portable(void);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 as specified in FIPS 180-4 §6.2. On x86-64 CPUs with the SHA
 * extensions the blocks go through SHA256RNDS2/MSG1/MSG2 (about 5x faster:
 * the readers must outrun any mount), chosen once at run time; the portable
 * block function is the reference and the fallback. Both are checked
 * against the FIPS vectors by the unit tests (STALEFS_SHA256_PORTABLE=1 or
 * sha256_force_portable() picks the portable one).
 */
#include "sha256.h"

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI_PATH 1
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void block_portable(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
	e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

		h = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
	s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}

#ifdef HAVE_SHA_NI_PATH
/*
 * One 64-byte block with the SHA extensions. The state is kept as ABEF and
 * CDGH halves; each group of four rounds adds K to four message words, runs
 * two SHA256RNDS2, and extends the message schedule four words ahead
 * (MSG1 for the group three ahead, ALIGNR + MSG2 for the next).
 */
__attribute__((target("sha,sse4.1")))
static void block_shani(struct sha256 *s, const unsigned char *p)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
	__m128i st0, st1, tmp, msg, m[4], abef, cdgh;

	tmp = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s->h[0]), 0xB1);	/* CDAB */
	st1 = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&s->h[4]), 0x1B);	/* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);		/* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xF0);		/* CDGH */
	abef = st0;
	cdgh = st1;
	for (int g = 0; g < 16; g++) {
		__m128i *cur = &m[g % 4], *next = &m[(g + 1) % 4], *prev = &m[(g + 3) % 4];

		if (g < 4)
			*cur = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * g)), bswap);
		msg = _mm_add_epi32(*cur, _mm_loadu_si128((const __m128i *)&K[4 * g]));
		st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
		if (g >= 3 && g <= 14) {
			*next = _mm_add_epi32(*next, _mm_alignr_epi8(*cur, *prev, 4));
			*next = _mm_sha256msg2_epu32(*next, *cur);
		}
		st0 = _mm_sha256rnds2_epu32(st0, st1, _mm_shuffle_epi32(msg, 0x0E));
		if (g >= 1 && g <= 12)
			*prev = _mm_sha256msg1_epu32(*prev, *cur);
	}
	st0 = _mm_add_epi32(st0, abef);
	st1 = _mm_add_epi32(st1, cdgh);
	tmp = _mm_shuffle_epi32(st0, 0x1B);		/* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xB1);		/* DCHG */
	_mm_storeu_si128((__m128i *)&s->h[0], _mm_blend_epi16(tmp, st1, 0xF0));	/* DCBA */
	_mm_storeu_si128((__m128i *)&s->h[4], _mm_alignr_epi8(st1, tmp, 8));	/* HGFE */
}
#endif

typedef void block_fn(struct sha256 *s, const unsigned char *p);

/* Chosen once; a data race on first use only ever stores the same value. */
static block_fn *block_impl;

static void block(struct sha256 *s, const unsigned char *p)
{
	block_fn *fn = __atomic_load_n(&block_impl, __ATOMIC_RELAXED);

	if (!fn) {
		const char *force = getenv("STALEFS_SHA256_PORTABLE");

		fn = block_portable;
#ifdef HAVE_SHA_NI_PATH
		unsigned int a, b, c, d, sse41 = 0, sha = 0;

		/* CPUID.1:ECX.SSE4_1[19], CPUID.(7,0):EBX.SHA[29] */
		if (__get_cpuid(1, &a, &b, &c, &d))
			sse41 = c >> 19 & 1;
		if (__get_cpuid_count(7, 0, &a, &b, &c, &d))
			sha = b >> 29 & 1;
		if (!(force && *force == '1') && sse41 && sha)
			fn = block_shani;
#else
		(void)force;
#endif
		__atomic_store_n(&block_impl, fn, __ATOMIC_RELAXED);
	}
	fn(s, p);
}

const char *sha256_impl(void)
{
	char hex[65];

	sha256_hex("", 0, hex);	/* makes the choice */
#ifdef HAVE_SHA_NI_PATH
	if (__atomic_load_n(&block_impl, __ATOMIC_RELAXED) == block_shani)
		return "sha-ni";
#endif
	return "portable";
}

void sha256_init(struct sha256 *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(s->h, iv, sizeof(iv));
	s->len = 0;
	s->used = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->len += len;
	if (s->used) {
		size_t n = 64 - s->used < len ? 64 - s->used : len;

		memcpy(s->buf + s->used, p, n);
		s->used += n;
		p += n;
		len -= n;
		if (s->used < 64)
			return;
		block(s, s->buf);
		s->used = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		block(s, p);
	memcpy(s->buf, p, len);
	s->used = len;
}

void sha256_final(struct sha256 *s, unsigned char out[32])
{
	uint64_t bits = s->len * 8;
	unsigned char pad = 0x80, zero = 0, lenbuf[8];

	sha256_update(s, &pad, 1);
	while (s->used != 56)
		sha256_update(s, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenbuf[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(s, lenbuf, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = s->h[i] >> 24;
		out[4 * i + 1] = s->h[i] >> 16;
		out[4 * i + 2] = s->h[i] >> 8;
		out[4 * i + 3] = s->h[i];
	}
}

void sha256_to_hex(const unsigned char digest[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[64] = '\0';
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[32];
	struct sha256 s;

	sha256_init(&s);
	sha256_update(&s, data, len);
	sha256_final(&s, d);
	sha256_to_hex(d, out);
}

void sha256_force_portable(void)
{
	__atomic_store_n(&block_impl, block_portable, __ATOMIC_RELAXED);
}

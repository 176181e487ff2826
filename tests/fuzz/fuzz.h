/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a fuzz target gives: the libFuzzer entry, and structured seeds for replay.c. */
#ifndef STALEFS_FUZZ_H
#define STALEFS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* A well-formed input chosen by r, written into buf (at most len); its length. */
size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * compare's pieces as ci/compare-setup.sh wrote them to paths.env: one
 * KEY=VALUE a line in shell syntax (printf %q), keys virtiofsd, kernel,
 * qemu, busybox and modules. The file is untrusted input: lines are
 * bounded, a value must be a plain shell word (no $, no unquoted blank),
 * and refused lines are counted, not guessed at. Fuzzed by
 * tests/fuzz/fuzz_paths.c.
 */
#ifndef STALEFS_COMPARE_PATHS_H
#define STALEFS_COMPARE_PATHS_H

#include <stddef.h>

#define COMPARE_PATH_MAX 4096

enum { CP_VIRTIOFSD, CP_KERNEL, CP_QEMU, CP_BUSYBOX, CP_MODULES, CP_COUNT };

/* "virtiofsd", "kernel", "qemu", "busybox", "modules" */
extern const char *const compare_path_keys[CP_COUNT];

struct compare_paths {
	char path[CP_COUNT][COMPARE_PATH_MAX];	/* "" when the file has none */
	unsigned int bad;	/* lines refused: too long, no KEY=, not a plain word */
	unsigned int unknown;	/* KEY=VALUE lines of keys not above */
};

/* $STALEFS_COMPARE_CACHE/paths.env, default /var/cache/stalefs-compare/paths.env. */
void compare_paths_file(char *out, size_t len);
/* Parse len bytes of text (no NUL needed); a key given twice keeps the
 * last value, as the shell does. */
void compare_paths_parse(const char *text, size_t len, struct compare_paths *out);
/* Read and parse file: 0, or -errno with why ("open ...: No such file or
 * directory", "... is larger than 64 KiB"). */
int compare_paths_read(const char *file, struct compare_paths *out, char *why, size_t whylen);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `stalefs profiles [NAME]`: the fault profiles `--profile NAME` can find
 * (inject_find_profile's directories, first one wins), each with the first
 * sentence of its leading comment; with NAME, that profile's rules.
 */
#ifndef STALEFS_PROFILES_CLI_H
#define STALEFS_PROFILES_CLI_H

#include <stddef.h>

/* Exit 0 listed/printed, 1 a profile does not read or parse, 2 bad usage
 * or no such profile. */
int profiles_main(int argc, char **argv);

/*
 * The one-line description of a profile from its first len bytes (untrusted:
 * any bytes, no NUL needed, a NUL ends the text): the first sentence of the
 * leading '#' comment (the SPDX line and empty '#' lines before it skipped;
 * a blank or non-comment line ends it), control characters as '?', cut at
 * a word to at most width bytes with "..." when longer. Into out (outlen
 * bytes, always terminated when outlen > 0). 0, -ENOENT when there is no
 * leading comment, -EINVAL when width or outlen is below 8.
 */
int profile_describe(const char *text, size_t len, char *out, size_t outlen, size_t width);

#endif

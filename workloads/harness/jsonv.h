/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small JSON reader for the harness: the workloads' result documents, the
 * daemon's stats and event lines, and the harness's own cell files. It
 * parses one document into a tree of values that the caller frees with
 * jv_free(). Numbers are doubles (counts stay exact below 2^53); strings are
 * NUL-terminated UTF-8 with escapes resolved (\u0000 is refused).
 */
#ifndef STALEFS_JSONV_H
#define STALEFS_JSONV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	bool b;
	double num;
	char *str;		/* JV_STR */
	size_t n;		/* JV_ARR, JV_OBJ: number of items */
	struct jv *items;	/* JV_ARR, JV_OBJ: the values */
	char **keys;		/* JV_OBJ: the keys, in document order */
};

/* Parse text (len bytes). NULL on error, with a one-line reason (and the
 * byte offset) in err. Trailing whitespace is allowed, other trailing
 * bytes are not. */
struct jv *jv_parse(const char *text, size_t len, char *err, size_t errlen);
/* Parse a whole file. NULL on error (err says which file and why). */
struct jv *jv_parse_file(const char *path, char *err, size_t errlen);
void jv_free(struct jv *v);

/* The member key of an object; NULL when v is not an object or has none. */
const struct jv *jv_get(const struct jv *v, const char *key);
/* Members by a dotted path ("ops.read.errors"); NULL when any step fails. */
const struct jv *jv_path(const struct jv *v, const char *path);
/* Typed reads with a default for missing or mistyped values. */
double jv_num(const struct jv *v, double dflt);
uint64_t jv_u64(const struct jv *v, uint64_t dflt);
const char *jv_str(const struct jv *v, const char *dflt);
bool jv_bool(const struct jv *v, bool dflt);

#endif

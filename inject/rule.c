// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The rule parser (see rule.h). Each key is parsed by one function and
 * allowed per kind by a table, so a bad rule is rejected with the key that
 * is wrong and why.
 */
#include "rule.h"
#include "errmsg.h"

#include "number.h"

#include "errname.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[FAULT_KIND_COUNT] = {
	[FAULT_EVICT] = "evict",
	[FAULT_KERNEL_EVICT] = "kernel-evict",
	[FAULT_GEN_BUMP] = "gen-bump",
	[FAULT_NODEID_REUSE] = "nodeid-reuse",
	[FAULT_RENODE] = "renode",
	[FAULT_SILLY_RENAME] = "silly-rename",
	[FAULT_SILLY_CLEANUP] = "silly-cleanup",
	[FAULT_ERRNO] = "errno",
	[FAULT_DELAY] = "delay",
	[FAULT_HANDLE_DECODE] = "handle-decode",
	[FAULT_HOST_ESTALE] = "host-estale",
	[FAULT_REBIND] = "rebind",
	[FAULT_RESTART] = "restart",
};

static const char *const action_names[] = {
	[KEVICT_INVAL_ENTRY] = "inval-entry",
	[KEVICT_INVAL_INODE] = "inval-inode",
	[KEVICT_DELETE] = "delete",
	[KEVICT_PRUNE] = "prune",
	[KEVICT_EPOCH] = "epoch",
	[KEVICT_DROP_CACHES] = "drop-caches",
};

const char *fault_kind_name(enum fault_kind kind)
{
	return (unsigned int)kind < FAULT_KIND_COUNT ? kind_names[kind] : "unknown";
}

const char *kevict_action_name(enum kevict_action action)
{
	return action_names[action];
}

/* A number of rule text: decimal or 0x hex; positive refuses 0. */
static int parse_u64(const char *v, uint64_t *out, bool positive)
{
	return number_u64(v, 0, positive ? 1 : 0, UINT64_MAX, out) < 0 ? -EINVAL : 0;
}

/* Keys: the parser of each, and the kinds that take it (bit per kind). */
#define K(kind) (1u << (kind))
#define ALL_KINDS ((1u << FAULT_KIND_COUNT) - 1)

typedef int (*key_fn)(struct rule *r, const char *v, char *err, size_t errlen);

static int key_op(struct rule *r, const char *v, char *err, size_t errlen)
{
	char buf[RULE_TEXT_MAX], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		int op = op_parse(tok);

		if (op < 0)
			return errmsg(err, errlen, -EINVAL, "op: unknown FUSE op '%s' (e.g. LOOKUP, GETATTR, OPEN, READ)", tok);
		r->ops |= 1ULL << op;
	}
	if (!r->ops)
		return errmsg(err, errlen, -EINVAL, "op: empty");
	return 0;
}

static int key_path(struct rule *r, const char *v, char *err, size_t errlen)
{
	if (strlen(v) + 2 > sizeof(r->path))
		return errmsg(err, errlen, -EINVAL, "path: longer than %zu bytes", sizeof(r->path) - 2);
	snprintf(r->path, sizeof(r->path), "%s%s", v[0] == '/' ? "" : "/", v);
	return 0;
}

#define U64_KEY(field, positive, what) \
	static int key_##field(struct rule *r, const char *v, char *err, size_t errlen) \
	{ \
		if (parse_u64(v, &r->field, positive) < 0) \
			return errmsg(err, errlen, -EINVAL, #field ": '%s' is not %s", v, what); \
		return 0; \
	}
U64_KEY(nodeid, true, "a nodeid (1 or more)")
U64_KEY(after, false, "a count (0 or more)")
U64_KEY(every, true, "a count (1 or more)")
U64_KEY(count, true, "a count (1 or more)")
U64_KEY(seed, false, "a number")
#undef U64_KEY

static int key_prob(struct rule *r, const char *v, char *err, size_t errlen)
{
	double p;

	if (number_double(v, 0.0, 1.0, &p) < 0)
		return errmsg(err, errlen, -EINVAL, "prob: '%s' is not a probability (0 to 1)", v);
	r->prob = p;
	return 0;
}

static int key_sticky(struct rule *r, const char *v, char *err, size_t errlen)
{
	uint64_t n;

	if (parse_u64(v, &n, false) < 0 || n > 1000000)
		return errmsg(err, errlen, -EINVAL, "sticky: '%s' is not a count (0 to 1000000)", v);
	r->sticky = n;
	return 0;
}

static int key_errno(struct rule *r, const char *v, char *err, size_t errlen)
{
	int e = errname_parse(v);

	if (e < 0)
		return errmsg(err, errlen, -EINVAL, "errno: unknown errno '%s' (a name like ESTALE or a number, 1 to %d: "
				   "the kernel refuses FUSE replies with more)", v, ERRNAME_MAX);
	if (r->kind == FAULT_HANDLE_DECODE && e != ESTALE && e != EPERM)
		return errmsg(err, errlen, -EINVAL, "errno: handle-decode fails with ESTALE or EPERM, not %s", v);
	r->err = e;
	return 0;
}

static int key_delay(struct rule *r, const char *v, char *err, size_t errlen)
{
	uint64_t n;

	if (parse_u64(v, &n, false) < 0 || n > 600000)
		return errmsg(err, errlen, -EINVAL, "delay: '%s' is not a time in ms (0 to 600000)", v);
	r->delay_ms = n;
	return 0;
}

static int key_as(struct rule *r, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "estale") == 0)
		r->err = ESTALE;
	else if (strcmp(v, "ebadf") == 0)
		r->err = EBADF;
	else
		return errmsg(err, errlen, -EINVAL, "as: '%s' is not estale or ebadf", v);
	return 0;
}

static int key_action(struct rule *r, const char *v, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(action_names) / sizeof(action_names[0]); i++) {
		if (strcmp(v, action_names[i]) == 0) {
			r->action = i;
			return 0;
		}
	}
	return errmsg(err, errlen, -EINVAL, "action: '%s' is not one of inval-entry, inval-inode, delete, prune, epoch, drop-caches", v);
}

static int key_syscall(struct rule *r, const char *v, char *err, size_t errlen)
{
	char buf[64], *save, *tok;

	snprintf(buf, sizeof(buf), "%s", v);
	r->syscalls = 0;
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		if (strcmp(tok, "openat2") == 0)
			r->syscalls |= HOST_OPENAT2;
		else if (strcmp(tok, "statx") == 0)
			r->syscalls |= HOST_STATX;
		else if (strcmp(tok, "reopen") == 0)
			r->syscalls |= HOST_REOPEN;
		else if (strcmp(tok, "any") == 0)
			r->syscalls |= HOST_ALL;
		else
			return errmsg(err, errlen, -EINVAL, "syscall: '%s' is not openat2, statx, reopen or any", tok);
	}
	return r->syscalls ? 0 : errmsg(err, errlen, -EINVAL, "syscall: empty");
}

static int key_gen(struct rule *r, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "1") == 0)
		r->gen = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "0") == 0)
		r->gen = false;
	else
		return errmsg(err, errlen, -EINVAL, "gen: '%s' is not yes or no", v);
	return 0;
}

static int key_to(struct rule *r, const char *v, char *err, size_t errlen)
{
	if (v[0] != '/' || strlen(v) >= sizeof(r->to))
		return errmsg(err, errlen, -EINVAL, "to: '%s' is not an absolute directory path", v);
	snprintf(r->to, sizeof(r->to), "%s", v);
	return 0;
}

static const struct {
	const char *name;
	key_fn parse;
	unsigned int kinds;
} keys[] = {
	{ "op", key_op, ALL_KINDS },
	{ "path", key_path, ALL_KINDS },
	{ "nodeid", key_nodeid, ALL_KINDS },
	{ "after", key_after, ALL_KINDS },
	{ "every", key_every, ALL_KINDS },
	{ "count", key_count, ALL_KINDS },
	{ "prob", key_prob, ALL_KINDS },
	{ "seed", key_seed, ALL_KINDS },
	{ "sticky", key_sticky, ALL_KINDS },
	{ "errno", key_errno, K(FAULT_ERRNO) | K(FAULT_HANDLE_DECODE) },
	{ "delay", key_delay, K(FAULT_DELAY) },
	{ "as", key_as, K(FAULT_EVICT) | K(FAULT_RENODE) | K(FAULT_SILLY_CLEANUP) },
	{ "action", key_action, K(FAULT_KERNEL_EVICT) },
	{ "syscall", key_syscall, K(FAULT_HOST_ESTALE) },
	{ "gen", key_gen, K(FAULT_NODEID_REUSE) },
	{ "to", key_to, K(FAULT_REBIND) },
};

static void rule_defaults(struct rule *r, enum fault_kind kind)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->prob = 1.0;
	switch (kind) {
	case FAULT_EVICT:
		r->err = EBADF;		/* what virtiofsd answers for an unknown nodeid */
		break;
	case FAULT_RENODE:
	case FAULT_SILLY_CLEANUP:
	case FAULT_HANDLE_DECODE:
	case FAULT_HOST_ESTALE:
		r->err = ESTALE;
		break;
	default:
		break;
	}
	if (kind == FAULT_HOST_ESTALE)
		r->syscalls = HOST_ALL;
	if (kind == FAULT_KERNEL_EVICT)
		r->action = KEVICT_INVAL_INODE;
	if (kind == FAULT_DELAY)
		r->delay_ms = 100;
}

static int kind_parse(const char *name, size_t len)
{
	for (int i = 0; i < FAULT_KIND_COUNT; i++)
		if (strlen(kind_names[i]) == len && strncmp(name, kind_names[i], len) == 0)
			return i;
	return -1;
}

int rule_parse(const char *text, struct rule *r, char *err, size_t errlen)
{
	char buf[RULE_TEXT_MAX], *save, *kv;
	size_t klen = strcspn(text, ":");
	bool have_errno = false;
	int kind, ret;

	err[0] = '\0';
	if (strlen(text) >= sizeof(buf))
		return errmsg(err, errlen, -EINVAL, "rule longer than %zu bytes", sizeof(buf) - 1);
	kind = kind_parse(text, klen);
	if (kind < 0)
		return errmsg(err, errlen, -EINVAL, "unknown fault kind '%.*s' (evict, kernel-evict, gen-bump, "
			    "nodeid-reuse, renode, silly-rename, silly-cleanup, errno, delay, "
			    "handle-decode, host-estale, rebind, restart)", (int)klen, text);
	rule_defaults(r, kind);
	snprintf(r->text, sizeof(r->text), "%s", text);
	snprintf(buf, sizeof(buf), "%s", text[klen] ? text + klen + 1 : "");
	if (text[klen] && !buf[0])
		return errmsg(err, errlen, -EINVAL, "nothing after ':'");
	for (kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		size_t i;

		if (!eq || eq == kv)
			return errmsg(err, errlen, -EINVAL, "'%s' is not key=value", kv);
		*eq = '\0';
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(kv, keys[i].name) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			return errmsg(err, errlen, -EINVAL, "%s: unknown key", kv);
		if (!(keys[i].kinds & K(kind)))
			return errmsg(err, errlen, -EINVAL, "%s: not a key of %s", kv, kind_names[kind]);
		ret = keys[i].parse(r, eq + 1, err, errlen);
		if (ret < 0)
			return ret;
		have_errno |= strcmp(kv, "errno") == 0;
	}
	if (kind == FAULT_ERRNO && !have_errno)
		return errmsg(err, errlen, -EINVAL, "errno: missing (errno:errno=ESTALE,...)");
	if (kind == FAULT_REBIND && !r->to[0])
		return errmsg(err, errlen, -EINVAL, "to: missing (rebind:to=/some/dir)");
	if (r->prob < 1.0 && !strstr(text, "seed="))
		r->seed = 1;	/* deterministic even without a seed */
	return 0;
}

bool rule_wants_path(const struct rule *r)
{
	return r->path[0] != '\0';
}

bool rule_selects(const struct rule *r, enum op op, uint64_t nodeid, const char *path)
{
	if (r->ops && !(r->ops & (1ULL << op)))
		return false;
	if (r->nodeid && r->nodeid != nodeid)
		return false;
	if (r->path[0] && (!path || fnmatch(r->path, path, 0) != 0))
		return false;
	return true;
}

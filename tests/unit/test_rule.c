// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fault-rule language: each kind and key parses to the right fields,
 * defaults are set, and a bad rule names the offending key and why.
 */
#include <errno.h>
#include <string.h>

#include "errname.h"
#include "rule.h"
#include "unit.h"

static struct rule r;
static char err[512];

static int parse(const char *text)
{
	return rule_parse(text, &r, err, sizeof(err));
}

START_TEST(errno_rule_with_selectors)
{
	ck_assert_int_eq(parse("errno:op=GETATTR|open,path=objects/*,nodeid=7,errno=ESTALE,"
			       "after=2,every=3,count=4,sticky=2"), 0);
	ck_assert_int_eq(r.kind, FAULT_ERRNO);
	ck_assert_uint_eq(r.ops, (1ULL << OP_GETATTR) | (1ULL << OP_OPEN));
	ck_assert_str_eq(r.path, "/objects/*");
	ck_assert_uint_eq(r.nodeid, 7);
	ck_assert_int_eq(r.err, ESTALE);
	ck_assert_uint_eq(r.after, 2);
	ck_assert_uint_eq(r.every, 3);
	ck_assert_uint_eq(r.count, 4);
	ck_assert_uint_eq(r.sticky, 2);
	ck_assert(r.prob == 1.0);
	ck_assert_str_eq(r.text, "errno:op=GETATTR|open,path=objects/*,nodeid=7,errno=ESTALE,"
				 "after=2,every=3,count=4,sticky=2");
}
END_TEST

START_TEST(every_kind_parses_with_its_defaults)
{
	ck_assert_int_eq(parse("evict"), 0);
	ck_assert_int_eq(r.err, EBADF);
	ck_assert_int_eq(parse("evict:as=estale"), 0);
	ck_assert_int_eq(r.err, ESTALE);
	ck_assert_int_eq(parse("kernel-evict"), 0);
	ck_assert_int_eq(r.action, KEVICT_INVAL_INODE);
	ck_assert_int_eq(parse("kernel-evict:action=prune"), 0);
	ck_assert_int_eq(r.action, KEVICT_PRUNE);
	ck_assert_int_eq(parse("gen-bump:nodeid=5"), 0);
	ck_assert_int_eq(parse("nodeid-reuse:gen=yes"), 0);
	ck_assert(r.gen);
	ck_assert_int_eq(parse("renode:path=/a"), 0);
	ck_assert_int_eq(r.err, ESTALE);
	ck_assert_int_eq(parse("silly-rename"), 0);
	ck_assert_int_eq(parse("silly-cleanup"), 0);
	ck_assert_int_eq(parse("delay:delay=250"), 0);
	ck_assert_uint_eq(r.delay_ms, 250);
	ck_assert_int_eq(parse("handle-decode:errno=EPERM"), 0);
	ck_assert_int_eq(r.err, EPERM);
	ck_assert_int_eq(parse("host-estale"), 0);
	ck_assert_uint_eq(r.syscalls, HOST_ALL);
	ck_assert_int_eq(parse("host-estale:syscall=statx|reopen"), 0);
	ck_assert_uint_eq(r.syscalls, HOST_STATX | HOST_REOPEN);
	ck_assert_int_eq(parse("rebind:to=/srv/other"), 0);
	ck_assert_str_eq(r.to, "/srv/other");
	ck_assert_int_eq(parse("restart:count=1"), 0);
	ck_assert_int_eq(parse("errno:errno=5"), 0);
	ck_assert_int_eq(r.err, EIO);
}
END_TEST

START_TEST(prob_without_seed_is_still_seeded)
{
	ck_assert_int_eq(parse("evict:prob=0.5"), 0);
	ck_assert_uint_ne(r.seed, 0);
	ck_assert_int_eq(parse("evict:prob=0.25,seed=42"), 0);
	ck_assert_uint_eq(r.seed, 42);
	ck_assert(r.prob == 0.25);
}
END_TEST

/* Each bad rule and a piece of the message it must give. */
static const struct {
	const char *rule;
	const char *msg;
} bad[] = {
	{ "explode", "unknown fault kind 'explode'" },
	{ "errno", "errno: missing" },
	{ "errno:op=GETATR,errno=ESTALE", "op: unknown FUSE op 'GETATR'" },
	{ "errno:errno=ESTAEL", "errno: unknown errno 'ESTAEL'" },
	{ "errno:errno=512", "1 to 511: the kernel refuses" },
	{ "errno:errno=ESTALE,every=0", "every: '0' is not a count" },
	{ "errno:errno=ESTALE,every=x", "every: 'x'" },
	{ "errno:errno=ESTALE,count=-1", "count: '-1'" },
	{ "errno:errno=ESTALE,prob=1.5", "prob: '1.5' is not a probability" },
	{ "errno:errno=ESTALE,colour=red", "colour: unknown key" },
	{ "errno:errno=ESTALE,delay=5", "delay: not a key of errno" },
	{ "evict:as=eio", "as: 'eio' is not estale or ebadf" },
	{ "kernel-evict:action=nuke", "action: 'nuke'" },
	{ "host-estale:syscall=read", "syscall: 'read'" },
	{ "handle-decode:errno=EIO", "errno: handle-decode fails with ESTALE or EPERM" },
	{ "rebind", "to: missing" },
	{ "rebind:to=relative", "to: 'relative' is not an absolute" },
	{ "nodeid-reuse:gen=maybe", "gen: 'maybe'" },
	{ "delay:delay=-3", "delay: '-3'" },
	{ "errno:errno", "'errno' is not key=value" },
	{ "errno:", "nothing after ':'" },
	{ "errno:errno=ESTALE,nodeid=0", "nodeid: '0'" },
};

START_TEST(bad_rule_names_the_key)
{
	ck_assert_int_eq(parse(bad[_i].rule), -EINVAL);
	ck_assert_msg(strstr(err, bad[_i].msg), "rule '%s': message '%s' lacks '%s'", bad[_i].rule,
		      err, bad[_i].msg);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(selectors_select)
{
	ck_assert_int_eq(parse("errno:op=LOOKUP,path=/objects/*/*.file,errno=ENOENT"), 0);
	ck_assert(rule_selects(&r, OP_LOOKUP, 9, "/objects/ab/cd.file"));
	ck_assert(!rule_selects(&r, OP_GETATTR, 9, "/objects/ab/cd.file"));
	ck_assert(!rule_selects(&r, OP_LOOKUP, 9, "/objects/ab/cd.dirtree"));
	ck_assert(!rule_selects(&r, OP_LOOKUP, 9, NULL));
	ck_assert_int_eq(parse("errno:nodeid=3,errno=EIO"), 0);
	ck_assert(rule_selects(&r, OP_READ, 3, NULL));
	ck_assert(!rule_selects(&r, OP_READ, 4, NULL));
}
END_TEST

START_TEST(errno_names_and_numbers)
{
	ck_assert_int_eq(errname_parse("ESTALE"), ESTALE);
	ck_assert_int_eq(errname_parse("EMFILE"), EMFILE);
	ck_assert_int_eq(errname_parse("116"), 116);
	ck_assert_int_eq(errname_parse("ENOPE"), -1);
	ck_assert_int_eq(errname_parse("0"), -1);
	ck_assert_int_eq(errname_parse("511"), 511);
	/* the kernel refuses a FUSE reply of 512 or more: the caller would hang */
	ck_assert_int_eq(errname_parse("512"), -1);
	ck_assert_int_eq(errname_parse("4095"), -1);
}
END_TEST

static Suite *rule_suite(void)
{
	Suite *s = suite_create("rule");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, errno_rule_with_selectors);
	tcase_add_test(tc, every_kind_parses_with_its_defaults);
	tcase_add_test(tc, prob_without_seed_is_still_seeded);
	tcase_add_loop_test(tc, bad_rule_names_the_key, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, selectors_select);
	tcase_add_test(tc, errno_names_and_numbers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(rule_suite());
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * SHA-256 against the FIPS test vectors, and the tree generator: the same
 * seed gives the same tree hash, another seed another, objects are named by
 * their content, the hot objects reach max_links names, twin directories
 * only add names (the same objects under two parents), and bad parameters
 * are refused. Works in a temporary directory; mounts nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "build_config.h"
#include "reader.h"
#include "storm.h"
#include "sha256.h"
#include "tree.h"
#include "unit.h"

static char dir[256];

static void setup(void)
{
	unit_mkdtemp(dir, sizeof(dir));
}

static void teardown(void)
{
	unit_rmtree(dir);
}

static char million[1000000];

static void fips_vectors(void)
{
	char h[65];

	sha256_hex("abc", 3, h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_hex("", 0, h);
	ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, h);
	ck_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	sha256_hex(million, sizeof(million), h);
	ck_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* Split updates across block edges give the same digest. */
	{
		struct sha256 s;
		unsigned char d[32];

		sha256_init(&s);
		for (size_t off = 0, n = 1; off < sizeof(million); off += n, n = n * 3 % 997 + 1)
			sha256_update(&s, million + off, off + n > sizeof(million) ? sizeof(million) - off : n);
		sha256_final(&s, d);
		sha256_to_hex(d, h);
		ck_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	}
}

/* The block function this CPU picks (the SHA extensions where present). */
START_TEST(sha256_matches_fips_vectors)
{
	fips_vectors();
	printf("# sha256 block function: %s\n", sha256_impl());
}
END_TEST

START_TEST(sha256_portable_matches_fips_vectors)
{
	sha256_force_portable();
	ck_assert_str_eq(sha256_impl(), "portable");
	fips_vectors();
}
END_TEST

static struct tree_summary gen(const char *sub, uint64_t seed)
{
	struct tree_params p = { .objects = 60, .max_links = 50, .layers = 2, .checkouts = 2,
				 .seed = seed };
	struct tree_summary s;
	char root[512], err[256];

	snprintf(root, sizeof(root), "%s/%s", dir, sub);
	ck_assert_msg(tree_generate(root, &p, &s, err, sizeof(err)) == 0, "%s", err);
	return s;
}

static struct tree_summary gen_twins(const char *sub, uint64_t seed, uint32_t twins)
{
	struct tree_params p = { .objects = 60, .max_links = 50, .layers = 2, .checkouts = 2,
				 .seed = seed, .twins = twins };
	struct tree_summary s;
	char root[512], err[256];

	snprintf(root, sizeof(root), "%s/%s", dir, sub);
	ck_assert_msg(tree_generate(root, &p, &s, err, sizeof(err)) == 0, "%s", err);
	return s;
}

/* The manifest of dir/sub, without its twin lines (twin: only those). */
static char *manifest_text(const char *sub, int twin)
{
	char mpath[600], line[1024];
	size_t len = 0, cap = 1 << 20;
	char *text = calloc(1, cap);
	FILE *m;

	snprintf(mpath, sizeof(mpath), "%s/%s/%s", dir, sub, TREE_MANIFEST);
	m = fopen(mpath, "r");
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(text);
	while (fgets(line, sizeof(line), m)) {
		int is_twin = strstr(line, TREE_TWIN_A) || strstr(line, TREE_TWIN_B);

		if (is_twin != twin)
			continue;
		ck_assert_uint_lt(len + strlen(line), cap);
		memcpy(text + len, line, strlen(line) + 1);
		len += strlen(line);
	}
	fclose(m);
	return text;
}

START_TEST(twins_add_names_and_leave_the_rest_of_the_tree_as_it_was)
{
	struct tree_summary a = gen_twins("a", 7, 0), b = gen_twins("b", 7, 2);
	char *plain = manifest_text("a", 0), *rest = manifest_text("b", 0);
	char *twins = manifest_text("b", 1), *none = manifest_text("a", 1);
	unsigned int n = 0;

	/* 2 layers x 2 pairs x 2 sides x TREE_TWIN_FILES names */
	for (const char *q = twins; (q = strchr(q, '\n')); q++)
		n++;
	ck_assert_uint_eq(n, 2 * 2 * 2 * TREE_TWIN_FILES);
	ck_assert_str_eq(none, "");
	ck_assert_str_eq(plain, rest);
	ck_assert_str_ne(a.hash, b.hash);
	ck_assert_uint_eq(b.files, a.files);
	ck_assert_uint_eq(b.bytes, a.bytes);
	ck_assert_uint_eq(b.names, a.names + n);
	ck_assert_uint_eq(b.links, a.links + n);
	free(plain);
	free(rest);
	free(twins);
	free(none);
}
END_TEST

/* Each usr/lib/twin-NN/tK and its usr/share/twin-NN/tK: one inode, the
 * manifest's bytes, two parents. */
START_TEST(twin_dirs_name_the_same_objects_under_two_parents)
{
	char *twins, *line, *save = NULL, path[1024], other[1024], h[65];
	static unsigned char buf[4 << 20];
	unsigned int pairs = 0;

	gen_twins("t", 3, 3);
	twins = manifest_text("t", 1);
	for (line = strtok_r(twins, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *rel = line, *hash = strchr(line, '\t'), *a;
		struct stat sa, sb;
		ssize_t n;
		int fd;

		ck_assert_ptr_nonnull(hash);
		*hash++ = '\0';
		hash[64] = '\0';
		a = strstr(rel, TREE_TWIN_A);
		if (!a)
			continue;
		ck_assert_ptr_nonnull(strstr(rel, "/deploy/os/deploy/"));
		snprintf(path, sizeof(path), "%s/t/%s", dir, rel);
		snprintf(other, sizeof(other), "%s/t/%.*s%s%s", dir, (int)(a - rel), rel, TREE_TWIN_B,
			 a + strlen(TREE_TWIN_A));
		ck_assert_int_eq(stat(path, &sa), 0);
		ck_assert_int_eq(stat(other, &sb), 0);
		ck_assert_uint_eq(sa.st_ino, sb.st_ino);
		ck_assert_uint_ge(sa.st_nlink, 3);	/* the object and both twins */
		fd = open(other, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		n = read(fd, buf, sizeof(buf));
		close(fd);
		ck_assert_int_eq(n, sa.st_size);
		sha256_hex(buf, n, h);
		ck_assert_str_eq(h, hash);
		pairs++;
	}
	ck_assert_uint_eq(pairs, 2 * 3 * TREE_TWIN_FILES);
	free(twins);
}
END_TEST

START_TEST(same_seed_same_tree)
{
	struct tree_summary a = gen("a", 42), b = gen("b", 42), c = gen("c", 43);

	ck_assert_str_eq(a.hash, b.hash);
	ck_assert_str_ne(a.hash, c.hash);
	ck_assert_uint_eq(a.files, b.files);
	ck_assert_uint_eq(a.bytes, b.bytes);
	ck_assert_uint_eq(a.names, a.files + a.links + a.symlinks);
	ck_assert_uint_gt(a.symlinks, 0);
}
END_TEST

START_TEST(objects_are_content_addressed_and_hot_ones_reach_max_links)
{
	struct tree_summary s = gen("t", 5);
	char path[1024], line[1024], mpath[600], h[65];
	unsigned int max_nlink = 0, checked = 0;
	FILE *m;

	snprintf(mpath, sizeof(mpath), "%s/t/%s", dir, TREE_MANIFEST);
	m = fopen(mpath, "r");
	ck_assert_ptr_nonnull(m);
	while (fgets(line, sizeof(line), m)) {
		char *rel = strtok(line, "\t"), *hash = strtok(NULL, "\t");
		struct stat st;

		if (rel[0] == '#')
			continue;
		static unsigned char buf[4 << 20];
		ssize_t n;
		int fd;

		snprintf(path, sizeof(path), "%s/t/%s", dir, rel);
		fd = open(path, O_RDONLY);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(fstat(fd, &st), 0);
		if (st.st_nlink > max_nlink)
			max_nlink = st.st_nlink;
		if (strstr(rel, "/objects/")) {
			n = read(fd, buf, sizeof(buf));
			sha256_hex(buf, n, h);
			ck_assert_str_eq(h, hash);
			/* objects/XX/<rest>.file with XX<rest> = the hash */
			ck_assert_ptr_nonnull(strstr(rel, hash + 2));
			checked++;
		}
		close(fd);
	}
	fclose(m);
	ck_assert_uint_eq(checked, s.files);
	ck_assert_uint_eq(max_nlink, 50);
}
END_TEST

START_TEST(bad_parameters_are_refused)
{
	struct tree_params p;
	struct tree_summary s;
	char err[256], root[512];

	snprintf(root, sizeof(root), "%s/x", dir);
	tree_params_default(&p);
	p.layers = 0;
	ck_assert_int_eq(tree_generate(root, &p, &s, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "at least 1"));
	tree_params_default(&p);
	p.max_links = 70000;
	ck_assert_int_eq(tree_generate(root, &p, &s, err, sizeof(err)), -EINVAL);
	tree_params_default(&p);
	p.objects = 4;
	ck_assert_int_eq(tree_generate(root, &p, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(tree_generate(root, &p, &s, err, sizeof(err)), -EEXIST);
	ck_assert_ptr_nonnull(strstr(err, "empty directory"));
}
END_TEST

/* A result starts with its schema and origin (this machine, now); the rest
 * depends only on the input. */
static const char *after_origin(const char *doc)
{
	static const char head[] = "{\"schema\":\"workload/1\",\"stalefs\":\"" STALEFS_VERSION
				   "\",\"kernel\":\"";
	const char *started = strstr(doc, ",\"started\":\"");

	ck_assert_msg(strncmp(doc, head, strlen(head)) == 0, "no schema and origin first: %.80s", doc);
	ck_assert_ptr_nonnull(started);
	started += strlen(",\"started\":\"");
	ck_assert_int_eq(strlen(started) > 22 ? started[4] : 0, '-');	/* 2026-12-04T22:55:01Z */
	ck_assert_int_eq(started[19], 'Z');
	ck_assert_int_eq(started[20], '"');
	ck_assert_int_eq(started[21], ',');
	return started + 22;
}

START_TEST(reader_json_is_byte_stable)
{
	static struct reader_result r;
	struct reader_params p;
	char buf[4096] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	reader_params_default(&p);
	p.root = "/mnt/\"x\"";
	p.count = 10;
	r.ok[ROP_STAT] = 7;
	r.ok[ROP_READ] = 5;
	r.err[ROP_READ][ESTALE] = 2;
	r.err[ROP_OPEN][ENOENT] = 1;
	r.ok[ROP_READLINK] = 1;
	r.err[ROP_GETXATTR][ENODATA] = 1;
	r.xattr_unsupported = 3;
	r.files_checked = 5;
	r.bytes_checked = 1234;
	r.links_checked = 1;
	counts_estale_init(&r.estale, 1);
	counts_estale_add(&r.estale, &(struct wl_event){ .t_ns = 10, .start_ns = 8, .tid = 3,
							 .op = ROP_READ, .path = "a/b" });
	counts_estale_add(&r.estale, &(struct wl_event){ .t_ns = 20, .tid = 4, .op = ROP_STAT,
							 .path = "c" });
	r.seconds = 2.0;
	reader_json(&p, &r, f);
	fclose(f);
	ck_assert_str_eq(after_origin(buf),
		"\"workload\":\"read\",\"params\":{\"root\":\"/mnt/\\\"x\\\"\",\"threads\":4,"
		"\"seconds\":5.000,\"count\":10,\"seed\":1,\"hot_pct\":50,\"drop_caches_ms\":0,"
		"\"overlay\":false,\"two_path\":false},\"ops\":{"
		"\"stat\":{\"ok\":7,\"errors\":{}},\"open\":{\"ok\":0,\"errors\":{\"ENOENT\":1}},"
		"\"read\":{\"ok\":5,\"errors\":{\"ESTALE\":2}},\"close\":{\"ok\":0,\"errors\":{}},"
		"\"readdir\":{\"ok\":0,\"errors\":{}},\"readlink\":{\"ok\":1,\"errors\":{}},"
		"\"getxattr\":{\"ok\":0,\"errors\":{\"ENODATA\":1},\"unsupported\":3}},"
		"\"integrity\":{\"files\":5,\"bytes\":1234,\"symlinks\":1,\"xattrs\":0,"
		"\"mismatches\":0},\"estale_total\":2,\"estale\":[{\"t_ns\":10,\"start_ns\":8,"
		"\"tid\":3,\"op\":\"read\",\"opened_by\":\"a/b\",\"bucket\":0},{\"t_ns\":20,"
		"\"start_ns\":0,\"tid\":4,\"op\":\"stat\",\"path\":\"c\",\"bucket\":1}],"
		"\"estale_buckets\":[{\"op\":\"read\",\"dir\":\"a\",\"n\":1,\"kept\":1},"
		"{\"op\":\"stat\",\"dir\":\".\",\"n\":1,\"kept\":1}],"
		"\"drops\":0,\"duration_s\":2.000,\"ops_total\":17,\"ops_per_s\":8.5}\n");
	ck_assert_uint_eq(reader_errors(&r), 4);
	reader_result_free(&r);
}
END_TEST

#ifdef HAVE_LIBURING
START_TEST(storm_json_is_byte_stable)
{
	static struct storm_result r;
	struct storm_params p;
	char buf[4096] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	storm_params_default(&p);
	p.root = "/r";
	p.count = 3;
	r.ok[SOP_STATX] = 4;
	r.ok[SOP_READ] = 6;
	r.err[SOP_OPENAT][ESTALE] = 1;
	r.files_checked = 3;
	r.bytes_checked = 99;
	counts_estale_init(&r.estale, 1);
	counts_estale_add(&r.estale, &(struct wl_event){ .t_ns = 5, .tid = 7, .op = SOP_OPENAT,
							 .path = "x" });
	r.batches = 1;
	r.seconds = 1.0;
	storm_json(&p, &r, f);
	fclose(f);
	ck_assert_str_eq(after_origin(buf),
		"\"workload\":\"storm\",\"params\":{\"root\":\"/r\",\"threads\":1,\"seconds\":5.000,"
		"\"count\":3,\"seed\":1,\"hot_pct\":50,\"queue_depth\":32},\"ops\":{"
		"\"statx\":{\"ok\":4,\"errors\":{}},\"openat\":{\"ok\":0,\"errors\":{\"ESTALE\":1}},"
		"\"read\":{\"ok\":6,\"errors\":{}},\"close\":{\"ok\":0,\"errors\":{}}},"
		"\"integrity\":{\"files\":3,\"bytes\":99,\"mismatches\":0},\"estale_total\":1,"
		"\"estale\":[{\"t_ns\":5,\"start_ns\":0,\"tid\":7,\"op\":\"openat\",\"path\":\"x\","
		"\"bucket\":0}],\"estale_buckets\":[{\"op\":\"openat\",\"dir\":\".\",\"n\":1,"
		"\"kept\":1}],\"batches\":1,\"duration_s\":1.000,\"ops_total\":11,\"ops_per_s\":11.0}\n");
	ck_assert_uint_eq(storm_errors(&r), 1);
	storm_result_free(&r);
}
END_TEST
#endif

static Suite *tree_suite(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase_create("gen");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, sha256_matches_fips_vectors);
	tcase_add_test(tc, sha256_portable_matches_fips_vectors);
	tcase_add_test(tc, same_seed_same_tree);
	tcase_add_test(tc, objects_are_content_addressed_and_hot_ones_reach_max_links);
	tcase_add_test(tc, bad_parameters_are_refused);
	tcase_add_test(tc, twins_add_names_and_leave_the_rest_of_the_tree_as_it_was);
	tcase_add_test(tc, twin_dirs_name_the_same_objects_under_two_parents);
	tcase_add_test(tc, reader_json_is_byte_stable);
#ifdef HAVE_LIBURING
	tcase_add_test(tc, storm_json_is_byte_stable);
#endif
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(tree_suite());
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the /dev/kmsg record parser (kmsg_parse_record): the input is one
 * read(2)'s record, copied to a buffer of exactly its size so a read past
 * it is a sanitizer report. A record that parses is kept (kmsg_add) and
 * written as JSON, and must hold what kmsg.h promises.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kmsg.h"

static const char *const seeds[] = {
	"6,1,2,-;fuse: Bad value for 'source'\n",
	"4,30258,44796939527,-;WARNING: CPU: 0 PID: 1 at fs/fuse/dir.c:10 fuse_x+0x1/0x2\n",
	"12,30259,44831307431,c,caller=T42;stalefs-kmsg-test 1-2\n SUBSYSTEM=usb\n DEVICE=c189:1\n",
	"3,7,8,-;escapes \\x5c \\x09 \\x00 \\xZZ \\xc3\\xa9 \\x\n",
	"2147483647,18446744073709551615,18446744073709551615,-;big numbers\n",
	"6,1,2,-;not utf-8 \xff\xfe\xc3(\n",
	"0,9,9,-;INFO: task a:1 blocked for more than 120 seconds.\n",
	"6,1,2 - no separator\n",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kmsg k;
	static FILE *null;
	struct kmsg_rec r;
	char *buf = malloc(size ? size : 1);
	int ret;

	if (!buf)
		return 0;
	if (!null)
		null = fopen("/dev/null", "we");
	memcpy(buf, data, size);
	ret = kmsg_parse_record(buf, size, &r);
	if (ret != 0 && ret != -EINVAL && ret != -ERANGE)
		abort();
	if (ret == 0) {
		/* a header needs its ';' and four fields: at least "0,0,0,-;" */
		if (size < 8 || !memchr(buf, ';', size) || r.level > 7)
			abort();
		if (strlen(r.text) > KMSG_TEXT_MAX || strlen(r.text) > 4 * size)
			abort();
		if (r.marked != kmsg_text_marked(r.text))
			abort();
		if (k.n == 0)
			kmsg_init(&k, r.seq & 1 ? KMSG_MARKED_ONLY : KMSG_ALL);
		kmsg_add(&k, &r);
		if (k.n > KMSG_MAX_MSGS)
			abort();
		if (null)
			kmsg_write_json(null, &k);
	}
	free(buf);
	return 0;
}

size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r)
{
	return fuzz_seed_text(seeds, sizeof(seeds) / sizeof(seeds[0]), buf, len, r);
}

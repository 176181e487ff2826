// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Fuzz the rule language and profile files (ctl add, --inject, --profile):
 * the input as one rule text, then as a whole profile file. A rule that
 * parses is also asked what it selects; its text must read back the same.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_memfile.h"
#include "inject.h"
#include "rule.h"

static const char *const seeds[] = {
	"errno:op=READ,errno=ESTALE,after=1000,every=7",
	"errno:op=GETATTR|open,path=objects/*,nodeid=7,errno=ESTALE,count=3,prob=0.5",
	"evict:nodeid=9,as=ebadf",
	"kernel-evict:action=inval-entry,op=LOOKUP",
	"host-estale:syscall=open_by_handle_at,every=3",
	"handle-decode:errno=EPERM",
	"rebind:to=/srv/other",
	"nodeid-reuse:gen=same",
	"delay:op=STATFS,delay=1",
	"restart:after=100",
	"# a profile\nerrno:op=LOOKUP,errno=ENOENT\n\ndelay:op=READ,delay=0.1\n",
};

static int path_of(void *arg, uint64_t nodeid, const char *name, char *buf, size_t len)
{
	(void)arg;
	snprintf(buf, len, "/objects/%llu%s%s", (unsigned long long)nodeid, name ? "/" : "",
		 name ? name : "");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct inject inj;
	static bool ready;
	struct inject_target t = { .path_of = path_of };
	char text[4096], err[512], path[64];
	struct rule r, back;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	int fd;

	memcpy(text, data, n);
	text[n] = '\0';
	if (rule_parse(text, &r, err, sizeof(err)) == 0) {
		for (int op = 0; op < OP_COUNT; op++)
			(void)rule_selects(&r, (enum op)op, 7, "/objects/ab/cd.file");
		if (rule_parse(r.text, &back, err, sizeof(err)) != 0 || strcmp(back.text, r.text))
			abort();	/* what we print must read back */
	}
	if (!ready) {
		if (inject_init(&inj, &t) < 0)
			return 0;
		ready = true;
	}
	fd = fuzz_memfile(data, size, path, sizeof(path));
	if (fd < 0)
		return 0;
	(void)inject_add_file(&inj, path, err, sizeof(err));
	inject_clear(&inj);
	close(fd);
	return 0;
}

size_t fuzz_seed(uint8_t *buf, size_t len, uint64_t r)
{
	return fuzz_seed_text(seeds, sizeof(seeds) / sizeof(seeds[0]), buf, len, r);
}

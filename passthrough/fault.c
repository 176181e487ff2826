// SPDX-License-Identifier: GPL-2.0-or-later
/* Injected errno answers; see fault.h. */
#include "fault.h"

#include <stdio.h>
#include <string.h>

#include "errname.h"
#include "errsrc.h"

int fault_answer(struct inject *inj, const struct inject_fire *fire,
		 const struct inject_point *pt, int err)
{
	char buf[16];
	const char *name;

	if (!err)
		err = fire->err;
	name = errname(err, buf, sizeof(buf));
	snprintf(errsrc_detail_buf, sizeof(errsrc_detail_buf), "rule %u %s", fire->rule_id,
		 fault_kind_name(fire->kind));
	/* An injected error is the deepest source: it replaces any other. */
	errsrc_current.kind = ERRSRC_INJECT;
	errsrc_current.detail = errsrc_detail_buf;
	inject_report(inj, fire, pt, name);
	return -err;
}

int fault_check(struct inject *inj, enum fault_kind kind, uint64_t nodeid, const char *name,
		unsigned int syscall)
{
	struct inject_point pt = { .op = errsrc_op, .nodeid = nodeid, .name = name,
				   .syscall = syscall };
	struct inject_fire fire;

	if (!inj || !inject_active(inj, kind) || !inject_match(inj, kind, &pt, &fire))
		return 0;
	return fault_answer(inj, &fire, &pt, 0);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* FUSE operation names; see op.h. */
#include "op.h"

#include <strings.h>

#define OP_STR(name) #name,
static const char *const op_names[OP_COUNT] = { OP_LIST(OP_STR) };
#undef OP_STR

const char *op_name(enum op op)
{
	return (unsigned int)op < OP_COUNT ? op_names[op] : "UNKNOWN";
}

int op_parse(const char *name)
{
	for (int i = 0; i < OP_COUNT; i++)
		if (strcasecmp(name, op_names[i]) == 0)
			return i;
	return -1;
}

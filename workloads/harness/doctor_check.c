// SPDX-License-Identifier: GPL-2.0-or-later
/* A doctor's checks: the table of names and needs, and the detail builders;
 * see doctor_check.h. */
#include "doctor_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const check_status_names[] = { "ok", "limited", "missing" };

void check_set(struct check *c, enum status st, const char *fmt, ...)
{
	va_list ap;

	c->st = st;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

void check_add(struct check *c, const char *fmt, ...)
{
	size_t used = strlen(c->detail);
	va_list ap;

	if (used && used < sizeof(c->detail))
		used += snprintf(c->detail + used, sizeof(c->detail) - used, ", ");
	if (used >= sizeof(c->detail))
		return;
	va_start(ap, fmt);
	vsnprintf(c->detail + used, sizeof(c->detail) - used, fmt, ap);
	va_end(ap);
}

void check_worse(struct check *c, enum status st)
{
	if (st > c->st)
		c->st = st;
}

void check_init_all(struct doctor *d)
{
	static const struct {
		const char *name;
		const char *needs[NEEDS_MAX + 1];
	} defs[C_COUNT] = {
		[C_FUSE] = { "fuse", { "stalefs mount", "every workload over a mount",
				       "integration tests" } },
		[C_CAPS] = { "capabilities", { "mounting as root (CAP_SYS_ADMIN)",
					       "inode modes prefer/mandatory (CAP_DAC_READ_SEARCH)",
					       "--unprivileged and --userns (a root daemon drops them)",
					       "workload read --overlay" } },
		[C_HANDLES] = { "file_handles", { "--inode-file-handles=prefer (else it runs as never)",
						  "--inode-file-handles=mandatory",
						  "handle-decode faults" } },
		[C_USERNS] = { "userns", { "--userns (the rootless-podman condition)" } },
		[C_IO_URING] = { "io_uring", { "workload storm" } },
		[C_OVERLAY] = { "overlayfs", { "workload read --overlay", "overlay tests" } },
		[C_TRACEFS] = { "tracefs", { "ESTALE attribution (daemon-made vs kernel-made)",
					     "pinpoint" } },
		[C_DROP_CACHES] = { "drop_caches", { "guest-side FORGET storms (read --drop-caches-ms)",
						     "kernel-evict action=drop-caches",
						     "integration tests" } },
		[C_MEMCG] = { "memory_cgroup", { "run --memory-pressure",
						  "pinpoint memory-pressure" } },
		[C_OSTREE] = { "ostree", { "workload ostree" } },
		[C_VIRTIOFSD] = { "virtiofsd", { "stalefs compare: the real side" } },
		[C_QEMU] = { "qemu", { "stalefs compare: the guest", "virtio-fs guest tests" } },
		[C_VHOST] = { "stalefs-virtiofsd", { "stalefs behind virtio-fs (QEMU, libvirt, bcvk)",
						     "stalefs compare: the third column" } },
		[C_COMPARE] = { "compare", { "stalefs compare (ci/compare-setup.sh's pieces)",
					     "virtio-fs guest tests" } },
	};

	for (int i = 0; i < C_COUNT; i++) {
		d->c[i].name = defs[i].name;
		d->c[i].st = ST_MISSING;
		memcpy(d->c[i].needs, defs[i].needs, sizeof(d->c[i].needs));
	}
}

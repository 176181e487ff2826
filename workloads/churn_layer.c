// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Churn's layer swap (see churn.h): every name of one overlay/<layer> is
 * recorded from the manifest, and the layer is recreated beside the live
 * one (new inodes, same bytes, links, symlinks and xattrs) and exchanged
 * with it in one RENAME_EXCHANGE.
 */
#include "churn_i.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/*
 * Recreate layer l as overlay/<layer>.churn-new (first name of each content
 * copied, the others hardlinked to it, symlinks made again), exchange it
 * with the live layer in one step and delete the old inodes: every name of
 * the layer now leads to a new inode with the same bytes. A stop (SIGTERM)
 * during the copy gives up before the exchange: -ECANCELED, nothing the
 * readers see has changed (the copy can take seconds, and the harness
 * waits only so long before SIGKILL, which would leave a submount behind).
 */
int churn_layers_swap(int rootfd, const struct churn_layers *ls, unsigned int l)
{
	char fresh[300], to[4600], first[4600];
	int ret = 0;

	snprintf(fresh, sizeof(fresh), "%s.churn-new", ls->dir[l]);
	churn_remove_tree(rootfd, fresh);
	if (mkdirat(rootfd, fresh, 0755) < 0)
		return -errno;
	for (size_t i = 0; !ret && i < ls->nnames; i++) {
		const struct churn_lname *n = &ls->names[i];
		const char *rest = n->path + strlen(ls->dir[l]);

		if (n->layer != l)
			continue;
		if (churn_stopping()) {
			ret = -ECANCELED;
			break;
		}
		snprintf(to, sizeof(to), "%s%s", fresh, rest);
		ret = churn_mkparents(rootfd, to);
		if (ret)
			break;
		if (n->target) {
			if (symlinkat(n->target, rootfd, to) < 0)
				ret = -errno;
			continue;
		}
		if (n->first >= 0) {
			snprintf(first, sizeof(first), "%s%s", fresh,
				 ls->names[n->first].path + strlen(ls->dir[l]));
			ret = linkat(rootfd, first, rootfd, to, 0) < 0 ? -errno : 0;
		} else {
			ret = churn_copy_file(rootfd, n->path, to, ls->xattrs);
		}
	}
	if (!ret && syscall(SYS_renameat2, rootfd, fresh, rootfd, ls->dir[l], RENAME_EXCHANGE) < 0)
		ret = -errno;
	/* After the exchange "fresh" names the old layer (else the partial copy). */
	if (churn_remove_tree(rootfd, fresh) < 0 && !ret)
		ret = -EIO;
	return ret;
}

static const struct churn_lname *sort_lnames;	/* for qsort's comparator only */

static int by_layer_hash(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct churn_lname *x = &sort_lnames[i], *y = &sort_lnames[j];
	int c = (x->layer > y->layer) - (x->layer < y->layer);

	if (!c)
		c = strcmp(x->hash, y->hash);
	return c ? c : (i > j) - (i < j);
}

/* Remember one manifest name for layer swaps. */
int churn_layers_add(struct churn_layers *ls, size_t *cap, const char *rel, const char *hash,
		     const char *target)
{
	const char *layer = rel + strlen("overlay/"), *slash;
	struct churn_lname *n;

	slash = strncmp(rel, "overlay/", 8) == 0 ? strchr(layer, '/') : NULL;
	if (!slash || slash - rel >= 256)
		return 0;
	if (!ls->n || strncmp(ls->dir[ls->n - 1], rel, slash - rel) != 0 ||
	    ls->dir[ls->n - 1][slash - rel]) {
		void *grown = realloc(ls->dir, (ls->n + 1) * sizeof(*ls->dir));

		if (!grown)
			return -ENOMEM;
		ls->dir = grown;
		snprintf(ls->dir[ls->n++], sizeof(ls->dir[0]), "%.*s", (int)(slash - rel), rel);
	}
	if (ls->nnames == *cap) {
		void *grown = realloc(ls->names, (*cap ? *cap * 2 : 1024) * sizeof(*ls->names));

		if (!grown)
			return -ENOMEM;
		ls->names = grown;
		*cap = *cap ? *cap * 2 : 1024;
	}
	n = &ls->names[ls->nnames++];
	*n = (struct churn_lname){ .path = strdup(rel), .target = target ? strdup(target) : NULL,
				   .layer = ls->n - 1, .first = -1 };
	snprintf(n->hash, sizeof(n->hash), "%s", hash);
	return n->path ? 0 : -ENOMEM;
}

/* For each file name, the first file name of the same content in its layer. */
int churn_layers_index(struct churn_layers *ls)
{
	size_t *idx = calloc(ls->nnames ? ls->nnames : 1, sizeof(*idx)), head = 0;

	if (!idx)
		return -ENOMEM;
	for (size_t i = 0; i < ls->nnames; i++)
		idx[i] = i;
	sort_lnames = ls->names;
	qsort(idx, ls->nnames, sizeof(*idx), by_layer_hash);
	for (size_t k = 0; k < ls->nnames; k++) {
		struct churn_lname *n = &ls->names[idx[k]];

		if (n->target)
			continue;
		if (head < k && ls->names[idx[head]].layer == n->layer &&
		    !ls->names[idx[head]].target && strcmp(ls->names[idx[head]].hash, n->hash) == 0)
			n->first = idx[head];
		else
			head = k;
	}
	free(idx);
	return 0;
}

void churn_layers_free(struct churn_layers *ls)
{
	for (size_t i = 0; i < ls->nnames; i++) {
		free(ls->names[i].path);
		free(ls->names[i].target);
	}
	free(ls->names);
	free(ls->dir);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* A tree's manifest; see manifest.h. */
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"

uint64_t manifest_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Whether rel names something outside the tree: an absolute path or a ".."
 * component (the readers open names relative to the tree's root). */
static bool leaves_tree(const char *rel)
{
	if (rel[0] == '/')
		return true;
	for (const char *c = rel; c; c = strchr(c, '/')) {
		if (*c == '/')
			c++;
		if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || c[2] == '\0'))
			return true;
	}
	return false;
}

int manifest_load(struct manifest *m, const char *path, char *err, size_t errlen)
{
	char line[4400];
	size_t cap = 0;
	FILE *f = fopen(path, "re");

	memset(m, 0, sizeof(*m));
	if (!f) {
		snprintf(err, errlen, "manifest %s: %s", path, strerror(errno));
		return -errno;
	}
	for (unsigned int lineno = 1; fgets(line, sizeof(line), f); lineno++) {
		char *save, *rel = strtok_r(line, "\t", &save), *hash = strtok_r(NULL, "\t\n", &save);
		char *size = strtok_r(NULL, "\t\n", &save), *target = strtok_r(NULL, "\n", &save);
		struct mname *n;

		if (rel && hash && strcmp(rel, "#xattr") == 0 && strcmp(hash, TREE_XATTR) == 0)
			m->xattrs = true;
		if (!rel || !hash || !size || rel[0] == '#' || strlen(hash) != 64 ||
		    *size < '0' || *size > '9')
			continue;
		if (leaves_tree(rel)) {
			fclose(f);
			manifest_free(m);
			snprintf(err, errlen, "manifest %s line %u: the name '%.200s' leaves the tree "
				 "(absolute or with ..)", path, lineno, rel);
			return -EINVAL;
		}
		if (m->n == cap) {
			struct mname *grown = realloc(m->names, (cap ? cap * 2 : 1024) * sizeof(*grown));

			if (!grown)
				goto nomem;
			m->names = grown;
			cap = cap ? cap * 2 : 1024;
		}
		n = &m->names[m->n];
		n->path = strdup(rel);
		n->target = target ? strdup(target) : NULL;
		if (!n->path || (target && !n->target)) {
			free(n->path);
			goto nomem;
		}
		memcpy(n->hash, hash, 65);
		n->size = strtoull(size, NULL, 10);
		m->n++;
	}
	if (ferror(f)) {
		int e = errno;

		fclose(f);
		manifest_free(m);
		snprintf(err, errlen, "reading manifest %s: %s", path, strerror(e));
		return -e;
	}
	fclose(f);
	if (!m->n) {
		snprintf(err, errlen, "manifest %s lists no files", path);
		return -EINVAL;
	}
	if (manifest_find_hot(m) < 0) {
		manifest_free(m);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return 0;
nomem:
	fclose(f);
	manifest_free(m);
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

static int by_hash(const void *a, const void *b, void *arg)
{
	const struct mname *names = arg;

	return strcmp(names[*(const size_t *)a].hash, names[*(const size_t *)b].hash);
}

int manifest_find_hot(struct manifest *m)
{
	free(m->hot);
	m->nhot = 0;
	m->hot = calloc(m->n ? m->n : 1, sizeof(*m->hot));
	if (!m->hot)
		return -ENOMEM;
	for (size_t i = 0; i < m->n; i++)
		m->hot[i] = i;
	qsort_r(m->hot, m->n, sizeof(*m->hot), by_hash, m->names);
	for (size_t i = 0, j; i < m->n; i = j) {
		for (j = i; j < m->n && strcmp(m->names[m->hot[j]].hash,
					      m->names[m->hot[i]].hash) == 0; j++)
			;
		if (j - i >= 10)
			for (size_t k = i; k < j; k++)
				m->hot[m->nhot++] = m->hot[k];
	}
	return 0;
}

size_t manifest_pick(const struct manifest *m, uint64_t *rng, unsigned int hot_pct)
{
	if (m->nhot && manifest_rand(rng) % 100 < hot_pct)
		return m->hot[manifest_rand(rng) % m->nhot];
	return manifest_rand(rng) % m->n;
}

void manifest_free(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->names[i].path);
		free(m->names[i].target);
	}
	free(m->names);
	free(m->hot);
	memset(m, 0, sizeof(*m));
}

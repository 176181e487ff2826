// SPDX-License-Identifier: GPL-2.0-or-later
/* Rates against a control; see signif.h. */
#include "signif.h"

#include <math.h>

/* log C(n, k) */
static double lchoose(double n, double k)
{
	return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

double signif_fisher_greater(uint64_t a, uint64_t n1, uint64_t c, uint64_t n2)
{
	double k, n, lden, sum = 0, top = -INFINITY;
	uint64_t hi;

	if (!n1 || !n2)
		return 1.0;
	if (a > n1)
		a = n1;
	if (c > n2)
		c = n2;
	if (!a)
		return 1.0;
	k = (double)a + (double)c;	/* events in both */
	n = (double)n1 + (double)n2;
	lden = lchoose(n, n1);
	hi = a + c < n1 ? a + c : n1;
	/* Terms fall off fast past the mode: stop when they no longer count.
	 * Summed in log space around the largest term seen. */
	for (uint64_t x = a; x <= hi; x++) {
		double t = lchoose(k, x) + lchoose(n - k, (double)n1 - x) - lden;

		if (t > top) {
			sum = sum * exp(top - t) + 1.0;
			top = t;
		} else {
			sum += exp(t - top);
		}
		if (t < top - 40)	/* the rest adds less than e^-40 of it */
			break;
	}
	sum = exp(top) * sum;
	return sum > 1.0 ? 1.0 : sum;
}

double signif_fisher_two_sided(uint64_t a, uint64_t n1, uint64_t c, uint64_t n2)
{
	double k, n, lden, lobs, sum = 0, top = -INFINITY;
	uint64_t lo, hi;

	if (!n1 || !n2)
		return 1.0;
	if (a > n1)
		a = n1;
	if (c > n2)
		c = n2;
	k = (double)a + (double)c;
	n = (double)n1 + (double)n2;
	lden = lchoose(n, n1);
	lo = a + c > n2 ? a + c - n2 : 0;
	hi = a + c < n1 ? a + c : n1;
	lobs = lchoose(k, a) + lchoose(n - k, (double)n1 - a) - lden;
	for (uint64_t x = lo; x <= hi; x++) {
		double t = lchoose(k, x) + lchoose(n - k, (double)n1 - x) - lden;

		if (t > lobs + 1e-7)	/* likelier than what was seen: not in the tail */
			continue;
		if (t > top) {
			sum = sum * exp(top - t) + 1.0;
			top = t;
		} else {
			sum += exp(t - top);
		}
	}
	sum = exp(top) * sum;
	return sum > 1.0 ? 1.0 : sum;
}

double signif_zero_upper(uint64_t n)
{
	return n ? 1.0 - pow(0.05, 1.0 / (double)n) : 1.0;
}

void signif_compare(uint64_t a, uint64_t n1, uint64_t c, uint64_t n2, struct signif *s)
{
	double x, y, m1, m2, se;

	if (a > n1)
		a = n1;
	if (c > n2)
		c = n2;
	*s = (struct signif){ .a = a, .n1 = n1, .c = c, .n2 = n2 };
	s->p = signif_fisher_greater(a, n1, c, n2);
	s->upper1 = a ? (double)a / (double)n1 : signif_zero_upper(n1);
	if (!n1 || !n2)
		return;
	x = (double)a;
	y = (double)c;
	m1 = (double)n1;
	m2 = (double)n2;
	if (!a || !c) {	/* Haldane's correction: 0.5 in every cell of the table */
		x += 0.5;
		y += 0.5;
		m1 += 1.0;
		m2 += 1.0;
	}
	s->ratio = (x / m1) / (y / m2);
	se = sqrt(1.0 / x - 1.0 / m1 + 1.0 / y - 1.0 / m2);
	s->lo = s->ratio * exp(-1.96 * se);
	s->hi = s->ratio * exp(1.96 * se);
}

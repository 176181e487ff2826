/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `stalefs pinpoint`: the experiments that settle the hypotheses of bcvk
 * #157 (research virtiofsd.md §6), each a cell against a control cell that
 * differs in one condition, each with a verdict line, and a conclusion
 * naming the conditions under which ESTALE appeared and those under which
 * it did not. argv[0] is "pinpoint".
 */
#ifndef STALEFS_PINPOINT_H
#define STALEFS_PINPOINT_H

int pinpoint_main(int argc, char **argv);

#endif

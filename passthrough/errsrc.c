// SPDX-License-Identifier: GPL-2.0-or-later
/* The per-thread error source; see errsrc.h. */
#include "errsrc.h"

__thread struct errsrc errsrc_current;
__thread int errsrc_op;
__thread char errsrc_detail_buf[96];
__thread unsigned int errsrc_pid;

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console's own commands (cmd.c): show info, show config, show stats,
 * show counters, clear counters. The console module registers them with
 * every other module's.
 */
#ifndef CMD_H
#define CMD_H

#include "console.h"

/* The table, ended by an entry without a handler. */
extern const struct console_cmd cmd_table[];

#endif /* CMD_H */

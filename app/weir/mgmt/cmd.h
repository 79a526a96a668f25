/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * weir's console commands: show, set, add/del, clear, reload, save. The
 * tables live in cmd.c; the registry (lib/console) dispatches to them.
 */
#ifndef CMD_H
#define CMD_H

#include "console.h"

#define CMD_TABLE_LEN 20 /* commands in cmd_table */

/* Every command, for the console module to register. */
extern const struct console_cmd cmd_table[CMD_TABLE_LEN];

#endif /* CMD_H */

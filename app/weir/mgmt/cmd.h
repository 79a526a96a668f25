/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * weir's console commands: show, set, add/del, clear, reload, save. The
 * tables live in cmd.c; the registry (lib/console) dispatches to them.
 */
#ifndef CMD_H
#define CMD_H

#include "console.h"

/** Register every command table. @return 0 or -errno. */
int cmd_register_all(struct console_registry *r);

#endif /* CMD_H */

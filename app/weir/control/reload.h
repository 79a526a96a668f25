/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration reload and the state file (reload.c).
 *
 * Context: ctl.
 */
#ifndef RELOAD_H
#define RELOAD_H

#include <stddef.h>

/**
 * Reload the configuration file now, as SIGHUP does.
 * @param msg receives one line saying what happened.
 * @return 0, or -errno (rejected: the running configuration is kept).
 */
int reload_conf(char *msg, size_t size);

/**
 * Apply the state file (admin states and weights) to weir.conf's backends.
 * @return 0, -ENOENT (no state file), or -errno (logged).
 */
int reload_state_apply(void);

/**
 * Write every backend's weight and admin state to the state file.
 * @return 0 or -errno, with 'msg' saying what happened.
 */
int reload_state_save(char *msg, size_t size);

#endif /* RELOAD_H */

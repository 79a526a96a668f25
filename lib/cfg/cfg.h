/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Configuration loading: libconfig file in, struct cfg_conf out. Every
 * error reads "file:line: path.to.key: message" and the first one stops the
 * load, so a bad file never half-applies.
 *
 * Context: ctl (and tests); not thread-safe, no DPDK state used.
 */
#ifndef CFG_H
#define CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cfg_types.h"

/**
 * Load and validate a configuration file.
 *
 * @param path
 *   File to read.
 * @param err
 *   Receives one line naming file:line, the setting and the problem.
 * @param err_size
 *   Bytes at 'err'.
 * @return
 *   A new conf, owned by the caller (free with cfg_conf_free()), or NULL
 *   with errno set (EINVAL: bad content, others: the file could not be
 *   read) and 'err' filled.
 */
struct cfg_conf *cfg_conf_load(const char *path, char *err, size_t err_size);

/** Free a conf from cfg_conf_load(); NULL is a no-op. */
void cfg_conf_free(struct cfg_conf *conf);

/**
 * @return the mbufs that the queues, rings and caches 'conf' describes can
 * hold at once; mempool.mbufs must be at least this, or the pool could run
 * dry with every buffer parked in a descriptor ring.
 */
unsigned int cfg_mbufs_needed(const struct cfg_conf *conf);

/**
 * Compare the startup-only settings of two confs (everything but
 * log_level, routes, gateways, hash_seed and services, which a reload may
 * change).
 * @return NULL if they are equal, else the name of the first key that
 * differs.
 */
const char *
cfg_conf_startup_diff(const struct cfg_conf *a, const struct cfg_conf *b);

/**
 * Print a human summary of 'conf' (what --check-config shows).
 * @return 0, or -errno if writing failed.
 */
int cfg_conf_dump(const struct cfg_conf *conf, FILE *f);

/**
 * @return the rte_log level (RTE_LOG_EMERG 1 .. RTE_LOG_DEBUG 8) of a
 * log_level name, or -EINVAL.
 */
int cfg_log_level(const char *name);

/**
 * Parse a listener "a.b.c.d:port" or "[v6]:port".
 * @param loopback set to true if the address is 127/8 or ::1.
 * @return 0 or -EINVAL.
 */
int cfg_listen_parse(
	const char *s, struct weir_addr *a, uint16_t *port, bool *loopback);

/*
 * Runtime changes to a loaded conf (console, discovery files), with the
 * same checks the loader applies. Context: ctl.
 */

/** @return the service named 'name', or NULL. */
struct cfg_service *
cfg_service_find(const struct cfg_conf *conf, const char *name);

/** @return the index of backend 'a' port 'port' in 's', or -ENOENT. */
int cfg_backend_find(
	const struct cfg_service *s, const struct weir_addr *a, uint16_t port);

/**
 * Check that 'a' port 'port' may be a backend of 's': family, not weir's,
 * reachable. @return 0 or -EINVAL with 'err' filled.
 */
int cfg_backend_check(const struct cfg_conf *conf, const struct cfg_service *s,
	const struct weir_addr *a, uint16_t port, char *err, size_t size);

/**
 * Add backend 'b' to 's', or update its weight and state if it is there.
 * @return 1 added, 0 updated, or -EINVAL/-ENOSPC/-ENOMEM with 'err'.
 */
int cfg_backend_set(struct cfg_conf *conf, struct cfg_service *s,
	const struct cfg_backend *b, char *err, size_t size);

/** Remove a backend. @return 0 or -ENOENT. */
int cfg_backend_del(
	struct cfg_service *s, const struct weir_addr *a, uint16_t port);

/**
 * Add a service like 'tmpl' (name, VIP, ports, protocol, balancer...),
 * without backends; unset timeouts and table size take their defaults.
 * @return 0, or -EEXIST/-EINVAL/-ENOSPC/-ENOMEM with 'err'.
 */
int cfg_service_add(struct cfg_conf *conf, const struct cfg_service *tmpl,
	char *err, size_t size);

/** Remove a service. @return 0 or -ENOENT. */
int cfg_service_del(struct cfg_conf *conf, const char *name);

/**
 * Check fault injection shares 'f' for service 's' (its protocol, its
 * connect and SYN timeouts). @return 0, or -EINVAL with the reason in
 * 'err'.
 */
int cfg_fault_check(const struct cfg_fault *f, const struct cfg_service *s,
	char *err, size_t size);

#endif /* CFG_H */

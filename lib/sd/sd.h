/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Service discovery files and the state file.
 *
 * A discovery file is written by an external tool (a Consul template, a
 * Kubernetes sidecar, a cron job) and holds the whole backend list of one
 * service, in JSON or in libconfig syntax. sd_load() reads and validates it
 * into plain structs; app/sd_*.c adapters decide when to read it and hand
 * the result to ctl, which diffs it against the running service and
 * publishes a new snapshot. This module never touches a snapshot.
 *
 * The state file is weir's own, like HAProxy's server-state file: it keeps
 * the runtime admin state (drain, maint) and weight an operator set with
 * the console, so that a restart does not silently put a drained backend
 * back into rotation.
 *
 * A file is either accepted whole or refused whole: a writer caught half
 * way must never shrink a service to the backends it had written so far.
 * Errors read like cfg's, "file:line: backends[3].port: message" when the
 * format has lines (libconfig), "file: backends[3].port: message" when it
 * has not (JSON), and "file:line:column: message" for JSON syntax errors.
 *
 * Context: ctl (and tests). No global state: calls on different files and
 * buffers may run concurrently. Allocates with malloc().
 */
#ifndef SD_H
#define SD_H

#include <stddef.h>
#include <stdint.h>

#include "cfg_types.h"

#define SD_BACKENDS_MAX CFG_SVC_BACKENDS_MAX /* backends per file */
#define SD_WEIGHT_MAX 65535 /* relative weight, as MAGLEV_WEIGHT_MAX */
#define SD_WEIGHT_DEFAULT 1 /* relative weight when the file omits it */
#define SD_SERVICE_SIZE CFG_NAME_SIZE /* bytes of a name, NUL included */
#define SD_STATE_VERSION 1	      /* state file format written and read */

/* Administrative state of a backend, as set by discovery or an operator. */
enum sd_state {
	SD_READY = 0, /* takes new flows (subject to health checks) */
	SD_DRAIN,     /* keeps its flows, gets no new ones */
	SD_MAINT,     /* out of service: no new flows, probes stopped */
	SD_STATE_COUNT
};

/* How sd_load_format() reads a file. */
enum sd_format {
	SD_FMT_AUTO = 0, /* from the extension: .json, .conf or .cfg */
	SD_FMT_JSON,
	SD_FMT_LIBCONFIG,
};

/* One backend of a discovery file. */
struct sd_backend {
	struct weir_addr addr; /* unicast, of the service's family */
	uint16_t port;	       /* host order, 1..65535 */
	uint32_t weight;       /* 0..SD_WEIGHT_MAX; 0: gets no new flows */
	uint8_t state;	       /* enum sd_state */
};

/* One backend's runtime state, as saved in the state file. */
struct sd_saved {
	char service[SD_SERVICE_SIZE]; /* NUL-terminated, not empty */
	struct weir_addr addr;	       /* unicast */
	uint16_t port;		       /* host order, 1..65535 */
	uint32_t weight;	       /* 0..SD_WEIGHT_MAX */
	uint8_t state;		       /* enum sd_state */
};

/**
 * @return the name of 'state' as files spell it ("ready", "drain",
 * "maint"), or "unknown" for a value out of range.
 */
const char *sd_state_name(enum sd_state state);

/**
 * @param name
 *   "ready", "drain" or "maint" (exact, lower case).
 * @return
 *   The enum sd_state value, or -EINVAL for any other string or NULL.
 */
int sd_state_parse(const char *name);

/**
 * @param name
 *   "json" or "libconfig" (what a configuration key names), or "auto".
 * @return
 *   The enum sd_format value, or -EINVAL for any other string or NULL.
 */
int sd_format_parse(const char *name);

/**
 * Load a discovery file, in the format its extension names: the same as
 * sd_load_format() with SD_FMT_AUTO.
 *
 * @param path
 *   File to read: ".json" is JSON, ".conf" and ".cfg" are libconfig.
 * @param family
 *   AF_INET or AF_INET6, the family of the service's VIP.
 * @param out
 *   On success, the backends (malloc()'d, the caller frees; NULL if none).
 * @param nb
 *   On success, their number.
 * @param err
 *   On failure, one line naming the file, the place and the problem.
 * @param err_size
 *   Bytes at 'err'.
 * @return
 *   0, or -EINVAL, -ENOENT, -EIO or -ENOMEM as sd_load_format() details.
 */
int sd_load(const char *path, int family, struct sd_backend **out,
	unsigned int *nb, char *err, size_t err_size);

/**
 * Load and validate a discovery file.
 *
 * JSON:      {"backends": [{"address": "198.18.1.11", "port": 8080,
 *             "weight": 1, "state": "ready"}, ...]}
 * libconfig: backends = ( { address = "198.18.1.11"; port = 8080;
 *             weight = 1; state = "ready"; } );
 *
 * 'address' and 'port' are required; 'weight' defaults to
 * SD_WEIGHT_DEFAULT and 'state' to "ready". "backends" is required and may
 * be empty (a service with no backends). Any other key, at the top or in
 * an entry, is refused, so a typo never falls back to a default.
 *
 * The whole file is checked before anything is returned.
 *
 * @param path
 *   File to read; also the prefix of every message.
 * @param fmt
 *   SD_FMT_JSON, SD_FMT_LIBCONFIG, or SD_FMT_AUTO to choose from the
 *   extension: ".json" is JSON, ".conf" and ".cfg" are libconfig.
 * @param family
 *   AF_INET or AF_INET6, the family of the service's VIP: every backend
 *   must have it, as weir does not translate between the two.
 * @param out
 *   On success, receives a malloc()'d array of *nb backends in file order,
 *   owned by the caller (free() it); NULL when the list is empty. Left
 *   untouched on failure.
 * @param nb
 *   On success, receives the number of backends, 0..SD_BACKENDS_MAX.
 * @param err
 *   On failure, receives one line naming the file, the place and the
 *   problem (cut to fit, always NUL-terminated); "" on success.
 * @param err_size
 *   Bytes at 'err'.
 * @return
 *   0 on success;
 *   -EINVAL: bad content (syntax, unknown key, wrong type, value out of
 *   range, not unicast, wrong family, duplicate address and port, more
 *   than SD_BACKENDS_MAX backends), the file is not a regular file or is
 *   larger than any valid discovery file could be, an extension SD_FMT_AUTO
 *   does not know, or a bad 'fmt' or 'family' argument;
 *   -ENOENT: the file does not exist;
 *   -EIO: it exists but could not be opened or read (permissions, I/O);
 *   -ENOMEM: out of memory.
 */
int sd_load_format(const char *path, enum sd_format fmt, int family,
	struct sd_backend **out, unsigned int *nb, char *err, size_t err_size);

/**
 * Save runtime backend states, atomically.
 *
 * Writes {"version": 1, "saved_at": "<UTC, RFC 3339>", "backends": [{
 * "service": ..., "address": ..., "port": ..., "weight": ..., "state":
 * ...}, ...]} to "<path>.tmp" in the same directory with mode 0600, syncs
 * it, renames it over 'path' and syncs the directory, so that a crash
 * leaves either the old file or the new one, never a mix. On failure the
 * temporary file is removed and 'path' is unchanged.
 *
 * @param path
 *   File to replace.
 * @param b
 *   Entries to save, in the order they will be loaded; may be NULL when
 *   'nb' is 0.
 * @param nb
 *   Number of entries.
 * @param err
 *   On failure, receives one line naming the file and the problem.
 * @param err_size
 *   Bytes at 'err'.
 * @return
 *   0 on success;
 *   -EINVAL: an entry is invalid (service name empty or not terminated,
 *   family not AF_INET/AF_INET6, port 0, weight above SD_WEIGHT_MAX, state
 *   out of range), or 'b' is NULL with 'nb' above 0, or the path is too
 *   long to add ".tmp";
 *   -EIO: creating, writing, syncing or renaming failed (the message
 *   names the step and the system error); when only the final sync of
 *   the directory fails, the new file is already in place but may not
 *   survive a crash;
 *   -ENOMEM: out of memory.
 */
int sd_state_save(const char *path, const struct sd_saved *b, unsigned int nb,
	char *err, size_t err_size);

/**
 * Load a state file written by sd_state_save().
 *
 * "version" and "backends" are required, "saved_at" is optional (it is for
 * the operator, not for weir) but must be "YYYY-MM-DDTHH:MM:SSZ" when
 * present. Entries need "service", "address" and "port"; "weight" defaults
 * to SD_WEIGHT_DEFAULT and "state" to "ready". Entries are refused whole
 * like a discovery file's, including a (service, address, port) listed
 * twice. Addresses of either family may appear: matching them against
 * services is the caller's job.
 *
 * @param path
 *   File to read.
 * @param out
 *   On success, receives a malloc()'d array of *nb entries in file order,
 *   owned by the caller (free() it); NULL when there are none.
 * @param nb
 *   On success, receives the number of entries.
 * @param err
 *   On failure, receives one line naming the file, the place and the
 *   problem; "" on success.
 * @param err_size
 *   Bytes at 'err'.
 * @return
 *   0 on success;
 *   -ENOENT: there is no state file (nothing was saved: not an error for
 *   the caller);
 *   -EINVAL: bad content (syntax, truncation, version missing or not
 *   SD_STATE_VERSION, unknown key, wrong type, value out of range,
 *   duplicate entry, more than CFG_SVC_MAX * SD_BACKENDS_MAX entries) or
 *   not a regular file;
 *   -EIO: it exists but could not be opened or read;
 *   -ENOMEM: out of memory.
 */
int sd_state_load(const char *path, struct sd_saved **out, unsigned int *nb,
	char *err, size_t err_size);

#endif /* SD_H */

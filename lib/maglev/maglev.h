/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of
 * prime size M whose slots name backends, built so that each backend owns a
 * share of slots proportional to its weight, and so that the same backends,
 * weights and seed give the same table byte for byte in any process on any
 * machine. Workers look a flow's hash up in the table; the management
 * thread builds tables and publishes them with RCU.
 *
 * Thread-safety: maglev_build() writes only 'table' and touches no global
 * state; concurrent builds into different tables are safe. A built table is
 * read-only and may be read by any number of workers.
 */
#ifndef MAGLEV_H
#define MAGLEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAGLEV_SIZE_DEFAULT 65537 /* slots: prime, the paper's size */
#define MAGLEV_SIZE_MAX 16777213  /* slots: largest prime below 2^24 */
#define MAGLEV_BACKENDS_MAX 65535 /* backends: slots store uint16_t */
#define MAGLEV_WEIGHT_MAX 65535	  /* relative weight of one backend */

/* One backend as the table builder sees it. */
struct maglev_backend {
	/* Stable identity, hashed to place the backend: the same bytes on
	 * every node (e.g. address and port in network order), never a
	 * pointer or index. Two backends with the same bytes would share one
	 * preference list; callers keep keys unique. */
	const void *key;
	size_t key_len; /* bytes at 'key', at least 1 */
	/* Relative: 1 and 3 split slots as 100 and 300 do. 0: owns no slot
	 * (draining), else 1..MAGLEV_WEIGHT_MAX. A share below half a slot
	 * (weight / sum of weights * size < 1/2) may round to no slot. */
	uint32_t weight;
};

/**
 * @return true if 'n' is prime (n >= 2). Trial division: up to 2^15
 * divisions near 2^32, a few hundred at table sizes.
 */
bool maglev_is_prime(uint32_t n);

/**
 * Build a lookup table.
 *
 * The table depends only on the key bytes, weights and order of 'be', on
 * 'size' and on 'seed', so nodes with the same inputs build the same
 * bytes. Backend i owns its share size * w_i / sum(w) of the slots to
 * within 1/2 + (n / 2) * w_i / sum(w) slots, n backends (equal weights:
 * floor or ceil of size / n). Removing a backend, or setting its weight
 * to 0, moves its slots to the others and, as in any Maglev, a few more
 * (under 1% of 'size' in the unit tests).
 *
 * Context: ctl. Allocates scratch with malloc() (at most 56 bytes per
 * backend plus size / 8 bytes) and frees it before returning. Costs about
 * size * ln(size) probes: 1 ms at size 65537 (3 ms with 1000 distinct
 * weights), 14 ms at 655373.
 *
 * @param be
 *   The backends; slot values are indices into this array. Equal turns
 *   go to the lower index, so the order matters: pass backends in an
 *   order every node agrees on (e.g. sorted by key).
 * @param nb_be
 *   Number of backends, 1..MAGLEV_BACKENDS_MAX.
 * @param size
 *   Table size M in slots: a prime, greater than nb_be, at most
 *   MAGLEV_SIZE_MAX.
 * @param seed
 *   Hash seed: tables with different seeds place backends differently.
 *   Every node serving the same VIP must use the same seed.
 * @param table
 *   Receives 'size' slots, each the index of a backend with weight > 0.
 *   Written only on success.
 * @return
 *   0; -EINVAL for bad arguments: 'be' or 'table' NULL, nb_be 0 or above
 *   MAGLEV_BACKENDS_MAX, size not prime, not above nb_be or above
 *   MAGLEV_SIZE_MAX, a weight above MAGLEV_WEIGHT_MAX, a backend (even of
 *   weight 0) without key or with key_len 0; -ENOENT if every weight is
 *   0; -ENOMEM. On error 'table' is left untouched.
 */
int maglev_build(const struct maglev_backend *be, unsigned int nb_be,
	uint32_t size, uint64_t seed, uint16_t *table);

#endif /* MAGLEV_H */

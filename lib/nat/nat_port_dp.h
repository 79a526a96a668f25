/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local port ownership: which worker a FullNAT local port belongs to, and
 * which ports a worker may hand out.
 *
 * HOW IT WORKS
 * The local ports [lo, hi] are dealt out round-robin: port p belongs to
 * worker (p - lo) mod W. A worker gives new sessions only ports it owns,
 * so the destination port of a backend's reply names the worker holding
 * the session, whichever queue the NIC's RSS (or af_packet's fanout)
 * delivered the reply to; any other worker hands it over on a redirect
 * ring. Worker w owns lo + w, lo + w + W, lo + w + 2W, ... : the k-th of
 * its ports is nat_port_nth(), computed with a multiply, and the owner of
 * any port comes from a 64 KiB table filled once at start, so neither
 * direction divides on the data path.
 *
 * The alternative, contiguous blocks per worker, gives the same ownership
 * test but lets a worker's sessions crowd one end of the range; dealing
 * interleaves them, and a port scan of weir's local address sees no
 * per-worker structure.
 *
 * Context: any thread; pure functions. The owner table is written once by
 * ctl before workers start and only read afterwards.
 */
#ifndef NAT_PORT_DP_H
#define NAT_PORT_DP_H

#include <stdint.h>
#include <string.h>

#define NAT_PORT_NONE 0xff /* owner of ports outside [lo, hi] */

/**
 * Fill 'owner' (65536 entries, indexed by host-order port) for the range
 * [lo, hi] dealt to 'nb_workers' (1..255) workers.
 */
static inline void
nat_port_owner_fill(
	uint8_t *owner, uint16_t lo, uint16_t hi, unsigned int nb_workers)
{
	unsigned int p, w = 0;

	memset(owner, NAT_PORT_NONE, 65536);
	for (p = lo; p <= hi; p++) {
		owner[p] = (uint8_t)w;
		if (++w == nb_workers)
			w = 0;
	}
}

/** @return how many ports of [lo, hi] worker 'w' of 'nb_workers' owns. */
static inline uint32_t
nat_port_count(
	uint16_t lo, uint16_t hi, unsigned int nb_workers, unsigned int w)
{
	uint32_t span = (uint32_t)hi - lo + 1;

	return w >= span ? 0 : (span - w + nb_workers - 1) / nb_workers;
}

/** @return worker w's k-th port (k < nat_port_count()), host order. */
static inline uint16_t
nat_port_nth(uint16_t lo, unsigned int nb_workers, unsigned int w, uint32_t k)
{
	return (uint16_t)(lo + w + k * nb_workers);
}

#endif /* NAT_PORT_DP_H */

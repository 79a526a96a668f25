/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Local protocols (local.c): ARP, neighbor discovery and ICMP echo for
 * weir's own addresses, the neighbor and route tables. What other
 * modules read of it: its counters and the neighbor table.
 *
 * Context: ctl, except the counters (any thread, relaxed reads).
 */
#ifndef LOCAL_H
#define LOCAL_H

#include <stdint.h>

/* X(name, help). Units: packets. */
#define LOCAL_COUNTERS(X)                                                      \
	X(punt_rx, "packets taken from the workers' punt rings")               \
	X(arp_rx, "ARP packets received")                                      \
	X(arp_replies_tx, "ARP replies sent for weir's addresses")             \
	X(arp_requests_tx, "ARP requests sent to resolve or probe")            \
	X(garp_tx, "gratuitous ARP requests sent at start")                    \
	X(arp_ignored, "ARP packets neither for weir nor from a neighbor")     \
	X(ns_rx, "neighbor solicitations received")                            \
	X(ns_tx, "neighbor solicitations sent to resolve or probe")            \
	X(na_rx, "neighbor advertisements received")                           \
	X(na_tx, "neighbor advertisements sent (solicited and at start)")      \
	X(nd_invalid, "ND messages failing RFC 4861 validation")               \
	X(icmp_echo_replies_tx, "ICMP echo replies sent")                      \
	X(icmp6_echo_replies_tx, "ICMPv6 echo replies sent")                   \
	X(icmp_bad_csum, "ICMP messages with a wrong checksum")                \
	X(icmp6_bad_csum, "ICMPv6 messages with a wrong checksum")             \
	X(icmp_ignored, "ICMP messages weir does not answer")                  \
	X(icmp6_ignored,                                                       \
		"ICMPv6 messages weir does not answer (MLD, RS, ...)")         \
	X(no_route, "replies with no route back")                              \
	X(neigh_drops, "replies dropped: next hop unresolved or queue full")   \
	X(tx_drops, "management packets the port or ring refused")             \
	X(nomem, "packets not built: mbuf pool empty")

enum local_counter {
#define LOCAL_COUNTER_ENUM(n, help) LOCAL_C_##n,
	LOCAL_COUNTERS(LOCAL_COUNTER_ENUM)
#undef LOCAL_COUNTER_ENUM
	LOCAL_C_COUNT
};

/** @return counter 'c' (any thread; relaxed). */
uint64_t local_counter(enum local_counter c);
const char *local_counter_name(enum local_counter c);
const char *local_counter_help(enum local_counter c);

/** Neighbor table counters, mirrored each tick for other threads. */
void local_neigh_counters(
	void (*cb)(void *arg, const char *name, const char *help, uint64_t v),
	void *arg);

/** @return the number of neighbor entries at the last tick. */
unsigned int local_neigh_count(void);

/** Walk the neighbor table (for 'show neighbors'); 'info' is a
 * const struct neigh_info *. */
void local_neigh_walk(void (*cb)(void *arg, const void *info), void *arg);

#endif /* LOCAL_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management thread: one epoll loop on the main lcore that answers
 * ARP, neighbor discovery and ICMP echo for weir's own addresses (punted by
 * workers), resolves neighbors, watches links and handles signals. It is
 * the only writer of shared state.
 */
#ifndef CTL_H
#define CTL_H

#include <stddef.h>
#include <stdint.h>

/* X(name, help). Units: packets. */
#define CTL_COUNTERS(X)                                                        \
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

enum ctl_counter {
#define CTL_COUNTER_ENUM(n, help) CTL_C_##n,
	CTL_COUNTERS(CTL_COUNTER_ENUM)
#undef CTL_COUNTER_ENUM
	CTL_C_COUNT
};

/*
 * A file descriptor in the management thread's epoll set: 'cb' runs on
 * ctl with the epoll events. Listeners, connections, watches and timers
 * of other files (console, metrics, discovery) register this way.
 */
struct ctl_io {
	int fd;
	void (*cb)(struct ctl_io *io, uint32_t events);
};

/** Add, change or remove 'io' in the epoll set. @return 0 or -errno. */
int ctl_io_add(struct ctl_io *io, uint32_t events);
int ctl_io_mod(struct ctl_io *io, uint32_t events);
void ctl_io_del(struct ctl_io *io);

/**
 * Reload the configuration file now, as SIGHUP does.
 * @param msg receives one line saying what happened.
 * @return 0, or -EINVAL (rejected: the running configuration is kept).
 */
int ctl_reload(char *msg, size_t size);

/**
 * Build a snapshot from weir.conf and publish it; 'why' goes to the log.
 * @return 0, or -errno (logged; the published snapshot stays).
 */
int ctl_publish(const char *why);

/**
 * Apply the state file (admin states and weights) to weir.conf's backends.
 * @return 0, -ENOENT (no state file), or -errno (logged).
 */
int ctl_state_apply(void);

/**
 * Write every backend's weight and admin state to the state file.
 * @return 0 or -errno, with 'msg' saying what happened.
 */
int ctl_state_save(char *msg, size_t size);

/** Walk the neighbor table (for 'show neighbors'); 'info' is a
 * const struct neigh_info *. */
void ctl_neigh_walk(void (*cb)(void *arg, const void *info), void *arg);

/** Run until SIGINT or SIGTERM. @return 0, or -errno if the loop failed. */
int ctl_run(void);

/** @return counter 'c' (any thread; relaxed). */
uint64_t ctl_counter(enum ctl_counter c);
const char *ctl_counter_name(enum ctl_counter c);
const char *ctl_counter_help(enum ctl_counter c);

/** Neighbor table counters, mirrored each tick for other threads. */
void ctl_neigh_counters(
	void (*cb)(void *arg, const char *name, const char *help, uint64_t v),
	void *arg);

/** @return the number of neighbor entries at the last tick. */
unsigned int ctl_neigh_count(void);

#endif /* CTL_H */

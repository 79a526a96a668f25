/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management thread's loop (ctl.c): one epoll set on the main lcore
 * holding every module's file descriptors (struct ctl_io) and the signal
 * descriptor, a turn at least every millisecond, and on each turn the
 * modules' due timers (module.h). It is the only writer of shared state:
 * everything that changes what workers see runs on it.
 *
 * Context: ctl.
 */
#ifndef CTL_H
#define CTL_H

#include <stdint.h>

/*
 * A file descriptor in the management thread's epoll set: 'cb' runs on
 * ctl with the epoll events. Listeners, connections, watches and timers
 * of the modules (console, metrics, discovery) register this way.
 */
struct ctl_io {
	int fd;
	void (*cb)(struct ctl_io *io, uint32_t events);
};

/** Add, change or remove 'io' in the epoll set. @return 0 or -errno. */
int ctl_io_add(struct ctl_io *io, uint32_t events);
int ctl_io_mod(struct ctl_io *io, uint32_t events);
void ctl_io_del(struct ctl_io *io);

/** @return CLOCK_MONOTONIC in milliseconds, the clock of timers. */
uint64_t ctl_now_ms(void);

/**
 * Run until SIGINT or SIGTERM; SIGHUP reloads the configuration.
 * @return 0, or -errno if the loop failed.
 */
int ctl_run(void);

#endif /* CTL_H */

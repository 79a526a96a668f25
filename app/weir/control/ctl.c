/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The management thread's loop. One epoll set holds the signal
 * descriptor and every descriptor a module adds (console listeners and
 * connections, the metrics listener, discovery's inotify); its timeout
 * makes a turn at least every CTL_POLL_MS, and each turn runs the
 * modules' timers that are due (module.h): the punt rings, the neighbor
 * timers, the flow-record rings, the link poll. The loop knows no module:
 * it calls what they registered.
 *
 * Signals (SIGINT, SIGTERM, SIGHUP) were blocked in every thread by
 * main() before the EAL made its threads, and are read here from a
 * signalfd, so a signal never lands in a worker.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_common.h>

#include "ctl.h"
#include "module.h"
#include "reload.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("ctl")

#define CTL_POLL_MS 1 /* ms: epoll timeout, bounds timer and punt latency */
#define CTL_EVENTS 8  /* epoll events taken per turn */

static struct {
	int epfd;
	int sigfd;
	struct ctl_io sig_io; /* sigfd in the epoll set */
	bool stop;	      /* SIGINT/SIGTERM seen */
} ctl = { .epfd = -1, .sigfd = -1 };

uint64_t
ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
ctl_io_add(struct ctl_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(ctl.epfd, EPOLL_CTL_ADD, io->fd, &ev) < 0 ? -errno : 0;
}

int
ctl_io_mod(struct ctl_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(ctl.epfd, EPOLL_CTL_MOD, io->fd, &ev) < 0 ? -errno : 0;
}

void
ctl_io_del(struct ctl_io *io)
{
	if (io->fd >= 0 && ctl.epfd >= 0)
		epoll_ctl(ctl.epfd, EPOLL_CTL_DEL, io->fd, NULL);
}

/* @return 1 to stop, 0 to go on. */
static int
ctl_signal(void)
{
	struct signalfd_siginfo si;

	while (read(ctl.sigfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGINT:
		case SIGTERM:
			WEIR_LOG(INFO, "%s from pid %u: stopping",
				strsignal((int)si.ssi_signo), si.ssi_pid);
			return 1;
		case SIGHUP:
			WEIR_LOG(NOTICE, "SIGHUP from pid %u: reloading",
				si.ssi_pid);
			{
				char msg[1200];

				reload_conf(msg, sizeof(msg));
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

static void
ctl_signal_cb(struct ctl_io *io, uint32_t events)
{
	(void)io;
	(void)events;
	if (ctl_signal())
		ctl.stop = true;
}

int
ctl_run(void)
{
	struct epoll_event ev[CTL_EVENTS];
	int n, i;

	modules_ready();
	WEIR_LOG(NOTICE, "ready: %u ports, %u workers", weir.nb_ports,
		weir.nb_workers);
	for (;;) {
		n = epoll_wait(ctl.epfd, ev, (int)RTE_DIM(ev), CTL_POLL_MS);
		if (n < 0 && errno != EINTR) {
			WEIR_LOG(ERR, "epoll_wait: %s", strerror(errno));
			return -errno;
		}
		for (i = 0; i < n; i++) {
			struct ctl_io *io = ev[i].data.ptr;

			io->cb(io, ev[i].events);
		}
		if (ctl.stop)
			return 0;
		modules_timers_run(ctl_now_ms());
	}
}

static int
ctl_init(void)
{
	sigset_t set;

	/* main() blocked these before the EAL made its threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	ctl.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	ctl.epfd = epoll_create1(EPOLL_CLOEXEC);
	if (ctl.sigfd < 0 || ctl.epfd < 0) {
		WEIR_LOG(ERR, "signalfd/epoll: %s", strerror(errno));
		return -errno;
	}
	ctl.sig_io.fd = ctl.sigfd;
	ctl.sig_io.cb = ctl_signal_cb;
	if (ctl_io_add(&ctl.sig_io, EPOLLIN) < 0) {
		WEIR_LOG(ERR, "epoll_ctl: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void
ctl_fini(void)
{
	if (ctl.epfd >= 0)
		close(ctl.epfd);
	if (ctl.sigfd >= 0)
		close(ctl.sigfd);
	ctl.epfd = ctl.sigfd = -1;
}

const struct weir_module ctl_module = {
	.name = "ctl",
	.init = ctl_init,
	.fini = ctl_fini,
};

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * weir's entry point: options, configuration, EAL arguments, the module
 * table (module.h) and the management loop. The configuration is loaded
 * and checked completely before rte_eal_init(), so a bad file exits with
 * its file:line error before any port is touched.
 *
 * Exit status: 0 after a clean stop, 1 for a configuration error, 2 for a
 * usage error, 3 when the EAL, a port or a module fails to start.
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_pdump.h>
#include <rte_version.h>

#include "cfg.h"
#include "ctl.h"
#include "module.h"
#include "weir.h"
#include "weir_log.h"
#include "worker.h"

WEIR_LOG_TYPE("main")

#define WEIR_DEFAULT_CONFIG "/etc/weir/weir.conf"
#define WEIR_EXIT_CONFIG 1
#define WEIR_EXIT_USAGE 2
#define WEIR_EXIT_START 3
#define WEIR_EAL_ARGV_MAX (CFG_EAL_ARGS_MAX + 2 * CFG_PORTS_MAX + 16)

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: weir [-c FILE]           run with FILE (default %s)\n"
		"       weir --check-config FILE validate FILE, print a summary\n"
		"       weir --help | --version\n"
		"\n"
		"weir is a DPDK userspace L4 gateway. EAL options, lcores, ports\n"
		"and addresses all come from the configuration file; see\n"
		"config/weir.conf for every key.\n"
		"Signals: SIGINT/SIGTERM stop cleanly.\n"
		"Exit status: 0 stopped cleanly, 1 configuration error, 2 usage\n"
		"error, 3 start-up failure.\n",
		WEIR_DEFAULT_CONFIG);
}

/* Build the EAL argv from the conf; strings point into 'buf' or conf. */
static int
weir_eal_argv(const struct cfg_conf *c, char **argv, char *buf, size_t size)
{
	bool any_pci = false;
	unsigned int i;
	int argc = 0;
	size_t off = 0;

	argv[argc++] = (char *)(uintptr_t) "weir";
	if (c->lcores != NULL) {
		argv[argc++] = (char *)(uintptr_t) "--lcores";
		argv[argc++] = c->lcores;
	} else {
		argv[argc++] = (char *)(uintptr_t) "-l";
		argv[argc++] = buf;
		off += (size_t)snprintf(buf, size, "%u", c->main_lcore);
		for (i = 0; i < c->nb_workers && off < size; i++)
			off += (size_t)snprintf(
				buf + off, size - off, ",%u", c->workers[i]);
		off++;
	}
	if (off >= size)
		return -ENOSPC;
	argv[argc++] = (char *)(uintptr_t) "--main-lcore";
	argv[argc++] = buf + off;
	off += (size_t)snprintf(buf + off, size - off, "%u", c->main_lcore) + 1;
	if (off >= size)
		return -ENOSPC;
	for (i = 0; i < c->nb_ports; i++) {
		argv[argc++] = (char *)(uintptr_t)(c->ports[i].is_vdev ?
				"--vdev" :
				"-a");
		argv[argc++] = (char *)(uintptr_t)c->ports[i].device;
		any_pci |= !c->ports[i].is_vdev;
	}
	/* Without PCI ports, do not probe (and grab) the host's NICs. */
	if (!any_pci)
		argv[argc++] = (char *)(uintptr_t) "--no-pci";
	for (i = 0; i < c->nb_eal_args; i++)
		argv[argc++] = c->eal_args[i];
	argv[argc] = NULL;
	return argc;
}

/*
 * syslog: rte_log writes to a stream; this cookie turns each message into
 * a syslog record at the level rte_log is logging it with.
 */
static ssize_t
weir_syslog_write(void *c, const char *buf, size_t size)
{
	int level = rte_log_cur_msg_loglevel();

	(void)c;
	syslog(level > 0 && level <= 8 ? level - 1 : LOG_INFO, "%.*s",
		(int)size, buf);
	return (ssize_t)size;
}

/* Where log lines go: stdout (default), stderr or syslog. */
static void
weir_log_target(const char *target)
{
	static cookie_io_functions_t fns = { .write = weir_syslog_write };
	FILE *f;

	if (strcmp(target, "stderr") == 0) {
		rte_openlog_stream(stderr);
	} else if (strcmp(target, "syslog") == 0) {
		openlog("weir", LOG_PID | LOG_NDELAY, LOG_DAEMON);
		f = fopencookie(NULL, "w", fns);
		if (f != NULL) {
			setvbuf(f, NULL, _IOLBF, 0);
			rte_openlog_stream(f);
		}
	} else {
		rte_openlog_stream(stdout);
	}
}

static int
check_config(const char *path)
{
	char err[1024];
	struct cfg_conf *c = cfg_conf_load(path, err, sizeof(err));

	if (c == NULL) {
		fprintf(stderr, "weir: %s\n", err);
		return WEIR_EXIT_CONFIG;
	}
	cfg_conf_dump(c, stdout);
	cfg_conf_free(c);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check-config", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = WEIR_DEFAULT_CONFIG;
	char *eal_argv[WEIR_EAL_ARGV_MAX + 1], eal_buf[1024], err[1024];
	int opt, eal_argc, status = 0;
	sigset_t set;

	while ((opt = getopt_long(argc, argv, "c:t:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			path = optarg;
			break;
		case 't':
			return check_config(optarg);
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("weir %s (DPDK %s)\n", WEIR_VERSION,
				rte_version());
			return 0;
		default:
			usage(stderr);
			return WEIR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "weir: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return WEIR_EXIT_USAGE;
	}

	weir.conf = cfg_conf_load(path, err, sizeof(err));
	if (weir.conf == NULL) {
		fprintf(stderr, "weir: %s\n", err);
		return WEIR_EXIT_CONFIG;
	}
	eal_argc = weir_eal_argv(weir.conf, eal_argv, eal_buf, sizeof(eal_buf));
	if (eal_argc < 0) {
		fprintf(stderr, "weir: %s: lcore list too long\n", path);
		cfg_conf_free(weir.conf);
		return WEIR_EXIT_CONFIG;
	}
	/*
	 * Block the signals ctl reads from its signalfd before the EAL
	 * starts threads, so that every thread inherits the mask and the
	 * signals reach the signalfd rather than a random thread.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (rte_eal_init(eal_argc, eal_argv) < 0) {
		fprintf(stderr, "weir: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		cfg_conf_free(weir.conf);
		return WEIR_EXIT_START;
	}
	rte_log_set_level_pattern(
		"weir.*", (uint32_t)cfg_log_level(weir.conf->log_level));
	weir_log_target(weir.conf->mgmt.log_target);
	weir.start_tsc = rte_get_tsc_cycles();
	/* The largest power-of-two tick of at most 1 ms: shifts, not
	 * divisions, on the data path. */
	while ((rte_get_tsc_hz() >> (weir.tick_shift + 1)) >= 1000)
		weir.tick_shift++;
	weir.ticks_per_s = rte_get_tsc_hz() >> weir.tick_shift;
	WEIR_LOG(INFO, "weir %s starting with %s", WEIR_VERSION, path);

	/*
	 * Packet capture with dpdk-dumpcap goes through the EAL's
	 * multi-process channel, which needs the shared configuration: with
	 * --no-shconf (tests without hugepages) it is not there.
	 */
	if (rte_pdump_init() < 0)
		WEIR_LOG(INFO, "packet capture (dpdk-dumpcap) unavailable: %s",
			rte_strerror(rte_errno));
	else
		WEIR_LOG(INFO,
			"packet capture available: dpdk-dumpcap "
			"--file-prefix <prefix> -i <port>");
	/* Modules start in dependency order (module.h); the workers last,
	 * once everything they read is published, and they stop first. */
	if (modules_init() < 0) {
		status = WEIR_EXIT_START;
	} else {
		if (worker_launch_all() < 0 || ctl_run() < 0)
			status = WEIR_EXIT_START;
		worker_stop_all();
		modules_fini();
	}
	WEIR_LOG(INFO, "stopped");
	rte_pdump_uninit();
	rte_eal_cleanup();
	cfg_conf_free(weir.conf);
	weir.conf = NULL;
	return status;
}

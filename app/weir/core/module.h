/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ordered module table. main() runs each init in this order after the
 * EAL is up and, on exit or on a failed init, the fini of every module that
 * was initialised, in reverse. An explicit table (rather than constructors)
 * makes the order visible in one place and keeps unit tests free of
 * registration stubs.
 *
 * X(name, init, fini): init returns 0 or -errno and logs its own error;
 * fini cannot fail and copes with a partial init.
 */
#ifndef MODULE_H
#define MODULE_H

#define WEIR_MODULES(X)                                                        \
	X(rcu, weir_rcu_init, weir_rcu_fini)                                   \
	X(port, port_init_all, port_fini_all)                                  \
	X(stats, weir_stats_init, lb_stats_fini)                               \
	X(flowlog, flowlog_init, flowlog_fini)                                 \
	X(worker, worker_init_all, worker_fini_all)                            \
	X(svc, svc_snap_init, svc_snap_fini)                                   \
	X(events, events_init, events_fini)                                    \
	X(ctl, ctl_init, ctl_fini)                                             \
	X(console, console_app_init, console_app_fini)                         \
	X(discovery, discovery_init, discovery_fini)                           \
	X(metrics, metrics_init, metrics_fini)                                 \
	X(telemetry, telemetry_init, telemetry_fini)                           \
	X(start, ctl_start, ctl_start_fini)                                    \
	X(launch, worker_launch_all, worker_stop_all)

#endif /* MODULE_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DPDK telemetry commands under /weir/ (usable with dpdk-telemetry.py).
 * Handlers run on DPDK's telemetry thread and only read counters that live
 * for the whole process.
 */
#ifndef TELEMETRY_H
#define TELEMETRY_H

/** Register the /weir/ commands. @return 0 or -errno. */
int telemetry_init(void);

/** Make the port handlers stop reading ports before they close. */
void telemetry_fini(void);

#endif /* TELEMETRY_H */

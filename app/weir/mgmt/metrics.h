/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Prometheus endpoint: HTTP GET /metrics on the 'metrics' listener
 * (loopback by default), served by the management thread.
 */
#ifndef METRICS_H
#define METRICS_H

/** Open the listener (if configured). @return 0 or -errno. */
int metrics_init(void);

/** Close the listener and every connection. */
void metrics_fini(void);

#endif /* METRICS_H */

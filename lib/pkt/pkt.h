/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control-side helpers of the pkt module: names and help text of the drop
 * reasons, for counters, telemetry and docs.
 *
 * Context: any thread; the strings are static.
 */
#ifndef PKT_H
#define PKT_H

#include "pkt_types.h"

/** @return the counter name of drop reason 'd' ("ip4_bad_ihl"), or "?". */
const char *pkt_drop_name(enum pkt_drop d);

/** @return one line saying what drop reason 'd' means, or "?". */
const char *pkt_drop_help(enum pkt_drop d);

#endif /* PKT_H */

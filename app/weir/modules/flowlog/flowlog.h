/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow records: when a session ends (or every flow_log.interval_s for a
 * long one), its worker puts a fixed-size record on its own bounded ring;
 * the management thread drains the rings and writes one JSON line per
 * record to flow_log.file, rotated by size. A full ring drops the record
 * and counts it: the data path never waits for the log.
 */
#ifndef FLOWLOG_H
#define FLOWLOG_H

#include <stdint.h>

#include "flowlog_types.h"

#endif /* FLOWLOG_H */

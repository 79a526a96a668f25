/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Process-wide helpers shared by every module. Kept tiny on purpose: each
 * macro here is used by several modules; anything used by one stays there.
 */
#ifndef WEIR_COMMON_H
#define WEIR_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define WEIR_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif /* WEIR_COMMON_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-file log types on top of rte_log: WEIR_LOG_TYPE("port") registers the
 * type "weir.port" once per file and WEIR_LOG(INFO, "...") logs through it.
 * rte_log works before rte_eal_init(), so the config loader logs the same
 * way as everything else. Workers never log (they count); see STYLE.
 */
#ifndef WEIR_LOG_H
#define WEIR_LOG_H

#include <rte_log.h>

#define WEIR_LOG_TYPE(name)                                                    \
	static int weir_logtype;                                               \
	RTE_INIT(weir_logtype_init)                                            \
	{                                                                      \
		weir_logtype = rte_log_register_type_and_pick_level(           \
			"weir." name, RTE_LOG_INFO);                           \
		if (weir_logtype < 0)                                          \
			weir_logtype = RTE_LOGTYPE_USER1;                      \
	}

#define WEIR_LOG(level, fmt, ...)                                              \
	rte_log(RTE_LOG_##level, weir_logtype, "weir: " fmt "\n", ##__VA_ARGS__)

#endif /* WEIR_LOG_H */

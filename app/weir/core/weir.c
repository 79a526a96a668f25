/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The process context (weir.h) and the first module, rcu: the QSBR
 * variable that workers report quiescence to and ctl waits on before it
 * frees what it unpublished (snapshots). Every module that publishes to
 * the workers starts after it.
 */
#include <errno.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "module.h"
#include "weir.h"

struct weir weir;

static int
rcu_init(void)
{
	size_t sz = rte_rcu_qsbr_get_memsize(weir.conf->nb_workers);

	weir.qsbr = rte_zmalloc("weir_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (weir.qsbr == NULL)
		return -ENOMEM;
	return rte_rcu_qsbr_init(weir.qsbr, weir.conf->nb_workers);
}

static void
rcu_fini(void)
{
	rte_free(weir.qsbr);
	weir.qsbr = NULL;
}

const struct weir_module rcu_module = {
	.name = "rcu",
	.init = rcu_init,
	.fini = rcu_fini,
};

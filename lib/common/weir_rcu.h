/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * RCU-protected pointers. A shared pointer is declared WEIR_RCU(type) and is
 * reachable only through weir_rcu_get() (acquire: the reader sees the whole
 * object the writer built) and weir_rcu_set() (release: everything built
 * before the store is visible with it). Wrapping the pointer in a struct
 * makes a plain dereference a compile error, as OVS's OVSRCU_TYPE does.
 *
 * The writer (ctl) then waits for a grace period with
 * rte_rcu_qsbr_synchronize() before freeing the old object; readers
 * (workers) report quiescence once per loop with rte_rcu_qsbr_quiescent().
 */
#ifndef WEIR_RCU_H
#define WEIR_RCU_H

#define WEIR_RCU(type)                                                         \
	struct {                                                               \
		type rcu_p;                                                    \
	}

#define weir_rcu_get(v) __atomic_load_n(&(v)->rcu_p, __ATOMIC_ACQUIRE)

#define weir_rcu_set(v, val)                                                   \
	__atomic_store_n(&(v)->rcu_p, (val), __ATOMIC_RELEASE)

#endif /* WEIR_RCU_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Error conventions: int functions return 0 or a negative errno; constructors
 * return NULL and set errno. weir_err() converts at the DPDK boundary, where
 * rte_errno (or a negative DPDK return) carries the cause.
 */
#ifndef WEIR_ERR_H
#define WEIR_ERR_H

#include <errno.h>

/* Return -err with errno set to err, for "return weir_err(rte_errno);". */
static inline int
weir_err(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		err = EIO;
	errno = err;
	return -err;
}

#endif /* WEIR_ERR_H */

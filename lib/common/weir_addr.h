/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Addresses and prefixes as every module passes them: the configuration,
 * the neighbor and route tables, the snapshot builder, discovery and the
 * console. A neutral type here, rather than the config's, lets a module
 * take an address without depending on the config loader.
 *
 * An address is its family and 16 bytes in network order, IPv4 in the
 * first 4 (the rest zero), so one type and one compare serve both
 * families. Context: any thread; nothing here keeps state.
 */
#ifndef WEIR_ADDR_H
#define WEIR_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest text form of an address with prefix, "ffff:...:ffff/128". */
#define WEIR_ADDR_STR_SIZE 64

/* An IPv4 or IPv6 address; IPv4 lives in the first 4 bytes of 'a'. */
struct weir_addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t a[16];	/* network order */
};

/* An address with a prefix length: a port address or a route's target. */
struct weir_prefix {
	struct weir_addr addr;
	uint8_t len; /* bits */
};

/**
 * Parse "a.b.c.d/len" or "x::y/len" into 'p'.
 * @param need_len the "/len" is required; without it a bare address gets
 * the full length (32 or 128).
 * @return 0, or -EINVAL (not an address, or a length out of range).
 */
int weir_prefix_parse(const char *s, bool need_len, struct weir_prefix *p);

/** Format 'a' into 'buf' ("?" if it has no family). @return 'buf'. */
char *weir_addr_str(const struct weir_addr *a, char *buf, size_t size);

/** Format 'p' as "addr/len" into 'buf'. @return 'buf'. */
char *weir_prefix_str(const struct weir_prefix *p, char *buf, size_t size);

/** @return true if 'a' and 'b' are the same address. */
static inline bool
weir_addr_eq(const struct weir_addr *a, const struct weir_addr *b)
{
	const uint8_t *x = a->a, *y = b->a;
	unsigned int i;

	if (a->family != b->family)
		return false;
	for (i = 0; i < 16; i++)
		if (x[i] != y[i])
			return false;
	return true;
}

/** @return true if 'a' lies in prefix 'p' (same family). */
bool
weir_prefix_contains(const struct weir_prefix *p, const struct weir_addr *a);

#endif /* WEIR_ADDR_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Address text and prefix arithmetic (weir_addr.h), on inet_pton() and
 * inet_ntop() so that every form the C library accepts is accepted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "weir_addr.h"

int
weir_prefix_parse(const char *s, bool need_len, struct weir_prefix *p)
{
	char buf[WEIR_ADDR_STR_SIZE];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int max;

	memset(p, 0, sizeof(*p));
	if (alen == 0 || alen >= sizeof(buf) || (need_len && slash == NULL))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, p->addr.a) == 1) {
		p->addr.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, p->addr.a) == 1) {
		p->addr.family = AF_INET6;
		max = 128;
	} else {
		return -EINVAL;
	}
	p->len = (uint8_t)max;
	if (slash != NULL) {
		char *end;
		unsigned long l;

		if (slash[1] < '0' || slash[1] > '9')
			return -EINVAL;
		l = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || l > max)
			return -EINVAL;
		p->len = (uint8_t)l;
	}
	return 0;
}

char *
weir_addr_str(const struct weir_addr *a, char *buf, size_t size)
{
	if (inet_ntop(a->family, a->a, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
	return buf;
}

char *
weir_prefix_str(const struct weir_prefix *p, char *buf, size_t size)
{
	char a[WEIR_ADDR_STR_SIZE];

	snprintf(buf, size, "%s/%u", weir_addr_str(&p->addr, a, sizeof(a)),
		p->len);
	return buf;
}

bool
weir_prefix_contains(const struct weir_prefix *p, const struct weir_addr *a)
{
	unsigned int full = p->len / 8, rest = p->len % 8;

	if (p->addr.family != a->family)
		return false;
	if (memcmp(p->addr.a, a->a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((p->addr.a[full] ^ a->a[full]) & (0xff << (8 - rest))) == 0;
}

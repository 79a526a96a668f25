/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Maglev table builder (ctl). svc calls maglev_build() for a VIP whenever
 * its backends or weights change and publishes the table in the snapshot;
 * workers read it with maglev_lookup() (maglev_dp.h). The builder is pure:
 * it reads the caller's arrays, writes 'table' and frees its scratch before
 * returning, so it links into unit tests without EAL.
 *
 * Every node behind one ECMP group must build the same table, so the
 * placement hash is part of the cluster's contract, not a detail. It is
 * SipHash-1-3, written here over explicitly little-endian words, rather
 * than rte_jhash: jhash loads native-endian 32-bit words, so a big-endian
 * node would place backends elsewhere, and its output is only as stable as
 * the DPDK release we link. The unit test pins the output with a golden
 * digest.
 *
 * HOW IT WORKS
 *
 * Preference lists. Backend i hashes its key bytes twice, with SipHash keys
 * (seed, MAGLEV_K1_OFFSET) and (seed, MAGLEV_K1_SKIP), and derives
 *	offset_i = h1 mod M		skip_i = h2 mod (M - 1) + 1
 * It prefers slots offset_i, offset_i + skip_i, offset_i + 2 skip_i, ...
 * mod M. M is prime and 1 <= skip_i < M, so skip_i is coprime with M and
 * the list visits every slot once: a backend always finds a free slot
 * within M steps. The lists (N * M entries) are never stored: a backend
 * keeps 'pos', its next candidate, and steps by adding skip_i and
 * subtracting M on wrap. pos + skip_i < 2M < 2^25, so the position never
 * overflows (no j * skip_i product is formed) and no probe divides.
 *
 * Population. Backends take turns; on its turn a backend walks its list
 * from 'pos' to the first unclaimed slot and claims it, until all M slots
 * are claimed. With equal weights the turns go round robin in array order,
 * as in the paper, so every backend ends with floor(M/N) or ceil(M/N)
 * slots. Claimed slots are a bitmap (8 KiB at M = 65537: it stays in L1).
 * A probe at fill ratio f hits a free slot with probability 1 - f, so a
 * build costs about M ln M probes (0.73M at M = 65537) whatever N is.
 *
 * Weights. A backend of weight w takes its k-th turn (k = 1, 2, ...) at
 * time (2k - 1) / w. Turns run in time order; at equal times heavier
 * backends go first, then lower indices. That is the Sainte-Lague
 * (Webster) highest-averages sequence: when the table is full at time T,
 * backend i holds round(T * w_i / 2) slots, within 1/2 + (N/2) * w_i /
 * sum(w) slots of its exact share M * w_i / sum(w), biased neither to
 * heavy nor to light backends. Equal weights tie at every k, which is the
 * paper's round robin. Times are integers in disguise (see the heap keys
 * below), so the order is the same on every machine. A backend's turn
 * times depend on its own weight only: changing one weight moves only
 * that backend's turns among the others', and weight 0 (no turns) builds
 * the same table as removing the backend from the array.
 *
 * Backends of equal weight share every turn time, so they are grouped in
 * classes and a binary min-heap holds each class's next turn: popping a
 * class lets its members claim in index order. The usual few distinct
 * weights make the heap nearly free; N distinct weights cost log N heap
 * steps per claim (measured: 3.0 ms instead of 1.1 ms at N = 1000,
 * M = 65537).
 *
 * Rejected weightings. katran's MaglevV2 adds w to a credit every round
 * and claims when the credit reaches the largest weight W: turns are
 * quantised to whole rounds of W, so changing the heaviest weight re-times
 * every other backend (doubling it among 1000 backends of weights 1..10
 * moved 1.7% of the slots beyond its own gain, against 0.9% here), and a
 * skewed set (one weight 65535, the rest 1) spends N idle turns per claim.
 * IPVS/DPVS mh give a backend (w / gcd) >> shift consecutive turns per
 * round: the shift loses weight precision, and a heavy backend takes runs
 * of contested slots.
 *
 * Inputs. The table depends only on the key bytes, the weights, their
 * order in the array, M and the seed; never on addresses, allocation or
 * host byte order. Equal turn times go to the lower index, so reordering
 * the array may change the table: callers pass backends in a canonical
 * order.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "maglev.h"

/*
 * Second halves of the two SipHash keys (the first half is the seed), so
 * one seed yields two independent hashes per backend. Any two distinct
 * values work; these are "offset" and "skip" in ASCII. Changing either
 * changes every table (see the golden digest in the unit test).
 */
#define MAGLEV_K1_OFFSET UINT64_C(0x6f66667365740000)
#define MAGLEV_K1_SKIP UINT64_C(0x736b697000000000)

#define MAGLEV_WORD_BITS 64 /* bits per word of the claimed-slot bitmap */

/* Build state of one backend with weight > 0. */
struct maglev_perm {
	uint32_t pos;	 /* next candidate slot on its list */
	uint32_t skip;	 /* list step, 1..M-1 */
	uint32_t weight; /* 1..MAGLEV_WEIGHT_MAX */
	uint16_t idx;	 /* index in the caller's array: slot value */
};

/* Backends of one weight: they take every turn together. */
struct maglev_class {
	uint32_t first;	   /* first member in 'perm' (sorted by class) */
	uint32_t nb;	   /* members, in index order */
	uint32_t weight;   /* of every member */
	uint32_t rem;	   /* (2k - 1) * 2^32 mod weight, k = next turn */
	uint32_t step_rem; /* 2^33 mod weight, carried into 'rem' */
	uint64_t step;	   /* key step: 2^33 / weight, shifted like keys */
};

static inline uint64_t
maglev_rotl(uint64_t x, unsigned int b)
{
	return (x << b) | (x >> (64 - b));
}

static inline void
maglev_sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = maglev_rotl(v[1], 13);
	v[1] ^= v[0];
	v[0] = maglev_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = maglev_rotl(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = maglev_rotl(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = maglev_rotl(v[1], 17);
	v[1] ^= v[2];
	v[2] = maglev_rotl(v[2], 32);
}

/*
 * SipHash-1-3 (Aumasson and Bernstein; the variant CPython and Rust hash
 * tables use) of 'len' bytes under key (k0, k1). Message words are read
 * little-endian byte by byte, so the result is the same on every host.
 */
static uint64_t
maglev_siphash13(uint64_t k0, uint64_t k1, const uint8_t *p, size_t len)
{
	uint64_t v[4] = {
		k0 ^ UINT64_C(0x736f6d6570736575),
		k1 ^ UINT64_C(0x646f72616e646f6d),
		k0 ^ UINT64_C(0x6c7967656e657261),
		k1 ^ UINT64_C(0x7465646279746573),
	};
	uint64_t m, last = (uint64_t)len << 56;
	size_t i, j;

	for (i = 0; i + 8 <= len; i += 8) {
		m = 0;
		for (j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		v[3] ^= m;
		maglev_sipround(v);
		v[0] ^= m;
	}
	for (j = 0; i + j < len; j++)
		last |= (uint64_t)p[i + j] << (8 * j);
	v[3] ^= last;
	maglev_sipround(v);
	v[0] ^= last;
	v[2] ^= 0xff;
	maglev_sipround(v);
	maglev_sipround(v);
	maglev_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

bool
maglev_is_prime(uint32_t n)
{
	uint32_t d;

	if (n < 4)
		return n >= 2;
	if (n % 2 == 0 || n % 3 == 0)
		return false;
	/* Divisors 6k - 1 and 6k + 1 up to sqrt(n); the square is taken in
	 * 64 bits because d passes 65535 when n is near 2^32. */
	for (d = 5; (uint64_t)d * d <= n; d += 6)
		if (n % d == 0 || n % (d + 2) == 0)
			return false;
	return true;
}

/* Give 'p' its next free preferred slot. */
static inline void
maglev_claim(struct maglev_perm *p, uint64_t *claimed, uint16_t *table,
	uint32_t size)
{
	uint32_t pos = p->pos;

	while (claimed[pos / MAGLEV_WORD_BITS] &
		(UINT64_C(1) << (pos % MAGLEV_WORD_BITS))) {
		pos += p->skip;
		if (pos >= size)
			pos -= size;
	}
	claimed[pos / MAGLEV_WORD_BITS] |= UINT64_C(1)
		<< (pos % MAGLEV_WORD_BITS);
	table[pos] = p->idx;
	pos += p->skip;
	p->pos = pos >= size ? pos - size : pos;
}

/*
 * Heap keys: a class's next turn time (2k - 1) / w in 32.32 fixed point,
 * shifted left by MAGLEV_KEY_CLS_BITS, plus the class number (classes are
 * numbered by decreasing weight) as the tie-break. Rounding the time down
 * to 2^-32 keeps the order exact: two different times p / w_a and q / w_b
 * differ by at least 1 / (w_a * w_b) > 2^-32 and stay apart, and equal
 * times stay equal. A key needs 73 bits, so it is kept modulo 2^64 and
 * compared as a serial number: every pending turn lies within 2 time
 * units after the current one (a class's next turn is 2 / w after a turn
 * already taken, or its first, at 1 / w <= 1), so keys in the heap differ
 * by less than 2^(33 + 16), far below 2^63.
 */
#define MAGLEV_KEY_CLS_BITS 16 /* class number < MAGLEV_BACKENDS_MAX */
#define MAGLEV_KEY_CLS_MASK ((UINT64_C(1) << MAGLEV_KEY_CLS_BITS) - 1)
#define MAGLEV_KEY_ONE (UINT64_C(1) << MAGLEV_KEY_CLS_BITS) /* 2^-32 time */

/* Serial-number order: 'a' is before 'b' if a - b wraps (top bit set);
 * unsigned, so well defined in C, unlike a cast to int64_t. */
static inline bool
maglev_key_before(uint64_t a, uint64_t b)
{
	return (a - b) >> 63;
}

/* Restore the heap order below heap[i]. */
static inline void
maglev_heap_down(uint64_t *heap, uint32_t n, uint32_t i)
{
	uint64_t top = heap[i];
	uint32_t c;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && maglev_key_before(heap[c + 1], heap[c]))
			c++;
		if (!maglev_key_before(heap[c], top))
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = top;
}

/* Class order: heavier first, then array order; a total order (indices
 * are unique), so qsort()'s instability cannot show. */
static int
maglev_perm_cmp(const void *pa, const void *pb)
{
	const struct maglev_perm *a = pa, *b = pb;

	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return a->idx < b->idx ? -1 : 1;
}

int
maglev_build(const struct maglev_backend *be, unsigned int nb_be, uint32_t size,
	uint64_t seed, uint16_t *table)
{
	const uint64_t two32 = UINT64_C(1) << 32;
	struct maglev_class *cls = NULL, *c;
	struct maglev_perm *perm = NULL, *p;
	uint64_t *claimed = NULL, *heap = NULL, key, h_off, h_skip;
	uint32_t nb_act = 0, nb_cls = 0, filled, a, end;
	unsigned int i;
	int ret = 0;

	if (be == NULL || table == NULL || nb_be == 0 ||
		nb_be > MAGLEV_BACKENDS_MAX || size <= nb_be ||
		size > MAGLEV_SIZE_MAX || !maglev_is_prime(size))
		return -EINVAL;
	for (i = 0; i < nb_be; i++) {
		if (be[i].key == NULL || be[i].key_len == 0 ||
			be[i].weight > MAGLEV_WEIGHT_MAX)
			return -EINVAL;
		nb_act += be[i].weight != 0;
	}
	if (nb_act == 0)
		return -ENOENT;

	perm = malloc(nb_act * sizeof(*perm));
	cls = malloc(nb_act * sizeof(*cls));
	heap = malloc(nb_act * sizeof(*heap));
	claimed = calloc((size + MAGLEV_WORD_BITS - 1) / MAGLEV_WORD_BITS,
		sizeof(*claimed));
	if (perm == NULL || cls == NULL || heap == NULL || claimed == NULL) {
		ret = -ENOMEM;
		goto out;
	}

	for (i = 0, a = 0; i < nb_be; i++) {
		if (be[i].weight == 0)
			continue;
		p = &perm[a++];
		h_off = maglev_siphash13(
			seed, MAGLEV_K1_OFFSET, be[i].key, be[i].key_len);
		h_skip = maglev_siphash13(
			seed, MAGLEV_K1_SKIP, be[i].key, be[i].key_len);
		p->pos = h_off % size;
		p->skip = h_skip % (size - 1) + 1;
		p->weight = be[i].weight;
		p->idx = (uint16_t)i;
	}
	qsort(perm, nb_act, sizeof(*perm), maglev_perm_cmp);

	for (a = 0; a < nb_act; a++) {
		if (a > 0 && perm[a].weight == perm[a - 1].weight) {
			cls[nb_cls - 1].nb++;
			continue;
		}
		c = &cls[nb_cls];
		c->first = a;
		c->nb = 1;
		c->weight = perm[a].weight;
		/* First turn at 1 / w, then every 2 / w, added as quotient and
		 * remainder so that the key stays floor(time * 2^32). */
		c->rem = (uint32_t)(two32 % c->weight);
		c->step_rem = (uint32_t)(2 * two32 % c->weight);
		c->step = (2 * two32 / c->weight) << MAGLEV_KEY_CLS_BITS;
		heap[nb_cls] = (two32 / c->weight) << MAGLEV_KEY_CLS_BITS |
			nb_cls;
		nb_cls++;
	}
	/* Already a heap: first turns grow with the class number. */

	for (filled = 0;;) {
		key = heap[0];
		c = &cls[key & MAGLEV_KEY_CLS_MASK];
		for (a = c->first, end = c->first + c->nb; a < end; a++) {
			maglev_claim(&perm[a], claimed, table, size);
			if (++filled == size)
				goto out;
		}
		key += c->step;
		c->rem += c->step_rem;
		if (c->rem >= c->weight) {
			c->rem -= c->weight;
			key += MAGLEV_KEY_ONE;
		}
		heap[0] = key;
		maglev_heap_down(heap, nb_cls, 0);
	}
out:
	free(claimed);
	free(heap);
	free(cls);
	free(perm);
	return ret;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The exception path: a kernel interface per port, bridged to the wire,
 * so that the host's own programs (weir's health checks, a routing daemon,
 * ssh) reach the network through a port that DPDK owns.
 *
 * Each port with a 'kernel' group gets a Linux TAP interface with a MAC
 * and addresses of its own. Workers punt unicast frames for that MAC (one
 * compare, on the branch that drops other hosts' frames); the management
 * thread writes them to the TAP and also gives the kernel a copy of the
 * broadcast and multicast frames punted to it (ARP, neighbor discovery),
 * which the local protocols then handle as before. Frames the kernel
 * sends are read here and leave by the port's management TX path. The
 * kernel resolves its own neighbors and runs its own TCP; weir only moves
 * frames, as a bridge would.
 *
 * Bounds: a token bucket per direction (max_pps) on top of the punt
 * rings' size; the management thread reads at most one burst per turn,
 * and what it sends through worker 0 is at most that, so the kernel can
 * never take more of a worker than max_pps frames a second.
 *
 * Why a TAP opened here rather than DPDK's net_tap: the TAP is the
 * management thread's file descriptor, read in its epoll loop like a
 * socket, and needs no extra port, queue or polling in the workers.
 * Closing it (also when weir dies) removes the interface.
 *
 * Context: ctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <jansson.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "cfg.h"
#include "console.h"
#include "ctl.h"
#include "local.h"
#include "module.h"
#include "port.h"
#include "stats.h"
#include "weir.h"
#include "weir_log.h"
#include "weir_stats.h"

WEIR_LOG_TYPE("kif")

#define KIF_BURST 32	  /* frames read from a TAP per event */
#define KIF_BUCKET_MS 100 /* ms of max_pps a bucket may save up */
#define KIF_BUCKET_MIN 64 /* frames: the smallest burst allowed */
#define KIF_NL_BUF 4096	  /* bytes: one netlink request or answer */

/* X(name, help): per port, units: frames. */
#define KIF_COUNTERS(X)                                                        \
	X(in_packets, "frames from the wire written to the kernel")            \
	X(in_dropped,                                                          \
		"frames for the kernel dropped: over max_pps or "              \
		"the interface refused them")                                  \
	X(out_packets, "frames from the kernel sent on the port")              \
	X(out_dropped,                                                         \
		"frames from the kernel dropped: over max_pps, "               \
		"too long, no mbuf or the port refused them")

enum kif_counter {
#define KIF_COUNTER_ENUM(n, help) KIF_C_##n,
	KIF_COUNTERS(KIF_COUNTER_ENUM)
#undef KIF_COUNTER_ENUM
	KIF_C_COUNT
};

struct kif_bucket {
	uint64_t tokens; /* frames */
	uint64_t at_ms;	 /* last refill */
};

struct kif {
	struct port *p;
	struct ctl_io io; /* the TAP; fd < 0 when closed */
	int ifindex;
	struct kif_bucket in, out;
	uint64_t c[KIF_C_COUNT];
};

static struct kif kifs[CFG_PORTS_MAX];
static unsigned int kif_nb;

#define KIF_INC(k, name) weir_stat_add(&(k)->c[KIF_C_##name], 1)

static struct kif *
kif_of(const struct port *p)
{
	unsigned int i;

	for (i = 0; i < kif_nb; i++)
		if (kifs[i].p == p)
			return &kifs[i];
	return NULL;
}

/* @return true if one frame may pass now. */
static bool
kif_take(struct kif_bucket *b, unsigned int pps)
{
	uint64_t now = ctl_now_ms();
	uint64_t cap = RTE_MAX(
		(uint64_t)pps * KIF_BUCKET_MS / 1000, (uint64_t)KIF_BUCKET_MIN);

	if (now > b->at_ms) {
		uint64_t add = (now - b->at_ms) * pps / 1000;

		/* Move the clock only by the time credited, so that a rate
		 * below one frame a millisecond still refills. */
		if (b->tokens + add >= cap) {
			b->tokens = cap;
			b->at_ms = now;
		} else if (add != 0) {
			b->tokens += add;
			b->at_ms += add * 1000 / pps;
		}
	}
	if (b->tokens == 0)
		return false;
	b->tokens--;
	return true;
}

/* Wire -> kernel: a frame punted to ctl, on a port that may have a TAP. */
static bool
kif_punted(struct port *p, struct rte_mbuf *m)
{
	struct kif *k = kif_of(p);
	const struct rte_ether_addr *dst;
	bool mine;

	if (k == NULL || k->io.fd < 0)
		return false;
	dst = rte_pktmbuf_mtod(m, const struct rte_ether_addr *);
	mine = rte_is_same_ether_addr(dst, &p->kif_mac);
	if (!mine && !rte_is_multicast_ether_addr(dst))
		return false;
	if (m->nb_segs != 1) { /* write() takes one buffer; the MTU fits one */
		KIF_INC(k, in_dropped);
		if (!mine)
			return false;
		rte_pktmbuf_free(m);
		return true;
	}
	/* Broadcast and multicast: the kernel gets a copy (write copies). */
	if (!kif_take(&k->in, p->cfg->kif.max_pps) ||
		write(k->io.fd, rte_pktmbuf_mtod(m, void *),
			rte_pktmbuf_data_len(m)) < 0)
		KIF_INC(k, in_dropped);
	else
		KIF_INC(k, in_packets);
	if (!mine)
		return false;
	rte_pktmbuf_free(m);
	return true;
}

/* Kernel -> wire: frames the kernel sent on its interface. */
static void
kif_readable(struct ctl_io *io, uint32_t events)
{
	struct kif *k = container_of(io, struct kif, io);
	struct port *p = k->p;
	unsigned int i, room;
	struct rte_mbuf *m;
	ssize_t n;

	(void)events;
	for (i = 0; i < KIF_BURST; i++) {
		m = rte_pktmbuf_alloc(port_pool(p));
		if (m == NULL) {
			/* Read it anyway: a frame left unread wakes the
			 * loop again at once. */
			static uint8_t sink[RTE_ETHER_MAX_JUMBO_FRAME_LEN];

			if (read(io->fd, sink, sizeof(sink)) < 0)
				return;
			KIF_INC(k, out_dropped);
			continue;
		}
		room = rte_pktmbuf_tailroom(m);
		n = read(io->fd, rte_pktmbuf_mtod(m, void *), room);
		if (n < 0) {
			rte_pktmbuf_free(m);
			return; /* EAGAIN: nothing left */
		}
		/* Longer than the port's MTU allows, or cut by the mbuf. */
		if ((size_t)n > (size_t)p->cfg->mtu + RTE_ETHER_HDR_LEN ||
			(size_t)n >= room || n < RTE_ETHER_HDR_LEN ||
			!kif_take(&k->out, p->cfg->kif.max_pps)) {
			rte_pktmbuf_free(m);
			KIF_INC(k, out_dropped);
			continue;
		}
		rte_pktmbuf_append(m, (uint16_t)n);
		if (local_tx(p, m) < 0)
			KIF_INC(k, out_dropped);
		else
			KIF_INC(k, out_packets);
	}
}

/* -- Setting the interface up ------------------------------------------ */

/* Send one rtnetlink request and read its acknowledgment. */
static int
kif_nl_request(struct nlmsghdr *req)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[KIF_NL_BUF];
	struct nlmsghdr *h;
	ssize_t n;
	int fd, rc;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	req->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(fd, req, req->nlmsg_len, 0, (struct sockaddr *)&sa,
		    sizeof(sa)) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	n = recv(fd, buf, sizeof(buf), 0);
	rc = n < 0 ? -errno : -EPROTO;
	h = (struct nlmsghdr *)buf;
	if (n >= (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) &&
		h->nlmsg_type == NLMSG_ERROR)
		rc = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	close(fd);
	return rc;
}

static void
kif_nl_attr(struct nlmsghdr *h, unsigned short type, const void *v, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h +
		NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), v, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/* Add 'pf' to interface 'ifindex'; IPv6 without duplicate address
 * detection: the address is configured, like weir's own. */
static int
kif_addr_add(int ifindex, const struct weir_prefix *pf)
{
	union {
		struct nlmsghdr h;
		char buf[256];
	} req;
	struct ifaddrmsg *ifa;
	size_t alen = pf->addr.family == AF_INET ? 4 : 16;
	uint32_t flags = IFA_F_NODAD | IFA_F_PERMANENT;

	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	req.h.nlmsg_type = RTM_NEWADDR;
	req.h.nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = NLMSG_DATA(&req.h);
	ifa->ifa_family = pf->addr.family;
	ifa->ifa_prefixlen = pf->len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	kif_nl_attr(&req.h, IFA_LOCAL, pf->addr.a, alen);
	kif_nl_attr(&req.h, IFA_ADDRESS, pf->addr.a, alen);
	kif_nl_attr(&req.h, IFA_FLAGS, &flags, sizeof(flags));
	return kif_nl_request(&req.h);
}

static int
kif_ioctl(int s, unsigned long req, struct ifreq *ifr, const char *what,
	const struct cfg_kif *c)
{
	if (ioctl(s, req, ifr) == 0)
		return 0;
	WEIR_LOG(ERR, "kernel interface %s: %s: %s", c->name, what,
		strerror(errno));
	return -errno;
}

/*
 * The interface's MTU: the port's, unless a frame of it would not fit one
 * mbuf of the pool (a jumbo MTU with the default data_room), since frames
 * from the kernel are read into one mbuf.
 */
static int
kif_mtu(const struct port *p)
{
	int room = (int)weir.conf->mempool.data_room - RTE_PKTMBUF_HEADROOM -
		RTE_ETHER_HDR_LEN;

	return RTE_MIN((int)p->cfg->mtu, room);
}

/* MAC, MTU, up, addresses. */
static int
kif_configure(struct kif *k)
{
	const struct cfg_kif *c = &k->p->cfg->kif;
	char buf[WEIR_ADDR_STR_SIZE];
	struct ifreq ifr;
	unsigned int i;
	int s, rc;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, k->p->kif_mac.addr_bytes,
		RTE_ETHER_ADDR_LEN);
	if ((rc = kif_ioctl(s, SIOCSIFHWADDR, &ifr, "set MAC", c)) < 0)
		goto out;
	ifr.ifr_mtu = kif_mtu(k->p);
	if ((rc = kif_ioctl(s, SIOCSIFMTU, &ifr, "set MTU", c)) < 0)
		goto out;
	if ((rc = kif_ioctl(s, SIOCGIFINDEX, &ifr, "index", c)) < 0)
		goto out;
	k->ifindex = ifr.ifr_ifindex;
	if ((rc = kif_ioctl(s, SIOCGIFFLAGS, &ifr, "flags", c)) < 0)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if ((rc = kif_ioctl(s, SIOCSIFFLAGS, &ifr, "up", c)) < 0)
		goto out;
	for (i = 0; i < c->nb_addrs; i++) {
		rc = kif_addr_add(k->ifindex, &c->addrs[i]);
		if (rc < 0) {
			WEIR_LOG(ERR, "kernel interface %s: address %s: %s",
				c->name,
				weir_prefix_str(&c->addrs[i], buf, sizeof(buf)),
				strerror(-rc));
			goto out;
		}
	}
	rc = 0;
out:
	close(s);
	return rc;
}

static int
kif_open(struct kif *k)
{
	const struct cfg_kif *c = &k->p->cfg->kif;
	struct ifreq ifr;
	int fd, rc;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		WEIR_LOG(ERR,
			"kernel interface %s: /dev/net/tun: %s (is the tun "
			"module loaded, and is weir allowed CAP_NET_ADMIN?)",
			c->name, strerror(-rc));
		return rc;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", c->name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		WEIR_LOG(ERR,
			"kernel interface %s: create: %s (does another "
			"interface have that name?)",
			c->name, strerror(-rc));
		close(fd);
		return rc;
	}
	k->io.fd = fd;
	k->io.cb = kif_readable;
	rc = kif_configure(k);
	if (rc == 0)
		rc = ctl_io_add(&k->io, EPOLLIN);
	return rc;
}

static void
kif_fini(void)
{
	unsigned int i;

	local_punt_hook_set(NULL);
	for (i = 0; i < kif_nb; i++) {
		if (kifs[i].io.fd < 0)
			continue;
		ctl_io_del(&kifs[i].io);
		close(kifs[i].io.fd);
		kifs[i].io.fd = -1;
	}
}

static int
kif_init(void)
{
	unsigned int i;
	int rc;

	kif_nb = 0;
	for (i = 0; i < weir.conf->nb_ports; i++) {
		struct port *p = &weir.ports[i];
		struct kif *k;

		if (!p->has_kif)
			continue;
		k = &kifs[kif_nb++];
		memset(k, 0, sizeof(*k));
		k->p = p;
		k->io.fd = -1;
		rc = kif_open(k);
		if (rc < 0)
			return rc;
		WEIR_LOG(INFO,
			"port %s: kernel interface %s (index %d) mac " RTE_ETHER_ADDR_PRT_FMT
			", %u address(es), "
			"%u frames/s each way",
			p->cfg->name, p->cfg->kif.name, k->ifindex,
			RTE_ETHER_ADDR_BYTES(&p->kif_mac), p->cfg->kif.nb_addrs,
			p->cfg->kif.max_pps);
	}
	if (kif_nb > 0)
		local_punt_hook_set(kif_punted);
	return 0;
}

/* -- Console and counters ---------------------------------------------- */

static int
kif_cmd_show(struct console_ctx *ctx, int argc, char **argv)
{
	static const char *const hdr[] = { "PORT", "INTERFACE", "INDEX", "MAC",
		"ADDRESSES", "IN", "IN_DROPPED", "OUT", "OUT_DROPPED" };
	json_t *arr = NULL;
	unsigned int i, j;

	(void)argc;
	(void)argv;
	if (ctx->json)
		arr = json_array();
	else
		console_table_begin(ctx, RTE_DIM(hdr), hdr);
	for (i = 0; i < kif_nb; i++) {
		const struct kif *k = &kifs[i];
		const struct cfg_kif *c = &k->p->cfg->kif;
		char mac[RTE_ETHER_ADDR_FMT_SIZE], a[WEIR_ADDR_STR_SIZE];
		char addrs[CFG_PORT_ADDRS_MAX * WEIR_ADDR_STR_SIZE] = "";
		json_t *ja = json_array();
		size_t off = 0;

		rte_ether_format_addr(mac, sizeof(mac), &k->p->kif_mac);
		for (j = 0; j < c->nb_addrs; j++) {
			weir_prefix_str(&c->addrs[j], a, sizeof(a));
			json_array_append_new(ja, json_string(a));
			off += (size_t)snprintf(addrs + off,
				sizeof(addrs) - off, "%s%s", j ? "," : "", a);
		}
		if (arr != NULL) {
			json_array_append_new(arr,
				json_pack("{s:s, s:s, s:i, s:s, s:o, s:I, s:I, "
					  "s:I, s:I}",
					"port", k->p->cfg->name, "interface",
					c->name, "index", k->ifindex, "mac",
					mac, "addresses", ja, "in_packets",
					(json_int_t)k->c[KIF_C_in_packets],
					"in_dropped",
					(json_int_t)k->c[KIF_C_in_dropped],
					"out_packets",
					(json_int_t)k->c[KIF_C_out_packets],
					"out_dropped",
					(json_int_t)k->c[KIF_C_out_dropped]));
			continue;
		}
		json_decref(ja);
		console_table_row(ctx,
			"%s\t%s\t%d\t%s\t%s\t%llu\t%llu\t%llu\t%llu",
			k->p->cfg->name, c->name, k->ifindex, mac, addrs,
			(unsigned long long)k->c[KIF_C_in_packets],
			(unsigned long long)k->c[KIF_C_in_dropped],
			(unsigned long long)k->c[KIF_C_out_packets],
			(unsigned long long)k->c[KIF_C_out_dropped]);
	}
	if (arr != NULL)
		return console_json(ctx, arr);
	console_table_end(ctx);
	return 0;
}

static const struct console_cmd kif_cmds[] = {
	{ { "show", "kernel", NULL }, "",
		"the ports' kernel interfaces (the exception path)",
		CONSOLE_USER, 0, 0, CONSOLE_F_JSON, kif_cmd_show },
	{ .fn = NULL },
};

static const struct stats_field kif_fields[] = {
#define KIF_FIELD(n, h) { .name = #n, .help = h, .off = KIF_C_##n },
	KIF_COUNTERS(KIF_FIELD)
#undef KIF_FIELD
};

static const char *const kif_labels[] = { "port", "interface", NULL };

static bool
kif_next(const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	const struct kif *k;
	unsigned int j;

	(void)s;
	if (*cursor >= kif_nb)
		return false;
	k = &kifs[(*cursor)++];
	row->labels[0] = k->p->cfg->name;
	row->labels[1] = k->p->cfg->kif.name;
	for (j = 0; j < KIF_C_COUNT; j++)
		row->vals[j] = weir_stat_read(&k->c[j]);
	return true;
}

static const struct stats_set kif_set = {
	.name = "kernel",
	.help = "a port's kernel interface (the exception path)",
	.fields = kif_fields,
	.nb_fields = RTE_DIM(kif_fields),
	.nb_values = KIF_C_COUNT,
	.labels = kif_labels,
	.flags = STATS_F_ANY_THREAD,
	.next = kif_next,
};

static const struct stats_set *const kif_counter_sets[] = {
	&kif_set,
	NULL,
};

const struct weir_module kif_module = {
	.name = "kif",
	.after = "port local ctl",
	.init = kif_init,
	.fini = kif_fini,
	.cmds = kif_cmds,
	.counters = kif_counter_sets,
};

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port bring-up. Each worker owns RX and TX queue number 'worker index' on
 * every port, so no queue is ever shared and no lock is needed. The
 * management thread transmits on queue nb_workers where the device offers
 * one more TX queue than there are workers; where it does not (af_packet
 * pairs each TX queue with an RX socket in the kernel's fanout group, so a
 * spare TX queue would also be a receive queue nobody polls), ctl hands its
 * packets to worker 0 over a ring instead (see modules/local/local.c).
 *
 * RSS uses the repeated 0x6d5a key, which makes the Toeplitz hash
 * symmetric: both directions of a flow land on the same queue, the property
 * the session table will rely on.
 */
#include <errno.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "module.h"
#include "port.h"
#include "stats.h"
#include "weir.h"
#include "weir_err.h"
#include "weir_log.h"

WEIR_LOG_TYPE("port")

#define PORT_RSS_KEY_SIZE_DEF 40 /* bytes: Toeplitz key of most NICs */
#define PORT_LINK_MS 1000	 /* ms between two polls of the link state */
#define PORT_RSS_KEY_SIZE_MAX 64 /* bytes */

static struct rte_mempool *
port_pool_get(int socket)
{
	const struct cfg_mempool *mc = &weir.conf->mempool;
	char name[RTE_MEMPOOL_NAMESIZE];

	if (weir.pools[socket] != NULL)
		return weir.pools[socket];
	snprintf(name, sizeof(name), "weir_mbuf_s%d", socket);
	weir.pools[socket] = rte_pktmbuf_pool_create(name, mc->nb_mbufs,
		mc->cache, 0, (uint16_t)mc->data_room, socket);
	if (weir.pools[socket] == NULL)
		WEIR_LOG(ERR,
			"mempool %s: %u mbufs of %u bytes on socket %d: "
			"%s (raise the EAL memory with -m or hugepages, or lower "
			"mempool.mbufs)",
			name, mc->nb_mbufs, mc->data_room, socket,
			rte_strerror(rte_errno));
	return weir.pools[socket];
}

struct rte_mempool *
port_pool(const struct port *p)
{
	return weir.pools[p->socket];
}

struct port *
port_by_id(uint16_t id)
{
	unsigned int i;

	for (i = 0; i < weir.nb_ports; i++)
		if (weir.ports[i].id == id)
			return &weir.ports[i];
	return NULL;
}

/* The ethdev name DPDK gives the device: the vdev name or the PCI BDF. */
static void
port_dev_name(const struct cfg_port *c, char *buf, size_t size)
{
	size_t n = strcspn(c->device, ",");

	if (n >= size)
		n = size - 1;
	memcpy(buf, c->device, n);
	buf[n] = '\0';
}

/*
 * The kernel interface's MAC: configured, or the port's made locally
 * administered (and, if it was already, with one more bit flipped), so
 * that it is stable across restarts and never the port's. The port must take frames for it: as a second unicast
 * address where the device has filters, else promiscuous.
 */
#define PORT_KIF_MAC_BIT 0x04 /* flipped in a local MAC's first byte */

static int
port_kif_mac(struct port *p)
{
	const struct cfg_port *c = p->cfg;
	int rc;

	if (c->kif.has_mac) {
		memcpy(p->kif_mac.addr_bytes, c->kif.mac, RTE_ETHER_ADDR_LEN);
	} else {
		p->kif_mac = p->mac;
		p->kif_mac.addr_bytes[0] |= RTE_ETHER_LOCAL_ADMIN_ADDR;
		if (rte_is_same_ether_addr(&p->kif_mac, &p->mac))
			p->kif_mac.addr_bytes[0] ^= PORT_KIF_MAC_BIT;
	}
	p->has_kif = true;
	rc = rte_eth_dev_mac_addr_add(p->id, &p->kif_mac, 0);
	if (rc == 0)
		return 0;
	rc = rte_eth_promiscuous_enable(p->id);
	if (rc == -ENOTSUP) {
		WEIR_LOG(WARNING,
			"port %s: %s has neither a second MAC filter nor "
			"promiscuous mode: its kernel interface gets only what "
			"the device passes for other MACs",
			c->name, p->driver);
		return 0;
	}
	if (rc < 0) {
		WEIR_LOG(ERR,
			"port %s: the kernel interface's MAC needs a second "
			"address filter or promiscuous mode: %s",
			c->name, rte_strerror(-rc));
		return weir_err(rc);
	}
	return 0;
}

static int
port_setup(struct port *p)
{
	const struct cfg_port *c = p->cfg;
	uint16_t nb_rxd = c->rx_desc, nb_txd = c->tx_desc;
	uint8_t rss_key[PORT_RSS_KEY_SIZE_MAX];
	struct rte_eth_dev_info info;
	struct rte_eth_conf ec;
	struct rte_mempool *pool;
	unsigned int nb_w = weir.conf->nb_workers, q;
	int rc;

	rc = rte_eth_dev_info_get(p->id, &info);
	if (rc < 0)
		return weir_err(rc);
	snprintf(p->driver, sizeof(p->driver), "%s", info.driver_name);
	if (info.max_rx_queues < nb_w || info.max_tx_queues < nb_w) {
		WEIR_LOG(ERR,
			"port %s: %s offers %u rx / %u tx queues; weir "
			"needs one of each per worker (%u)%s",
			c->name, info.driver_name, info.max_rx_queues,
			info.max_tx_queues, nb_w,
			strstr(info.driver_name, "af_packet") ?
				": set qpairs in the device string" :
				"");
		return -EINVAL;
	}
	/*
	 * af_packet spreads packets over all 'qpairs' sockets; one that no
	 * worker polls would silently eat its share of the traffic.
	 */
	if (strstr(info.driver_name, "af_packet") &&
		info.max_rx_queues != nb_w) {
		WEIR_LOG(ERR,
			"port %s: qpairs=%u but %u workers: the kernel "
			"would hand packets to queues no worker polls; set "
			"qpairs=%u",
			c->name, info.max_rx_queues, nb_w, nb_w);
		return -EINVAL;
	}
	p->has_ctl_txq = info.max_tx_queues > nb_w;
	p->nb_txq = (uint16_t)(nb_w + (p->has_ctl_txq ? 1 : 0));
	p->socket = rte_eth_dev_socket_id(p->id);
	if (p->socket < 0)
		p->socket = 0;
	pool = port_pool_get(p->socket);
	if (pool == NULL)
		return weir_err(rte_errno);

	memset(&ec, 0, sizeof(ec));
	ec.rxmode.mtu = c->mtu;
	if (nb_w > 1 && info.flow_type_rss_offloads != 0) {
		uint8_t klen = info.hash_key_size ? info.hash_key_size :
						    PORT_RSS_KEY_SIZE_DEF;

		if (klen > sizeof(rss_key))
			klen = sizeof(rss_key);
		for (q = 0; q < klen; q += 2) {
			rss_key[q] = 0x6d;
			rss_key[q + 1] = 0x5a;
		}
		ec.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		ec.rx_adv_conf.rss_conf.rss_key = rss_key;
		ec.rx_adv_conf.rss_conf.rss_key_len = klen;
		ec.rx_adv_conf.rss_conf.rss_hf = (RTE_ETH_RSS_IP |
							 RTE_ETH_RSS_TCP |
							 RTE_ETH_RSS_UDP) &
			info.flow_type_rss_offloads;
	}
	ec.rxmode.offloads = info.rx_offload_capa &
		(RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
			RTE_ETH_RX_OFFLOAD_UDP_CKSUM);
	rc = rte_eth_dev_configure(p->id, (uint16_t)nb_w, p->nb_txq, &ec);
	if (rc < 0) {
		WEIR_LOG(ERR,
			"port %s: configure %u rx / %u tx queues, mtu %u: %s",
			c->name, nb_w, p->nb_txq, c->mtu, rte_strerror(-rc));
		return weir_err(rc);
	}
	rc = rte_eth_dev_adjust_nb_rx_tx_desc(p->id, &nb_rxd, &nb_txd);
	if (rc < 0)
		return weir_err(rc);
	for (q = 0; q < nb_w; q++) {
		rc = rte_eth_rx_queue_setup(p->id, (uint16_t)q, nb_rxd,
			(unsigned int)p->socket, NULL, pool);
		if (rc < 0) {
			WEIR_LOG(ERR, "port %s: rx queue %u: %s", c->name, q,
				rte_strerror(-rc));
			return weir_err(rc);
		}
	}
	for (q = 0; q < p->nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(p->id, (uint16_t)q, nb_txd,
			(unsigned int)p->socket, NULL);
		if (rc < 0) {
			WEIR_LOG(ERR, "port %s: tx queue %u: %s", c->name, q,
				rte_strerror(-rc));
			return weir_err(rc);
		}
	}
	if (c->has_mac) {
		rc = rte_eth_dev_default_mac_addr_set(
			p->id, (struct rte_ether_addr *)(uintptr_t)c->mac);
		if (rc < 0) {
			WEIR_LOG(ERR, "port %s: setting mac: %s", c->name,
				rte_strerror(-rc));
			return weir_err(rc);
		}
	}
	rc = rte_eth_dev_start(p->id);
	if (rc < 0) {
		WEIR_LOG(ERR, "port %s: start: %s", c->name, rte_strerror(-rc));
		return weir_err(rc);
	}
	p->started = true;
	rte_eth_macaddr_get(p->id, &p->mac);
	/*
	 * Neighbor discovery needs the solicited-node and all-nodes groups;
	 * all-multicast is the portable way to get them on every PMD.
	 */
	rc = rte_eth_allmulticast_enable(p->id);
	if (rc < 0 && rc != -ENOTSUP)
		WEIR_LOG(WARNING, "port %s: all-multicast: %s", c->name,
			rte_strerror(-rc));
	if (c->kif.on && (rc = port_kif_mac(p)) < 0)
		return rc;
	WEIR_LOG(INFO,
		"port %s: %s (%s) mac " RTE_ETHER_ADDR_PRT_FMT
		", %u rx / %u tx queues of %u / %u descriptors, rss %s, "
		"mgmt tx %s",
		c->name, c->device, info.driver_name,
		RTE_ETHER_ADDR_BYTES(&p->mac), nb_w, p->nb_txq, nb_rxd, nb_txd,
		ec.rxmode.mq_mode == RTE_ETH_MQ_RX_RSS ? "on" : "off",
		p->has_ctl_txq ? "own queue" : "via worker 0");
	return 0;
}

static void port_link_poll(void);

static int
port_init_all(void)
{
	const struct cfg_conf *c = weir.conf;
	unsigned int i;
	int rc;

	weir.ports = calloc(c->nb_ports, sizeof(*weir.ports));
	if (weir.ports == NULL)
		return -ENOMEM;
	for (i = 0; i < c->nb_ports; i++) {
		struct port *p = &weir.ports[i];
		char name[RTE_ETH_NAME_MAX_LEN];

		p->cfg = &c->ports[i];
		port_dev_name(p->cfg, name, sizeof(name));
		if (rte_eth_dev_get_port_by_name(name, &p->id) != 0) {
			WEIR_LOG(ERR,
				"port %s: no DPDK device '%s' (config line "
				"%u): check the device string, the driver and "
				"that the NIC is bound to a DPDK-capable driver",
				p->cfg->name, name, p->cfg->line);
			return -ENODEV;
		}
		weir.nb_ports++;
		rc = port_setup(p);
		if (rc < 0)
			return rc;
	}
	port_link_poll();
	return 0;
}

static void
port_link_poll(void)
{
	unsigned int i;

	for (i = 0; i < weir.nb_ports; i++) {
		struct port *p = &weir.ports[i];
		struct rte_eth_link link;

		if (!p->started || rte_eth_link_get_nowait(p->id, &link) < 0)
			continue;
		if (link.link_status == p->link_up &&
			link.link_speed == p->link_speed)
			continue;
		p->link_up = link.link_status;
		p->link_speed = link.link_speed;
		WEIR_LOG(INFO, "port %s: link %s, %u Mb/s %s-duplex",
			p->cfg->name, p->link_up ? "up" : "down",
			link.link_speed, link.link_duplex ? "full" : "half");
	}
}

static void
port_fini_all(void)
{
	unsigned int i;

	for (i = 0; i < weir.nb_ports; i++) {
		struct port *p = &weir.ports[i];

		if (p->started)
			rte_eth_dev_stop(p->id);
		p->started = false;
		rte_eth_dev_close(p->id);
	}
	free(weir.ports);
	weir.ports = NULL;
	weir.nb_ports = 0;
	for (i = 0; i < RTE_MAX_NUMA_NODES; i++) {
		rte_mempool_free(weir.pools[i]);
		weir.pools[i] = NULL;
	}
}

static void
port_link_timer(uint64_t now_ms)
{
	(void)now_ms;
	port_link_poll();
}

static const struct weir_timer port_timers[] = {
	{ "link", PORT_LINK_MS, port_link_timer },
};

/*
 * The ports' counter set (stats.h): the NIC's own counters and the link
 * state, per port. ctl only: ports close at shutdown.
 */
enum port_value {
	PORT_V_RX_PACKETS,
	PORT_V_TX_PACKETS,
	PORT_V_RX_BYTES,
	PORT_V_TX_BYTES,
	PORT_V_RX_MISSED,
	PORT_V_RX_ERRORS,
	PORT_V_TX_ERRORS,
	PORT_V_RX_NOMBUF,
	PORT_V_LINK_UP,
	PORT_V_COUNT
};

static const struct stats_field port_fields[] = {
	{ .name = "rx_packets",
		.help = "packets received by the NIC",
		.off = PORT_V_RX_PACKETS },
	{ .name = "tx_packets",
		.help = "packets sent by the NIC",
		.off = PORT_V_TX_PACKETS },
	{ .name = "rx_bytes",
		.help = "bytes received by the NIC",
		.off = PORT_V_RX_BYTES },
	{ .name = "tx_bytes",
		.help = "bytes sent by the NIC",
		.off = PORT_V_TX_BYTES },
	{ .name = "rx_missed",
		.help = "packets the NIC dropped: RX queues full",
		.off = PORT_V_RX_MISSED },
	{ .name = "rx_errors",
		.help = "erroneous packets received",
		.off = PORT_V_RX_ERRORS },
	{ .name = "tx_errors",
		.help = "failed transmissions",
		.off = PORT_V_TX_ERRORS },
	{ .name = "rx_nombuf",
		.help = "RX mbuf allocation failures",
		.off = PORT_V_RX_NOMBUF },
	{ .name = "link_up",
		.help = "1 if the link is up",
		.type = STATS_GAUGE,
		.off = PORT_V_LINK_UP },
};

static bool
port_next(const struct stats_set *s, uint64_t *cursor, struct stats_row *row)
{
	const struct port *p;
	struct rte_eth_stats st;

	(void)s;
	if (*cursor >= weir.nb_ports)
		return false;
	p = &weir.ports[(*cursor)++];
	if (rte_eth_stats_get(p->id, &st) < 0)
		memset(&st, 0, sizeof(st));
	row->labels[0] = p->cfg->name;
	row->vals[PORT_V_RX_PACKETS] = st.ipackets;
	row->vals[PORT_V_TX_PACKETS] = st.opackets;
	row->vals[PORT_V_RX_BYTES] = st.ibytes;
	row->vals[PORT_V_TX_BYTES] = st.obytes;
	row->vals[PORT_V_RX_MISSED] = st.imissed;
	row->vals[PORT_V_RX_ERRORS] = st.ierrors;
	row->vals[PORT_V_TX_ERRORS] = st.oerrors;
	row->vals[PORT_V_RX_NOMBUF] = st.rx_nombuf;
	row->vals[PORT_V_LINK_UP] = p->link_up;
	return true;
}

static const char *const port_labels[] = { "port", NULL };

static const struct stats_set port_set = {
	.name = "port",
	.help = "a port",
	.fields = port_fields,
	.nb_fields = RTE_DIM(port_fields),
	.nb_values = PORT_V_COUNT,
	.labels = port_labels,
	.next = port_next,
};

static const struct stats_set *const port_counters[] = { &port_set, NULL };

/* Reload: ports keep pointing at their (identical) settings in the new
 * configuration; startup-only keys cannot have changed. */
static void
port_reload(void)
{
	unsigned int i;

	for (i = 0; i < weir.nb_ports; i++)
		weir.ports[i].cfg = &weir.conf->ports[i];
}

const struct weir_module port_module = {
	.name = "port",
	.init = port_init_all,
	.reload = port_reload,
	.fini = port_fini_all,
	.timers = port_timers,
	.nb_timers = RTE_DIM(port_timers),
	.cmds = port_cmds,
	.counters = port_counters,
};

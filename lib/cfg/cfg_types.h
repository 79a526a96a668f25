/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parsed configuration: plain data, no libconfig types, so that every
 * module reads its settings from a struct and tests build one by hand.
 * Bounds here are array sizes; the limits users see are checked in cfg.c
 * and documented in config/weir.conf.
 */
#ifndef CFG_TYPES_H
#define CFG_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "weir_addr.h"

#define CFG_NAME_SIZE 32     /* bytes, port names */
#define CFG_DEVICE_SIZE 256  /* bytes, PCI address or vdev devargs */
#define CFG_PATH_SIZE 4096   /* bytes, file names */
#define CFG_WORKERS_MAX 64   /* worker lcores */
#define CFG_PORTS_MAX 8	     /* ports */
#define CFG_PORT_ADDRS_MAX 8 /* addresses per port */
#define CFG_KIF_NAME_SIZE 16 /* bytes, kernel interface names (IFNAMSIZ) */
#define CFG_ROUTES_MAX 256   /* static routes */
#define CFG_EAL_ARGS_MAX 32  /* extra EAL arguments */
#define CFG_LCORE_MAX                                                          \
	127 /* highest lcore id, RTE_MAX_LCORE - 1 in Debian's build */

/*
 * The port's exception path: a kernel interface bridged to the wire, with
 * addresses of its own, for the host's programs (health checks, routing
 * daemons, ssh).
 */
struct cfg_kif {
	bool on;		      /* 'kernel' given */
	char name[CFG_KIF_NAME_SIZE]; /* the interface's name */
	bool has_mac;		      /* 'mac' given, else derived */
	uint8_t mac[6];		      /* its MAC address */
	unsigned int max_pps;	      /* packets/s, each direction */
	unsigned int nb_addrs;
	struct weir_prefix addrs[CFG_PORT_ADDRS_MAX];
};

struct cfg_port {
	char name[CFG_NAME_SIZE];     /* used in logs, routes and the console */
	char device[CFG_DEVICE_SIZE]; /* "0000:01:00.0" or "net_xxx0,k=v" */
	bool is_vdev;		      /* device is a vdev string, not PCI */
	uint16_t mtu;		      /* bytes of IP datagram */
	uint16_t rx_desc;	      /* descriptors per RX queue */
	uint16_t tx_desc;	      /* descriptors per TX queue */
	bool has_mac;		      /* 'mac' given: set it on the port */
	uint8_t mac[6];		      /* the port's MAC address */
	unsigned int nb_addrs;
	struct weir_prefix addrs[CFG_PORT_ADDRS_MAX];
	struct cfg_kif kif; /* the exception path, if on */
	unsigned int line;  /* where it was defined, for errors */
};

struct cfg_route {
	struct weir_prefix dst; /* host bits are zero */
	struct weir_addr via;	/* on-link next hop */
	unsigned int port;	/* index in cfg_conf.ports, from 'via' */
};

struct cfg_mempool {
	unsigned int nb_mbufs;	/* mbufs per NUMA socket */
	unsigned int cache;	/* mbufs cached per lcore */
	unsigned int data_room; /* bytes of packet data per mbuf */
};

#define CFG_NEIGH_STATIC_MAX 256 /* static neighbor entries */

/* A neighbor whose MAC is configured, never resolved nor aged. */
struct cfg_neigh_static {
	struct weir_addr addr;
	uint8_t mac[6];
	unsigned int port; /* index in cfg_conf.ports, from addr */
};

struct cfg_neigh {
	unsigned int max_entries;  /* neighbors, all ports together */
	unsigned int reachable_ms; /* confirmed entry stays fresh, ms */
	unsigned int stale_s;	   /* unused stale entry is removed, s */
	unsigned int retrans_ms;   /* between solicitations, ms */
	unsigned int max_probes;   /* solicitations before giving up */
	unsigned int queue_len;	   /* packets held per unresolved entry */
	unsigned int nb_static;
	struct cfg_neigh_static statics[CFG_NEIGH_STATIC_MAX];
};

#define CFG_REDIR_RING 1024	  /* packets per worker-to-worker ring */
#define CFG_SVC_MAX 256		  /* services */
#define CFG_SVC_BACKENDS_MAX 4096 /* backends per service */
#define CFG_SVC_LADDRS_MAX 8	  /* local (SNAT) addresses per service */

enum cfg_balancer {
	CFG_LB_MAGLEV = 0,    /* consistent hash, same choice on every node */
	CFG_LB_ROUND_ROBIN,   /* per worker, weighted by slots */
	CFG_LB_RANDOM,	      /* per flow, weighted */
	CFG_LB_LEAST_LATENCY, /* peak-EWMA cost, power of two choices */
	CFG_LB_COUNT
};

/* Names of enum cfg_balancer, as the config and the console spell them. */
extern const char *const cfg_balancer_names[CFG_LB_COUNT + 1];

/* Least-latency estimates of a service (see docs/load-balancing.md). */
struct cfg_latency {
	unsigned int decay_s;	 /* time constant of a faster sample, s */
	unsigned int initial_ms; /* estimate of a backend with no history */
};

enum cfg_hash {
	CFG_HASH_5TUPLE = 0, /* addresses, ports, protocol */
	CFG_HASH_SOURCE,     /* client address only: client affinity */
};

/* Session timeouts of a service, in seconds, by state group. */
struct cfg_timeouts {
	unsigned int syn_s;	    /* handshake in progress */
	unsigned int established_s; /* idle established TCP */
	unsigned int fin_s;	    /* FIN seen, closing */
	unsigned int time_wait_s;   /* closed; local port held */
	unsigned int close_s;	    /* after RST */
	unsigned int udp_s;	    /* idle UDP */
};

/*
 * Passive health checking of a service: connects that fail in a row eject
 * a backend for a while (see docs/health.md).
 */
struct cfg_outlier {
	unsigned int consecutive;      /* failed connects in a row; 0 off */
	unsigned int base_ejection_s;  /* first ejection; x times ejected */
	unsigned int max_ejection_s;   /* an ejection lasts at most this */
	unsigned int max_ejection_pct; /* % of the backends out at once */
};

enum cfg_check_type {
	CFG_CHECK_NONE = 0, /* no active check */
	CFG_CHECK_TCP,	    /* a connect (and a TLS handshake with 'tls') */
	CFG_CHECK_HTTP,	    /* GET path, a status in expect_status */
	CFG_CHECK_UDP,	    /* send 'send', an answer starting 'expect' */
	CFG_CHECK_COUNT
};

extern const char *const cfg_check_type_names[CFG_CHECK_COUNT + 1];

#define CFG_CHECK_STR_SIZE 256 /* bytes: path, host, sni, payloads */
#define CFG_CHECK_STATUS_MAX 8 /* ranges in expect_status */

/*
 * Active health checking of a service's backends by the management
 * thread, through the host's network stack (see docs/health.md).
 */
struct cfg_check {
	uint8_t type;		       /* enum cfg_check_type */
	uint16_t port;		       /* host order; 0: the backend's port */
	unsigned int interval_ms;      /* between two checks of a backend */
	unsigned int timeout_ms;       /* a check not done by then failed */
	unsigned int rise;	       /* checks passed in a row: up */
	unsigned int fall;	       /* checks failed in a row: down */
	unsigned int jitter_pct;       /* % of interval_ms, random each time */
	bool tls;		       /* TCP/HTTP over TLS (OpenSSL) */
	char sni[CFG_CHECK_STR_SIZE];  /* TLS server name; "" none */
	char ca_file[CFG_PATH_SIZE];   /* verify against; "" no check */
	char path[CFG_CHECK_STR_SIZE]; /* HTTP request path */
	char host[CFG_CHECK_STR_SIZE]; /* HTTP Host; "" the address */
	unsigned int nb_status;	       /* ranges of accepted statuses */
	uint16_t status_lo[CFG_CHECK_STATUS_MAX];
	uint16_t status_hi[CFG_CHECK_STATUS_MAX];
	char send[CFG_CHECK_STR_SIZE];	 /* UDP payload */
	char expect[CFG_CHECK_STR_SIZE]; /* UDP answer prefix; "" any */
};

/*
 * Fault injection for resilience testing: shares of a service's new flows
 * that weir resets, drops, or holds (see docs/health.md). All 0: off.
 */
#define CFG_FAULT_DELAY_MAX_MS 10000 /* ms: what a worker's hold queue covers */
#define CFG_FAULT_HOLD 256 /* packets fault injection may hold per worker */

struct cfg_fault {
	unsigned int reset_pct; /* % of new TCP flows answered with RST */
	unsigned int drop_pct;	/* % of new flows whose first packet dies */
	unsigned int delay_pct; /* % of new flows whose first packet waits */
	unsigned int delay_ms;	/* how long it waits */
};

struct cfg_backend {
	struct weir_addr addr;
	uint16_t port;	 /* host order */
	uint32_t weight; /* 0: gets no new flows */
	uint8_t state;	 /* admin state, 0 ready (see svc.h) */
	unsigned int line;
};

struct cfg_service {
	char name[CFG_NAME_SIZE];
	struct weir_addr vip;
	uint16_t port_lo; /* host order; == port_hi for one port */
	uint16_t port_hi;
	uint8_t proto;	      /* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t balancer;     /* enum cfg_balancer */
	uint8_t hash;	      /* enum cfg_hash */
	bool midflow;	      /* pick up non-SYN TCP without a session */
	uint16_t mss;	      /* TCP MSS clamp in bytes, 0: off */
	uint32_t maglev_size; /* slots, prime */
	struct cfg_timeouts timeouts;
	struct cfg_latency latency;
	struct cfg_outlier outlier;
	struct cfg_check check;
	struct cfg_fault fault;
	/* % healthy below which all take flows; 0 off */
	unsigned int panic_pct;
	bool connect_retry; /* a failed connect goes to another backend */
	/* ms: an unanswered SYN has failed after this */
	unsigned int connect_timeout_ms;
	unsigned int max_flows;	   /* open flows of the service; 0 none */
	unsigned int max_be_flows; /* open flows per backend; 0 none */
	unsigned int nb_laddrs;
	struct weir_addr laddrs[CFG_SVC_LADDRS_MAX]; /* SNAT sources */
	unsigned int nb_backends;
	struct cfg_backend *backends;  /* owned */
	char discovery[CFG_PATH_SIZE]; /* watched backend list; "" none */
	unsigned int line;
};

struct cfg_sessions {
	unsigned int max_per_worker; /* flows */
	unsigned int half_open_pct;  /* % of max_per_worker */
};

struct cfg_console {
	char unix_path[108];	/* sun_path; "" disables */
	unsigned int unix_mode; /* file mode bits */
	uint8_t unix_level;	/* enum console_level */
	char telnet[64];	/* "addr:port"; "" disables */
	uint8_t telnet_level;
	bool telnet_loopback;  /* the address is a loopback one */
	bool tls;	       /* 'tls' given: telnet speaks TLS only */
	bool tls_has_password; /* sessions may send 'auth <password>' */
	uint8_t tls_password_sha256[32]; /* SHA-256 digest (32 bytes) */
	char tls_cert[CFG_PATH_SIZE];	 /* PEM server certificate (chain) */
	char tls_key[CFG_PATH_SIZE];	 /* PEM private key of tls_cert */
	char tls_ca[CFG_PATH_SIZE]; /* PEM client CAs; "" no client certs */
};

struct cfg_mgmt {
	struct cfg_console console;
	char metrics[64];		 /* "addr:port" for /metrics; "" off */
	char state_file[CFG_PATH_SIZE];	 /* "" off */
	char events_file[CFG_PATH_SIZE]; /* JSON lines; "" off */
	unsigned int events_keep;	 /* events held for 'show events' */
	char flow_log[CFG_PATH_SIZE];	 /* JSON lines; "" off */
	unsigned int flow_sample;	 /* log 1 flow in N */
	unsigned int flow_interval_s;	 /* long flows: a record every N s */
	unsigned int flow_rotate_mb;	 /* rotate the file at this size */
	unsigned int flow_keep;		 /* rotated files kept */
	char log_target[16];		 /* "stdout", "stderr" or "syslog" */
};

struct cfg_conf {
	char file[CFG_PATH_SIZE]; /* the file it came from */
	char log_level[16];	  /* "error" .. "debug" */
	unsigned int nb_eal_args;
	char *eal_args[CFG_EAL_ARGS_MAX]; /* owned, freed with the conf */
	char *lcores;			  /* EAL --lcores map, or NULL */
	unsigned int main_lcore;	  /* runs the management thread */
	unsigned int nb_workers;
	unsigned int workers[CFG_WORKERS_MAX]; /* lcore ids */
	unsigned int burst;		       /* packets per rx/tx burst */
	unsigned int punt_ring;		       /* packets, worker to ctl */
	struct cfg_mempool mempool;
	unsigned int nb_ports;
	struct cfg_port ports[CFG_PORTS_MAX];
	unsigned int nb_routes;
	struct cfg_route routes[CFG_ROUTES_MAX];
	struct cfg_neigh neigh;
	uint64_t hash_seed; /* balancing and local ports */
	uint16_t lport_lo;  /* local ports, host order */
	uint16_t lport_hi;
	struct cfg_sessions sessions;
	unsigned int nb_services;
	struct cfg_service *services; /* owned, [nb_services] */
	struct cfg_mgmt mgmt;
};

#endif /* CFG_TYPES_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flow record writer (ctl). Records arrive by value on per-worker SP/SC
 * rings (rte_ring with element size), so a worker copies 200-odd bytes
 * and never allocates; ctl formats them with jansson, appends them to the
 * file and rotates it (file -> file.1 -> ... -> file.<keep>) when it
 * passes rotate_mb. Sampling (1 flow in 'sample') is decided by the
 * worker from the flow's hash, so a sampled flow has all its records.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>
#include <rte_lcore.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "cfg.h"
#include "flow.h"
#include "flowlog.h"
#include "module.h"
#include "worker_dp.h"
#include "svc.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("flowlog")

#define FLOWLOG_DRAIN_MAX 256 /* records per ring per tick */

static struct {
	struct rte_ring *ring[CFG_WORKERS_MAX];
	FILE *file;
	uint64_t size;	  /* bytes in the current file */
	uint64_t written; /* records written */
} fl;

/* Worker 'w''s ring, sampling and interim-record interval. */
static int
flowlog_worker_init(struct worker *w)
{
	const struct cfg_mgmt *m = &weir.conf->mgmt;

	w->fl.ring = fl.ring[w->idx];
	w->fl.sample = m->flow_sample;
	w->fl.interval = (uint32_t)(m->flow_interval_s * weir.ticks_per_s);
	return 0;
}

static int
flowlog_init(void)
{
	const struct cfg_mgmt *m = &weir.conf->mgmt;
	unsigned int w;

	if (m->flow_log[0] == '\0')
		return 0;
	for (w = 0; w < weir.conf->nb_workers; w++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "weir_flowlog_%u", w);
		fl.ring[w] = rte_ring_create_elem(name,
			sizeof(struct flowlog_rec), FLOWLOG_RING,
			(int)rte_socket_id(), RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (fl.ring[w] == NULL) {
			WEIR_LOG(ERR, "flow log ring: %s",
				rte_strerror(rte_errno));
			return -ENOMEM;
		}
	}
	fl.file = fopen(m->flow_log, "ae");
	if (fl.file == NULL) {
		WEIR_LOG(ERR, "flow_log.file %s: %s", m->flow_log,
			strerror(errno));
		return -errno;
	}
	fseek(fl.file, 0, SEEK_END);
	fl.size = (uint64_t)ftell(fl.file);
	WEIR_LOG(INFO,
		"flow records to %s (1 flow in %u, every %u s for long flows)",
		m->flow_log, m->flow_sample, m->flow_interval_s);
	return 0;
}

static void
flowlog_rotate(void)
{
	const struct cfg_mgmt *m = &weir.conf->mgmt;
	char from[CFG_PATH_SIZE + 16], to[CFG_PATH_SIZE + 16];
	unsigned int i;

	fclose(fl.file);
	for (i = m->flow_keep; i > 0; i--) {
		if (i == 1)
			snprintf(from, sizeof(from), "%s", m->flow_log);
		else
			snprintf(from, sizeof(from), "%s.%u", m->flow_log,
				i - 1);
		snprintf(to, sizeof(to), "%s.%u", m->flow_log, i);
		rename(from, to);
	}
	if (m->flow_keep == 0)
		remove(m->flow_log);
	fl.file = fopen(m->flow_log, "ae");
	fl.size = 0;
	if (fl.file == NULL)
		WEIR_LOG(ERR, "flow_log.file %s: %s", m->flow_log,
			strerror(errno));
}

static double
flowlog_ms(uint32_t ticks)
{
	return (double)ticks * 1000.0 / (double)weir.ticks_per_s;
}

static const char *
flowlog_end(const struct flowlog_rec *r)
{
	if (!r->end)
		return NULL;
	switch (r->f.state) {
	case FLOW_S_CLOSE:
		return "reset";
	case FLOW_S_TIME_WAIT:
	case FLOW_S_LAST_ACK:
		return "closed";
	case FLOW_S_FIN_WAIT:
		return "half-closed, timed out";
	case FLOW_S_SYN_SENT:
		return "no answer to SYN";
	case FLOW_S_SYN_RECV:
		return "handshake not completed";
	default:
		return "idle timeout";
	}
}

/* @return true if backend id 'be' of 'v' is ejected now (health). */
static bool
flowlog_be_ejected(const struct svc *v, uint16_t be)
{
	unsigned int j;

	for (j = 0; j < v->nb_be; j++)
		if (v->be[j].id == be)
			return v->be[j].ejected;
	return false;
}

static void
flowlog_write(const struct flowlog_rec *r)
{
	const struct flow_info *f = &r->f;
	struct flow_addrs ad;
	char when[40];
	const struct svc_snap *snap = weir_rcu_get(&weir.snap);
	const char *svc = "?", *end = flowlog_end(r);
	bool ejected = false;
	struct timespec ts;
	struct tm tm;
	json_t *j;
	char *line;
	uint32_t i;

	for (i = 0; snap != NULL && i < snap->nb_svc; i++)
		if (snap->svc[i].id == f->svc) {
			svc = snap->svc[i].name;
			ejected = flowlog_be_ejected(&snap->svc[i], f->be);
		}
	flow_info_addrs(f, &ad);
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:i, s:s, s:s, s:i, "
		      "s:s, s:i, s:I, s:I, s:I, s:I, s:f, s:o, s:o, s:o, s:s}",
		"time", when, "record", r->end ? "end" : "update", "protocol",
		f->fwd.proto == IPPROTO_TCP ? "tcp" : "udp", "client", ad.cli,
		"client_port", rte_be_to_cpu_16(f->fwd.sport), "vip", ad.vip,
		"vip_port", rte_be_to_cpu_16(f->fwd.dport), "service", svc,
		"backend", ad.be, "backend_port",
		rte_be_to_cpu_16(f->rev.sport), "local", ad.local, "local_port",
		rte_be_to_cpu_16(f->rev.dport), "packets_in",
		(json_int_t)f->acct.pkts_in, "packets_out",
		(json_int_t)f->acct.pkts_out, "bytes_in",
		(json_int_t)f->acct.bytes_in, "bytes_out",
		(json_int_t)f->acct.bytes_out, "duration_ms",
		flowlog_ms(r->now - f->start), "handshake_ms",
		f->acct.hs_lat ? json_real(flowlog_ms(f->acct.hs_lat)) :
				 json_null(),
		"response_ms",
		f->acct.resp_lat ? json_real(flowlog_ms(f->acct.resp_lat)) :
				   json_null(),
		"end", end ? json_string(end) : json_null(), "acl", "none");
	if (j != NULL)
		json_object_update_new(j,
			json_pack("{s:b, s:b, s:b}", "connect_retry",
				(f->flags & FLOW_F_RETRY) != 0, "midflow",
				(f->flags & FLOW_F_MIDFLOW) != 0,
				"backend_ejected", ejected));
	if (j == NULL)
		return;
	line = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(j);
	if (line == NULL)
		return;
	fputs(line, fl.file);
	fputc('\n', fl.file);
	fl.size += strlen(line) + 1;
	free(line);
	fl.written++;
}

static void
flowlog_drain(void)
{
	struct flowlog_rec r;
	unsigned int w, n;

	if (fl.file == NULL)
		return;
	for (w = 0; w < weir.nb_workers; w++)
		for (n = 0; n < FLOWLOG_DRAIN_MAX; n++) {
			if (rte_ring_sc_dequeue_elem(
				    fl.ring[w], &r, sizeof(r)) != 0)
				break;
			flowlog_write(&r);
		}
	fflush(fl.file);
	if (fl.size >= (uint64_t)weir.conf->mgmt.flow_rotate_mb << 20)
		flowlog_rotate();
}

static void
flowlog_fini(void)
{
	unsigned int w;

	if (fl.file != NULL) {
		flowlog_drain();
		fclose(fl.file);
		fl.file = NULL;
	}
	for (w = 0; w < CFG_WORKERS_MAX; w++) {
		rte_ring_free(fl.ring[w]);
		fl.ring[w] = NULL;
	}
}

/* Every turn of the loop: records wait in rings of FLOWLOG_RING. */
static void
flowlog_timer(uint64_t now_ms)
{
	(void)now_ms;
	flowlog_drain();
}

static const struct weir_timer flowlog_timers[] = {
	{ "drain", 0, flowlog_timer },
};

const struct weir_module flowlog_module = {
	.name = "flowlog",
	.before = "worker",
	.init = flowlog_init,
	.fini = flowlog_fini,
	.timers = flowlog_timers,
	.nb_timers = RTE_DIM(flowlog_timers),
	.worker_init = flowlog_worker_init,
};

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of active health checks (app/weir/modules/health/
 * health_check.c) without an EAL, with real sockets on loopback: the
 * "backend" is a listener of this test, which accepts and answers (or
 * is closed, so that connects are refused) in the same epoll loop that
 * runs the checks' sockets (the fakes of ctl_io_add/mod/del). Time is
 * whatever the test passes to the timer, so rise and fall sequences are
 * exact: fall failed checks in a row take a backend down, rise passed
 * ones bring it up, a verdict flips once and is an event; HTTP statuses
 * outside expect_status fail; a silent UDP peer times out, a wrong answer
 * fails; a passed check's round trip goes to the workers as a sample.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cfg.h"
#include "ctl.h"
#include "events.h"
#include "health_check.h"
#include "lb.h"
#include "svc.h"
#include "weir.h"
#include "weir_cunit.h"

struct weir weir;

/* -- Fakes ----------------------------------------------------------------- */

static int t_ep = -1;
static uint64_t t_now;
static char t_events[16][256];
static unsigned int t_nb_events;
static unsigned int t_samples;
static uint64_t t_sample_ns;

int
ctl_io_add(struct ctl_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(t_ep, EPOLL_CTL_ADD, io->fd, &ev);
}

int
ctl_io_mod(struct ctl_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	return epoll_ctl(t_ep, EPOLL_CTL_MOD, io->fd, &ev);
}

void
ctl_io_del(struct ctl_io *io)
{
	if (io->fd >= 0)
		epoll_ctl(t_ep, EPOLL_CTL_DEL, io->fd, NULL);
}

uint64_t
ctl_now_ms(void)
{
	return t_now;
}

void
event_log(const char *kind, const char *fmt, ...)
{
	va_list ap;

	(void)kind;
	if (t_nb_events == 16)
		return;
	va_start(ap, fmt);
	vsnprintf(t_events[t_nb_events++], sizeof(t_events[0]), fmt, ap);
	va_end(ap);
}

void
lb_lat_post(uint16_t svc_id, uint16_t be_id, uint64_t ns)
{
	(void)svc_id;
	(void)be_id;
	t_samples++;
	t_sample_ns = ns;
}

/* Jitter: none (the tests set jitter_percent 0; the first check of a
 * backend is due at once). */
uint64_t __wrap_rte_rand(void);
uint64_t __wrap_rte_rand_max(uint64_t upper_bound);

uint64_t
__wrap_rte_rand(void)
{
	return 0;
}

uint64_t
__wrap_rte_rand_max(uint64_t upper_bound)
{
	(void)upper_bound;
	return 0;
}

static struct svc_backend t_be;
static struct svc t_svc;
static struct svc_snap t_snap;

const struct svc *
svc_by_id(uint16_t id)
{
	return id == t_svc.id ? &t_svc : NULL;
}

/* -- The backend: a listener on loopback, answered in the loop ---------- */

static int t_lfd = -1;	    /* the listener, or -1 (connects refused) */
static uint16_t t_port;	    /* host order */
static const char *t_reply; /* what it answers, NULL: TCP only */
static struct ctl_io t_lio;

/* A connection the backend accepted: its request is answered when it
 * comes (in the same loop as the checks, so never waited for). */
static struct ctl_io t_conns[4];

static void
t_conn_readable(struct ctl_io *io, uint32_t events)
{
	char buf[512];

	(void)events;
	if (recv(io->fd, buf, sizeof(buf), 0) > 0 && t_reply != NULL)
		(void)send(io->fd, t_reply, strlen(t_reply), MSG_NOSIGNAL);
	ctl_io_del(io);
	close(io->fd);
	io->fd = -1;
}

static void
t_accept(struct ctl_io *io, uint32_t events)
{
	unsigned int i;
	int c;

	(void)events;
	c = accept(io->fd, NULL, NULL);
	if (c < 0)
		return;
	for (i = 0; i < 4 && t_conns[i].fd > 0; i++)
		;
	if (t_reply == NULL || i == 4) {
		close(c); /* TCP only: connected is all it takes */
		return;
	}
	t_conns[i].fd = c;
	t_conns[i].cb = t_conn_readable;
	ctl_io_add(&t_conns[i], EPOLLIN);
}

static void
t_listen(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_port = htons(t_port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	int one = 1;

	t_lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	CU_ASSERT_FATAL(t_lfd >= 0);
	setsockopt(t_lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	CU_ASSERT_FATAL(bind(t_lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CU_ASSERT_FATAL(listen(t_lfd, 16) == 0);
	getsockname(t_lfd, (struct sockaddr *)&sa, &sl);
	t_port = ntohs(sa.sin_port);
	t_lio.fd = t_lfd;
	t_lio.cb = t_accept;
	CU_ASSERT_FATAL(ctl_io_add(&t_lio, EPOLLIN) == 0);
}

static void
t_unlisten(void)
{
	ctl_io_del(&t_lio);
	close(t_lfd);
	t_lfd = -1;
}

/* -- Fixture --------------------------------------------------------------- */

static struct cfg_service t_cfg;
static struct cfg_conf t_conf;

/* Run the loop for up to 'ms' of real time, dispatching events. */
static void
t_spin(int ms)
{
	struct epoll_event ev[8];
	int i, n;

	while (ms > 0) {
		n = epoll_wait(t_ep, ev, 8, 10);
		for (i = 0; i < n; i++) {
			struct ctl_io *io = ev[i].data.ptr;

			io->cb(io, ev[i].events);
		}
		ms -= 10;
	}
}

/* One check: the one due now starts and ends; time moves to the next. */
static void
t_check(void)
{
	health_check_tick(t_now);
	t_spin(100);
	t_now += t_cfg.check.interval_ms;
}

static const struct health_check_be *
t_hc(void)
{
	return health_check_get(&t_be);
}

static void
setup(uint8_t type)
{
	static uint32_t epoch;

	if (t_ep < 0)
		t_ep = epoll_create1(EPOLL_CLOEXEC);
	memset(t_events, 0, sizeof(t_events));
	t_nb_events = t_samples = 0;
	t_reply = NULL;
	if (t_lfd < 0) {
		t_port = 0; /* any free port */
		t_listen();
	}
	memset(&t_cfg, 0, sizeof(t_cfg));
	snprintf(t_cfg.name, sizeof(t_cfg.name), "web");
	t_cfg.proto = IPPROTO_TCP;
	t_cfg.check.type = type;
	t_cfg.check.interval_ms = 1000;
	t_cfg.check.timeout_ms = 500;
	t_cfg.check.rise = 2;
	t_cfg.check.fall = 3;
	t_cfg.check.jitter_pct = 0;
	snprintf(t_cfg.check.path, sizeof(t_cfg.check.path), "/health");
	t_cfg.check.nb_status = 1;
	t_cfg.check.status_lo[0] = 200;
	t_cfg.check.status_hi[0] = 299;
	t_conf.services = &t_cfg;
	t_conf.nb_services = 1;
	weir.conf = &t_conf;
	memset(&t_svc, 0, sizeof(t_svc));
	snprintf(t_svc.name, sizeof(t_svc.name), "web");
	t_svc.id = 3;
	t_svc.family = AF_INET;
	t_svc.nb_be = 1;
	t_svc.be = &t_be;
	memset(&t_be, 0, sizeof(t_be));
	t_be.id = 7;
	t_be.epoch = ++epoch; /* each test starts clean */
	t_be.addr[0] = 127;
	t_be.addr[3] = 1;
	t_be.port = htons(t_port);
	t_snap.svc = &t_svc;
	t_snap.nb_svc = 1;
	weir_rcu_set(&weir.snap, &t_snap);
	t_now = 1000000;
}

static bool
logged(const char *what)
{
	unsigned int i;

	for (i = 0; i < t_nb_events; i++)
		if (strstr(t_events[i], what) != NULL)
			return true;
	return false;
}

/* -- Tests ----------------------------------------------------------------- */

/* Before a verdict, init (counted as up); one pass: up, and a sample. */
static void
test_first_pass_is_up(void)
{
	setup(CFG_CHECK_TCP);
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_OFF); /* not met yet */
	health_check_tick(t_now); /* meets it; its first check starts */
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_INIT);
	CU_ASSERT_PTR_NOT_NULL(t_hc()->probe);
	CU_ASSERT_FALSE(health_check_down(&t_be));
	t_spin(100);
	t_now += t_cfg.check.interval_ms;
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_UP);
	CU_ASSERT_EQUAL(t_hc()->passed, 1);
	CU_ASSERT_EQUAL(t_samples, 1);
	CU_ASSERT(t_sample_ns > 0 && t_sample_ns < 100000000ull);
	CU_ASSERT_EQUAL(t_nb_events, 0); /* init -> up is no news */
}

/* fall - 1 failures: still up; the fall-th: down, once; rise passes:
 * up again, once; a pass in between restarts the count. */
static void
test_rise_and_fall(void)
{
	int i;

	setup(CFG_CHECK_TCP);
	t_check();
	t_unlisten(); /* refused from now on */
	t_check();
	t_check();
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_UP);
	CU_ASSERT_EQUAL(t_hc()->why, HEALTH_CHECK_WHY_REFUSED);
	t_check();
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_DOWN);
	CU_ASSERT_TRUE(health_check_down(&t_be));
	CU_ASSERT_TRUE(logged("down: 3 checks failed in a row (last: refused"));
	for (i = 0; i < 3; i++)
		t_check();
	CU_ASSERT_EQUAL(t_nb_events, 1);
	CU_ASSERT_EQUAL(t_hc()->failed, 6);
	t_listen();
	t_be.port = htons(t_port);
	t_check();
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_DOWN); /* 1 of rise 2 */
	t_unlisten();
	t_check(); /* a failure restarts the count */
	t_listen();
	t_be.port = htons(t_port);
	t_check();
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_DOWN);
	t_check();
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_UP);
	CU_ASSERT_TRUE(logged("up: 2 checks passed in a row"));
	CU_ASSERT_EQUAL(t_nb_events, 2);
}

/* HTTP: a status in expect_status passes, another fails and is kept. */
static void
test_http_status(void)
{
	setup(CFG_CHECK_HTTP);
	t_reply = "HTTP/1.1 204 No Content\r\n\r\n";
	t_check();
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_UP);
	CU_ASSERT_EQUAL(t_hc()->status, 204);
	t_reply = "HTTP/1.1 503 Service Unavailable\r\n\r\n";
	t_check();
	t_check();
	t_check();
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_DOWN);
	CU_ASSERT_EQUAL(t_hc()->why, HEALTH_CHECK_WHY_STATUS);
	CU_ASSERT_EQUAL(t_hc()->status, 503);
	t_reply = "SSH-2.0-OpenSSH\r\n";
	t_check();
	CU_ASSERT_EQUAL(t_hc()->why, HEALTH_CHECK_WHY_BAD_ANSWER);
}

/* Closed before a status; a silent UDP peer fails at the timeout, not
 * before; one that answers passes, if the answer starts right. */
static void
test_closed_and_timeout(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	char buf[64];
	int u;

	setup(CFG_CHECK_HTTP);
	t_reply = NULL; /* the listener accepts and closes: no status */
	t_check();
	CU_ASSERT_EQUAL(t_hc()->why, HEALTH_CHECK_WHY_CLOSED);

	setup(CFG_CHECK_UDP);
	snprintf(t_cfg.check.send, sizeof(t_cfg.check.send), "ping");
	snprintf(t_cfg.check.expect, sizeof(t_cfg.check.expect), "pong");
	u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	CU_ASSERT_FATAL(u >= 0);
	CU_ASSERT_FATAL(bind(u, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	getsockname(u, (struct sockaddr *)&sa, &sl);
	t_be.port = sa.sin_port;
	health_check_tick(t_now);
	t_spin(20);
	CU_ASSERT_PTR_NOT_NULL(t_hc()->probe); /* nobody answered yet */
	t_now += t_cfg.check.timeout_ms - 1;
	health_check_tick(t_now);
	CU_ASSERT_PTR_NOT_NULL(t_hc()->probe);
	t_now += 1;
	health_check_tick(t_now);
	CU_ASSERT_PTR_NULL(t_hc()->probe);
	CU_ASSERT_EQUAL(t_hc()->why, HEALTH_CHECK_WHY_TIMEOUT);
	CU_ASSERT_EQUAL(t_hc()->passed, 0);
	/* Now it answers: a wrong answer, then the right one. */
	while (recv(u, buf, sizeof(buf), 0) > 0)
		;
	t_now += t_cfg.check.interval_ms;
	health_check_tick(t_now);
	t_spin(20);
	sl = sizeof(sa);
	if (recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &sl) > 0)
		sendto(u, "nope", 4, 0, (struct sockaddr *)&sa, sl);
	t_spin(50);
	CU_ASSERT_EQUAL(t_hc()->why, HEALTH_CHECK_WHY_BAD_ANSWER);
	t_now += t_cfg.check.interval_ms;
	health_check_tick(t_now);
	t_spin(20);
	sl = sizeof(sa);
	if (recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&sa, &sl) > 0)
		sendto(u, "pong!", 5, 0, (struct sockaddr *)&sa, sl);
	t_spin(50);
	CU_ASSERT_EQUAL(t_hc()->passed, 1);
	close(u);
}

/* No check configured: off, nothing in flight. */
static void
test_off(void)
{
	setup(CFG_CHECK_TCP);
	t_check();
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_UP);
	t_cfg.check.type = CFG_CHECK_NONE;
	t_check();
	CU_ASSERT_EQUAL(t_hc()->state, HEALTH_CHECK_OFF);
	CU_ASSERT_FALSE(health_check_down(&t_be));
	health_check_fini();
}

static CU_TestInfo tests[] = { { "first_pass_is_up", test_first_pass_is_up },
	{ "rise_and_fall", test_rise_and_fall },
	{ "http_status", test_http_status },
	{ "closed_and_timeout", test_closed_and_timeout }, { "off", test_off },
	CU_TEST_INFO_NULL };

static CU_SuiteInfo suites[] = { { .pName = "health_check", .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}

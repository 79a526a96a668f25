/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console transports. Each connection is non-blocking in ctl's epoll set:
 * bytes are gathered into lines, each line runs through the registry, and
 * the reply plus the empty line that ends it go out as the socket accepts
 * them. A client that sends a line longer than CONSOLE_LINE_MAX gets one
 * error and the rest of that line is skipped; one that stops reading is
 * cut off once CONSOLE_OUT_MAX bytes wait for it; a client that half-closes
 * still gets the replies to everything it sent. Binary junk is the
 * tokenizer's business: it answers with an error naming the byte.
 *
 * One registry serves both listeners, so a command behaves the same on
 * the unix socket and on telnet; only the access level differs. The
 * alternative, DPDK's cmdline library, was rejected: it binds one
 * terminal per instance and has no notion of access levels or JSON.
 *
 * With console.tls the telnet listener speaks TLS only (console_tls.c
 * owns OpenSSL; this file only calls it). A TLS session is authenticated
 * by a client certificate verified in the handshake, or else by a first
 * line "auth <password>": until then every other line but 'quit' is
 * refused and nothing runs. 'auth' is taken here, before the registry,
 * rather than registered as a command: the registry echoes words in its
 * errors, logs nothing about secrets, and has no notion of a session that
 * may not yet run even 'help'. A session that has not authenticated
 * within CONSOLE_AUTH_S, or fails CONSOLE_AUTH_TRIES times, is closed, and
 * at most CONSOLE_PENDING_MAX wait at once, so that strangers on the
 * network cannot take the connection slots the unix socket needs.
 */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "console.h"
#include "console_app.h"
#include "cmd.h"
#include "console_tls.h"
#include "ctl.h"
#include "module.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("console")

#define CONSOLE_CONN_MAX 64	    /* connections at once, all listeners */
#define CONSOLE_OUT_MAX (16u << 20) /* bytes queued before cutting off */
#define CONSOLE_BACKLOG 16	    /* pending connections */
/* TLS sessions not yet authenticated: a quarter of CONSOLE_CONN_MAX. */
#define CONSOLE_PENDING_MAX 16
/* s from accept to authenticated: room to type 'auth' by hand. */
#define CONSOLE_AUTH_S 30
#define CONSOLE_AUTH_TRIES 3 /* wrong passwords before closing */
/*
 * TLS reads of 4 KiB per event: two full 16 KiB records, yet a client
 * that keeps sending cannot hold ctl for long.
 */
#define CONSOLE_TLS_READS 8
#define CONSOLE_PEER_SIZE 64 /* "[v6 address]:port" and a NUL */

struct con_listener {
	struct ctl_io io;
	enum console_level level;
	const char *what;	 /* "unix" or "telnet", for logs */
	struct console_tls *tls; /* NULL: plain text */
};

struct con_conn {
	struct ctl_io io;
	struct console_ctx ctx;
	/* bytes of the line being read: the limit, a telnet '\r', a NUL */
	char in[CONSOLE_LINE_MAX + 2];
	size_t in_len;
	bool skipping;		      /* rest of an over-long line */
	bool peer_closed;	      /* EOF seen: flush and close */
	bool want_out;		      /* EPOLLOUT armed */
	struct console_tls_conn *tls; /* NULL: plain text */
	bool tls_ready;		      /* handshake done */
	bool pending;		      /* TLS, not yet authenticated */
	unsigned int auth_failures;   /* wrong passwords so far */
	uint64_t deadline_ms;	      /* monotonic; close if pending */
	char peer[CONSOLE_PEER_SIZE]; /* "addr:port" or "unix" (logs) */
	struct con_conn *next;
};

static struct {
	struct console_registry *reg;
	struct con_listener unix_l;
	struct con_listener telnet_l;
	struct con_conn *conns;
	unsigned int nb_conns;
	unsigned int nb_pending; /* conns with 'pending' set */
	struct ctl_io timer;	 /* closes the late 'pending' ones */
	char unix_path[108];
} con = {
	.unix_l = { .io = { .fd = -1 } },
	.telnet_l = { .io = { .fd = -1 } },
	.timer = { .fd = -1 },
};

static uint64_t
con_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
con_authenticated(struct con_conn *c)
{
	if (c->pending) {
		c->pending = false;
		con.nb_pending--;
	}
}

static void
con_close(struct con_conn *c)
{
	struct con_conn **pp;

	for (pp = &con.conns; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	ctl_io_del(&c->io);
	con_authenticated(c);
	/* close_notify goes out before the socket closes. */
	console_tls_conn_destroy(c->tls);
	close(c->io.fd);
	/* The line buffer may hold a password. */
	explicit_bzero(c->in, sizeof(c->in));
	console_out_destroy(c->ctx.out);
	free(c);
	con.nb_conns--;
}

/* Send what is queued. @return false if the connection was closed. */
static bool
con_flush(struct con_conn *c)
{
	struct console_out *o = c->ctx.out;
	bool want_out;
	ssize_t n;

	while (console_out_len(o) > 0) {
		if (c->tls != NULL) {
			n = console_tls_write(c->tls, console_out_data(o),
				console_out_len(o));
		} else {
			n = send(c->io.fd, console_out_data(o),
				console_out_len(o),
				MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0)
				n = errno == EWOULDBLOCK ? -EAGAIN : -errno;
		}
		if (n > 0) {
			console_out_consume(o, (size_t)n);
			continue;
		}
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN)
			break;
		con_close(c);
		return false;
	}
	if (console_out_len(o) > CONSOLE_OUT_MAX) {
		WEIR_LOG(WARNING,
			"console: client %s does not read its "
			"replies (%zu bytes queued); closing",
			c->peer, console_out_len(o));
		con_close(c);
		return false;
	}
	/*
	 * TLS may wait for the socket to become readable even with output
	 * queued (then EPOLLOUT would spin), or writable with none (a
	 * handshake flight): it says which.
	 */
	if (c->tls != NULL)
		want_out = console_tls_want_write(c->tls);
	else
		want_out = console_out_len(o) > 0;
	if (want_out != c->want_out) {
		c->want_out = want_out;
		ctl_io_mod(&c->io, EPOLLIN | (c->want_out ? EPOLLOUT : 0));
	}
	if (console_out_len(o) == 0 && (c->ctx.quit || c->peer_closed)) {
		con_close(c);
		return false;
	}
	return true;
}

/*
 * If 'line' is "auth" followed by blanks or nothing, point *password at
 * the rest of the line and return true.
 */
static bool
con_is_auth(char *line, char **password)
{
	line += strspn(line, " \t");
	if (strncmp(line, "auth", 4) != 0 ||
		(line[4] != '\0' && line[4] != ' ' && line[4] != '\t' &&
			line[4] != '\r'))
		return false;
	line += 4;
	*password = line + strspn(line, " \t");
	return true;
}

/* 'quit' alone, the one command a session may run before 'auth'. */
static bool
con_is_quit(const char *line)
{
	size_t n;

	line += strspn(line, " \t");
	n = strcspn(line, " \t\r");
	return n == 4 && strncmp(line, "quit", 4) == 0 &&
		line[n + strspn(line + n, " \t\r")] == '\0';
}

static void
con_auth(struct con_conn *c, char *password)
{
	size_t len = strlen(password);

	/* A telnet client's CRLF is not part of the password. */
	if (len > 0 && password[len - 1] == '\r')
		len--;
	if (!c->pending) {
		console_error(&c->ctx, "this session is already authenticated");
		return;
	}
	if (len > 0 &&
		console_tls_password_ok(con.telnet_l.tls, password, len)) {
		con_authenticated(c);
		WEIR_LOG(INFO,
			"console tls: %s: authenticated by password (level %s)",
			c->peer, console_level_name(c->ctx.level));
		console_printf(&c->ctx, "authenticated; level %s",
			console_level_name(c->ctx.level));
		return;
	}
	c->auth_failures++;
	WEIR_LOG(WARNING, "console tls: %s: wrong password (%u of %d)", c->peer,
		c->auth_failures, CONSOLE_AUTH_TRIES);
	if (c->auth_failures < CONSOLE_AUTH_TRIES) {
		console_error(&c->ctx, "wrong password");
		return;
	}
	console_error(&c->ctx, "wrong password; %d failures, closing",
		CONSOLE_AUTH_TRIES);
	c->ctx.quit = true;
}

static void
con_line(struct con_conn *c, char *line)
{
	char *password;

	if (c->tls != NULL && con_is_auth(line, &password)) {
		con_auth(c, password);
		explicit_bzero(line, strlen(line));
	} else if (c->pending && !con_is_quit(line)) {
		console_error(&c->ctx, "authenticate first: auth <password>");
	} else {
		weir.request_tsc = rte_rdtsc();
		console_exec_line(&c->ctx, line);
		weir.request_tsc = 0;
	}
	console_reply_end(&c->ctx);
}

static void
con_input(struct con_conn *c, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len && !c->ctx.quit; i++) {
		char ch = buf[i];

		if (ch == '\n') {
			if (c->skipping) {
				c->skipping = false;
				c->in_len = 0;
				continue;
			}
			c->in[c->in_len] = '\0';
			c->in_len = 0;
			con_line(c, c->in);
			continue;
		}
		if (c->skipping)
			continue;
		if (c->in_len == CONSOLE_LINE_MAX + 1) {
			c->skipping = true;
			c->in_len = 0;
			console_error(&c->ctx,
				"line longer than %d bytes; it was skipped",
				CONSOLE_LINE_MAX);
			console_reply_end(&c->ctx);
			continue;
		}
		c->in[c->in_len++] = ch;
	}
}

/* The peer has no more to say: a last line without newline still runs. */
static void
con_peer_closed(struct con_conn *c)
{
	c->peer_closed = true;
	if (c->in_len > 0 && !c->skipping) {
		c->in[c->in_len] = '\0';
		c->in_len = 0;
		con_line(c, c->in);
	}
}

/*
 * Handshake, then read what the session decrypts. Called on every event,
 * EPOLLOUT included: a handshake or read may have been waiting for the
 * socket to become writable. @return false if the connection was closed.
 */
static bool
con_tls_input(struct con_conn *c)
{
	char buf[4096];
	unsigned int i;
	ssize_t n;
	int rc;

	if (!c->tls_ready) {
		rc = console_tls_handshake(c->tls);
		if (rc == -EAGAIN)
			return true;
		if (rc < 0) {
			con_close(c);
			return false;
		}
		c->tls_ready = true;
		if (console_tls_peer_verified(c->tls))
			con_authenticated(c);
	}
	for (i = 0; !c->peer_closed; i++) {
		/*
		 * Bytes OpenSSL already decrypted raise no epoll event:
		 * past the read budget, stop only once none are left.
		 */
		if (i >= CONSOLE_TLS_READS && !console_tls_has_pending(c->tls))
			break;
		n = console_tls_read(c->tls, buf, sizeof(buf));
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			con_close(c);
			return false;
		}
		if (n == 0) {
			con_peer_closed(c);
			break;
		}
		con_input(c, buf, (size_t)n);
		if (c->pending)
			explicit_bzero(buf, (size_t)n);
	}
	return true;
}

static void
con_conn_cb(struct ctl_io *io, uint32_t events)
{
	struct con_conn *c = (struct con_conn *)io;
	char buf[4096];
	ssize_t n;

	if (c->tls != NULL) {
		if (!con_tls_input(c))
			return;
	} else if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		n = recv(io->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			con_input(c, buf, (size_t)n);
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			con_peer_closed(c);
	}
	con_flush(c);
}

/* Sessions still unauthenticated at their deadline are closed. */
static void
con_timer_cb(struct ctl_io *io, uint32_t events)
{
	struct con_conn *c, *next;
	uint64_t ticks, now = con_now_ms();

	(void)events;
	(void)!read(io->fd, &ticks, sizeof(ticks));
	for (c = con.conns; c != NULL; c = next) {
		next = c->next;
		if (c->pending && now >= c->deadline_ms) {
			WEIR_LOG(WARNING,
				"console tls: %s: not authenticated "
				"within %d s; closing",
				c->peer, CONSOLE_AUTH_S);
			con_close(c);
		}
	}
}

static void
con_peer_name(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, size, "%s:%u", a, ntohs(s4->sin_port));
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, size, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		snprintf(buf, size, "unix");
	}
}

static void
con_accept_cb(struct ctl_io *io, uint32_t events)
{
	struct con_listener *l = (struct con_listener *)io;
	struct sockaddr_storage ss;
	socklen_t ss_len = sizeof(ss);
	char peer[CONSOLE_PEER_SIZE];
	struct con_conn *c;
	int fd;

	(void)events;
	memset(&ss, 0, sizeof(ss));
	fd = accept4(io->fd, (struct sockaddr *)&ss, &ss_len,
		SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	con_peer_name(&ss, peer, sizeof(peer));
	if (con.nb_conns >= CONSOLE_CONN_MAX) {
		static const char msg[] =
			"error: too many console connections\n\n";

		/* Plain text: a TLS client gets nothing it could read. */
		if (l->tls == NULL)
			(void)!send(fd, msg, sizeof(msg) - 1,
				MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		WEIR_LOG(WARNING, "console %s: refused a connection: %u open",
			l->what, con.nb_conns);
		return;
	}
	if (l->tls != NULL && con.nb_pending >= CONSOLE_PENDING_MAX) {
		close(fd);
		WEIR_LOG(WARNING,
			"console %s: refused %s: %u sessions are "
			"still to authenticate",
			l->what, peer, con.nb_pending);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->ctx.out = console_out_create()) == NULL)
		goto err_conn;
	c->io.fd = fd;
	c->io.cb = con_conn_cb;
	c->ctx.level = l->level;
	c->ctx.reg = con.reg;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	if (l->tls != NULL) {
		c->tls = console_tls_conn_create(l->tls, fd, peer);
		if (c->tls == NULL)
			goto err_out;
		c->deadline_ms = con_now_ms() + CONSOLE_AUTH_S * 1000u;
	}
	if (ctl_io_add(&c->io, EPOLLIN) < 0)
		goto err_tls;
	if (c->tls != NULL) {
		c->pending = true;
		con.nb_pending++;
	}
	c->next = con.conns;
	con.conns = c;
	con.nb_conns++;
	return;

err_tls:
	console_tls_conn_destroy(c->tls);
err_out:
	console_out_destroy(c->ctx.out);
err_conn:
	free(c);
	close(fd);
}

static int
con_listen_unix(const struct cfg_console *cc)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct con_listener *l = &con.unix_l;
	char dir[sizeof(sa.sun_path)], *slash;
	int fd, probe;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", cc->unix_path);
	snprintf(dir, sizeof(dir), "%s", cc->unix_path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			WEIR_LOG(ERR, "console.unix: cannot create %s: %s", dir,
				strerror(errno));
			return -errno;
		}
	}
	/* A socket file left by a crash is removed; a live one is not. */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 &&
		connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(probe);
		WEIR_LOG(ERR, "console.unix: %s is in use by another process",
			cc->unix_path);
		return -EADDRINUSE;
	}
	if (probe >= 0)
		close(probe);
	unlink(cc->unix_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		chmod(cc->unix_path, cc->unix_mode) < 0 ||
		listen(fd, CONSOLE_BACKLOG) < 0) {
		int err = errno;

		WEIR_LOG(ERR, "console.unix: %s: %s", cc->unix_path,
			strerror(err));
		if (fd >= 0)
			close(fd);
		return -err;
	}
	snprintf(con.unix_path, sizeof(con.unix_path), "%s", cc->unix_path);
	l->io.fd = fd;
	l->io.cb = con_accept_cb;
	l->level = (enum console_level)cc->unix_level;
	l->what = "unix";
	WEIR_LOG(INFO, "console on unix socket %s (mode %04o, level %s)",
		cc->unix_path, cc->unix_mode, console_level_name(l->level));
	return ctl_io_add(&l->io, EPOLLIN);
}

/* Open a TCP listener on "addr:port" (config-checked). @return fd or -errno. */
int
console_listen_tcp(const char *spec, const char *what)
{
	struct sockaddr_storage ss;
	struct weir_addr a;
	socklen_t len;
	uint16_t port;
	bool lo;
	int fd, one = 1;

	if (cfg_listen_parse(spec, &a, &port, &lo) < 0)
		return -EINVAL;
	memset(&ss, 0, sizeof(ss));
	if (a.family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a.a, 4);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a.a, 16);
		len = sizeof(*s6);
	}
	fd = socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
		listen(fd, CONSOLE_BACKLOG) < 0) {
		int err = errno;

		WEIR_LOG(ERR, "%s %s: %s", what, spec, strerror(err));
		close(fd);
		return -err;
	}
	return fd;
}

/* A 1 s tick for the authentication deadlines, only with TLS. */
static int
con_timer_start(void)
{
	const struct itimerspec its = {
		.it_interval = { .tv_sec = 1 },
		.it_value = { .tv_sec = 1 },
	};
	int fd, rc;

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (fd < 0 || timerfd_settime(fd, 0, &its, NULL) < 0) {
		rc = -errno;
		WEIR_LOG(ERR, "console: timerfd: %s", strerror(-rc));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	con.timer.fd = fd;
	con.timer.cb = con_timer_cb;
	rc = ctl_io_add(&con.timer, EPOLLIN);
	if (rc < 0) {
		close(fd);
		con.timer.fd = -1;
	}
	return rc;
}

static int
console_app_init(void)
{
	const struct cfg_console *cc = &weir.conf->mgmt.console;
	int rc;

	con.reg = console_registry_create();
	if (con.reg == NULL)
		return -ENOMEM;
	rc = modules_register_cmds(con.reg);
	if (rc < 0)
		return rc;
	if (cc->unix_path[0] != '\0') {
		rc = con_listen_unix(cc);
		if (rc < 0)
			return rc;
	}
	if (cc->telnet[0] != '\0') {
		/* Files first: a bad certificate leaves no port open. */
		if (cc->tls) {
			con.telnet_l.tls = console_tls_create(cc);
			if (con.telnet_l.tls == NULL)
				return -errno;
			rc = con_timer_start();
			if (rc < 0)
				return rc;
		}
		rc = console_listen_tcp(cc->telnet, "console.telnet");
		if (rc < 0)
			return rc;
		con.telnet_l.io.fd = rc;
		con.telnet_l.io.cb = con_accept_cb;
		con.telnet_l.level = (enum console_level)cc->telnet_level;
		con.telnet_l.what = "telnet";
		rc = ctl_io_add(&con.telnet_l.io, EPOLLIN);
		if (rc < 0)
			return rc;
		WEIR_LOG(INFO, "console on telnet %s (%s, level %s)",
			cc->telnet,
			!cc->tls ? "plain text" :
				cc->tls_ca[0] == '\0' ?
				   "TLS, password" :
				!cc->tls_has_password ?
				   "TLS, client certificate" :
				   "TLS, client certificate or password",
			console_level_name(con.telnet_l.level));
	}
	return 0;
}

static void
console_app_fini(void)
{
	while (con.conns != NULL)
		con_close(con.conns);
	if (con.unix_l.io.fd >= 0) {
		ctl_io_del(&con.unix_l.io);
		close(con.unix_l.io.fd);
		unlink(con.unix_path);
		con.unix_l.io.fd = -1;
	}
	if (con.telnet_l.io.fd >= 0) {
		ctl_io_del(&con.telnet_l.io);
		close(con.telnet_l.io.fd);
		con.telnet_l.io.fd = -1;
	}
	if (con.timer.fd >= 0) {
		ctl_io_del(&con.timer);
		close(con.timer.fd);
		con.timer.fd = -1;
	}
	console_tls_destroy(con.telnet_l.tls);
	con.telnet_l.tls = NULL;
	console_registry_destroy(con.reg);
	con.reg = NULL;
}

const struct weir_module console_module = {
	.name = "console",
	.after = "ctl events",
	.init = console_app_init,
	.fini = console_app_fini,
	.cmds = cmd_table,
};

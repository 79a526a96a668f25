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
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cfg.h"
#include "cmd.h"
#include "console.h"
#include "console_app.h"
#include "ctl.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("console")

#define CONSOLE_CONN_MAX 64		/* connections at once, all listeners */
#define CONSOLE_OUT_MAX (16u << 20)	/* bytes queued before cutting off */
#define CONSOLE_BACKLOG 16		/* pending connections */

struct con_listener {
	struct ctl_io io;
	enum console_level level;
	const char *what;		/* "unix" or "telnet", for logs */
};

struct con_conn {
	struct ctl_io io;
	struct console_ctx ctx;
	/* bytes of the line being read: the limit, a telnet '\r', a NUL */
	char in[CONSOLE_LINE_MAX + 2];
	size_t in_len;
	bool skipping;			/* rest of an over-long line */
	bool peer_closed;		/* EOF seen: flush and close */
	bool want_out;			/* EPOLLOUT armed */
	struct con_conn *next;
};

static struct {
	struct console_registry *reg;
	struct con_listener unix_l;
	struct con_listener telnet_l;
	struct con_conn *conns;
	unsigned int nb_conns;
	char unix_path[108];
} con = {
	.unix_l = { .io = { .fd = -1 } },
	.telnet_l = { .io = { .fd = -1 } },
};

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
	close(c->io.fd);
	console_out_destroy(c->ctx.out);
	free(c);
	con.nb_conns--;
}

/* Send what is queued. @return false if the connection was closed. */
static bool
con_flush(struct con_conn *c)
{
	struct console_out *o = c->ctx.out;
	ssize_t n;

	while (console_out_len(o) > 0) {
		n = send(c->io.fd, console_out_data(o), console_out_len(o),
			MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			console_out_consume(o, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		con_close(c);
		return false;
	}
	if (console_out_len(o) > CONSOLE_OUT_MAX) {
		WEIR_LOG(WARNING, "console: client does not read its replies "
			"(%zu bytes queued); closing", console_out_len(o));
		con_close(c);
		return false;
	}
	if ((console_out_len(o) > 0) != c->want_out) {
		c->want_out = console_out_len(o) > 0;
		ctl_io_mod(&c->io, EPOLLIN | (c->want_out ? EPOLLOUT : 0));
	}
	if (console_out_len(o) == 0 && (c->ctx.quit || c->peer_closed)) {
		con_close(c);
		return false;
	}
	return true;
}

static void
con_line(struct con_conn *c, const char *line)
{
	console_exec_line(&c->ctx, line);
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
			console_error(&c->ctx, "line longer than %d bytes; it "
				"was skipped", CONSOLE_LINE_MAX);
			console_reply_end(&c->ctx);
			continue;
		}
		c->in[c->in_len++] = ch;
	}
}

static void
con_conn_cb(struct ctl_io *io, uint32_t events)
{
	struct con_conn *c = (struct con_conn *)io;
	char buf[4096];
	ssize_t n;

	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		n = recv(io->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0) {
			con_input(c, buf, (size_t)n);
		} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
			/* Half-closed: a last line without newline still runs. */
			c->peer_closed = true;
			if (c->in_len > 0 && !c->skipping) {
				c->in[c->in_len] = '\0';
				c->in_len = 0;
				con_line(c, c->in);
			}
		}
	}
	con_flush(c);
}

static void
con_accept_cb(struct ctl_io *io, uint32_t events)
{
	struct con_listener *l = (struct con_listener *)io;
	struct con_conn *c;
	int fd;

	(void)events;
	fd = accept4(io->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (con.nb_conns >= CONSOLE_CONN_MAX) {
		static const char msg[] =
			"error: too many console connections\n\n";

		(void)!send(fd, msg, sizeof(msg) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
		WEIR_LOG(WARNING, "console %s: refused a connection: %u open",
			l->what, con.nb_conns);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->ctx.out = console_out_create()) == NULL) {
		free(c);
		close(fd);
		return;
	}
	c->io.fd = fd;
	c->io.cb = con_conn_cb;
	c->ctx.level = l->level;
	c->ctx.reg = con.reg;
	if (ctl_io_add(&c->io, EPOLLIN) < 0) {
		console_out_destroy(c->ctx.out);
		free(c);
		close(fd);
		return;
	}
	c->next = con.conns;
	con.conns = c;
	con.nb_conns++;
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
	if (probe >= 0 && connect(probe, (struct sockaddr *)&sa,
			sizeof(sa)) == 0) {
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
	struct cfg_addr a;
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

int
console_app_init(void)
{
	const struct cfg_console *cc = &weir.conf->mgmt.console;
	int rc;

	con.reg = console_registry_create();
	if (con.reg == NULL)
		return -ENOMEM;
	rc = cmd_register_all(con.reg);
	if (rc < 0) {
		WEIR_LOG(ERR, "console commands: %s", strerror(-rc));
		return rc;
	}
	if (cc->unix_path[0] != '\0') {
		rc = con_listen_unix(cc);
		if (rc < 0)
			return rc;
	}
	if (cc->telnet[0] != '\0') {
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
		WEIR_LOG(INFO, "console on telnet %s (level %s)", cc->telnet,
			console_level_name(con.telnet_l.level));
	}
	return 0;
}

void
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
	console_registry_destroy(con.reg);
	con.reg = NULL;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * weirctl: the command-line client of weir's management console. It speaks
 * the console's line protocol over the unix socket (default) or TCP: one
 * line of commands out, a reply back that ends with an empty line. Four
 * modes share one connection layer: one-shot (the command line's words),
 * script (stdin lines when stdin is not a terminal), interactive (libedit
 * with history and TAB completion) and 'top', a live view that turns the
 * JSON counters of 'show services -j' and 'show backends -j' into rates.
 *
 * The reply reader never trusts read boundaries: it keeps one growing
 * buffer, looks for the terminating empty line, and keeps whatever follows
 * it for the next reply. Completion is not compiled in: weirctl asks the
 * server for 'help' and builds the word tree from its usage lines, so a new
 * server command completes without a new client. The server's own prompt
 * mode was rejected: waiting for "> " would confuse a reply line that
 * starts with it, while an empty line cannot occur inside a reply.
 *
 * Exit status: 0 success, 1 a reply held an "error: " line, 2 usage error,
 * 3 no connection (refused, lost or timed out).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <histedit.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <locale.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#ifndef WEIR_VERSION
#define WEIR_VERSION "0.1.0"
#endif

#define WEIRCTL_SOCKET_DEFAULT "/run/weir/weir.sock"
#define WEIRCTL_TCP_HOST_DEFAULT "127.0.0.1"
#define WEIRCTL_TCP_PORT_DEFAULT "5200"
#define WEIRCTL_TIMEOUT_S_DEFAULT 10.0 /* s; a slower reply is lost */
#define WEIRCTL_PROMPT "weir> "
#define WEIRCTL_HISTORY_FILE ".weirctl_history"
#define WEIRCTL_HISTORY_LEN 1000	/* lines kept in the history file */
#define WEIRCTL_RECV_MIN 65536		/* bytes free for each recv() */
#define WEIRCTL_TOP_INTERVAL_S 1.0	/* default seconds between samples */
#define WEIRCTL_TOP_INTERVAL_MIN_S 0.05 /* below this, rates are noise */
#define WEIRCTL_TERM_COLS 80		/* when the terminal won't say */
#define TOP_CELL_SIZE 96		/* bytes: an IPv6 VIP, range, proto */

#define EXIT_REPLY_ERROR 1
#define EXIT_USAGE 2
#define EXIT_CONN 3

/* A quitting signal (INT, TERM, HUP) seen, or 0. */
static volatile sig_atomic_t stop_signo;
/* The terminal was resized since the last look. */
static volatile sig_atomic_t winch_pending;
/* Interactive: ^Z seen at the prompt; continued after a stop. */
static volatile sig_atomic_t tstp_pending;
static volatile sig_atomic_t cont_pending;

/* One connection to the console and the bytes received on it. */
struct conn {
	int fd;
	char *buf;		  /* received bytes; a reply starts at buf[0] */
	size_t size;		  /* bytes of buf in use */
	size_t cap;		  /* bytes allocated */
	size_t scan;		  /* bytes already searched for the end */
	size_t consumed;	  /* bytes of the last reply handed out */
	unsigned int nb_skip;	  /* replies due to abandoned commands */
	bool eof;		  /* the server closed its side */
	const char *err_text;	  /* why connecting failed, if no errno */
	int timeout_ms;		  /* per reply, -1 for none */
	char name[PATH_MAX + 16]; /* the socket or address, for messages */
};

/* A growing text buffer. */
struct sbuf {
	char *data;
	size_t len; /* bytes used, data[len] is '\0' */
	size_t cap;
};

static void
oom(void)
{
	fputs("weirctl: out of memory\n", stderr);
	exit(EXIT_FAILURE);
}

static void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size != 0 ? size : 1);
	if (p == NULL)
		oom();
	return p;
}

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		oom();
	return d;
}

static void
sbuf_reserve(struct sbuf *b, size_t more)
{
	size_t cap = b->cap != 0 ? b->cap : 256;

	if (b->len + more + 1 <= b->cap)
		return;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

static void
sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	sbuf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void
sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

static void
sbuf_pad(struct sbuf *b, size_t n)
{
	sbuf_reserve(b, n);
	memset(b->data + b->len, ' ', n);
	b->len += n;
	b->data[b->len] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sbuf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static void
sbuf_free(struct sbuf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Milliseconds left until 'deadline' (now_s() time), -1 for no deadline. */
static int
ms_left(double deadline)
{
	double left;

	if (deadline < 0)
		return -1;
	left = (deadline - now_s()) * 1000.0;
	if (left <= 0)
		return 0;
	if (left > INT_MAX)
		return INT_MAX;
	return (int)left + 1;
}

static double
deadline_after_ms(int timeout_ms)
{
	return timeout_ms < 0 ? -1.0 : now_s() + timeout_ms / 1000.0;
}

/* Terminal columns and rows of 'fd', 0 when it is not a terminal. */
static void
term_size(int fd, unsigned int *cols, unsigned int *rows)
{
	struct winsize ws;

	*cols = 0;
	*rows = 0;
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0) {
		*cols = ws.ws_col;
		*rows = ws.ws_row;
	}
}

/* Display columns of UTF-8 text: one per character, not per byte. */
static size_t
text_cols(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

static void
on_stop_signal(int signo)
{
	stop_signo = signo;
}

static void
on_winch(int signo)
{
	(void)signo;
	winch_pending = 1;
}

static void
on_job_control(int signo)
{
	if (signo == SIGTSTP)
		tstp_pending = 1;
	else
		cont_pending = 1;
}

static void
signal_set(int signo, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = fn;
	sigaction(signo, &sa, NULL);
}

/*
 * Quitting signals only set a flag and interrupt the blocking call (no
 * SA_RESTART), so every mode unwinds through its own cleanup: the terminal
 * is restored and the history saved. SIGPIPE is ignored so a closed
 * connection is an EPIPE to report, not a silent death.
 */
static void
signals_setup(void)
{
	signal_set(SIGINT, on_stop_signal);
	signal_set(SIGTERM, on_stop_signal);
	signal_set(SIGHUP, on_stop_signal);
	signal_set(SIGWINCH, on_winch);
	signal_set(SIGPIPE, SIG_IGN);
}

/*
 * Connection layer.
 */

static int
fd_set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/*
 * Wait until 'fd' has 'events' or the deadline passes.
 * @return 0, -ETIMEDOUT, -EINTR (quitting signal) or -errno.
 */
static int
fd_wait(int fd, short events, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	for (;;) {
		n = poll(&pfd, 1, ms_left(deadline));
		if (n > 0)
			return 0;
		if (n == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
		if (stop_signo != 0)
			return -EINTR;
	}
}

static int
conn_open_unix(struct conn *c, const char *path)
{
	struct sockaddr_un sun;
	struct timeval tv;
	int fd, rc;

	snprintf(c->name, sizeof(c->name), "%s", path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/*
	 * A unix connect() only blocks while the listen backlog is full; the
	 * send timeout bounds that wait (a non-blocking connect would fail
	 * with EAGAIN instead of waiting).
	 */
	if (c->timeout_ms >= 0) {
		tv.tv_sec = c->timeout_ms / 1000;
		tv.tv_usec = (c->timeout_ms % 1000) * 1000;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	}
	do {
		rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	} while (rc < 0 && errno == EINTR && stop_signo == 0);
	if (rc < 0) {
		rc = errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT :
							       -errno;
		goto err_close;
	}
	rc = fd_set_nonblock(fd);
	if (rc < 0)
		goto err_close;
	c->fd = fd;
	return 0;

err_close:
	close(fd);
	return rc;
}

/* Split "host:port", "[v6]:port", "host", "[v6]" or a bare IPv6 address. */
static int
tcp_spec_parse(const char *spec, char *host, size_t host_size, char *port,
	size_t port_size)
{
	const char *h = spec, *p = NULL, *colon;
	size_t hlen;

	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');

		if (end == NULL || (end[1] != '\0' && end[1] != ':'))
			return -EINVAL;
		h = spec + 1;
		hlen = (size_t)(end - h);
		if (end[1] == ':')
			p = end + 2;
	} else {
		colon = strrchr(spec, ':');
		if (colon != NULL && strchr(spec, ':') == colon) {
			hlen = (size_t)(colon - spec);
			p = colon + 1;
		} else {
			/* no colon, or several: a bare IPv6 address */
			hlen = strlen(spec);
		}
	}
	if (hlen == 0) {
		h = WEIRCTL_TCP_HOST_DEFAULT;
		hlen = strlen(h);
	}
	if (p == NULL || *p == '\0')
		p = WEIRCTL_TCP_PORT_DEFAULT;
	if (hlen >= host_size || strlen(p) >= port_size)
		return -EINVAL;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	snprintf(port, port_size, "%s", p);
	return 0;
}

/* Connect to one address without blocking longer than the timeout. */
static int
tcp_connect_one(const struct addrinfo *ai, double deadline)
{
	socklen_t len = sizeof(int);
	int fd, rc, err = 0;

	fd = socket(
		ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -errno;
	rc = fd_set_nonblock(fd);
	if (rc < 0)
		goto err_close;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		if (errno != EINPROGRESS) {
			rc = -errno;
			goto err_close;
		}
		rc = fd_wait(fd, POLLOUT, deadline);
		if (rc < 0)
			goto err_close;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err != 0) {
			rc = -err;
			goto err_close;
		}
	}
	return fd;

err_close:
	close(fd);
	return rc;
}

static int
conn_open_tcp(struct conn *c, const char *spec)
{
	char host[256], port[32];
	struct addrinfo hints, *res, *ai;
	double deadline = deadline_after_ms(c->timeout_ms);
	int rc, fd = -ECONNREFUSED;

	snprintf(c->name, sizeof(c->name), "%s", spec);
	if (tcp_spec_parse(spec, host, sizeof(host), port, sizeof(port)) < 0)
		return -EINVAL;
	snprintf(c->name, sizeof(c->name),
		strchr(host, ':') != NULL ? "[%s]:%s" : "%s:%s", host, port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		c->err_text = gai_strerror(rc);
		return -EHOSTUNREACH;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = tcp_connect_one(ai, deadline);
		if (fd >= 0 || fd == -EINTR)
			break;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return fd;
	c->fd = fd;
	return 0;
}

static void
conn_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->buf);
	c->buf = NULL;
	c->size = 0;
	c->cap = 0;
}

/* One non-blocking recv() into the buffer. @return bytes, 0 (EOF), -errno. */
static int
conn_recv(struct conn *c)
{
	ssize_t n;

	if (c->cap - c->size < WEIRCTL_RECV_MIN) {
		size_t cap = c->cap != 0 ? c->cap : WEIRCTL_RECV_MIN;

		while (cap - c->size < WEIRCTL_RECV_MIN)
			cap *= 2;
		c->buf = xrealloc(c->buf, cap);
		c->cap = cap;
	}
	do {
		n = recv(c->fd, c->buf + c->size, c->cap - c->size, 0);
	} while (n < 0 && errno == EINTR && stop_signo == 0);
	if (n < 0)
		return -errno;
	if (n == 0)
		c->eof = true;
	c->size += (size_t)n;
	return (int)n;
}

/*
 * Send 'line' and a newline. A quitting signal stops the send only before
 * its first byte: half a line would run together with the next one.
 * @return 0; -ECANCELED (signal, nothing sent); -ETIMEDOUT; -errno.
 */
static int
conn_send_line(struct conn *c, const char *line)
{
	double deadline = deadline_after_ms(c->timeout_ms);
	struct iovec iov[2] = {
		{ .iov_base = (void *)(uintptr_t)line,
			.iov_len = strlen(line) },
		{ .iov_base = (void *)(uintptr_t) "\n", .iov_len = 1 },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	bool sent = false;
	ssize_t n;
	int rc;

	while (msg.msg_iovlen > 0) {
		n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
				errno == EWOULDBLOCK)
				rc = errno == EINTR ?
					-EINTR :
					fd_wait(c->fd, POLLOUT, deadline);
			else
				rc = -errno;
			if (rc == -EINTR && stop_signo != 0 && !sent)
				return -ECANCELED;
			if (rc < 0 && rc != -EINTR)
				return rc;
			continue;
		}
		sent = true;
		while (msg.msg_iovlen > 0 &&
			(size_t)n >= msg.msg_iov->iov_len) {
			n -= (ssize_t)msg.msg_iov->iov_len;
			msg.msg_iov++;
			msg.msg_iovlen--;
		}
		if (msg.msg_iovlen > 0) {
			msg.msg_iov->iov_base = (char *)msg.msg_iov->iov_base +
				n;
			msg.msg_iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

/* Forget the reply handed out last, keeping the bytes that followed it. */
static void
conn_consume(struct conn *c)
{
	if (c->consumed == 0)
		return;
	memmove(c->buf, c->buf + c->consumed, c->size - c->consumed);
	c->size -= c->consumed;
	c->consumed = 0;
	c->scan = 0;
}

/*
 * Read the next reply: the bytes up to the empty line that ends it. The
 * text (each line with its '\n', the empty line excluded) stays valid until
 * the next call. Replies of abandoned commands are skipped first.
 * @return 0; -ECONNRESET when the server closed first ('*text'/'*len' then
 * hold what came); -ETIMEDOUT; -EINTR after a quitting signal; -errno.
 */
static int
conn_reply(struct conn *c, const char **text, size_t *len)
{
	double deadline = deadline_after_ms(c->timeout_ms);
	size_t i;
	int rc;

	*text = "";
	*len = 0;
	for (;;) {
		conn_consume(c);
		for (i = c->scan; i < c->size; i++)
			if (c->buf[i] == '\n' &&
				(i == 0 || c->buf[i - 1] == '\n'))
				break;
		if (i < c->size) {
			c->consumed = i + 1;
			if (c->nb_skip > 0) {
				c->nb_skip--;
				continue;
			}
			*text = c->buf;
			*len = i;
			return 0;
		}
		c->scan = c->size;
		if (c->eof) {
			*text = c->buf != NULL ? c->buf : "";
			*len = c->size;
			c->consumed = c->size;
			return -ECONNRESET;
		}
		rc = fd_wait(c->fd, POLLIN, deadline);
		if (rc < 0)
			return rc;
		rc = conn_recv(c);
		if (rc < 0 && rc != -EAGAIN && rc != -EWOULDBLOCK)
			return rc;
	}
}

static void
conn_error(const struct conn *c, int err)
{
	if (err == -ECONNRESET)
		fprintf(stderr, "weirctl: %s: connection closed by server\n",
			c->name);
	else if (err == -ETIMEDOUT)
		fprintf(stderr, "weirctl: %s: no reply within %.3g s: %s\n",
			c->name, c->timeout_ms / 1000.0, strerror(ETIMEDOUT));
	else if (err != -EINTR && err != -ECANCELED)
		fprintf(stderr, "weirctl: %s: %s\n", c->name, strerror(-err));
}

/* @return true if a line of 'text' starts with "error: ". */
static bool
reply_has_error(const char *text, size_t len)
{
	static const char tag[] = "error: ";
	size_t i;

	for (i = 0; i + sizeof(tag) - 1 <= len;) {
		const char *nl;

		if (memcmp(text + i, tag, sizeof(tag) - 1) == 0)
			return true;
		nl = memchr(text + i, '\n', len - i);
		if (nl == NULL)
			break;
		i = (size_t)(nl - text) + 1;
	}
	return false;
}

/* @return true if a ';'-separated command of 'line' is the lone 'word'. */
static bool
line_has_cmd(const char *line, const char *word)
{
	size_t wlen = strlen(word);
	const char *p = line;

	for (;;) {
		size_t n;

		p += strspn(p, " \t");
		n = strcspn(p, " \t;");
		if (n == wlen && strncmp(p, word, n) == 0) {
			const char *q = p + n + strspn(p + n, " \t");

			if (*q == '\0' || *q == ';')
				return true;
		}
		p = strchr(p, ';');
		if (p == NULL)
			return false;
		p++;
	}
}

static bool
line_has_quit(const char *line)
{
	return line_has_cmd(line, "quit") || line_has_cmd(line, "exit");
}

/* The exit status after a quitting signal. */
static int
exit_signal(void)
{
	return 128 + stop_signo;
}

/*
 * Send one line and print its reply to stdout. Sets '*had_error' when the
 * reply holds an "error: " line. A line that quits may see the server close
 * instead of ending the reply: that is its end, not a failure.
 * @return 0; -ECANCELED (signal, nothing sent); -EINTR (signal, reply
 * pending); -ETIMEDOUT (no reply in time); -ECOMM (the line could not be
 * sent in time); -ECONNRESET (server closed); another negative errno.
 */
static int
run_line(struct conn *c, const char *line, bool *had_error)
{
	const char *text;
	size_t len;
	int rc;

	if (line_has_cmd(line, "prompt")) {
		/* its "> " after every reply would prefix the next one */
		fputs("weirctl: 'prompt' is for terminals talking to the "
		      "console directly, not for weirctl\n",
			stderr);
		*had_error = true;
		return 0;
	}
	rc = conn_send_line(c, line);
	if (rc < 0)
		return rc == -ETIMEDOUT ? -ECOMM : rc;
	rc = conn_reply(c, &text, &len);
	if (rc == 0 || rc == -ECONNRESET) {
		fwrite(text, 1, len, stdout);
		if (len > 0 && text[len - 1] != '\n')
			fputc('\n', stdout);
		if (reply_has_error(text, len))
			*had_error = true;
		if (rc == -ECONNRESET && line_has_quit(line))
			rc = 0;
	}
	fflush(stdout);
	return rc;
}

/*
 * Completion: a tree of command words built from the server's help.
 */

struct compl_node {
	char *word;		      /* NULL at the root */
	struct compl_node **children; /* sorted by word */
	size_t nb_children;
};

static struct compl_node *
compl_child(struct compl_node *n, const char *word, bool add)
{
	struct compl_node *child;
	size_t i;
	int cmp = 1;

	for (i = 0; i < n->nb_children; i++) {
		cmp = strcmp(n->children[i]->word, word);
		if (cmp >= 0)
			break;
	}
	if (i < n->nb_children && cmp == 0)
		return n->children[i];
	if (!add)
		return NULL;
	child = calloc(1, sizeof(*child));
	if (child == NULL)
		oom();
	child->word = xstrdup(word);
	n->children = xrealloc(
		n->children, (n->nb_children + 1) * sizeof(*n->children));
	memmove(n->children + i + 1, n->children + i,
		(n->nb_children - i) * sizeof(*n->children));
	n->children[i] = child;
	n->nb_children++;
	return child;
}

static void
compl_free(struct compl_node *n)
{
	size_t i;

	for (i = 0; i < n->nb_children; i++) {
		compl_free(n->children[i]);
		free(n->children[i]);
	}
	free(n->children);
	free(n->word);
	memset(n, 0, sizeof(*n));
}

/* A command word: lower case letters, digits, '-', '_', '.', no leading '-'. */
static bool
compl_is_word(const char *w, size_t n)
{
	size_t i;

	if (n == 0 || w[0] == '-' || w[0] == '_' || w[0] == '.')
		return false;
	for (i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') ||
			    (w[i] >= '0' && w[i] <= '9') || w[i] == '-' ||
			    w[i] == '_' || w[i] == '.'))
			return false;
	return true;
}

/*
 * Add the fixed words of one help line, "usage  description": the usage
 * ends at the first tab or run of two spaces, its fixed words at the first
 * argument ('<', '[', '{', '(', '|' or an option). Lines that start with a
 * blank (continuations), error lines and headings add nothing.
 */
static void
compl_add_usage(struct compl_node *root, const char *line, size_t len)
{
	struct compl_node *n = root;
	char word[64];
	size_t i = 0, end = len, w;

	if (len == 0 || line[0] == ' ' || line[0] == '\t')
		return;
	for (i = 0; i < len; i++)
		if (line[i] == '\t' ||
			(line[i] == ' ' && i + 1 < len && line[i + 1] == ' ')) {
			end = i;
			break;
		}
	for (i = 0; i < end;) {
		while (i < end && line[i] == ' ')
			i++;
		for (w = i; w < end && line[w] != ' '; w++)
			;
		if (w == i)
			break;
		if (!compl_is_word(line + i, w - i) || w - i >= sizeof(word))
			break;
		memcpy(word, line + i, w - i);
		word[w - i] = '\0';
		n = compl_child(n, word, true);
		i = w;
	}
}

static void
compl_build(struct compl_node *root, const char *help, size_t len)
{
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(help + i, '\n', len - i);
		size_t n = nl != NULL ? (size_t)(nl - (help + i)) : len - i;

		if (!(n >= 7 && memcmp(help + i, "error: ", 7) == 0))
			compl_add_usage(root, help + i, n);
		i += n + 1;
	}
	/* weirctl's own words, whatever the server calls them */
	compl_child(root, "quit", true);
	compl_child(root, "exit", true);
}

/*
 * Candidates for the word being typed at the end of 'text' (the line up to
 * the cursor): the children of the node reached by the finished words of
 * the last ';'-separated command that start with the partial word.
 * @return the node whose children to match, or NULL when a finished word is
 * unknown; '*partial' points into 'text'.
 */
static struct compl_node *
compl_find(struct compl_node *root, char *text, const char **partial)
{
	struct compl_node *n = root;
	char *p = strrchr(text, ';'), *w;

	p = p != NULL ? p + 1 : text;
	for (;;) {
		p += strspn(p, " \t");
		w = p;
		p += strcspn(p, " \t");
		if (*p == '\0') {
			*partial = w;
			return n;
		}
		*p++ = '\0';
		n = compl_child(n, w, false);
		if (n == NULL)
			return NULL;
	}
}

/*
 * Interactive mode.
 */

struct cli {
	struct conn *conn;
	struct compl_node compl ; /* root of the completion tree */
	mbstate_t mbs;		  /* partial multibyte input char */
	int in_fd;
	bool lost;    /* the server closed while idle */
	int lost_err; /* why, a negative errno */
};

static char *
cli_prompt(EditLine *el)
{
	static char prompt[] = WEIRCTL_PROMPT;

	(void)el;
	return prompt;
}

/* Print 'words' in columns, as a shell lists completions. */
static void
cli_list(FILE *out, struct compl_node *const *words, size_t nb, size_t first,
	const char *prefix)
{
	size_t i, width = 0, nb_match = 0, nb_cols, nb_rows, r, col;
	unsigned int cols, rows;
	bool pad;

	for (i = first;
		i < nb && strncmp(words[i]->word, prefix, strlen(prefix)) == 0;
		i++) {
		if (strlen(words[i]->word) > width)
			width = strlen(words[i]->word);
		nb_match++;
	}
	term_size(fileno(out), &cols, &rows);
	if (cols == 0)
		cols = WEIRCTL_TERM_COLS;
	width += 2;
	nb_cols = width < cols ? cols / width : 1;
	nb_rows = (nb_match + nb_cols - 1) / nb_cols;
	fputc('\n', out);
	for (r = 0; r < nb_rows; r++) {
		for (col = 0; col < nb_cols; col++) {
			i = col * nb_rows + r;
			if (i >= nb_match)
				break;
			/* The last column needs no padding. */
			pad = col + 1 < nb_cols && i + nb_rows < nb_match;
			fprintf(out, "%-*s", pad ? (int)width : 0,
				words[first + i]->word);
		}
		fputc('\n', out);
	}
	fflush(out);
}

/*
 * TAB: complete the word before the cursor. One candidate is inserted with
 * a space after it; several extend the word to their common prefix, or are
 * listed when they share nothing more.
 */
static unsigned char
cli_complete(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	struct compl_node *n;
	struct cli *cli = NULL;
	const char *partial;
	size_t len = (size_t)(li->cursor - li->buffer), plen, first, i, common;
	char *text;

	(void)ch;
	el_get(el, EL_CLIENTDATA, &cli);
	text = xrealloc(NULL, len + 1);
	memcpy(text, li->buffer, len);
	text[len] = '\0';
	n = compl_find(&cli->compl, text, &partial);
	if (n == NULL)
		goto beep;
	plen = strlen(partial);
	for (first = 0; first < n->nb_children; first++)
		if (strncmp(n->children[first]->word, partial, plen) == 0)
			break;
	if (first == n->nb_children)
		goto beep;
	/* matches are contiguous: the children are sorted */
	common = strlen(n->children[first]->word);
	for (i = first + 1; i < n->nb_children &&
		strncmp(n->children[i]->word, partial, plen) == 0;
		i++) {
		size_t k = plen;

		while (k < common &&
			n->children[i]->word[k] == n->children[first]->word[k])
			k++;
		common = k;
	}
	if (i == first + 1) {
		char *ins = xrealloc(NULL, common - plen + 2);

		memcpy(ins, n->children[first]->word + plen, common - plen);
		strcpy(ins + common - plen, " ");
		el_insertstr(el, ins);
		free(ins);
		free(text);
		return CC_REFRESH;
	}
	if (common > plen) {
		char *ins = xrealloc(NULL, common - plen + 1);

		memcpy(ins, n->children[first]->word + plen, common - plen);
		ins[common - plen] = '\0';
		el_insertstr(el, ins);
		free(ins);
		free(text);
		return CC_REFRESH;
	}
	cli_list(stdout, n->children, n->nb_children, first, partial);
	free(text);
	return CC_REDISPLAY;

beep:
	free(text);
	return CC_ERROR;
}

/*
 * Signals that arrived while waiting for a key. libedit's own handling
 * (EL_SIGNAL) was rejected: it re-raises with kill(0, ...), which signals
 * the whole process group. Here ^Z hands the terminal back in its
 * original mode before stopping, and a continue, ours or after a stop
 * from elsewhere, takes it again and redraws the line.
 */
static void
cli_signals(EditLine *el)
{
	if (winch_pending) {
		winch_pending = 0;
		el_resize(el);
	}
	if (tstp_pending) {
		tstp_pending = 0;
		el_set(el, EL_PREP_TERM, 0);
		signal_set(SIGTSTP, SIG_DFL);
		raise(SIGTSTP); /* returns once continued */
		signal_set(SIGTSTP, on_job_control);
		cont_pending = 1;
	}
	if (cont_pending) {
		/* libedit skips a raw switch it believes done: cook first */
		cont_pending = 0;
		el_set(el, EL_PREP_TERM, 0);
		el_set(el, EL_PREP_TERM, 1);
		el_set(el, EL_REFRESH);
	}
}

/*
 * libedit's input function. It waits on the terminal and the connection
 * at once, so a server that goes away is noticed at the prompt rather than
 * at the next command, and a quitting signal ends the read (-1) instead of
 * libedit retrying it.
 */
static int
cli_getc(EditLine *el, wchar_t *wc)
{
	struct cli *cli = NULL;
	struct pollfd pfd[2] = { { .fd = -1 }, { .fd = -1 } };
	char ch;
	ssize_t r;
	size_t m;
	int rc;

	el_get(el, EL_CLIENTDATA, &cli);
	for (;;) {
		if (stop_signo != 0)
			return -1;
		pfd[0].fd = cli->in_fd;
		pfd[1].fd = cli->conn->fd;
		pfd[0].events = POLLIN;
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno != EINTR)
				return -1;
			cli_signals(el);
			continue;
		}
		if (pfd[1].revents != 0) {
			/* late replies of abandoned commands, or EOF */
			rc = conn_recv(cli->conn);
			if (rc == 0 ||
				(rc < 0 && rc != -EAGAIN &&
					rc != -EWOULDBLOCK && rc != -EINTR)) {
				cli->lost = true;
				cli->lost_err = rc < 0 ? rc : -ECONNRESET;
				return -1;
			}
		}
		if (pfd[0].revents == 0)
			continue;
		r = read(cli->in_fd, &ch, 1);
		if (r == 0)
			return 0;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -1;
		}
		m = mbrtowc(wc, &ch, 1, &cli->mbs);
		if (m == (size_t)-2)
			continue;
		if (m == (size_t)-1) {
			memset(&cli->mbs, 0, sizeof(cli->mbs));
			*wc = (wchar_t)(unsigned char)ch;
		}
		return 1;
	}
}

static char *
history_path(void)
{
	const char *home = getenv("HOME");
	struct passwd *pw;
	struct sbuf b = { 0 };

	if (home == NULL || *home == '\0') {
		pw = getpwuid(getuid());
		if (pw == NULL)
			return NULL;
		home = pw->pw_dir;
	}
	sbuf_printf(&b, "%s/%s", home, WEIRCTL_HISTORY_FILE);
	return b.data;
}

/* Strip blanks at both ends, in place. */
static char *
strip(char *s)
{
	size_t n;

	s += strspn(s, " \t\r\n");
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		s[--n] = '\0';
	return s;
}

static bool
is_quit(const char *line)
{
	return strcmp(line, "quit") == 0 || strcmp(line, "exit") == 0;
}

static int
cli_run(struct conn *c)
{
	struct cli cli;
	HistEvent ev;
	History *hist;
	EditLine *el;
	const char *text;
	char *hpath, *copy, *line;
	bool had_error;
	size_t len;
	int rc, count, ret = 0;

	memset(&cli, 0, sizeof(cli));
	cli.conn = c;
	cli.in_fd = fileno(stdin);
	setlocale(LC_CTYPE, "");

	/* the completion tree; a server without help still gets a session */
	rc = conn_send_line(c, "help");
	if (rc == 0)
		rc = conn_reply(c, &text, &len);
	if (rc == 0)
		compl_build(&cli.compl, text, len);
	else if (rc == -ETIMEDOUT) {
		c->nb_skip++;
		fputs("weirctl: no reply to 'help': no completion\n", stderr);
	} else {
		conn_error(c, rc);
		return rc == -EINTR || rc == -ECANCELED ? exit_signal() :
							  EXIT_CONN;
	}

	hist = history_init();
	if (hist == NULL)
		oom();
	history(hist, &ev, H_SETSIZE, WEIRCTL_HISTORY_LEN);
	history(hist, &ev, H_SETUNIQUE, 1);
	hpath = history_path();
	if (hpath != NULL)
		history(hist, &ev, H_LOAD, hpath);

	el = el_init("weirctl", stdin, stdout, stderr);
	if (el == NULL)
		oom();
	el_set(el, EL_CLIENTDATA, &cli);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_PROMPT, cli_prompt);
	el_set(el, EL_HIST, history, hist);
	el_set(el, EL_GETCFN, cli_getc);
	/* the wide call: the narrow one leaks its converted copies */
	el_wset(el, EL_ADDFN, L"weirctl-complete", L"complete a command word",
		cli_complete);
	el_set(el, EL_BIND, "^I", "weirctl-complete", NULL);
	el_source(el, NULL);

	for (;;) {
		const char *in;

		/* outside el_gets() the terminal is as found: stop as usual */
		signal_set(SIGTSTP, on_job_control);
		signal_set(SIGCONT, on_job_control);
		in = el_gets(el, &count);
		signal_set(SIGTSTP, SIG_DFL);
		signal_set(SIGCONT, SIG_DFL);

		if (in == NULL) {
			if (cli.lost) {
				fputc('\n', stderr);
				conn_error(c, cli.lost_err);
				ret = EXIT_CONN;
			} else if (count < 0 && stop_signo == SIGINT) {
				/* ^C drops the line being typed */
				stop_signo = 0;
				fputc('\n', stdout);
				continue;
			} else if (count < 0 && stop_signo != 0) {
				ret = exit_signal();
			} else {
				fputc('\n', stdout);
			}
			break;
		}
		copy = xstrdup(in);
		line = strip(copy);
		if (*line == '\0') {
			free(copy);
			continue;
		}
		history(hist, &ev, H_ENTER, line);
		if (is_quit(line)) {
			free(copy);
			break;
		}
		had_error = false;
		rc = run_line(c, line, &had_error);
		if (rc == 0 && line_has_quit(line)) {
			free(copy);
			break;
		}
		free(copy);
		if (rc == -ECANCELED || rc == -EINTR || rc == -ETIMEDOUT) {
			/* a reply may still come: drop it when it does */
			if (rc != -ECANCELED)
				c->nb_skip++;
			if (rc == -ETIMEDOUT)
				conn_error(c, rc);
			else
				fputs("interrupted\n", stderr);
			stop_signo = 0;
		} else if (rc < 0) {
			conn_error(c, rc);
			ret = EXIT_CONN;
			break;
		}
	}
	if (hpath != NULL)
		history(hist, &ev, H_SAVE, hpath);
	free(hpath);
	el_end(el);
	history_end(hist);
	compl_free(&cli.compl );
	return ret;
}

/* Script mode: one command per stdin line; blank and '#' lines skipped. */
static int
script_run(struct conn *c)
{
	bool had_error = false;
	char *buf = NULL, *line;
	size_t cap = 0;
	int rc, ret = 0;

	while (getline(&buf, &cap, stdin) >= 0) {
		line = strip(buf);
		if (*line == '\0' || *line == '#')
			continue;
		if (is_quit(line))
			break;
		rc = run_line(c, line, &had_error);
		if (rc < 0) {
			conn_error(c, rc);
			ret = rc == -EINTR || rc == -ECANCELED ? exit_signal() :
								 EXIT_CONN;
			break;
		}
		if (line_has_quit(line))
			break;
	}
	free(buf);
	if (ret == 0 && had_error)
		ret = EXIT_REPLY_ERROR;
	return ret;
}

/*
 * top: a live view of rates.
 */

#define TOP_LINE "show info -j; show services -j; show backends -j"

/* One poll of the server: its three JSON replies and when they came. */
struct top_sample {
	json_t *info;	/* object */
	json_t *svcs;	/* array of services */
	json_t *bes;	/* array of backends */
	json_t *by_key; /* object: key -> service or backend */
	double t;	/* now_s() at the reply */
};

enum top_col {
	TOP_C_NAME,
	TOP_C_ADDR,
	TOP_C_STATE,
	TOP_C_WEIGHT,
	TOP_C_FLOWS,
	TOP_C_PKTS_IN,
	TOP_C_PKTS_OUT,
	TOP_C_MBIT_IN,
	TOP_C_MBIT_OUT,
	TOP_C_SESSIONS,
	TOP_C_LATENCY,
	TOP_C_ESTIMATE,
	TOP_C_COUNT,
};

static const char *const top_headers[TOP_C_COUNT] = {
	"SERVICE",
	"ADDRESS",
	"UP/STATE",
	"WEIGHT",
	"FLOWS/s",
	"PKTS/s IN",
	"PKTS/s OUT",
	"Mbit/s IN",
	"Mbit/s OUT",
	"SESSIONS",
	"LAT ms",
	"EST ms",
};

/* A table of TOP_C_COUNT columns; cells are owned strings. */
struct top_table {
	char **cells; /* row-major */
	size_t nb_rows;
};

/* The terminal as weirctl found it, to restore on exit. */
static struct {
	struct termios saved;
	bool raw; /* 'saved' holds the mode to restore */
	bool cursor_hidden;
} top_tty;

static void
top_sample_free(struct top_sample *s)
{
	json_decref(s->info);
	json_decref(s->svcs);
	json_decref(s->bes);
	json_decref(s->by_key);
	memset(s, 0, sizeof(*s));
}

static const char *
jstr(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A counter or gauge; absent or negative reads as 0. */
static uint64_t
jcnt(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (json_is_integer(v) && json_integer_value(v) > 0)
		return (uint64_t)json_integer_value(v);
	if (json_is_real(v) && json_real_value(v) > 0)
		return (uint64_t)json_real_value(v);
	return 0;
}

static void
be_key(const json_t *be, char *key, size_t size)
{
	snprintf(key, size, "b\x1f%s\x1f%s\x1f%" PRIu64,
		jstr(be, "service") != NULL ? jstr(be, "service") : "",
		jstr(be, "address") != NULL ? jstr(be, "address") : "",
		jcnt(be, "port"));
}

static void
svc_key(const json_t *svc, char *key, size_t size)
{
	snprintf(key, size, "s\x1f%s",
		jstr(svc, "name") != NULL ? jstr(svc, "name") : "");
}

/*
 * Poll the server once. @return 0, 1 when it answered with an error or
 * something that is not the three JSON documents (message printed), or a
 * negative errno from the connection.
 */
static int
top_poll(struct conn *c, struct top_sample *s)
{
	json_t *docs[3] = { NULL, NULL, NULL };
	const char *text;
	char key[512];
	json_error_t jerr;
	size_t len, i = 0, nb = 0, idx;
	json_t *v;
	int rc;

	rc = conn_send_line(c, TOP_LINE);
	if (rc == 0)
		rc = conn_reply(c, &text, &len);
	if (rc < 0)
		return rc;
	s->t = now_s();
	if (reply_has_error(text, len)) {
		fprintf(stderr, "weirctl: top: the server said:\n%.*s",
			(int)len, text);
		return 1;
	}
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl != NULL ? (size_t)(nl - (text + i)) : len - i;

		if (nb == 3) {
			nb++;
			break;
		}
		docs[nb] = json_loadb(text + i, n, 0, &jerr);
		if (docs[nb] == NULL) {
			fprintf(stderr, "weirctl: top: reply %zu: %s\n", nb + 1,
				jerr.text);
			goto err;
		}
		nb++;
		i += n + 1;
	}
	if (nb != 3 || !json_is_object(docs[0]) || !json_is_array(docs[1]) ||
		!json_is_array(docs[2])) {
		fprintf(stderr,
			"weirctl: top: expected an info object and "
			"two arrays in reply to '%s'\n",
			TOP_LINE);
		goto err;
	}
	s->info = docs[0];
	s->svcs = docs[1];
	s->bes = docs[2];
	s->by_key = json_object();
	if (s->by_key == NULL)
		oom();
	json_array_foreach(s->svcs, idx, v)
	{
		svc_key(v, key, sizeof(key));
		json_object_set(s->by_key, key, v);
	}
	json_array_foreach(s->bes, idx, v)
	{
		be_key(v, key, sizeof(key));
		json_object_set(s->by_key, key, v);
	}
	return 0;

err:
	for (i = 0; i < 3; i++)
		json_decref(docs[i]);
	return 1;
}

/*
 * A number in at most 5 columns: 3 significant digits and a k/M/G/T
 * suffix from 1000 up ("0", "7.25", "42.1", "980", "1.23k", "45.6M").
 */
static void
fmt_num(char *out, size_t size, double v)
{
	static const char suffix[] = " kMGTP";
	unsigned int u = 0;

	if (v < 0)
		v = 0;
	while (v >= 999.5 && u + 1 < sizeof(suffix) - 1) {
		v /= 1000;
		u++;
	}
	if (v == 0)
		snprintf(out, size, "0");
	else if (v < 9.995)
		snprintf(out, size, "%.2f", v);
	else if (v < 99.95)
		snprintf(out, size, "%.1f", v);
	else
		snprintf(out, size, "%.0f", v);
	if (u > 0) {
		size_t n = strlen(out);

		if (n + 1 < size) {
			out[n] = suffix[u];
			out[n + 1] = '\0';
		}
	}
}

/* A count: exact below 1000, then scaled like fmt_num(). */
static void
fmt_count(char *out, size_t size, uint64_t v)
{
	if (v < 1000)
		snprintf(out, size, "%" PRIu64, v);
	else
		fmt_num(out, size, (double)v);
}

/* Per-second rate of a counter; a counter that went back restarted at 0. */
static double
rate(const json_t *cur, const json_t *prev, const char *key, double dt)
{
	uint64_t a = jcnt(cur, key), b = jcnt(prev, key);

	return (double)(a >= b ? a - b : a) / dt;
}

/* Fill the rate cells of 'row' from two samples of one entry. */
static void
top_rate_cells(char row[TOP_C_COUNT][TOP_CELL_SIZE], const json_t *cur,
	const json_t *prev, double dt)
{
	static const struct {
		enum top_col col;
		const char *key;
		double scale; /* counter per second -> column unit */
	} rates[] = {
		{ TOP_C_FLOWS, "new_flows", 1 },
		{ TOP_C_PKTS_IN, "pkts_in", 1 },
		{ TOP_C_PKTS_OUT, "pkts_out", 1 },
		{ TOP_C_MBIT_IN, "bytes_in", 8 / 1e6 },
		{ TOP_C_MBIT_OUT, "bytes_out", 8 / 1e6 },
	};
	size_t i;

	for (i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		if (prev == NULL || dt <= 0)
			snprintf(row[rates[i].col], TOP_CELL_SIZE, "-");
		else
			fmt_num(row[rates[i].col], TOP_CELL_SIZE,
				rate(cur, prev, rates[i].key, dt) *
					rates[i].scale);
	}
	fmt_count(row[TOP_C_SESSIONS], TOP_CELL_SIZE, jcnt(cur, "sessions"));
}

static void
top_table_add(struct top_table *t, char row[TOP_C_COUNT][TOP_CELL_SIZE])
{
	size_t i;

	t->cells = xrealloc(
		t->cells, (t->nb_rows + 1) * TOP_C_COUNT * sizeof(*t->cells));
	for (i = 0; i < TOP_C_COUNT; i++)
		t->cells[t->nb_rows * TOP_C_COUNT + i] = xstrdup(row[i]);
	t->nb_rows++;
}

static void
top_table_free(struct top_table *t)
{
	size_t i;

	for (i = 0; i < t->nb_rows * TOP_C_COUNT; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* Append 't' with its header, columns as wide as their widest cell. */
static void
top_table_render(struct sbuf *out, const struct top_table *t)
{
	size_t width[TOP_C_COUNT], r, col, w;

	for (col = 0; col < TOP_C_COUNT; col++) {
		width[col] = strlen(top_headers[col]);
		for (r = 0; r < t->nb_rows; r++) {
			w = text_cols(t->cells[r * TOP_C_COUNT + col]);
			if (w > width[col])
				width[col] = w;
		}
	}
	for (r = 0; r <= t->nb_rows; r++) {
		size_t start = out->len;

		for (col = 0; col < TOP_C_COUNT; col++) {
			const char *cell = r == 0 ?
				top_headers[col] :
				t->cells[(r - 1) * TOP_C_COUNT + col];
			bool left = col <= TOP_C_STATE;

			w = text_cols(cell);
			if (col > 0)
				sbuf_pad(out, 2);
			if (!left)
				sbuf_pad(out, width[col] - w);
			sbuf_puts(out, cell);
			if (left)
				sbuf_pad(out, width[col] - w);
		}
		while (out->len > start && out->data[out->len - 1] == ' ')
			out->data[--out->len] = '\0';
		sbuf_puts(out, "\n");
	}
}

static void
fmt_uptime(char *out, size_t size, uint64_t s)
{
	if (s >= 86400)
		snprintf(out, size, "%" PRIu64 "d %02u:%02u:%02u", s / 86400,
			(unsigned int)(s % 86400 / 3600),
			(unsigned int)(s % 3600 / 60), (unsigned int)(s % 60));
	else
		snprintf(out, size, "%02u:%02u:%02u", (unsigned int)(s / 3600),
			(unsigned int)(s % 3600 / 60), (unsigned int)(s % 60));
}

static void
fmt_endpoint(char *out, size_t size, const char *addr, uint64_t port)
{
	if (addr == NULL)
		addr = "?";
	snprintf(out, size,
		strchr(addr, ':') != NULL ? "[%s]:%" PRIu64 : "%s:%" PRIu64,
		addr, port);
}

/* Render one frame: the header line and the service/backend table. */
static void
top_render(struct sbuf *out, const struct top_sample *cur,
	const struct top_sample *prev, double interval_s, bool live)
{
	struct top_table t = { NULL, 0 };
	char row[TOP_C_COUNT][TOP_CELL_SIZE], up[32], key[512];
	double dt = cur->t - prev->t;
	const json_t *svc, *be, *old;
	const char *ver = jstr(cur->info, "version"), *name, *bsvc;
	size_t i, j;

	fmt_uptime(up, sizeof(up), jcnt(cur->info, "uptime_s"));
	sbuf_printf(out,
		"weir %s  pid %" PRIu64 "  up %s  workers %" PRIu64
		"  ports %" PRIu64 "  services %" PRIu64 "  sessions %" PRIu64,
		ver != NULL ? ver : "?", jcnt(cur->info, "pid"), up,
		jcnt(cur->info, "workers"), jcnt(cur->info, "ports"),
		jcnt(cur->info, "services"), jcnt(cur->info, "sessions"));
	if (live)
		sbuf_printf(out, "    every %gs, q quits", interval_s);
	sbuf_puts(out, "\n\n");

	json_array_foreach(cur->svcs, i, svc)
	{
		uint64_t port = jcnt(svc, "port"), hi = jcnt(svc, "port_hi");
		const char *vip = jstr(svc, "vip");
		const char *proto = jstr(svc, "protocol");
		char ports[48]; /* "lo-hi", two 20-digit numbers */

		memset(row, 0, sizeof(row));
		name = jstr(svc, "name");
		snprintf(row[TOP_C_NAME], TOP_CELL_SIZE, "%s",
			name != NULL ? name : "?");
		if (hi > port)
			snprintf(ports, sizeof(ports), "%" PRIu64 "-%" PRIu64,
				port, hi);
		else
			snprintf(ports, sizeof(ports), "%" PRIu64, port);
		if (vip == NULL)
			vip = "?";
		snprintf(row[TOP_C_ADDR], TOP_CELL_SIZE,
			strchr(vip, ':') != NULL ? "[%s]:%s/%s" : "%s:%s/%s",
			vip, ports, proto != NULL ? proto : "?");
		snprintf(row[TOP_C_STATE], TOP_CELL_SIZE,
			"%" PRIu64 "/%" PRIu64, jcnt(svc, "backends_up"),
			jcnt(svc, "backends"));
		svc_key(svc, key, sizeof(key));
		old = json_object_get(prev->by_key, key);
		top_rate_cells(row, svc, old, dt);
		top_table_add(&t, row);

		json_array_foreach(cur->bes, j, be)
		{
			const json_t *lat = json_object_get(be, "latency_us");
			const json_t *est = json_object_get(
				be, "latency_estimate_us");
			const char *state = jstr(be, "state");

			bsvc = jstr(be, "service");
			if (bsvc == NULL || name == NULL ||
				strcmp(bsvc, name) != 0)
				continue;
			memset(row, 0, sizeof(row));
			fmt_endpoint(row[TOP_C_ADDR] + 2, TOP_CELL_SIZE - 2,
				jstr(be, "address"), jcnt(be, "port"));
			row[TOP_C_ADDR][0] = ' ';
			row[TOP_C_ADDR][1] = ' ';
			/* Out by health checking: say so over "ready". */
			snprintf(row[TOP_C_STATE], TOP_CELL_SIZE, "%s",
				json_is_true(json_object_get(be, "ejected")) ?
					"ejected" :
					state != NULL ? state :
							"?");
			snprintf(row[TOP_C_WEIGHT], TOP_CELL_SIZE, "%" PRIu64,
				jcnt(be, "weight"));
			be_key(be, key, sizeof(key));
			old = json_object_get(prev->by_key, key);
			top_rate_cells(row, be, old, dt);
			if (json_is_number(lat))
				fmt_num(row[TOP_C_LATENCY], TOP_CELL_SIZE,
					json_number_value(lat) / 1000.0);
			else
				strcpy(row[TOP_C_LATENCY], "-");
			if (json_is_number(est))
				fmt_num(row[TOP_C_ESTIMATE], TOP_CELL_SIZE,
					json_number_value(est) / 1000.0);
			else
				strcpy(row[TOP_C_ESTIMATE], "-");
			top_table_add(&t, row);
		}
	}
	top_table_render(out, &t);
	if (t.nb_rows == 0)
		sbuf_puts(out, "(no services)\n");
	top_table_free(&t);
}

/*
 * Draw a frame on a live terminal: home, each line cut one short of the
 * width (an erase in the last column would eat its character) and
 * followed by erase-to-end-of-line, then erase below. Overwriting in place
 * rather than clearing first does not flicker; the first frame clears.
 */
static void
top_draw(const struct sbuf *frame, bool clear)
{
	unsigned int cols, rows, nb_lines = 0;
	struct sbuf out = { 0 };
	const char *p = frame->data, *nl;

	term_size(STDOUT_FILENO, &cols, &rows);
	sbuf_puts(&out, clear ? "\033[H\033[2J" : "\033[H");
	while (p != NULL && *p != '\0' && (rows == 0 || nb_lines + 1 < rows)) {
		size_t n, c = 0, k;

		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		for (k = 0; k < n; k++) {
			if (((unsigned char)p[k] & 0xc0) != 0x80 && cols != 0 &&
				++c >= cols)
				break;
		}
		sbuf_add(&out, p, k);
		sbuf_puts(&out, "\033[K\n");
		nb_lines++;
		p = nl != NULL ? nl + 1 : NULL;
	}
	sbuf_puts(&out, "\033[J");
	fwrite(out.data, 1, out.len, stdout);
	fflush(stdout);
	sbuf_free(&out);
}

static void
top_tty_restore(void)
{
	static const char show[] = "\033[?25h";

	if (top_tty.raw)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &top_tty.saved);
	if (top_tty.cursor_hidden &&
		write(STDOUT_FILENO, show, sizeof(show) - 1) < 0)
		return; /* no terminal left to fix */
}

static void
top_tty_raw(void)
{
	static const char hide[] = "\033[?25l";
	struct termios t = top_tty.saved;

	if (top_tty.raw) {
		t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
	}
	if (top_tty.cursor_hidden &&
		write(STDOUT_FILENO, hide, sizeof(hide) - 1) < 0)
		return; /* the cursor stays visible */
}

/* ^Z: give the terminal back as it was, stop, and take it again. */
static void
on_tstp(int signo)
{
	int saved_errno = errno;

	(void)signo;
	top_tty_restore();
	kill(getpid(), SIGSTOP);
	top_tty_raw();
	winch_pending = 1; /* redraw what the shell wrote over */
	errno = saved_errno;
}

/*
 * Sleep until 'deadline', watching the keyboard when it is a terminal.
 * A resize redraws 'frame'. @return true to quit ('q', a signal).
 */
static bool
top_wait(double deadline, bool keys, const struct sbuf *frame, bool live)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	char ch[16];
	ssize_t n, i;
	int rc;

	for (;;) {
		if (stop_signo != 0)
			return true;
		rc = poll(&pfd, keys ? 1 : 0, ms_left(deadline));
		if (rc == 0)
			return false;
		if (rc < 0) {
			if (errno != EINTR)
				return true;
			if (winch_pending && live && frame->len > 0) {
				winch_pending = 0;
				top_draw(frame, true);
			}
			continue;
		}
		n = read(STDIN_FILENO, ch, sizeof(ch));
		if (n == 0)
			keys = false; /* no keyboard, still a view */
		for (i = 0; i < n; i++)
			if (ch[i] == 'q' || ch[i] == 'Q' || ch[i] == 3 ||
				ch[i] == 4)
				return true;
	}
}

struct top_opts {
	double interval_s;
	bool once;
	long count; /* frames to draw, 0 for no limit */
};

static int
top_run(struct conn *c, const struct top_opts *o)
{
	struct top_sample prev, cur;
	struct sbuf frame = { 0 };
	bool live = !o->once && isatty(STDOUT_FILENO);
	bool keys = !o->once && isatty(STDIN_FILENO);
	double next;
	long nb_frames = 0;
	int rc, ret = 0;

	memset(&prev, 0, sizeof(prev));
	memset(&cur, 0, sizeof(cur));
	if (keys && tcgetattr(STDIN_FILENO, &top_tty.saved) == 0)
		top_tty.raw = true;
	top_tty.cursor_hidden = live;
	if (keys || live) {
		atexit(top_tty_restore);
		signal_set(SIGTSTP, on_tstp);
		top_tty_raw();
	}

	rc = top_poll(c, &prev);
	next = now_s() + o->interval_s;
	if (rc == 0 && live) {
		/* something to look at until there are rates: counters, "-" */
		struct top_sample none;

		memset(&none, 0, sizeof(none));
		top_render(&frame, &prev, &none, o->interval_s, live);
		top_draw(&frame, true);
	}
	while (rc == 0) {
		if (top_wait(next, keys, &frame, live))
			break;
		next += o->interval_s;
		if (next < now_s())
			next = now_s() + o->interval_s; /* fell behind */
		rc = top_poll(c, &cur);
		if (rc != 0)
			break;
		frame.len = 0;
		top_render(&frame, &cur, &prev, o->interval_s, live);
		if (live) {
			top_draw(&frame, false);
		} else {
			if (nb_frames > 0)
				fputc('\n', stdout);
			fwrite(frame.data, 1, frame.len, stdout);
			fflush(stdout);
		}
		top_sample_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		nb_frames++;
		if (o->once || (o->count > 0 && nb_frames >= o->count))
			break;
	}
	if (rc < 0 && rc != -EINTR && rc != -ECANCELED) {
		top_tty_restore();
		top_tty.raw = false;
		top_tty.cursor_hidden = false;
		if (live)
			fputc('\n', stdout);
		conn_error(c, rc);
		ret = EXIT_CONN;
	} else if (rc > 0) {
		ret = EXIT_REPLY_ERROR;
	}
	top_tty_restore();
	top_tty.raw = false;
	top_tty.cursor_hidden = false;
	top_sample_free(&prev);
	top_sample_free(&cur);
	sbuf_free(&frame);
	return ret;
}

/*
 * Options and main.
 */

static void
usage(FILE *f)
{
	fprintf(f,
		"Usage: weirctl [OPTIONS] [COMMAND...]\n"
		"       weirctl [OPTIONS] top [-n SECONDS] [--once] [--count N]\n"
		"\n"
		"Client of the weir load balancer's management console.\n"
		"\n"
		"With a COMMAND, send it, print the reply and exit. The words are joined\n"
		"with spaces (a word holding blanks is sent in double quotes); a single\n"
		"argument is sent as it is, so 'show info; show services' runs both.\n"
		"Without a COMMAND: an interactive session (history, TAB completion) when\n"
		"stdin is a terminal, else one command per line of stdin.\n"
		"\n"
		"Options:\n"
		"  -s, --socket PATH      console unix socket (default $WEIR_SOCKET, else\n"
		"                         " WEIRCTL_SOCKET_DEFAULT ")\n"
		"  -t, --tcp HOST:PORT    use TCP instead; [ADDR]:PORT for IPv6 (default\n"
		"                         " WEIRCTL_TCP_HOST_DEFAULT
		":" WEIRCTL_TCP_PORT_DEFAULT ")\n"
		"  -T, --timeout SECONDS  reply timeout, 0 for none (default %g)\n"
		"  -i, --interactive      interactive session even if stdin is no terminal\n"
		"  -h, --help             print this help and exit\n"
		"  -V, --version          print the version and exit\n"
		"\n"
		"top: services and backends with rates (flows/s, packets/s, Mbit/s),\n"
		"redrawn every interval; q or ^C quits.\n"
		"  -n, --interval SECONDS time between samples (default %g)\n"
		"      --once             one frame after two samples, no redraw, exit\n"
		"      --count N          draw N frames, then exit\n"
		"\n"
		"Exit status: 0 ok, 1 the reply holds an \"error: \" line, 2 usage error,\n"
		"3 cannot connect, connection lost or no reply in time.\n",
		WEIRCTL_TIMEOUT_S_DEFAULT, WEIRCTL_TOP_INTERVAL_S);
}

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("weirctl: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'weirctl --help' for more information.\n", stderr);
	return EXIT_USAGE;
}

/* getopt_long() said ':' or '?' (opterr is off: one message, ours). */
static int
bad_option(int opt_rc, const char *arg)
{
	char short_opt[3] = { '-', (char)optopt, '\0' };

	if (optopt != 0 && strncmp(arg, "--", 2) != 0)
		arg = short_opt;
	if (opt_rc == ':')
		return usage_error("option '%s' needs an argument", arg);
	return usage_error("unknown option '%s'", arg);
}

/* Parse a non-negative number of seconds. @return 0 or -EINVAL. */
static int
parse_seconds(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(v >= 0) ||
		v > INT_MAX / 1000)
		return -EINVAL;
	*out = v;
	return 0;
}

/*
 * The command line's words as one console line. A lone argument goes as
 * it is; otherwise words holding blanks, quotes or backslashes (and empty
 * words) are double-quoted, with '"' and '\' escaped inside the quotes.
 */
static char *
cmd_join(int argc, char **argv)
{
	struct sbuf b = { 0 };
	int i;

	if (argc == 1)
		return xstrdup(argv[0]);
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (i > 0)
			sbuf_puts(&b, " ");
		if (*a != '\0' && strpbrk(a, " \t\"\\") == NULL) {
			sbuf_puts(&b, a);
			continue;
		}
		sbuf_puts(&b, "\"");
		for (; *a != '\0'; a++) {
			if (*a == '"' || *a == '\\')
				sbuf_puts(&b, "\\");
			sbuf_add(&b, a, 1);
		}
		sbuf_puts(&b, "\"");
	}
	return b.data;
}

static int
top_parse(int argc, char **argv, struct top_opts *o)
{
	static const struct option opts[] = {
		{ "interval", required_argument, NULL, 'n' },
		{ "once", no_argument, NULL, 'o' },
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	o->interval_s = WEIRCTL_TOP_INTERVAL_S;
	o->once = false;
	o->count = 0;
	optind = 0; /* glibc: start over, argv[0] is "top" */
	while ((opt = getopt_long(argc, argv, "+:n:", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_seconds(optarg, &o->interval_s) < 0 ||
				o->interval_s < WEIRCTL_TOP_INTERVAL_MIN_S)
				return usage_error(
					"top: bad interval '%s'", optarg);
			break;
		case 'o':
			o->once = true;
			break;
		case 'c':
			errno = 0;
			o->count = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
				o->count < 1)
				return usage_error(
					"top: bad count '%s'", optarg);
			break;
		default:
			return bad_option(opt, argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(
			"top: unexpected argument '%s'", argv[optind]);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "tcp", required_argument, NULL, 't' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sock = getenv("WEIR_SOCKET"), *tcp = NULL;
	struct top_opts top;
	struct conn c;
	bool interactive = false, is_top = false, had_error = false;
	double timeout_s = WEIRCTL_TIMEOUT_S_DEFAULT;
	char *line = NULL;
	int opt, rc, ret, i;

	if (sock == NULL || *sock == '\0')
		sock = WEIRCTL_SOCKET_DEFAULT;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:s:t:T:ihV", opts, NULL)) !=
		-1) {
		switch (opt) {
		case 's':
			sock = optarg;
			tcp = NULL;
			break;
		case 't':
			tcp = optarg;
			break;
		case 'T':
			if (parse_seconds(optarg, &timeout_s) < 0)
				return usage_error("bad timeout '%s'", optarg);
			break;
		case 'i':
			interactive = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("weirctl %s\n", WEIR_VERSION);
			return 0;
		default:
			return bad_option(opt, argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && strcmp(argv[0], "top") == 0) {
		is_top = true;
		rc = top_parse(argc, argv, &top);
		if (rc != 0)
			return rc;
	} else if (argc > 0) {
		if (interactive)
			return usage_error("%s", "-i takes no command");
		for (i = 0; i < argc; i++)
			if (strpbrk(argv[i], "\r\n") != NULL)
				return usage_error("%s",
					"a command cannot hold a newline");
		line = cmd_join(argc, argv);
		if (*strip(line) == '\0') {
			free(line);
			return usage_error("%s", "empty command");
		}
	}

	signals_setup();
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	c.timeout_ms = timeout_s > 0 ? (int)(timeout_s * 1000) : -1;
	rc = tcp != NULL ? conn_open_tcp(&c, tcp) : conn_open_unix(&c, sock);
	if (rc < 0) {
		fprintf(stderr, "weirctl: cannot connect to %s: %s\n", c.name,
			c.err_text != NULL ? c.err_text : strerror(-rc));
		free(line);
		return rc == -EINTR ? exit_signal() : EXIT_CONN;
	}

	if (is_top) {
		ret = top_run(&c, &top);
	} else if (line != NULL) {
		rc = run_line(&c, line, &had_error);
		if (rc < 0) {
			conn_error(&c, rc);
			ret = rc == -EINTR || rc == -ECANCELED ? exit_signal() :
								 EXIT_CONN;
		} else {
			ret = had_error ? EXIT_REPLY_ERROR : 0;
		}
	} else if (interactive || isatty(STDIN_FILENO)) {
		ret = cli_run(&c);
	} else {
		ret = script_run(&c);
	}
	free(line);
	conn_close(&c);
	if (fflush(stdout) != 0 && errno != EPIPE && ret == 0) {
		fprintf(stderr, "weirctl: stdout: %s\n", strerror(errno));
		ret = EXIT_FAILURE;
	}
	return ret;
}

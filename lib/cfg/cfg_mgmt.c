/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Management configuration: the console listeners and their access levels,
 * the metrics listener, the state file, the event and flow logs, the log
 * target. Listener addresses are checked here (syntax, loopback or not) so
 * that a typo fails at load with file:line, not at bind time.
 *
 * The console's TLS files are only checked for being readable regular
 * files: lib/ stays free of OpenSSL, so whether they hold a usable
 * certificate and key is found out when the listener opens (a failed
 * start, logged). Reading them here with OpenSSL was rejected to keep the
 * loader testable without it and --check-config fast.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <unistd.h>

#include "cfg.h"
#include "cfg_priv.h"

#define CFG_DEF_UNIX_PATH "/run/weir/weir.sock"
#define CFG_DEF_UNIX_MODE 0600 /* owner only: the socket is admin */
#define CFG_DEF_TELNET "127.0.0.1:5200"
#define CFG_DEF_METRICS "127.0.0.1:9100"
#define CFG_DEF_EVENTS_KEEP 1000   /* events in memory */
#define CFG_DEF_FLOW_SAMPLE 1	   /* every flow */
#define CFG_DEF_FLOW_INTERVAL_S 60 /* s between records of a long flow */
#define CFG_DEF_FLOW_ROTATE_MB 64  /* MiB */
#define CFG_DEF_FLOW_KEEP 4	   /* rotated files */

static const char *const cfg_levels[] = { "user", "operator", "admin", NULL };

/* "a.b.c.d:port" or "[v6]:port"; *loopback tells if the address is one. */
int
cfg_listen_parse(
	const char *s, struct weir_addr *a, uint16_t *port, bool *loopback)
{
	char buf[64];
	const char *colon;
	unsigned long p;
	char *end;
	size_t n;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (rb == NULL || rb[1] != ':')
			return -EINVAL;
		n = (size_t)(rb - s - 1);
		if (n == 0 || n >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s + 1, n);
		buf[n] = '\0';
		colon = rb + 1;
		a->family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return -EINVAL;
		n = (size_t)(colon - s);
		if (n == 0 || n >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, n);
		buf[n] = '\0';
		a->family = AF_INET;
	}
	memset(a->a, 0, sizeof(a->a));
	if (inet_pton(a->family, buf, a->a) != 1)
		return -EINVAL;
	p = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || p == 0 || p > 65535)
		return -EINVAL;
	*port = (uint16_t)p;
	if (a->family == AF_INET)
		*loopback = a->a[0] == 127;
	else
		*loopback = memcmp(a->a, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\1",
				    16) == 0;
	return 0;
}

static int
cfg_level(struct cfg_ctx *c, const config_setting_t *g, const char *key,
	uint8_t def, uint8_t *out)
{
	const char *v;
	int i, rc;

	*out = def;
	if ((rc = cfg_string(c, g, key, false, &v)) < 0 || v == NULL)
		return rc;
	for (i = 0; cfg_levels[i] != NULL; i++)
		if (strcmp(cfg_levels[i], v) == 0) {
			*out = (uint8_t)i;
			return 0;
		}
	return cfg_fail(c, config_setting_get_member(g, key), NULL,
		"'%s' is not one of user, operator, admin", v);
}

static int
cfg_str_key(struct cfg_ctx *c, const config_setting_t *g, const char *key,
	const char *def, char *buf, size_t size)
{
	const char *v;
	int rc;

	if ((rc = cfg_string(c, g, key, false, &v)) < 0)
		return rc;
	if (v == NULL)
		v = def;
	if (strlen(v) >= size)
		return cfg_fail(c, config_setting_get_member(g, key), NULL,
			"longer than %zu characters", size - 1);
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

static int
cfg_listen_key(struct cfg_ctx *c, const config_setting_t *g, const char *key,
	const char *def, char *buf, size_t size, bool *loopback)
{
	struct weir_addr a;
	uint16_t port;
	bool lo = true;
	int rc;

	if ((rc = cfg_str_key(c, g, key, def, buf, size)) < 0)
		return rc;
	if (buf[0] != '\0' && cfg_listen_parse(buf, &a, &port, &lo) < 0)
		return cfg_fail(c, config_setting_get_member(g, key), NULL,
			"'%s' is not \"address:port\" (\"[v6]:port\" for IPv6)",
			buf);
	if (loopback != NULL)
		*loopback = lo;
	return 0;
}

/*
 * A file mode. libconfig has no octal integers, so it is written as a
 * string ("0660"); a plain integer is taken as the mode's decimal value.
 */
static int
cfg_mode(struct cfg_ctx *c, const config_setting_t *g, const char *key,
	unsigned int *out)
{
	const config_setting_t *m = config_setting_get_member(g, key);
	const char *v;
	char *end;
	long mode;

	if (m == NULL || config_setting_type(m) != CONFIG_TYPE_STRING)
		return cfg_uint(c, g, key, CFG_DEF_UNIX_MODE, 0, 0777,
			"mode bits (write modes as strings: \"0660\")", out);
	v = config_setting_get_string(m);
	mode = strtol(v, &end, 8);
	if (*v == '\0' || *end != '\0' || mode < 0 || mode > 0777)
		return cfg_fail(c, m, NULL,
			"'%s' is not an octal file mode such as \"0660\"", v);
	*out = (unsigned int)mode;
	return 0;
}

/*
 * A file the TLS listener reads at start. Checking now that it can be
 * opened turns a typo into a file:line error instead of a failed start.
 * O_NONBLOCK: opening a FIFO given by mistake must not hang the loader.
 */
static int
cfg_tls_file(struct cfg_ctx *c, const config_setting_t *g, const char *key,
	bool required, char *buf, size_t size)
{
	const config_setting_t *m;
	struct stat st;
	const char *v;
	int fd, rc, err;

	if ((rc = cfg_string(c, g, key, required, &v)) < 0 || v == NULL)
		return rc;
	m = config_setting_get_member(g, key);
	if (v[0] == '\0' || strlen(v) >= size)
		return cfg_fail(c, m, NULL,
			"must be a file name of 1 to %zu characters", size - 1);
	fd = open(v, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return cfg_fail(
			c, m, NULL, "cannot read '%s': %s", v, strerror(errno));
	rc = fstat(fd, &st);
	err = errno;
	close(fd);
	if (rc < 0)
		return cfg_fail(
			c, m, NULL, "cannot read '%s': %s", v, strerror(err));
	if (!S_ISREG(st.st_mode))
		return cfg_fail(c, m, NULL, "'%s' is not a regular file", v);
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

static int
cfg_hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * The password is stored as its SHA-256, so the configuration file never
 * holds it; decoded here so that a malformed digest fails at load rather
 * than making every 'auth' fail.
 */
static int
cfg_tls_password(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_console *con)
{
	const size_t size = sizeof(con->tls_password_sha256);
	const char *v;
	int rc, hi, lo;
	bool ok;
	size_t i;

	if ((rc = cfg_string(c, g, "password_sha256", false, &v)) < 0 ||
		v == NULL)
		return rc;
	ok = strlen(v) == 2 * size;
	for (i = 0; ok && i < size; i++) {
		hi = cfg_hex_digit(v[2 * i]);
		lo = cfg_hex_digit(v[2 * i + 1]);
		ok = hi >= 0 && lo >= 0;
		if (ok)
			con->tls_password_sha256[i] = (uint8_t)(hi << 4 | lo);
	}
	if (!ok)
		return cfg_fail(c,
			config_setting_get_member(g, "password_sha256"), NULL,
			"must be %zu hex digits: the "
			"SHA-256 of the password, as sha256sum prints it",
			2 * size);
	con->tls_has_password = true;
	return 0;
}

static int
cfg_parse_console_tls(
	struct cfg_ctx *c, const config_setting_t *g, struct cfg_console *con)
{
	static const char *const known[] = { "cert", "key", "ca",
		"password_sha256", NULL };
	const config_setting_t *t = config_setting_get_member(g, "tls");
	int rc;

	if (t == NULL)
		return 0;
	if (!config_setting_is_group(t))
		return cfg_fail(c, t, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, t, known)) < 0 ||
		(rc = cfg_tls_file(c, t, "cert", true, con->tls_cert,
			 sizeof(con->tls_cert))) < 0 ||
		(rc = cfg_tls_file(c, t, "key", true, con->tls_key,
			 sizeof(con->tls_key))) < 0 ||
		(rc = cfg_tls_file(c, t, "ca", false, con->tls_ca,
			 sizeof(con->tls_ca))) < 0 ||
		(rc = cfg_tls_password(c, t, con)) < 0)
		return rc;
	/* Encryption without authentication would let anyone in. */
	if (con->tls_ca[0] == '\0' && !con->tls_has_password)
		return cfg_fail(c, t, NULL,
			"needs 'ca' (client certificates), "
			"'password_sha256' ('auth <password>'), or both");
	con->tls = true;
	return 0;
}

static int
cfg_parse_console(struct cfg_ctx *c, const config_setting_t *root,
	struct cfg_console *con)
{
	static const char *const known[] = { "unix", "unix_mode", "unix_level",
		"telnet", "telnet_level", "tls", NULL };
	const config_setting_t *g = config_setting_get_member(root, "console");
	int rc;

	snprintf(con->unix_path, sizeof(con->unix_path), "%s",
		CFG_DEF_UNIX_PATH);
	con->unix_mode = CFG_DEF_UNIX_MODE;
	con->unix_level = 2;
	snprintf(con->telnet, sizeof(con->telnet), "%s", CFG_DEF_TELNET);
	con->telnet_level = 0;
	con->telnet_loopback = true;
	if (g == NULL)
		return 0;
	if (!config_setting_is_group(g))
		return cfg_fail(c, g, NULL, "must be a group { ... }");
	if ((rc = cfg_check_keys(c, g, known)) < 0 ||
		(rc = cfg_str_key(c, g, "unix", CFG_DEF_UNIX_PATH,
			 con->unix_path, sizeof(con->unix_path))) < 0 ||
		(rc = cfg_mode(c, g, "unix_mode", &con->unix_mode)) < 0 ||
		(rc = cfg_level(c, g, "unix_level", 2, &con->unix_level)) < 0 ||
		(rc = cfg_listen_key(c, g, "telnet", CFG_DEF_TELNET,
			 con->telnet, sizeof(con->telnet),
			 &con->telnet_loopback)) < 0 ||
		(rc = cfg_level(c, g, "telnet_level", 0, &con->telnet_level)) <
			0 ||
		(rc = cfg_parse_console_tls(c, g, con)) < 0)
		return rc;
	/*
	 * A plain-text console on a reachable address would hand anyone on
	 * the network what the level allows, and their password to anyone
	 * on the path: off loopback, TLS and authentication are required.
	 */
	if (con->telnet[0] != '\0' && !con->telnet_loopback && !con->tls)
		return cfg_fail(c, config_setting_get_member(g, "telnet"), NULL,
			"'%s' is not a loopback address: a console reachable "
			"from the network needs console.tls (cert, key, and ca "
			"or password_sha256); or bind to 127.0.0.1 or [::1]",
			con->telnet);
	return 0;
}

int
cfg_parse_mgmt(
	struct cfg_ctx *c, const config_setting_t *root, struct cfg_conf *conf)
{
	static const char *const fl_known[] = { "file", "sample", "interval_s",
		"rotate_mb", "keep", NULL };
	static const char *const ev_known[] = { "file", "keep", NULL };
	static const char *const targets[] = { "stdout", "stderr", "syslog",
		NULL };
	struct cfg_mgmt *m = &conf->mgmt;
	const config_setting_t *g;
	int rc, i;

	if ((rc = cfg_parse_console(c, root, &m->console)) < 0 ||
		(rc = cfg_listen_key(c, root, "metrics", CFG_DEF_METRICS,
			 m->metrics, sizeof(m->metrics), NULL)) < 0 ||
		(rc = cfg_str_key(c, root, "state_file", "", m->state_file,
			 sizeof(m->state_file))) < 0 ||
		(rc = cfg_str_key(c, root, "log_target", "stdout",
			 m->log_target, sizeof(m->log_target))) < 0)
		return rc;
	for (i = 0; targets[i] != NULL; i++)
		if (strcmp(targets[i], m->log_target) == 0)
			break;
	if (targets[i] == NULL)
		return cfg_fail(c,
			config_setting_get_member(root, "log_target"), NULL,
			"'%s' is not one of stdout, stderr, syslog",
			m->log_target);
	m->events_keep = CFG_DEF_EVENTS_KEEP;
	g = config_setting_get_member(root, "events");
	if (g != NULL) {
		if (!config_setting_is_group(g))
			return cfg_fail(c, g, NULL, "must be a group { ... }");
		if ((rc = cfg_check_keys(c, g, ev_known)) < 0 ||
			(rc = cfg_str_key(c, g, "file", "", m->events_file,
				 sizeof(m->events_file))) < 0 ||
			(rc = cfg_uint(c, g, "keep", CFG_DEF_EVENTS_KEEP, 16,
				 100000, "events", &m->events_keep)) < 0)
			return rc;
	}
	m->flow_sample = CFG_DEF_FLOW_SAMPLE;
	m->flow_interval_s = CFG_DEF_FLOW_INTERVAL_S;
	m->flow_rotate_mb = CFG_DEF_FLOW_ROTATE_MB;
	m->flow_keep = CFG_DEF_FLOW_KEEP;
	g = config_setting_get_member(root, "flow_log");
	if (g != NULL) {
		if (!config_setting_is_group(g))
			return cfg_fail(c, g, NULL, "must be a group { ... }");
		if ((rc = cfg_check_keys(c, g, fl_known)) < 0 ||
			(rc = cfg_str_key(c, g, "file", "", m->flow_log,
				 sizeof(m->flow_log))) < 0 ||
			(rc = cfg_uint(c, g, "sample", CFG_DEF_FLOW_SAMPLE, 1,
				 1000000, "flows (1 in N)", &m->flow_sample)) <
				0 ||
			(rc = cfg_uint(c, g, "interval_s",
				 CFG_DEF_FLOW_INTERVAL_S, 1, 86400, "s",
				 &m->flow_interval_s)) < 0 ||
			(rc = cfg_uint(c, g, "rotate_mb",
				 CFG_DEF_FLOW_ROTATE_MB, 1, 65536, "MiB",
				 &m->flow_rotate_mb)) < 0 ||
			(rc = cfg_uint(c, g, "keep", CFG_DEF_FLOW_KEEP, 0, 100,
				 "files", &m->flow_keep)) < 0)
			return rc;
	}
	return 0;
}

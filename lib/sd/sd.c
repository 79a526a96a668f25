/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Discovery files (JSON or libconfig) and the state file (JSON), read into
 * plain structs for ctl; see sd.h for the formats and the contract.
 *
 * Reading happens in three passes so that the two discovery syntaxes share
 * every rule that is not about syntax. A front-end per syntax (sd_json_*,
 * sd_lc_*) walks the tree, refuses unknown keys and wrong types, and fills
 * a struct sd_raw per entry with the values and their lines. One checker,
 * sd_entry_check(), then applies the ranges, the address rules and the
 * state names, and sd_dups() finds a (service, address, port) listed twice
 * by sorting references, O(n log n) even for the state file's million
 * entries. Nothing reaches the caller until all three passes succeed. The
 * alternative, converting the libconfig tree to a jansson tree and checking
 * only that, was rejected: jansson values carry no line numbers, and the
 * line is what an operator needs from a libconfig error.
 *
 * The state file is written through jansson into "<path>.tmp", synced and
 * renamed, the usual atomic replacement, so a crash mid-save leaves the
 * previous file readable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include <jansson.h>
#include <libconfig.h>

#include "cfg.h"
#include "sd.h"
#include "weir_addr.h"
#include "weir_common.h"

/*
 * bytes: largest discovery file read. 4096 backends at 4 KiB each is far
 * above any pretty-printed entry; a bigger file is a runaway writer, and
 * parsing it whole would only spend ctl's memory before refusing it.
 */
#define SD_FILE_SIZE_MAX (16u << 20)
/* entries: every backend of every service, the most a state file holds */
#define SD_STATE_ENTRIES_MAX ((unsigned int)CFG_SVC_MAX * SD_BACKENDS_MAX)
#define SD_PORT_MAX 65535 /* highest TCP/UDP port number */
#define SD_FILE_MODE 0600 /* the state file names the whole topology */
#define SD_STAMP_LEN 20	  /* chars of "YYYY-MM-DDTHH:MM:SSZ" */
#define SD_JSON_INDENT 2  /* spaces: people read the state file too */

/* Where errors go, and the file they name. */
struct sd_ctx {
	const char *file;
	char *err;
	size_t err_size;
	int family; /* AF_INET/AF_INET6 required, 0: either */
};

/* Fields an entry may have; bit i of a mask is field i. */
enum sd_field {
	SD_F_SERVICE = 0,
	SD_F_ADDRESS,
	SD_F_PORT,
	SD_F_WEIGHT,
	SD_F_STATE,
	SD_F_COUNT
};

#define SD_BIT(f) (1u << (f))

static const struct {
	const char *key;
	bool is_int; /* else a string */
} sd_fields[SD_F_COUNT] = {
	[SD_F_SERVICE] = { "service", false },
	[SD_F_ADDRESS] = { "address", false },
	[SD_F_PORT] = { "port", true },
	[SD_F_WEIGHT] = { "weight", true },
	[SD_F_STATE] = { "state", false },
};

/* What one kind of file allows and requires. */
struct sd_kind {
	unsigned int fields;   /* SD_BIT()s an entry may have */
	unsigned int required; /* SD_BIT()s it must have */
	unsigned int max_entries;
};

static const struct sd_kind sd_kind_discovery = {
	.fields = SD_BIT(SD_F_ADDRESS) | SD_BIT(SD_F_PORT) |
		SD_BIT(SD_F_WEIGHT) | SD_BIT(SD_F_STATE),
	.required = SD_BIT(SD_F_ADDRESS) | SD_BIT(SD_F_PORT),
	.max_entries = SD_BACKENDS_MAX,
};

static const struct sd_kind sd_kind_state = {
	.fields = SD_BIT(SD_F_SERVICE) | SD_BIT(SD_F_ADDRESS) |
		SD_BIT(SD_F_PORT) | SD_BIT(SD_F_WEIGHT) | SD_BIT(SD_F_STATE),
	.required = SD_BIT(SD_F_SERVICE) | SD_BIT(SD_F_ADDRESS) |
		SD_BIT(SD_F_PORT),
	.max_entries = SD_STATE_ENTRIES_MAX,
};

/* One entry as a front-end found it: typed, not yet range-checked. */
struct sd_raw {
	unsigned int present;	       /* SD_BIT()s seen */
	const char *str[SD_F_COUNT];   /* strings, owned by the tree */
	long long num[SD_F_COUNT];     /* integer fields */
	unsigned int line[SD_F_COUNT]; /* 0: the syntax has no lines */
	unsigned int line_entry;       /* the entry's own line, or 0 */
};

/* Checked entries, in file order. */
struct sd_list {
	struct sd_saved *e;
	unsigned int *line; /* of each entry, for duplicate errors */
	unsigned int n;
};

/* A reference sorted by sd_dups(). */
struct sd_ref {
	const struct sd_saved *e;
	unsigned int idx;
};

static const char *const sd_state_names[SD_STATE_COUNT] = {
	[SD_READY] = "ready",
	[SD_DRAIN] = "drain",
	[SD_MAINT] = "maint",
};

/*
 * Record "file:line: message", or "file: message" without a line, and
 * return 'rc'. Each failure returns at once, so the first error is the one
 * recorded: later ones would mostly be its consequences.
 */
/*
 * Messages quote the file's own strings and jansson's view of its bytes;
 * a newline or escape sequence in them must not break the one-line
 * message into a forged log line or a garbled terminal.
 */
static void
sd_err_clean(struct sd_ctx *c)
{
	char *p;

	for (p = c->err; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			*p = '?';
}

static int __attribute__((format(printf, 4, 5)))
sd_fail(struct sd_ctx *c, int rc, unsigned int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (c->err == NULL || c->err_size == 0)
		return rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(c->err, c->err_size, "%s:%u: %s", c->file, line, msg);
	else
		snprintf(c->err, c->err_size, "%s: %s", c->file, msg);
	sd_err_clean(c);
	return rc;
}

const char *
sd_state_name(enum sd_state state)
{
	if ((unsigned int)state >= SD_STATE_COUNT)
		return "unknown";
	return sd_state_names[state];
}

int
sd_state_parse(const char *name)
{
	unsigned int i;

	if (name == NULL)
		return -EINVAL;
	for (i = 0; i < SD_STATE_COUNT; i++)
		if (strcmp(name, sd_state_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

int
sd_format_parse(const char *name)
{
	if (name == NULL)
		return -EINVAL;
	if (strcmp(name, "auto") == 0)
		return SD_FMT_AUTO;
	if (strcmp(name, "json") == 0)
		return SD_FMT_JSON;
	if (strcmp(name, "libconfig") == 0)
		return SD_FMT_LIBCONFIG;
	return -EINVAL;
}

/* The format a file's extension names, or SD_FMT_AUTO if none does. */
static enum sd_format
sd_format_of(const char *path)
{
	const char *base = strrchr(path, '/');
	const char *dot;

	base = base != NULL ? base + 1 : path;
	dot = strrchr(base, '.');
	if (dot == NULL)
		return SD_FMT_AUTO;
	if (strcmp(dot, ".json") == 0)
		return SD_FMT_JSON;
	if (strcmp(dot, ".conf") == 0 || strcmp(dot, ".cfg") == 0)
		return SD_FMT_LIBCONFIG;
	return SD_FMT_AUTO;
}

/*
 * Open 'path' for reading as a stream. Refuses what is not a regular file
 * (a directory would fail later with a vaguer message) and, when 'max_size'
 * is not 0, a file larger than that many bytes.
 */
static int
sd_open(struct sd_ctx *c, size_t max_size, FILE **fp)
{
	struct stat st;
	int fd, e;

	fd = open(c->file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		return sd_fail(c,
			e == ENOENT	    ? -ENOENT :
				e == ENOMEM ? -ENOMEM :
					      -EIO,
			0, "cannot read: %s", strerror(e));
	}
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		return sd_fail(c, -EIO, 0, "cannot read: %s", strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return sd_fail(c, -EINVAL, 0, "is not a regular file");
	}
	if (max_size > 0 && (unsigned long long)st.st_size > max_size) {
		close(fd);
		return sd_fail(c, -EINVAL, 0,
			"is %lld bytes, more than the "
			"%zu a discovery file may have",
			(long long)st.st_size, max_size);
	}
	*fp = fdopen(fd, "r");
	if (*fp == NULL) {
		close(fd);
		return sd_fail(c, -ENOMEM, 0, "out of memory");
	}
	return 0;
}

/* -1 if 'key' is not a field that 'k' allows. */
static int
sd_field_find(const struct sd_kind *k, const char *key)
{
	unsigned int f;

	for (f = 0; f < SD_F_COUNT; f++)
		if ((k->fields & SD_BIT(f)) &&
			strcmp(key, sd_fields[f].key) == 0)
			return (int)f;
	return -1;
}

/* 'v' must be a bare unicast address, of c->family unless that is 0. */
static int
sd_check_addr(struct sd_ctx *c, unsigned int idx, const struct sd_raw *r,
	struct weir_addr *out)
{
	unsigned int line = r->line[SD_F_ADDRESS];
	const char *v = r->str[SD_F_ADDRESS];
	const uint8_t *a;
	struct weir_prefix p;

	/* weir_prefix_parse() takes "a/len" too; a backend is one host. */
	if (strchr(v, '/') != NULL || weir_prefix_parse(v, false, &p) < 0)
		return sd_fail(c, -EINVAL, line,
			"backends[%u].address: '%s' "
			"is not an IPv4 or IPv6 address",
			idx, v);
	a = p.addr.a;
	/* The rule cfg applies to configured backends: no unspecified,
	 * loopback or multicast address can be a server behind weir. */
	if ((p.addr.family == AF_INET &&
		    (a[0] == 0 || a[0] == 127 || a[0] >= 224)) ||
		(p.addr.family == AF_INET6 &&
			(a[0] == 0xff ||
				(memcmp(a, (const uint8_t[15]){ 0 }, 15) == 0 &&
					a[15] <= 1))))
		return sd_fail(c, -EINVAL, line,
			"backends[%u].address: '%s' is not a unicast address",
			idx, v);
	if (c->family != 0 && p.addr.family != c->family)
		return sd_fail(c, -EINVAL, line,
			"backends[%u].address: %s is "
			"%s but the service is %s (weir does not translate "
			"between IPv4 and IPv6)",
			idx, v, p.addr.family == AF_INET ? "IPv4" : "IPv6",
			c->family == AF_INET ? "IPv4" : "IPv6");
	*out = p.addr;
	return 0;
}

static int
sd_check_range(struct sd_ctx *c, unsigned int idx, const struct sd_raw *r,
	enum sd_field f, long long min, long long max)
{
	long long v = r->num[f];

	if (v < min || v > max)
		return sd_fail(c, -EINVAL, r->line[f],
			"backends[%u].%s: %lld is out of range %lld..%lld", idx,
			sd_fields[f].key, v, min, max);
	return 0;
}

/*
 * The checks both syntaxes share: required fields, ranges, addresses and
 * state names. Fills 'e' (service "" when the kind has none).
 */
static int
sd_entry_check(struct sd_ctx *c, const struct sd_kind *k, unsigned int idx,
	const struct sd_raw *r, struct sd_saved *e)
{
	unsigned int f, missing = k->required & ~r->present;
	int rc, st;

	for (f = 0; f < SD_F_COUNT; f++)
		if (missing & SD_BIT(f))
			return sd_fail(c, -EINVAL, r->line_entry,
				"backends[%u].%s: missing", idx,
				sd_fields[f].key);
	memset(e, 0, sizeof(*e));
	if (r->present & SD_BIT(SD_F_SERVICE)) {
		const char *s = r->str[SD_F_SERVICE];

		if (s[0] == '\0' || strlen(s) >= sizeof(e->service))
			return sd_fail(c, -EINVAL, r->line[SD_F_SERVICE],
				"backends[%u].service: must be 1 to %zu "
				"characters",
				idx, sizeof(e->service) - 1);
		memcpy(e->service, s, strlen(s) + 1);
	}
	if ((rc = sd_check_addr(c, idx, r, &e->addr)) < 0 ||
		(rc = sd_check_range(c, idx, r, SD_F_PORT, 1, SD_PORT_MAX)) < 0)
		return rc;
	e->port = (uint16_t)r->num[SD_F_PORT];
	e->weight = SD_WEIGHT_DEFAULT;
	if (r->present & SD_BIT(SD_F_WEIGHT)) {
		if ((rc = sd_check_range(
			     c, idx, r, SD_F_WEIGHT, 0, SD_WEIGHT_MAX)) < 0)
			return rc;
		e->weight = (uint32_t)r->num[SD_F_WEIGHT];
	}
	e->state = SD_READY;
	if (r->present & SD_BIT(SD_F_STATE)) {
		st = sd_state_parse(r->str[SD_F_STATE]);
		if (st < 0)
			return sd_fail(c, -EINVAL, r->line[SD_F_STATE],
				"backends[%u].state: '%s' is not ready, drain "
				"or maint",
				idx, r->str[SD_F_STATE]);
		e->state = (uint8_t)st;
	}
	return 0;
}

/* Order of (service, address, port), the key no two entries may share. */
static int
sd_key_cmp(const struct sd_saved *a, const struct sd_saved *b)
{
	int d;

	if ((d = strcmp(a->service, b->service)) != 0)
		return d;
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	if ((d = memcmp(a->addr.a, b->addr.a, sizeof(a->addr.a))) != 0)
		return d;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return 0;
}

static int
sd_ref_cmp(const void *pa, const void *pb)
{
	const struct sd_ref *a = pa, *b = pb;
	int d = sd_key_cmp(a->e, b->e);

	if (d != 0)
		return d;
	/* Equal keys keep file order, so a run starts with the first. */
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/*
 * Refuse a (service, address, port) listed twice. After sorting, equal keys
 * form runs in file order; of all runs, the one reported is the one whose
 * second entry comes earliest in the file, which is what a line-by-line
 * check would have stopped at.
 */
static int
sd_dups(struct sd_ctx *c, const struct sd_list *l)
{
	unsigned int i, start = 0, dup = UINT32_MAX, first = 0;
	char buf[WEIR_ADDR_STR_SIZE];
	const struct sd_saved *e;
	struct sd_ref *refs;

	if (l->n < 2)
		return 0;
	refs = malloc(sizeof(*refs) * l->n);
	if (refs == NULL)
		return sd_fail(c, -ENOMEM, 0, "out of memory");
	for (i = 0; i < l->n; i++) {
		refs[i].e = &l->e[i];
		refs[i].idx = i;
	}
	qsort(refs, l->n, sizeof(*refs), sd_ref_cmp);
	for (i = 1; i < l->n; i++) {
		if (sd_key_cmp(refs[i - 1].e, refs[i].e) != 0) {
			start = i;
			continue;
		}
		if (i == start + 1 && refs[i].idx < dup) {
			dup = refs[i].idx;
			first = refs[start].idx;
		}
	}
	free(refs);
	if (dup == UINT32_MAX)
		return 0;
	e = &l->e[dup];
	return sd_fail(c, -EINVAL, l->line[dup],
		"backends[%u]: %s%s%s port "
		"%u is listed twice, first as backends[%u]",
		dup, e->service, e->service[0] ? " " : "",
		weir_addr_str(&e->addr, buf, sizeof(buf)), e->port, first);
}

static void
sd_list_free(struct sd_list *l)
{
	free(l->e);
	free(l->line);
	l->e = NULL;
	l->line = NULL;
	l->n = 0;
}

/* Room for 'n' entries; 'line' locates the list in errors. */
static int
sd_list_alloc(struct sd_ctx *c, const struct sd_kind *k, size_t n,
	unsigned int line, struct sd_list *l)
{
	memset(l, 0, sizeof(*l));
	if (n > k->max_entries)
		return sd_fail(c, -EINVAL, line,
			"backends: %zu entries, more than %u", n,
			k->max_entries);
	if (n == 0)
		return 0;
	l->e = calloc(n, sizeof(*l->e));
	l->line = calloc(n, sizeof(*l->line));
	if (l->e == NULL || l->line == NULL) {
		sd_list_free(l);
		return sd_fail(c, -ENOMEM, 0, "out of memory");
	}
	return 0;
}

/*
 * JSON front-end.
 */

/* Parse the whole stream; syntax errors carry line and column. */
static int
sd_json_read(struct sd_ctx *c, FILE *fp, json_t **root)
{
	json_error_t je;

	/* Duplicate keys would let the last one win silently. */
	*root = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
	if (*root != NULL)
		return 0;
	if (ferror(fp))
		return sd_fail(c, -EIO, 0, "cannot read: %s", strerror(EIO));
	if (json_error_code(&je) == json_error_out_of_memory)
		return sd_fail(c, -ENOMEM, 0, "out of memory");
	/* "file:line:column:", the form editors jump to; jansson counts
	 * both from 1. */
	if (c->err != NULL && c->err_size > 0) {
		snprintf(c->err, c->err_size, "%s:%d:%d: syntax error: %s",
			c->file, je.line, je.column, je.text);
		sd_err_clean(c);
	}
	return -EINVAL;
}

static int
sd_json_entry(struct sd_ctx *c, const struct sd_kind *k, unsigned int idx,
	json_t *o, struct sd_raw *r)
{
	const char *key;
	json_t *v;
	int f;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(o))
		return sd_fail(c, -EINVAL, 0,
			"backends[%u]: must be an object "
			"{\"address\": ..., \"port\": ...}",
			idx);
	json_object_foreach(o, key, v)
	{
		f = sd_field_find(k, key);
		if (f < 0)
			return sd_fail(c, -EINVAL, 0,
				"backends[%u].%s: unknown key", idx, key);
		if (sd_fields[f].is_int) {
			if (!json_is_integer(v))
				return sd_fail(c, -EINVAL, 0,
					"backends[%u].%s: must be an integer",
					idx, key);
			r->num[f] = (long long)json_integer_value(v);
		} else {
			if (!json_is_string(v))
				return sd_fail(c, -EINVAL, 0,
					"backends[%u].%s: must be a string",
					idx, key);
			r->str[f] = json_string_value(v);
		}
		r->present |= SD_BIT(f);
	}
	return 0;
}

/* The "backends" array 'a' (NULL: absent) into checked entries. */
static int
sd_json_backends(
	struct sd_ctx *c, const struct sd_kind *k, json_t *a, struct sd_list *l)
{
	struct sd_raw r;
	size_t i;
	int rc;

	memset(l, 0, sizeof(*l));
	if (a == NULL)
		return sd_fail(c, -EINVAL, 0,
			"backends: missing (an empty list means no backends)");
	if (!json_is_array(a))
		return sd_fail(c, -EINVAL, 0,
			"backends: must be an array [ {...}, ... ]");
	if ((rc = sd_list_alloc(c, k, json_array_size(a), 0, l)) < 0)
		return rc;
	for (i = 0; i < json_array_size(a); i++) {
		if ((rc = sd_json_entry(c, k, (unsigned int)i,
			     json_array_get(a, i), &r)) < 0 ||
			(rc = sd_entry_check(
				 c, k, (unsigned int)i, &r, &l->e[i])) < 0)
			goto err;
		l->n++;
	}
	if ((rc = sd_dups(c, l)) < 0)
		goto err;
	return 0;
err:
	sd_list_free(l);
	return rc;
}

/* Refuse top-level members of 'root' not named in 'known'. */
static int
sd_json_keys(struct sd_ctx *c, json_t *root, const char *const *known)
{
	const char *const *kn;
	const char *key;
	json_t *v;

	json_object_foreach(root, key, v)
	{
		for (kn = known; *kn != NULL; kn++)
			if (strcmp(*kn, key) == 0)
				break;
		if (*kn == NULL)
			return sd_fail(c, -EINVAL, 0, "%s: unknown key", key);
	}
	return 0;
}

static int
sd_json_load(struct sd_ctx *c, FILE *fp, struct sd_list *l)
{
	static const char *const known[] = { "backends", NULL };
	json_t *root;
	int rc;

	if ((rc = sd_json_read(c, fp, &root)) < 0)
		return rc;
	if (!json_is_object(root))
		rc = sd_fail(c, -EINVAL, 0,
			"must be an object {\"backends\": [...]}");
	else if ((rc = sd_json_keys(c, root, known)) == 0)
		rc = sd_json_backends(c, &sd_kind_discovery,
			json_object_get(root, "backends"), l);
	/* Strings in 'l' were copied out, so the tree can go. */
	json_decref(root);
	return rc;
}

/*
 * libconfig front-end.
 */

static int
sd_lc_entry(struct sd_ctx *c, const struct sd_kind *k, unsigned int idx,
	const config_setting_t *g, struct sd_raw *r)
{
	int i, n, f, t;

	memset(r, 0, sizeof(*r));
	r->line_entry = config_setting_source_line(g);
	if (!config_setting_is_group(g))
		return sd_fail(c, -EINVAL, r->line_entry,
			"backends[%u]: must "
			"be a group { address = ...; port = ...; }",
			idx);
	n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *m = config_setting_get_elem(g, i);
		const char *key = config_setting_name(m);
		unsigned int line = config_setting_source_line(m);

		f = sd_field_find(k, key);
		if (f < 0)
			return sd_fail(c, -EINVAL, line,
				"backends[%u].%s: unknown key", idx, key);
		t = config_setting_type(m);
		if (sd_fields[f].is_int) {
			if (t != CONFIG_TYPE_INT && t != CONFIG_TYPE_INT64)
				return sd_fail(c, -EINVAL, line,
					"backends[%u].%s: must be an integer",
					idx, key);
			r->num[f] = config_setting_get_int64(m);
		} else {
			if (t != CONFIG_TYPE_STRING)
				return sd_fail(c, -EINVAL, line,
					"backends[%u].%s: must be a string",
					idx, key);
			r->str[f] = config_setting_get_string(m);
		}
		r->line[f] = line;
		r->present |= SD_BIT(f);
	}
	return 0;
}

static int
sd_lc_backends(
	struct sd_ctx *c, const config_setting_t *root, struct sd_list *l)
{
	const struct sd_kind *k = &sd_kind_discovery;
	const config_setting_t *a, *m;
	unsigned int line;
	struct sd_raw r;
	int i, n, rc;

	memset(l, 0, sizeof(*l));
	n = config_setting_length(root);
	for (i = 0; i < n; i++) {
		m = config_setting_get_elem(root, i);
		if (strcmp(config_setting_name(m), "backends") != 0)
			return sd_fail(c, -EINVAL,
				config_setting_source_line(m),
				"%s: unknown key", config_setting_name(m));
	}
	a = config_setting_get_member(root, "backends");
	if (a == NULL)
		return sd_fail(c, -EINVAL, 0,
			"backends: missing (an empty list means no backends)");
	line = config_setting_source_line(a);
	/* An empty array [] is as good as an empty list (). */
	if (config_setting_type(a) != CONFIG_TYPE_LIST &&
		config_setting_type(a) != CONFIG_TYPE_ARRAY)
		return sd_fail(c, -EINVAL, line,
			"backends: must be a list ( {...}, ... )");
	n = config_setting_length(a);
	if ((rc = sd_list_alloc(c, k, (size_t)n, line, l)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		m = config_setting_get_elem(a, (unsigned int)i);
		if ((rc = sd_lc_entry(c, k, (unsigned int)i, m, &r)) < 0 ||
			(rc = sd_entry_check(
				 c, k, (unsigned int)i, &r, &l->e[i])) < 0)
			goto err;
		l->line[i] = r.line_entry;
		l->n++;
	}
	if ((rc = sd_dups(c, l)) < 0)
		goto err;
	return 0;
err:
	sd_list_free(l);
	return rc;
}

static int
sd_lc_load(struct sd_ctx *c, FILE *fp, struct sd_list *l)
{
	config_t lc;
	int rc;

	config_init(&lc);
	if (config_read(&lc, fp) != CONFIG_TRUE) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO || ferror(fp))
			rc = sd_fail(
				c, -EIO, 0, "cannot read: %s", strerror(EIO));
		else
			rc = sd_fail(c, -EINVAL,
				(unsigned int)config_error_line(&lc),
				"syntax error: %s", config_error_text(&lc));
	} else {
		rc = sd_lc_backends(c, config_root_setting(&lc), l);
	}
	config_destroy(&lc);
	return rc;
}

int
sd_load(const char *path, int family, struct sd_backend **out, unsigned int *nb,
	char *err, size_t err_size)
{
	return sd_load_format(
		path, SD_FMT_AUTO, family, out, nb, err, err_size);
}

int
sd_load_format(const char *path, enum sd_format fmt, int family,
	struct sd_backend **out, unsigned int *nb, char *err, size_t err_size)
{
	struct sd_ctx c = {
		.file = path, .err = err, .err_size = err_size, .family = family
	};
	struct sd_backend *be = NULL;
	struct sd_list l;
	unsigned int i;
	FILE *fp;
	int rc;

	if (err != NULL && err_size > 0)
		err[0] = '\0';
	if (path == NULL || out == NULL || nb == NULL) {
		c.file = "(null)";
		return sd_fail(&c, -EINVAL, 0, "no file or no result pointer");
	}
	if (family != AF_INET && family != AF_INET6)
		return sd_fail(&c, -EINVAL, 0,
			"family %d is neither AF_INET nor AF_INET6", family);
	if (fmt == SD_FMT_AUTO)
		fmt = sd_format_of(path);
	if (fmt == SD_FMT_AUTO)
		return sd_fail(&c, -EINVAL, 0,
			"cannot tell the format from "
			"the name: use .json, .conf or .cfg, or name the "
			"format");
	if (fmt != SD_FMT_JSON && fmt != SD_FMT_LIBCONFIG)
		return sd_fail(&c, -EINVAL, 0, "format %d is unknown", fmt);
	if ((rc = sd_open(&c, SD_FILE_SIZE_MAX, &fp)) < 0)
		return rc;
	if (fmt == SD_FMT_JSON)
		rc = sd_json_load(&c, fp, &l);
	else
		rc = sd_lc_load(&c, fp, &l);
	fclose(fp);
	if (rc < 0)
		return rc;
	if (l.n > 0) {
		be = calloc(l.n, sizeof(*be));
		if (be == NULL) {
			sd_list_free(&l);
			return sd_fail(&c, -ENOMEM, 0, "out of memory");
		}
	}
	for (i = 0; i < l.n; i++) {
		be[i].addr = l.e[i].addr;
		be[i].port = l.e[i].port;
		be[i].weight = l.e[i].weight;
		be[i].state = l.e[i].state;
	}
	*out = be;
	*nb = l.n;
	sd_list_free(&l);
	return 0;
}

/*
 * State file.
 */

/* The number written by the two decimal digits at 'p'. */
static unsigned int
sd_2digits(const char *p)
{
	return (unsigned int)((p[0] - '0') * 10 + (p[1] - '0'));
}

/* True if 's' is "YYYY-MM-DDTHH:MM:SSZ" with plausible fields. */
static bool
sd_is_stamp(const char *s)
{
	static const char pat[] = "0000-00-00T00:00:00Z";
	unsigned int i, mon, day, hour, min, sec;

	if (strlen(s) != SD_STAMP_LEN)
		return false;
	for (i = 0; i < SD_STAMP_LEN; i++)
		if (pat[i] == '0' ? (s[i] < '0' || s[i] > '9') : s[i] != pat[i])
			return false;
	mon = sd_2digits(s + 5);
	day = sd_2digits(s + 8);
	hour = sd_2digits(s + 11);
	min = sd_2digits(s + 14);
	sec = sd_2digits(s + 17);
	/* 60: a leap second is a valid UTC time. */
	return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hour <= 23 &&
		min <= 59 && sec <= 60;
}

int
sd_state_load(const char *path, struct sd_saved **out, unsigned int *nb,
	char *err, size_t err_size)
{
	static const char *const known[] = { "version", "saved_at", "backends",
		NULL };
	struct sd_ctx c = { .file = path, .err = err, .err_size = err_size };
	struct sd_list l = { 0 };
	json_t *root = NULL, *v;
	long long ver;
	FILE *fp;
	int rc;

	if (err != NULL && err_size > 0)
		err[0] = '\0';
	if (path == NULL || out == NULL || nb == NULL) {
		c.file = "(null)";
		return sd_fail(&c, -EINVAL, 0, "no file or no result pointer");
	}
	if ((rc = sd_open(&c, 0, &fp)) < 0)
		return rc;
	rc = sd_json_read(&c, fp, &root);
	fclose(fp);
	if (rc < 0)
		return rc;
	if (!json_is_object(root)) {
		rc = sd_fail(&c, -EINVAL, 0,
			"must be an object {\"version\": %d, ...}",
			SD_STATE_VERSION);
		goto out;
	}
	if ((rc = sd_json_keys(&c, root, known)) < 0)
		goto out;
	/* The version comes first: a newer file may differ in any other way
	 * and the message must say so rather than name a key it added. */
	v = json_object_get(root, "version");
	if (v == NULL) {
		rc = sd_fail(&c, -EINVAL, 0, "version: missing");
		goto out;
	}
	if (!json_is_integer(v)) {
		rc = sd_fail(&c, -EINVAL, 0, "version: must be an integer");
		goto out;
	}
	ver = (long long)json_integer_value(v);
	if (ver > SD_STATE_VERSION) {
		rc = sd_fail(&c, -EINVAL, 0,
			"version %lld is newer than this weir understands (%d)",
			ver, SD_STATE_VERSION);
		goto out;
	}
	if (ver != SD_STATE_VERSION) {
		rc = sd_fail(&c, -EINVAL, 0,
			"version %lld is not a version (this weir writes %d)",
			ver, SD_STATE_VERSION);
		goto out;
	}
	v = json_object_get(root, "saved_at");
	if (v != NULL &&
		(!json_is_string(v) || !sd_is_stamp(json_string_value(v)))) {
		rc = sd_fail(&c, -EINVAL, 0,
			"saved_at: must be a UTC time "
			"\"YYYY-MM-DDTHH:MM:SSZ\"");
		goto out;
	}
	if ((rc = sd_json_backends(&c, &sd_kind_state,
		     json_object_get(root, "backends"), &l)) < 0)
		goto out;
	/* The list's arrays become the caller's. */
	*out = l.e;
	*nb = l.n;
	free(l.line);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

/* Check an entry before anything touches the disk. */
static int
sd_saved_check(struct sd_ctx *c, unsigned int idx, const struct sd_saved *e)
{
	if (memchr(e->service, '\0', sizeof(e->service)) == NULL ||
		e->service[0] == '\0')
		return sd_fail(c, -EINVAL, 0,
			"backends[%u].service: must be 1 to %zu characters",
			idx, sizeof(e->service) - 1);
	if (e->addr.family != AF_INET && e->addr.family != AF_INET6)
		return sd_fail(c, -EINVAL, 0,
			"backends[%u].address: family %u "
			"is neither AF_INET nor AF_INET6",
			idx, e->addr.family);
	if (e->port == 0)
		return sd_fail(c, -EINVAL, 0,
			"backends[%u].port: 0 is out of range 1..%u", idx,
			SD_PORT_MAX);
	if (e->weight > SD_WEIGHT_MAX)
		return sd_fail(c, -EINVAL, 0,
			"backends[%u].weight: %u is out of range 0..%u", idx,
			e->weight, SD_WEIGHT_MAX);
	if (e->state >= SD_STATE_COUNT)
		return sd_fail(c, -EINVAL, 0,
			"backends[%u].state: %u is not a state", idx, e->state);
	return 0;
}

/* The JSON document for 'b'; NULL when out of memory. */
static json_t *
sd_state_doc(const struct sd_saved *b, unsigned int nb)
{
	char addr[WEIR_ADDR_STR_SIZE], stamp[SD_STAMP_LEN + 1];
	json_t *root, *arr, *o;
	unsigned int i;
	struct tm tm;
	time_t now;

	now = time(NULL);
	if (gmtime_r(&now, &tm) == NULL ||
		strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		return NULL;
	root = json_object();
	arr = json_array();
	/* json_*_set_new() take ownership even when they fail, and refuse
	 * a NULL value, so one test per call covers every allocation. */
	if (root == NULL || arr == NULL ||
		json_object_set_new(
			root, "version", json_integer(SD_STATE_VERSION)) < 0 ||
		json_object_set_new(root, "saved_at", json_string(stamp)) < 0 ||
		json_object_set(root, "backends", arr) < 0)
		goto err;
	for (i = 0; i < nb; i++) {
		o = json_object();
		weir_addr_str(&b[i].addr, addr, sizeof(addr));
		if (json_array_append_new(arr, o) < 0 ||
			json_object_set_new(
				o, "service", json_string(b[i].service)) < 0 ||
			json_object_set_new(o, "address", json_string(addr)) <
				0 ||
			json_object_set_new(
				o, "port", json_integer(b[i].port)) < 0 ||
			json_object_set_new(
				o, "weight", json_integer(b[i].weight)) < 0 ||
			json_object_set_new(o, "state",
				json_string(sd_state_name(
					(enum sd_state)b[i].state))) < 0)
			goto err;
	}
	json_decref(arr);
	return root;
err:
	json_decref(arr);
	json_decref(root);
	return NULL;
}

/* fsync the directory holding 'path', so that the rename is durable. */
static int
sd_sync_dir(const char *path)
{
	char dir[CFG_PATH_SIZE];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;

	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
	} else if (slash == path) {
		snprintf(dir, sizeof(dir), "/");
	} else {
		if ((size_t)(slash - path) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, path, (size_t)(slash - path));
		dir[slash - path] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

int
sd_state_save(const char *path, const struct sd_saved *b, unsigned int nb,
	char *err, size_t err_size)
{
	struct sd_ctx c = { .file = path, .err = err, .err_size = err_size };
	char tmp[CFG_PATH_SIZE];
	json_t *doc = NULL;
	FILE *fp = NULL;
	unsigned int i;
	int fd, rc, e;

	if (err != NULL && err_size > 0)
		err[0] = '\0';
	if (path == NULL || (b == NULL && nb > 0)) {
		c.file = path != NULL ? path : "(null)";
		return sd_fail(&c, -EINVAL, 0, "no file or no entries");
	}
	for (i = 0; i < nb; i++)
		if ((rc = sd_saved_check(&c, i, &b[i])) < 0)
			return rc;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return sd_fail(&c, -EINVAL, 0, "name too long");
	doc = sd_state_doc(b, nb);
	if (doc == NULL)
		return sd_fail(&c, -ENOMEM, 0, "out of memory");

	/* A stale temporary from a crash would make O_EXCL fail. O_EXCL
	 * itself keeps the write from following a planted symlink. */
	if (unlink(tmp) < 0 && errno != ENOENT) {
		e = errno;
		rc = sd_fail(
			&c, -EIO, 0, "cannot remove %s: %s", tmp, strerror(e));
		goto err_doc;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, SD_FILE_MODE);
	if (fd < 0) {
		e = errno;
		rc = sd_fail(
			&c, -EIO, 0, "cannot create %s: %s", tmp, strerror(e));
		goto err_doc;
	}
	/* The umask may only clear bits; a umask that cleared 0200 would
	 * leave a file we cannot rewrite, so set the mode exactly. */
	if (fchmod(fd, SD_FILE_MODE) < 0) {
		e = errno;
		close(fd);
		rc = sd_fail(
			&c, -EIO, 0, "cannot chmod %s: %s", tmp, strerror(e));
		goto err_tmp;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		close(fd);
		rc = sd_fail(&c, -ENOMEM, 0, "out of memory");
		goto err_tmp;
	}
	errno = 0;
	if (json_dumpf(doc, fp, JSON_INDENT(SD_JSON_INDENT)) < 0 ||
		fputc('\n', fp) == EOF || fflush(fp) == EOF) {
		e = errno ? errno : EIO;
		rc = sd_fail(
			&c, -EIO, 0, "cannot write %s: %s", tmp, strerror(e));
		goto err_fp;
	}
	/* Data before rename: otherwise a crash could leave 'path' naming
	 * an empty file, which is worse than the old one. */
	if (fsync(fileno(fp)) < 0) {
		e = errno;
		rc = sd_fail(
			&c, -EIO, 0, "cannot sync %s: %s", tmp, strerror(e));
		goto err_fp;
	}
	if (fclose(fp) == EOF) {
		e = errno;
		fp = NULL;
		rc = sd_fail(
			&c, -EIO, 0, "cannot write %s: %s", tmp, strerror(e));
		goto err_tmp;
	}
	fp = NULL;
	if (rename(tmp, path) < 0) {
		e = errno;
		rc = sd_fail(
			&c, -EIO, 0, "cannot rename %s: %s", tmp, strerror(e));
		goto err_tmp;
	}
	json_decref(doc);
	/* The new file is in place; only its survival of a crash is at
	 * stake, which the caller should still hear about. */
	if ((rc = sd_sync_dir(path)) < 0)
		return sd_fail(&c, -EIO, 0, "cannot sync its directory: %s",
			strerror(-rc));
	return 0;
err_fp:
	fclose(fp);
err_tmp:
	unlink(tmp);
err_doc:
	json_decref(doc);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of discovery files and the state file (lib/sd). Valid files in
 * both syntaxes must give the same backends field by field, with defaults
 * where keys are absent; every file under bad/ and state/ must be refused
 * with one exact message, because that message is all an operator gets
 * when a discovery tool writes something weir will not take. Expected
 * addresses are written out byte by byte, so no expected value comes from
 * the code under test. Files the tests write (large lists, state files,
 * truncations) go to a mkdtemp() directory, created by the suite's init and
 * removed by its cleanup, and are built with jansson rather than printed by
 * hand. Run under valgrind, this also shows that a refused file leaves
 * nothing allocated. Runs with the working directory tests/unit/sd.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <jansson.h>

#include "weir_cunit.h"
#include "weir_common.h"
#include "sd.h"

#define ERR_SIZE 1024	/* bytes, as weir's callers use */
#define PATH_SIZE 512	/* bytes of a path under the temp dir */
#define MODE_BITS 07777 /* permission bits of st_mode */

/* Filled by the suite's init: a fresh directory for written files. */
static char tmp_root[] = "/tmp/weir_sd_XXXXXX";

static const uint8_t ip4_11[4] = { 198, 18, 1, 11 };
static const uint8_t ip4_12[4] = { 198, 18, 1, 12 };
static const uint8_t ip4_13[4] = { 198, 18, 1, 13 };
static const uint8_t ip4_ten[4] = { 10, 0, 0, 1 };
static const uint8_t ip6_11[16] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x02, [15] = 0x11 };
static const uint8_t ip6_12[16] = { 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
	0x02, [15] = 0x12 };

/* 'a' must be 'family' with bytes 'want'; IPv4 leaves bytes 4..15 zero. */
static void
expect_addr(const struct weir_addr *a, int family, const uint8_t *want)
{
	uint8_t full[16] = { 0 };

	memcpy(full, want, family == AF_INET ? 4 : 16);
	CU_ASSERT_EQUAL(a->family, family);
	CU_ASSERT_EQUAL(memcmp(a->a, full, sizeof(full)), 0);
}

static void
expect_be(const struct sd_backend *b, int family, const uint8_t *addr,
	uint16_t port, uint32_t weight, enum sd_state state)
{
	expect_addr(&b->addr, family, addr);
	CU_ASSERT_EQUAL(b->port, port);
	CU_ASSERT_EQUAL(b->weight, weight);
	CU_ASSERT_EQUAL(b->state, state);
}

/* 'dir'/'name' into 'buf' of PATH_SIZE; a test path never gets cut. */
static void
path_join(char *buf, const char *dir, const char *name)
{
	int n = snprintf(buf, PATH_SIZE, "%s/%s", dir, name);

	CU_ASSERT_FATAL(n > 0 && n < PATH_SIZE);
}

static void
tmp_path(char *buf, const char *name)
{
	path_join(buf, tmp_root, name);
}

/* Remove 'dir' and what it holds, one level of subdirectories deep. */
static void
rm_tree(const char *dir, int depth)
{
	char p[PATH_SIZE];
	struct dirent *d;
	struct stat st;
	DIR *dh = opendir(dir);

	if (dh == NULL)
		return;
	while ((d = readdir(dh)) != NULL) {
		if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, d->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) && depth > 0)
			rm_tree(p, depth - 1);
		else
			unlink(p);
	}
	closedir(dh);
	rmdir(dir);
}

static int
suite_init(void)
{
	return mkdtemp(tmp_root) == NULL ? -1 : 0;
}

static int
suite_cleanup(void)
{
	rm_tree(tmp_root, 1);
	return 0;
}

/* Names in 'dir' other than . and .., counted. */
static unsigned int
dir_count(const char *dir)
{
	unsigned int n = 0;
	struct dirent *d;
	DIR *dh = opendir(dir);

	CU_ASSERT_PTR_NOT_NULL_FATAL(dh);
	while ((d = readdir(dh)) != NULL)
		if (strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0)
			n++;
	closedir(dh);
	return n;
}

/* Write 'doc' (a reference the caller gives up) to 'path' with jansson. */
static void
write_json(const char *path, json_t *doc)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_EQUAL_FATAL(json_dump_file(doc, path, JSON_INDENT(1)), 0);
	json_decref(doc);
}

/* A discovery document of 'n' distinct backends 198.18.x.y:8080. */
static json_t *
gen_backends(unsigned int n)
{
	json_t *root = json_object(), *arr = json_array();
	char a[32];
	unsigned int i;

	for (i = 0; i < n; i++) {
		snprintf(
			a, sizeof(a), "198.18.%u.%u", 1 + i / 250, 1 + i % 250);
		json_array_append_new(arr,
			json_pack("{s:s, s:i}", "address", a, "port", 8080));
	}
	json_object_set_new(root, "backends", arr);
	return root;
}

/* Make entry 'dst' of 'root' a copy of entry 'src' (a duplicate). */
static void
gen_dup(json_t *root, unsigned int dst, unsigned int src)
{
	json_t *arr = json_object_get(root, "backends");

	json_array_set(arr, dst, json_array_get(arr, src));
}

/* Load a file that must load; the caller frees *be. */
static unsigned int
load_ok(const char *path, enum sd_format fmt, int family,
	struct sd_backend **be)
{
	char err[ERR_SIZE];
	unsigned int nb = UINT32_MAX;
	int rc;

	memset(err, 'x', sizeof(err));
	*be = NULL;
	rc = sd_load_format(path, fmt, family, be, &nb, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "\n    %s: unexpected error %d: %s\n", path, rc,
			err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	CU_ASSERT_FATAL(nb <= SD_BACKENDS_MAX);
	return nb;
}

/* Refused with 'rc' and exactly 'want'; *out and *nb untouched. */
static void
expect_err_fmt(const char *path, enum sd_format fmt, int family, int rc,
	const char *want)
{
	struct sd_backend sentinel, *be = &sentinel;
	unsigned int nb = 12345;
	char err[ERR_SIZE];
	int got;

	memset(err, 'x', sizeof(err));
	got = sd_load_format(path, fmt, family, &be, &nb, err, sizeof(err));
	CU_ASSERT_EQUAL(got, rc);
	CU_ASSERT_PTR_EQUAL(be, &sentinel);
	CU_ASSERT_EQUAL(nb, 12345);
	CU_ASSERT_PTR_NOT_NULL_FATAL(memchr(err, '\0', sizeof(err)));
	if (strcmp(err, want) != 0)
		fprintf(stderr, "\n    want: %s\n    got:  %s\n", want, err);
	CU_ASSERT_STRING_EQUAL(err, want);
	if (be != &sentinel)
		free(be);
}

static void
expect_err(const char *path, int family, int rc, const char *want)
{
	expect_err_fmt(path, SD_FMT_AUTO, family, rc, want);
}

/* An IPv4 content error: "path:line: what", or "path: what" at line 0. */
static void
expect_bad(const char *path, unsigned int line, const char *what)
{
	char want[ERR_SIZE];

	if (line > 0)
		snprintf(want, sizeof(want), "%s:%u: %s", path, line, what);
	else
		snprintf(want, sizeof(want), "%s: %s", path, what);
	expect_err(path, AF_INET, -EINVAL, want);
}

/* valid.json and valid.conf hold the same five backends. */
static void
expect_valid_backends(const char *path)
{
	struct sd_backend *be;
	unsigned int nb = load_ok(path, SD_FMT_AUTO, AF_INET, &be);

	CU_ASSERT_EQUAL_FATAL(nb, 5);
	expect_be(&be[0], AF_INET, ip4_11, 8080, 1, SD_READY);
	expect_be(&be[1], AF_INET, ip4_12, 8081, 65535, SD_DRAIN);
	expect_be(&be[2], AF_INET, ip4_13, 65535, 0, SD_MAINT);
	/* Same address, other port: a different backend. Defaults apply. */
	expect_be(&be[3], AF_INET, ip4_11, 1, SD_WEIGHT_DEFAULT, SD_READY);
	/* Keys in another order. */
	expect_be(&be[4], AF_INET, ip4_ten, 9090, SD_WEIGHT_DEFAULT, SD_DRAIN);
	free(be);
}

static void
test_load_json_all_fields_parsed(void)
{
	expect_valid_backends("valid.json");
}

static void
test_load_libconfig_all_fields_parsed(void)
{
	expect_valid_backends("valid.conf");
}

static void
test_load_ip6_both_syntaxes_parsed(void)
{
	static const char *const files[] = { "valid6.json", "valid6.cfg" };
	struct sd_backend *be;
	unsigned int i, nb;

	for (i = 0; i < WEIR_ARRAY_LEN(files); i++) {
		nb = load_ok(files[i], SD_FMT_AUTO, AF_INET6, &be);
		CU_ASSERT_EQUAL_FATAL(nb, 2);
		expect_be(&be[0], AF_INET6, ip6_11, 443, 3, SD_READY);
		expect_be(&be[1], AF_INET6, ip6_12, 443, SD_WEIGHT_DEFAULT,
			SD_MAINT);
		free(be);
	}
}

static void
test_load_empty_list_valid(void)
{
	static const char *const files[] = { "empty.json", "empty.conf",
		"empty_array.conf" };
	struct sd_backend *be;
	unsigned int i;

	for (i = 0; i < WEIR_ARRAY_LEN(files); i++) {
		CU_ASSERT_EQUAL(
			load_ok(files[i], SD_FMT_AUTO, AF_INET, &be), 0);
		CU_ASSERT_PTR_NULL(be);
	}
}

static void
test_load_explicit_format_overrides_extension(void)
{
	struct sd_backend *be;

	CU_ASSERT_EQUAL_FATAL(load_ok("noext", SD_FMT_JSON, AF_INET, &be), 1);
	expect_be(&be[0], AF_INET, ip4_11, 8080, 1, SD_READY);
	free(be);
	expect_err("noext", AF_INET, -EINVAL,
		"noext: cannot tell the format "
		"from the name: use .json, .conf or .cfg, or name the format");
	expect_err("bad/format.yaml", AF_INET, -EINVAL,
		"bad/format.yaml: "
		"cannot tell the format from the name: use .json, .conf or "
		".cfg, or name the format");
	/* The explicit format wins over the extension. */
	expect_err_fmt("valid.json", SD_FMT_LIBCONFIG, AF_INET, -EINVAL,
		"valid.json:1: syntax error: syntax error");
	expect_err_fmt("valid.conf", SD_FMT_JSON, AF_INET, -EINVAL,
		"valid.conf:1:1: syntax error: '[' or '{' expected near '#'");
	expect_err_fmt("valid.json", (enum sd_format)7, AF_INET, -EINVAL,
		"valid.json: format 7 is unknown");
}

static void
test_load_family_mismatch_rejected(void)
{
	expect_err("valid6.json", AF_INET, -EINVAL,
		"valid6.json: backends[0]."
		"address: 2001:2:0:2::11 is IPv6 but the service is IPv4 (weir "
		"does not translate between IPv4 and IPv6)");
	expect_err("valid.conf", AF_INET6, -EINVAL,
		"valid.conf:4: backends[0]."
		"address: 198.18.1.11 is IPv4 but the service is IPv6 (weir "
		"does not translate between IPv4 and IPv6)");
	expect_bad("bad/mixed_family.json", 0,
		"backends[1].address: "
		"2001:2:0:2::11 is IPv6 but the service is IPv4 (weir does not "
		"translate between IPv4 and IPv6)");
	expect_err("valid.json", AF_UNIX, -EINVAL,
		"valid.json: family 1 is neither AF_INET nor AF_INET6");
}

static void
test_load_json_syntax_rejected(void)
{
	expect_err("bad/syntax.json", AF_INET, -EINVAL,
		"bad/syntax.json:2:34: "
		"syntax error: '}' expected near '\"port\"'");
	expect_err("bad/truncated.json", AF_INET, -EINVAL,
		"bad/truncated.json:"
		"3:0: syntax error: '}' expected near end of file");
	/* With duplicate keys allowed, the last "port" would win silently. */
	expect_err("bad/dup_key.json", AF_INET, -EINVAL,
		"bad/dup_key.json:"
		"1:61: syntax error: duplicate object key near '\"port\"'");
	expect_err("bad/empty_file.json", AF_INET, -EINVAL,
		"bad/empty_file."
		"json:2:0: syntax error: '[' or '{' expected near end of file");
}

static void
test_load_json_structure_rejected(void)
{
	expect_bad("bad/top_array.json", 0,
		"must be an object {\"backends\": [...]}");
	expect_bad("bad/top_unknown.json", 0, "service: unknown key");
	expect_bad("bad/no_backends.json", 0,
		"backends: missing (an empty list means no backends)");
	expect_bad("bad/backends_type.json", 0,
		"backends: must be an array [ {...}, ... ]");
	expect_bad("bad/entry_type.json", 0,
		"backends[1]: must be an object "
		"{\"address\": ..., \"port\": ...}");
	expect_bad(
		"bad/unknown_key.json", 0, "backends[0].colour: unknown key");
	expect_bad("bad/port_missing.json", 0, "backends[0].port: missing");
	expect_bad(
		"bad/address_missing.json", 0, "backends[0].address: missing");
}

static void
test_load_json_types_rejected(void)
{
	expect_bad("bad/port_string.json", 0,
		"backends[0].port: must be an integer");
	expect_bad("bad/port_real.json", 0,
		"backends[0].port: must be an integer");
	expect_bad("bad/weight_bool.json", 0,
		"backends[0].weight: must be an integer");
	expect_bad("bad/address_type.json", 0,
		"backends[0].address: must be a string");
	expect_bad("bad/state_type.json", 0,
		"backends[0].state: must be a string");
}

static void
test_load_json_ranges_rejected(void)
{
	expect_bad("bad/port_range.json", 0,
		"backends[3].port: 70000 is out of range 1..65535");
	expect_bad("bad/port_zero.json", 0,
		"backends[0].port: 0 is out of range 1..65535");
	expect_bad("bad/weight_range.json", 0,
		"backends[0].weight: 65536 is out of range 0..65535");
	expect_bad("bad/weight_negative.json", 0,
		"backends[0].weight: -1 is out of range 0..65535");
	expect_bad("bad/state_name.json", 0,
		"backends[0].state: 'up' is not ready, drain or maint");
}

static void
test_load_addresses_not_unicast_rejected(void)
{
	expect_bad("bad/address_text.json", 0,
		"backends[0].address: "
		"'198.18.1' is not an IPv4 or IPv6 address");
	expect_bad("bad/address_prefix.json", 0,
		"backends[0].address: "
		"'198.18.1.11/32' is not an IPv4 or IPv6 address");
	expect_bad("bad/address_mcast.json", 0,
		"backends[0].address: '224.0.0.1' is not a unicast address");
	expect_bad("bad/address_loopback.json", 0,
		"backends[0].address: '127.0.0.1' is not a unicast address");
	expect_bad("bad/address_any.json", 0,
		"backends[0].address: '0.0.0.0' is not a unicast address");
	expect_err("bad/address6_mcast.json", AF_INET6, -EINVAL,
		"bad/address6_mcast.json: backends[0].address: 'ff02::1' is "
		"not a unicast address");
	expect_err("bad/address6_loopback.json", AF_INET6, -EINVAL,
		"bad/address6_loopback.json: backends[0].address: '::1' is not "
		"a unicast address");
}

/* A newline or escape in a file's string must not reach the message. */
static void
test_load_control_chars_replaced(void)
{
	expect_bad("bad/address_control.json", 0,
		"backends[0].address: "
		"'198.18.1.11??[2J' is not an IPv4 or IPv6 address");
}

static void
test_load_duplicates_rejected(void)
{
	/* Entry 3 repeats entry 1 too, but entry 2 is the first repeat. */
	expect_bad("bad/dup.json", 0,
		"backends[2]: 198.18.1.11 port 8080 is "
		"listed twice, first as backends[0]");
	/* Two spellings of one address are one address. */
	expect_err("bad/dup6.json", AF_INET6, -EINVAL,
		"bad/dup6.json: "
		"backends[1]: 2001:2:0:2::11 port 443 is listed twice, first "
		"as backends[0]");
	expect_bad("bad/dup.conf", 5,
		"backends[2]: 198.18.1.11 port 8080 is "
		"listed twice, first as backends[0]");
}

/*
 * The earliest repeat in the file is reported even when another pair sorts
 * first, and a repeat far down a full list is still found.
 */
static void
test_load_duplicates_at_scale_earliest_reported(void)
{
	char path[PATH_SIZE], want[ERR_SIZE];
	json_t *doc;

	tmp_path(path, "dups.json");
	doc = gen_backends(SD_BACKENDS_MAX);
	gen_dup(doc, 3000, 1);
	gen_dup(doc, 10, 5);
	write_json(path, doc);
	/* Entry 1 is 198.18.1.2, entry 5 is 198.18.1.6: the pair (1, 3000)
	 * sorts first, but 10 comes before 3000 in the file. */
	snprintf(want, sizeof(want),
		"%s: backends[10]: 198.18.1.6 port 8080 "
		"is listed twice, first as backends[5]",
		path);
	expect_err(path, AF_INET, -EINVAL, want);
}

static void
test_load_libconfig_rejected(void)
{
	expect_bad("bad/syntax.conf", 3, "syntax error: syntax error");
	expect_bad("bad/unknown_top.conf", 3, "service: unknown key");
	expect_bad("bad/no_backends.conf", 0,
		"backends: missing (an empty list means no backends)");
	expect_bad("bad/backends_type.conf", 2,
		"backends: must be a list ( {...}, ... )");
	expect_bad("bad/entry_type.conf", 5,
		"backends[1]: must be a group { address = ...; port = ...; }");
	/* The line of the key itself, not of its group. */
	expect_bad(
		"bad/unknown_key.conf", 5, "backends[0].colour: unknown key");
	expect_bad("bad/port_range.conf", 7,
		"backends[3].port: 70000 is out of range 1..65535");
	expect_bad("bad/port_string.conf", 2,
		"backends[0].port: must be an integer");
	/* A missing key has no line of its own: its group's is given. */
	expect_bad("bad/port_missing.conf", 4, "backends[1].port: missing");
	expect_bad("bad/weight_float.conf", 2,
		"backends[0].weight: must be an integer");
	expect_bad("bad/weight_range.conf", 2,
		"backends[0].weight: 100000 is out of range 0..65535");
	expect_bad("bad/address_mcast.conf", 2,
		"backends[0].address: '239.1.1.1' is not a unicast address");
	expect_bad("bad/state_name.conf", 2,
		"backends[0].state: 'Drain' is not ready, drain or maint");
}

static void
test_load_max_backends_accepted(void)
{
	char path[PATH_SIZE];
	struct sd_backend *be;
	const uint8_t last[4] = { 198, 18, 17, 96 }; /* entry 4095 */
	unsigned int nb;

	tmp_path(path, "max.json");
	write_json(path, gen_backends(SD_BACKENDS_MAX));
	nb = load_ok(path, SD_FMT_AUTO, AF_INET, &be);
	CU_ASSERT_EQUAL_FATAL(nb, SD_BACKENDS_MAX);
	expect_be(&be[0], AF_INET, (const uint8_t[4]){ 198, 18, 1, 1 }, 8080, 1,
		SD_READY);
	expect_be(&be[nb - 1], AF_INET, last, 8080, 1, SD_READY);
	free(be);
}

static void
test_load_too_many_backends_rejected(void)
{
	char path[PATH_SIZE], want[ERR_SIZE];

	tmp_path(path, "over.json");
	write_json(path, gen_backends(SD_BACKENDS_MAX + 1));
	snprintf(want, sizeof(want),
		"%s: backends: 4097 entries, more than 4096", path);
	expect_err(path, AF_INET, -EINVAL, want);
}

static void
test_load_missing_file_enoent(void)
{
	expect_err("bad/nonexistent.json", AF_INET, -ENOENT,
		"bad/nonexistent.json: cannot read: No such file or directory");
}

static void
test_load_not_regular_file_rejected(void)
{
	char path[PATH_SIZE], want[ERR_SIZE];

	tmp_path(path, "dir.json");
	CU_ASSERT_EQUAL_FATAL(mkdir(path, 0700), 0);
	snprintf(want, sizeof(want), "%s: is not a regular file", path);
	expect_err(path, AF_INET, -EINVAL, want);
	rmdir(path);
}

/* A sparse file: refused on its size, before a byte is read. */
static void
test_load_oversize_file_rejected(void)
{
	char path[PATH_SIZE], want[ERR_SIZE];
	const off_t size = (16 << 20) + 1; /* bytes: 1 past the limit */
	int fd;

	tmp_path(path, "huge.json");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL_FATAL(ftruncate(fd, size), 0);
	close(fd);
	snprintf(want, sizeof(want),
		"%s: is 16777217 bytes, more than the "
		"16777216 a discovery file may have",
		path);
	expect_err(path, AF_INET, -EINVAL, want);
	unlink(path);
}

/* Root reads anything, so the check only runs unprivileged. */
static void
test_load_unreadable_eio(void)
{
	char path[PATH_SIZE], want[ERR_SIZE];

	if (geteuid() == 0)
		return;
	tmp_path(path, "secret.json");
	write_json(path, gen_backends(1));
	CU_ASSERT_EQUAL_FATAL(chmod(path, 0), 0);
	snprintf(
		want, sizeof(want), "%s: cannot read: Permission denied", path);
	expect_err(path, AF_INET, -EIO, want);
	unlink(path);
}

static void
test_load_short_err_buffer_truncated(void)
{
	static const char full[] = "bad/port_zero.json: backends[0].port: 0 "
				   "is out of range 1..65535";
	struct sd_backend *be = NULL;
	unsigned int nb = 0;
	char err[16];

	memset(err, 'x', sizeof(err));
	CU_ASSERT_EQUAL(sd_load("bad/port_zero.json", AF_INET, &be, &nb, err,
				sizeof(err)),
		-EINVAL);
	CU_ASSERT_EQUAL(strlen(err), sizeof(err) - 1);
	CU_ASSERT_EQUAL(strncmp(err, full, sizeof(err) - 1), 0);
	/* No buffer at all is allowed: only the code is returned. */
	CU_ASSERT_EQUAL(
		sd_load("bad/port_zero.json", AF_INET, &be, &nb, NULL, 0),
		-EINVAL);
	CU_ASSERT_PTR_NULL(be);
}

static void
test_state_names_round_trip(void)
{
	unsigned int i;

	CU_ASSERT_STRING_EQUAL(sd_state_name(SD_READY), "ready");
	CU_ASSERT_STRING_EQUAL(sd_state_name(SD_DRAIN), "drain");
	CU_ASSERT_STRING_EQUAL(sd_state_name(SD_MAINT), "maint");
	CU_ASSERT_STRING_EQUAL(sd_state_name(SD_STATE_COUNT), "unknown");
	CU_ASSERT_STRING_EQUAL(sd_state_name((enum sd_state) - 1), "unknown");
	for (i = 0; i < SD_STATE_COUNT; i++)
		CU_ASSERT_EQUAL(sd_state_parse(sd_state_name(i)), (int)i);
	CU_ASSERT_EQUAL(sd_state_parse("READY"), -EINVAL);
	CU_ASSERT_EQUAL(sd_state_parse(""), -EINVAL);
	CU_ASSERT_EQUAL(sd_state_parse("unknown"), -EINVAL);
	CU_ASSERT_EQUAL(sd_state_parse(NULL), -EINVAL);
}

static void
test_format_names_parsed(void)
{
	CU_ASSERT_EQUAL(sd_format_parse("auto"), SD_FMT_AUTO);
	CU_ASSERT_EQUAL(sd_format_parse("json"), SD_FMT_JSON);
	CU_ASSERT_EQUAL(sd_format_parse("libconfig"), SD_FMT_LIBCONFIG);
	CU_ASSERT_EQUAL(sd_format_parse("conf"), -EINVAL);
	CU_ASSERT_EQUAL(sd_format_parse(NULL), -EINVAL);
}

/*
 * State file.
 */

/* Entries covering both families, every state and the weight limits. */
static const struct sd_saved saved[] = {
	{ .service = "web4",
		.addr = { AF_INET, { 198, 18, 1, 11 } },
		.port = 8080,
		.weight = 2,
		.state = SD_DRAIN },
	{ .service = "web4",
		.addr = { AF_INET, { 198, 18, 1, 12 } },
		.port = 8080,
		.weight = 0,
		.state = SD_READY },
	{ .service = "web6",
		.addr = { AF_INET6,
			{ 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
				0x02, [15] = 0x11 } },
		.port = 65535,
		.weight = 65535,
		.state = SD_MAINT },
	/* Same address and port under another service: not a repeat. */
	{ .service = "a-service-name-that-is-31-chars",
		.addr = { AF_INET, { 198, 18, 1, 11 } },
		.port = 1,
		.weight = 1,
		.state = SD_READY },
};

static void
expect_saved_equal(const struct sd_saved *a, const struct sd_saved *b)
{
	CU_ASSERT_STRING_EQUAL(a->service, b->service);
	CU_ASSERT_EQUAL(a->addr.family, b->addr.family);
	CU_ASSERT_EQUAL(memcmp(a->addr.a, b->addr.a, sizeof(a->addr.a)), 0);
	CU_ASSERT_EQUAL(a->port, b->port);
	CU_ASSERT_EQUAL(a->weight, b->weight);
	CU_ASSERT_EQUAL(a->state, b->state);
}

/* A fresh directory under the suite's, for tests that count files. */
static void
make_dir(char *buf, const char *name)
{
	tmp_path(buf, name);
	CU_ASSERT_EQUAL_FATAL(mkdir(buf, 0700), 0);
}

static void
save_ok(const char *path, const struct sd_saved *b, unsigned int nb)
{
	char err[ERR_SIZE];
	int rc;

	memset(err, 'x', sizeof(err));
	rc = sd_state_save(path, b, nb, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "\n    %s: unexpected error %d: %s\n", path, rc,
			err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(err, "");
}

static unsigned int
state_load_ok(const char *path, struct sd_saved **out)
{
	char err[ERR_SIZE];
	unsigned int nb = UINT32_MAX;
	int rc;

	memset(err, 'x', sizeof(err));
	*out = NULL;
	rc = sd_state_load(path, out, &nb, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "\n    %s: unexpected error %d: %s\n", path, rc,
			err);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	CU_ASSERT_STRING_EQUAL(err, "");
	return nb;
}

static void
state_expect_err(const char *path, int rc, const char *want)
{
	struct sd_saved sentinel, *out = &sentinel;
	unsigned int nb = 12345;
	char err[ERR_SIZE];

	memset(err, 'x', sizeof(err));
	CU_ASSERT_EQUAL(sd_state_load(path, &out, &nb, err, sizeof(err)), rc);
	CU_ASSERT_PTR_EQUAL(out, &sentinel);
	CU_ASSERT_EQUAL(nb, 12345);
	CU_ASSERT_PTR_NOT_NULL_FATAL(memchr(err, '\0', sizeof(err)));
	if (want != NULL && strcmp(err, want) != 0)
		fprintf(stderr, "\n    want: %s\n    got:  %s\n", want, err);
	if (want != NULL)
		CU_ASSERT_STRING_EQUAL(err, want);
}

/* A content error of a state file: "path: what". */
static void
state_expect_bad(const char *path, const char *what)
{
	char want[ERR_SIZE];

	snprintf(want, sizeof(want), "%s: %s", path, what);
	state_expect_err(path, -EINVAL, want);
}

static void
test_state_round_trip_equal(void)
{
	char dir[PATH_SIZE], path[PATH_SIZE], tmp[PATH_SIZE];
	unsigned int i, nb, n = WEIR_ARRAY_LEN(saved);
	struct sd_saved *out;
	struct stat st;

	make_dir(dir, "rt");
	path_join(path, dir, "weir.state");
	path_join(tmp, dir, "weir.state.tmp");
	save_ok(path, saved, n);
	nb = state_load_ok(path, &out);
	CU_ASSERT_EQUAL_FATAL(nb, n);
	for (i = 0; i < n; i++)
		expect_saved_equal(&out[i], &saved[i]);
	free(out);
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	CU_ASSERT_TRUE(S_ISREG(st.st_mode));
	CU_ASSERT_EQUAL(st.st_mode & MODE_BITS, 0600);
	CU_ASSERT_EQUAL(access(tmp, F_OK), -1);
	CU_ASSERT_EQUAL(dir_count(dir), 1);
}

/* The mode is 0600 whatever the umask, even one that clears owner bits. */
static void
test_state_mode_0600_any_umask(void)
{
	static const mode_t masks[] = { 0, 022, 077, 0277 };
	char path[PATH_SIZE];
	unsigned int i;
	struct stat st;
	mode_t old;

	tmp_path(path, "umask.state");
	for (i = 0; i < WEIR_ARRAY_LEN(masks); i++) {
		old = umask(masks[i]);
		save_ok(path, saved, 1);
		umask(old);
		CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
		CU_ASSERT_EQUAL(st.st_mode & MODE_BITS, 0600);
	}
	unlink(path);
}

/* Replacing an old file, past a stale temporary left by a crash. */
static void
test_state_save_replaces_old_and_stale_tmp(void)
{
	char dir[PATH_SIZE], path[PATH_SIZE], tmp[PATH_SIZE];
	struct sd_saved *out;
	struct stat st;
	FILE *f;

	make_dir(dir, "stale");
	path_join(path, dir, "weir.state");
	path_join(tmp, dir, "weir.state.tmp");
	save_ok(path, saved, WEIR_ARRAY_LEN(saved));
	f = fopen(tmp, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs("half a file", f);
	fclose(f);
	CU_ASSERT_EQUAL(chmod(tmp, 0644), 0);
	save_ok(path, &saved[2], 1);
	CU_ASSERT_EQUAL_FATAL(state_load_ok(path, &out), 1);
	expect_saved_equal(&out[0], &saved[2]);
	free(out);
	CU_ASSERT_EQUAL(access(tmp, F_OK), -1);
	CU_ASSERT_EQUAL(stat(path, &st), 0);
	CU_ASSERT_EQUAL(st.st_mode & MODE_BITS, 0600);
	CU_ASSERT_EQUAL(dir_count(dir), 1);
}

/* The document has exactly the documented shape, stamped with now. */
static void
test_state_file_shape_documented(void)
{
	char path[PATH_SIZE];
	time_t before, after, t;
	json_t *doc, *arr, *e;
	json_error_t je;
	const char *stamp;
	struct tm tm;

	tmp_path(path, "shape.state");
	before = time(NULL);
	save_ok(path, saved, 1);
	after = time(NULL);
	doc = json_load_file(path, 0, &je);
	CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
	CU_ASSERT_EQUAL(json_object_size(doc), 3);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(doc, "version")), 1);
	stamp = json_string_value(json_object_get(doc, "saved_at"));
	CU_ASSERT_PTR_NOT_NULL_FATAL(stamp);
	CU_ASSERT_EQUAL(strlen(stamp), 20);
	memset(&tm, 0, sizeof(tm));
	CU_ASSERT_EQUAL_FATAL(sscanf(stamp, "%4d-%2d-%2dT%2d:%2d:%2dZ",
				      &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
				      &tm.tm_hour, &tm.tm_min, &tm.tm_sec),
		6);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	CU_ASSERT(t >= before && t <= after);
	arr = json_object_get(doc, "backends");
	CU_ASSERT_EQUAL_FATAL(json_array_size(arr), 1);
	e = json_array_get(arr, 0);
	CU_ASSERT_EQUAL(json_object_size(e), 5);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(e, "service")), "web4");
	CU_ASSERT_STRING_EQUAL(json_string_value(json_object_get(e, "address")),
		"198.18.1.11");
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(e, "port")), 8080);
	CU_ASSERT_EQUAL(json_integer_value(json_object_get(e, "weight")), 2);
	CU_ASSERT_STRING_EQUAL(
		json_string_value(json_object_get(e, "state")), "drain");
	json_decref(doc);
	unlink(path);
}

static void
test_state_empty_round_trip(void)
{
	char path[PATH_SIZE];
	struct sd_saved *out;

	tmp_path(path, "empty.state");
	save_ok(path, NULL, 0);
	CU_ASSERT_EQUAL(state_load_ok(path, &out), 0);
	CU_ASSERT_PTR_NULL(out);
	unlink(path);
}

static void
test_state_valid_file_parsed(void)
{
	const struct sd_saved want[] = {
		{ .service = "web4",
			.addr = { AF_INET, { 198, 18, 1, 11 } },
			.port = 8080,
			.weight = 2,
			.state = SD_DRAIN },
		{ .service = "web4",
			.addr = { AF_INET, { 198, 18, 1, 12 } },
			.port = 8080,
			.weight = 1,
			.state = SD_READY },
		{ .service = "web6",
			.addr = { AF_INET6,
				{ 0x20, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00,
					0x02, [15] = 0x11 } },
			.port = 443,
			.weight = 0,
			.state = SD_MAINT },
		{ .service = "web6",
			.addr = { AF_INET, { 198, 18, 1, 11 } },
			.port = 8080,
			.weight = 1,
			.state = SD_READY },
	};
	const struct sd_saved defaults = { .service = "web4",
		.addr = { AF_INET, { 198, 18, 1, 11 } },
		.port = 8080,
		.weight = SD_WEIGHT_DEFAULT,
		.state = SD_READY };
	struct sd_saved *out;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(
		state_load_ok("state/valid.json", &out), WEIR_ARRAY_LEN(want));
	for (i = 0; i < WEIR_ARRAY_LEN(want); i++)
		expect_saved_equal(&out[i], &want[i]);
	free(out);
	/* saved_at is for people; weir does not need it. */
	CU_ASSERT_EQUAL_FATAL(state_load_ok("state/no_saved_at.json", &out), 1);
	expect_saved_equal(&out[0], &defaults);
	free(out);
}

static void
test_state_version_checked(void)
{
	/* The version is checked before the "zone" key version 2 added. */
	state_expect_bad("state/v2.json",
		"version 2 is newer than this weir understands (1)");
	state_expect_bad("state/v0.json",
		"version 0 is not a version (this weir writes 1)");
	state_expect_bad("state/version_missing.json", "version: missing");
	state_expect_bad(
		"state/version_string.json", "version: must be an integer");
}

static void
test_state_missing_file_enoent(void)
{
	state_expect_err("state/nonexistent.json", -ENOENT,
		"state/nonexistent.json: cannot read: No such file or "
		"directory");
}

static void
test_state_malformed_rejected(void)
{
	state_expect_bad("state/top_unknown.json", "weir: unknown key");
	state_expect_bad("state/saved_at_bad.json",
		"saved_at: must be a UTC time \"YYYY-MM-DDTHH:MM:SSZ\"");
	state_expect_bad("state/saved_at_month.json",
		"saved_at: must be a UTC time \"YYYY-MM-DDTHH:MM:SSZ\"");
	state_expect_bad(
		"state/service_missing.json", "backends[0].service: missing");
	state_expect_bad("state/service_long.json",
		"backends[0].service: must be 1 to 31 characters");
	state_expect_bad("state/service_empty.json",
		"backends[0].service: must be 1 to 31 characters");
	state_expect_bad(
		"state/entry_unknown.json", "backends[0].health: unknown key");
	state_expect_bad("state/state_bad.json",
		"backends[0].state: 'down' is not ready, drain or maint");
	state_expect_bad("state/dup.json",
		"backends[2]: web4 198.18.1.11 "
		"port 8080 is listed twice, first as backends[0]");
	state_expect_bad("bad/top_array.json",
		"must be an object {\"version\": 1, ...}");
	/* A discovery file given as the state file. */
	state_expect_bad("valid6.json", "version: missing");
}

static void
test_state_truncated_rejected(void)
{
	char path[PATH_SIZE], cut[PATH_SIZE];
	struct sd_saved *out;
	struct stat st;
	char *text;
	size_t len;
	FILE *f;
	int fd;

	state_expect_err("state/truncated.json", -EINVAL,
		"state/truncated.json:2:79: syntax error: unexpected newline "
		"near '\"sta'");

	/* Every strict prefix of a saved file is refused; only dropping
	 * the final newline leaves valid JSON. */
	tmp_path(path, "full.state");
	tmp_path(cut, "cut.state");
	save_ok(path, saved, WEIR_ARRAY_LEN(saved));
	CU_ASSERT_EQUAL_FATAL(stat(path, &st), 0);
	text = malloc((size_t)st.st_size);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	f = fopen(path, "r");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(
		fread(text, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	CU_ASSERT_EQUAL_FATAL(text[st.st_size - 1], '\n');
	for (len = 0; len < (size_t)st.st_size; len++) {
		fd = open(cut, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		CU_ASSERT_FATAL(fd >= 0);
		CU_ASSERT_EQUAL_FATAL(write(fd, text, len), (ssize_t)len);
		close(fd);
		if (len + 1 == (size_t)st.st_size) {
			CU_ASSERT_EQUAL(state_load_ok(cut, &out),
				WEIR_ARRAY_LEN(saved));
			free(out);
		} else {
			state_expect_err(cut, -EINVAL, NULL);
		}
	}
	free(text);
	unlink(cut);
	unlink(path);
}

static void
test_state_garbage_rejected(void)
{
	char path[PATH_SIZE];
	unsigned int i, seed = 1;
	uint8_t junk[4096];
	FILE *f;

	state_expect_err("state/garbage.json", -EINVAL,
		"state/garbage.json:"
		"1:1: syntax error: '[' or '{' expected near '?'");
	/* Fixed seed: the same junk every run. */
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)rand_r(&seed);
	tmp_path(path, "junk.state");
	f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fwrite(junk, 1, sizeof(junk), f), sizeof(junk));
	fclose(f);
	state_expect_err(path, -EINVAL, NULL);
	unlink(path);
}

static void
save_expect_err(const struct sd_saved *b, const char *what)
{
	char path[PATH_SIZE], want[ERR_SIZE], err[ERR_SIZE];

	tmp_path(path, "invalid.state");
	snprintf(want, sizeof(want), "%s: %s", path, what);
	CU_ASSERT_EQUAL(sd_state_save(path, b, 1, err, sizeof(err)), -EINVAL);
	if (strcmp(err, want) != 0)
		fprintf(stderr, "\n    want: %s\n    got:  %s\n", want, err);
	CU_ASSERT_STRING_EQUAL(err, want);
	/* Refused before anything was written. */
	CU_ASSERT_EQUAL(access(path, F_OK), -1);
}

static void
test_state_save_invalid_entry_rejected(void)
{
	struct sd_saved b;

	b = saved[0];
	b.service[0] = '\0';
	save_expect_err(&b, "backends[0].service: must be 1 to 31 characters");
	b = saved[0];
	memset(b.service, 'a', sizeof(b.service));
	save_expect_err(&b, "backends[0].service: must be 1 to 31 characters");
	b = saved[0];
	b.addr.family = 0;
	save_expect_err(&b,
		"backends[0].address: family 0 is neither "
		"AF_INET nor AF_INET6");
	b = saved[0];
	b.port = 0;
	save_expect_err(&b, "backends[0].port: 0 is out of range 1..65535");
	b = saved[0];
	b.weight = SD_WEIGHT_MAX + 1;
	save_expect_err(
		&b, "backends[0].weight: 65536 is out of range 0..65535");
	b = saved[0];
	b.state = SD_STATE_COUNT;
	save_expect_err(&b, "backends[0].state: 3 is not a state");
}

static void
test_state_save_missing_dir_eio(void)
{
	char path[PATH_SIZE], want[ERR_SIZE], err[ERR_SIZE];

	tmp_path(path, "no/such/dir/weir.state");
	CU_ASSERT_FATAL(snprintf(want, sizeof(want),
				"%s: cannot create "
				"%s.tmp: No such file or directory",
				path, path) < (int)sizeof(want));
	CU_ASSERT_EQUAL(sd_state_save(path, saved, 1, err, sizeof(err)), -EIO);
	CU_ASSERT_STRING_EQUAL(err, want);
}

static CU_TestInfo tests[] = { { "load_json_all_fields_parsed",
				       test_load_json_all_fields_parsed },
	{ "load_libconfig_all_fields_parsed",
		test_load_libconfig_all_fields_parsed },
	{ "load_ip6_both_syntaxes_parsed", test_load_ip6_both_syntaxes_parsed },
	{ "load_empty_list_valid", test_load_empty_list_valid },
	{ "load_explicit_format_overrides_extension",
		test_load_explicit_format_overrides_extension },
	{ "load_family_mismatch_rejected", test_load_family_mismatch_rejected },
	{ "load_json_syntax_rejected", test_load_json_syntax_rejected },
	{ "load_json_structure_rejected", test_load_json_structure_rejected },
	{ "load_json_types_rejected", test_load_json_types_rejected },
	{ "load_json_ranges_rejected", test_load_json_ranges_rejected },
	{ "load_addresses_not_unicast_rejected",
		test_load_addresses_not_unicast_rejected },
	{ "load_control_chars_replaced", test_load_control_chars_replaced },
	{ "load_duplicates_rejected", test_load_duplicates_rejected },
	{ "load_duplicates_at_scale_earliest_reported",
		test_load_duplicates_at_scale_earliest_reported },
	{ "load_libconfig_rejected", test_load_libconfig_rejected },
	{ "load_max_backends_accepted", test_load_max_backends_accepted },
	{ "load_too_many_backends_rejected",
		test_load_too_many_backends_rejected },
	{ "load_missing_file_enoent", test_load_missing_file_enoent },
	{ "load_not_regular_file_rejected",
		test_load_not_regular_file_rejected },
	{ "load_oversize_file_rejected", test_load_oversize_file_rejected },
	{ "load_unreadable_eio", test_load_unreadable_eio },
	{ "load_short_err_buffer_truncated",
		test_load_short_err_buffer_truncated },
	{ "state_names_round_trip", test_state_names_round_trip },
	{ "format_names_parsed", test_format_names_parsed },
	{ "state_round_trip_equal", test_state_round_trip_equal },
	{ "state_mode_0600_any_umask", test_state_mode_0600_any_umask },
	{ "state_save_replaces_old_and_stale_tmp",
		test_state_save_replaces_old_and_stale_tmp },
	{ "state_file_shape_documented", test_state_file_shape_documented },
	{ "state_empty_round_trip", test_state_empty_round_trip },
	{ "state_valid_file_parsed", test_state_valid_file_parsed },
	{ "state_version_checked", test_state_version_checked },
	{ "state_missing_file_enoent", test_state_missing_file_enoent },
	{ "state_malformed_rejected", test_state_malformed_rejected },
	{ "state_truncated_rejected", test_state_truncated_rejected },
	{ "state_garbage_rejected", test_state_garbage_rejected },
	{ "state_save_invalid_entry_rejected",
		test_state_save_invalid_entry_rejected },
	{ "state_save_missing_dir_eio", test_state_save_missing_dir_eio },
	CU_TEST_INFO_NULL };

static CU_SuiteInfo suites[] = { { .pName = "sd",
					 .pInitFunc = suite_init,
					 .pCleanupFunc = suite_cleanup,
					 .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}

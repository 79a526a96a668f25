/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the console registry (lib/console): dispatch, every error
 * message, access levels, -j, ';' sequences, the tokenizer, help,
 * completion, tables, JSON and the reply buffer. A small fake command
 * table stands in for app/weir's cmd_*.c; its handlers record each call
 * and its arguments so tests check what ran as well as what was printed.
 * Every expected reply is written out in full here, never built by the
 * code under test, and every input line is an exact-size heap copy, so
 * ASan or valgrind flag any read past its end. A last test feeds random
 * lines and checks the reply framing invariants.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "weir_cunit.h"
#include "weir_common.h"
#include "console.h"

#define REC_CALLS_MAX 8	   /* calls recorded per test */
#define REC_WORD_SIZE 4200 /* bytes: one word of a line of 4096 bytes */
#define FUZZ_ITERS 100000
#define FUZZ_TOKENS_MAX 40  /* tokens per random line */
#define FUZZ_LONG_EVERY 500 /* lines: one in this many is about 4 KiB */
#define COMPLETE_SIZE 256   /* bytes: candidates joined by spaces */

/* What a fake handler was called with. */
struct rec_call {
	const char *name; /* the command's fixed words */
	int argc;
	char argv[CONSOLE_ARGS_MAX][REC_WORD_SIZE];
	bool json;	 /* ctx->json during the call */
	bool argv_ended; /* argv[argc] == NULL */
};

static struct rec_call calls[REC_CALLS_MAX];
static unsigned int nb_calls; /* may exceed REC_CALLS_MAX; extra not kept */

static struct console_registry *reg;
static struct console_out *out;
static struct console_ctx ctx;

static void
rec(struct console_ctx *c, const char *name, int argc, char **argv)
{
	struct rec_call *r;
	int i;

	if (nb_calls++ >= REC_CALLS_MAX)
		return;
	r = &calls[nb_calls - 1];
	r->name = name;
	r->argc = argc;
	r->json = c->json;
	r->argv_ended = argv[argc] == NULL;
	for (i = 0; i < argc && i < CONSOLE_ARGS_MAX; i++)
		snprintf(r->argv[i], sizeof(r->argv[i]), "%s", argv[i]);
}

static int
fake_show_info(struct console_ctx *c, int argc, char **argv)
{
	rec(c, "show info", argc, argv);
	console_printf(c, "version test\n");
	console_printf(c, "uptime %d s\n", 5);
	return 0;
}

static int
fake_show_backends(struct console_ctx *c, int argc, char **argv)
{
	static const char *const headers[] = { "ADDRESS", "PORT", "WEIGHT" };

	rec(c, "show backends", argc, argv);
	if (c->json)
		return console_json(c,
			json_pack("{s:s,s:[{s:s,s:i}]}", "service",
				argc > 0 ? argv[0] : "all", "backends",
				"address", "192.0.2.1", "weight", 10));
	console_table_begin(c, 3, headers);
	console_table_row(c, "%s\t%u\t%u", "192.0.2.1", 80, 10);
	console_table_row(c, "%s\t%u\t%u", "192.0.2.10", 8080, 1);
	console_table_end(c);
	return 0;
}

static int
fake_set_weight(struct console_ctx *c, int argc, char **argv)
{
	rec(c, "set backend weight", argc, argv);
	return 0;
}

static int
fake_add_backend(struct console_ctx *c, int argc, char **argv)
{
	rec(c, "add backend", argc, argv);
	return 0;
}

static int
fake_fail(struct console_ctx *c, int argc, char **argv)
{
	rec(c, "fail", argc, argv);
	console_printf(c, "partial");
	return console_error(c, "backend pool exhausted");
}

static int
fake_fail_quietly(struct console_ctx *c, int argc, char **argv)
{
	rec(c, "fail quietly", argc, argv);
	return -EIO;
}

/* Begins a table and leaves it to the dispatcher to print. */
static int
fake_show_unended(struct console_ctx *c, int argc, char **argv)
{
	static const char *const headers[] = { "K", "V" };

	rec(c, "show unended", argc, argv);
	console_table_begin(c, 2, headers);
	console_table_row(c, "a\t1");
	return 0;
}

static const struct console_cmd fake_cmds[] = {
	{
		.words = { "show", "info" },
		.help = "show version and uptime",
		.level = CONSOLE_USER,
		.fn = fake_show_info,
	},
	{
		.words = { "show", "backends" },
		.args = "[<service>]",
		.help = "list backends and their counters",
		.level = CONSOLE_USER,
		.max_args = 1,
		.flags = CONSOLE_F_JSON,
		.fn = fake_show_backends,
	},
	{
		.words = { "set", "backend", "weight" },
		.args = "<service> <address> <port> <weight>",
		.help = "set a backend's weight",
		.level = CONSOLE_OPERATOR,
		.min_args = 4,
		.max_args = 4,
		.fn = fake_set_weight,
	},
	{
		.words = { "add", "backend" },
		.args = "<service> <address> <port>",
		.help = "add a backend to a service",
		.level = CONSOLE_ADMIN,
		.min_args = 3,
		.max_args = 3,
		.fn = fake_add_backend,
	},
	{
		.words = { "fail" },
		.help = "always fails, after partial output",
		.fn = fake_fail,
	},
	{
		.words = { "fail", "quietly" },
		.help = "always fails, silently",
		.fn = fake_fail_quietly,
	},
};

static void
setup(void)
{
	reg = console_registry_create();
	out = console_out_create();
	if (reg == NULL || out == NULL ||
		console_register(reg, fake_cmds, WEIR_ARRAY_LEN(fake_cmds)) !=
			0) {
		fprintf(stderr, "console setup failed\n");
		abort();
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.out = out;
	ctx.reg = reg;
	memset(calls, 0, sizeof(calls));
	nb_calls = 0;
}

static void
teardown(void)
{
	console_registry_destroy(reg);
	console_out_destroy(out);
	reg = NULL;
	out = NULL;
}

static int fake_nop(struct console_ctx *c, int argc, char **argv);
static bool
complete_is(enum console_level level, const char *partial, const char *want);

/* Run 'line' from an exact-size heap copy on an empty reply buffer. */
static int
exec_n(enum console_level level, const char *line, size_t len)
{
	char *copy = malloc(len + 1);
	int rc;

	if (copy == NULL)
		abort();
	memcpy(copy, line, len);
	copy[len] = '\0';
	console_out_reset(out);
	ctx.level = level;
	rc = console_exec_line(&ctx, copy);
	free(copy);
	return rc;
}

static int
exec(enum console_level level, const char *line)
{
	return exec_n(level, line, strlen(line));
}

/* Compare the reply; print both on a mismatch, CUnit shows neither. */
static bool
out_is(const char *want)
{
	const char *got = console_out_data(out);

	if (console_out_len(out) == strlen(want) && strcmp(got, want) == 0)
		return true;
	fprintf(stderr,
		"\n--- want (%zu bytes)\n%s--- got (%zu bytes)\n%s---\n",
		strlen(want), want, console_out_len(out), got);
	return false;
}

#define EXPECT(level, line, want_rc, want_out)                                 \
	do {                                                                   \
		CU_ASSERT_EQUAL(exec(level, line), want_rc);                   \
		CU_ASSERT_TRUE(out_is(want_out));                              \
	} while (0)

#define BACKENDS_TABLE                                                         \
	"ADDRESS     PORT  WEIGHT\n"                                           \
	"192.0.2.1   80    10\n"                                               \
	"192.0.2.10  8080  1\n"

#define INFO_OUT "version test\nuptime 5 s\n"

/* --- dispatch --- */

static void
test_exec_show_info_runs(void)
{
	EXPECT(CONSOLE_USER, "show info", 0, INFO_OUT);
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_STRING_EQUAL(calls[0].name, "show info");
	CU_ASSERT_EQUAL(calls[0].argc, 0);
	CU_ASSERT_FALSE(calls[0].json);
	CU_ASSERT_TRUE(calls[0].argv_ended);
}

static void
test_exec_show_backends_table_printed(void)
{
	EXPECT(CONSOLE_USER, "show backends", 0, BACKENDS_TABLE);
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_EQUAL(calls[0].argc, 0);
}

static void
test_exec_show_backends_arg_passed(void)
{
	EXPECT(CONSOLE_USER, "show backends web", 0, BACKENDS_TABLE);
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_STRING_EQUAL(calls[0].name, "show backends");
	CU_ASSERT_EQUAL(calls[0].argc, 1);
	CU_ASSERT_STRING_EQUAL(calls[0].argv[0], "web");
	CU_ASSERT_TRUE(calls[0].argv_ended);
}

static void
test_exec_set_weight_operator_runs(void)
{
	EXPECT(CONSOLE_OPERATOR, "set backend weight web 192.0.2.1 80 5", 0,
		"");
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_STRING_EQUAL(calls[0].name, "set backend weight");
	CU_ASSERT_EQUAL(calls[0].argc, 4);
	CU_ASSERT_STRING_EQUAL(calls[0].argv[0], "web");
	CU_ASSERT_STRING_EQUAL(calls[0].argv[1], "192.0.2.1");
	CU_ASSERT_STRING_EQUAL(calls[0].argv[2], "80");
	CU_ASSERT_STRING_EQUAL(calls[0].argv[3], "5");
}

static void
test_exec_add_backend_admin_runs(void)
{
	EXPECT(CONSOLE_ADMIN, "add backend web 192.0.2.3 80", 0, "");
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_STRING_EQUAL(calls[0].name, "add backend");
	CU_ASSERT_EQUAL(calls[0].argc, 3);
	CU_ASSERT_STRING_EQUAL(calls[0].argv[2], "80");
}

static void
test_exec_failing_cmd_error_on_new_line(void)
{
	EXPECT(CONSOLE_USER, "fail", -EINVAL,
		"partial\nerror: backend pool exhausted\n");
	CU_ASSERT_EQUAL(nb_calls, 1);
}

static void
test_exec_silent_failure_reported(void)
{
	EXPECT(CONSOLE_USER, "fail quietly", -EIO,
		"error: 'fail quietly' failed: Input/output error\n");
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_STRING_EQUAL(calls[0].name, "fail quietly");
}

static void
test_exec_longest_match_wins(void)
{
	/* "fail" is a prefix of "fail quietly"; "fail x" is "fail" + arg. */
	EXPECT(CONSOLE_USER, "fail x", -EINVAL,
		"error: unexpected argument 'x' after 'fail'\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_unknown_command_error(void)
{
	EXPECT(CONSOLE_USER, "shwo info", -ENOENT,
		"error: unknown command 'shwo'; 'help' lists the commands\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_case_differs_unknown(void)
{
	EXPECT(CONSOLE_USER, "SHOW info", -ENOENT,
		"error: unknown command 'SHOW'; 'help' lists the commands\n");
	EXPECT(CONSOLE_USER, "show INFO", -ENOENT,
		"error: 'show' has no 'INFO'; try: show backends, show info\n");
}

static void
test_exec_bad_subcommand_lists_words(void)
{
	EXPECT(CONSOLE_USER, "show bakends web", -ENOENT,
		"error: 'show' has no 'bakends'; try: show backends, show info\n");
	EXPECT(CONSOLE_OPERATOR, "set backend wieght web", -ENOENT,
		"error: 'set backend' has no 'wieght'; try: set backend weight\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_incomplete_lists_words(void)
{
	EXPECT(CONSOLE_USER, "show", -ENOENT,
		"error: 'show' is incomplete; try: show backends, show info\n");
	EXPECT(CONSOLE_OPERATOR, "set backend", -ENOENT,
		"error: 'set backend' is incomplete; try: set backend weight\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_too_few_args_synopsis(void)
{
	EXPECT(CONSOLE_OPERATOR, "set backend weight web 192.0.2.1", -EINVAL,
		"error: 'set backend weight' needs <service> <address> <port> <weight>\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_too_many_args_names_word(void)
{
	EXPECT(CONSOLE_USER, "show info x", -EINVAL,
		"error: unexpected argument 'x' after 'show info'\n");
	EXPECT(CONSOLE_USER, "show backends web x y", -EINVAL,
		"error: unexpected argument 'x' after 'show backends web'\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_level_too_low_denied(void)
{
	EXPECT(CONSOLE_USER, "add backend web 192.0.2.3 80", -EPERM,
		"error: 'add backend' needs level admin; this session is user\n");
	EXPECT(CONSOLE_OPERATOR, "add backend web 192.0.2.3 80", -EPERM,
		"error: 'add backend' needs level admin; this session is operator\n");
	EXPECT(CONSOLE_USER, "set backend weight web 192.0.2.1 80 5", -EPERM,
		"error: 'set backend weight' needs level operator; this session is user\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_level_checked_before_args(void)
{
	/* No synopsis for a command the session may not run. */
	EXPECT(CONSOLE_USER, "add backend", -EPERM,
		"error: 'add backend' needs level admin; this session is user\n");
}

static void
test_exec_family_level_too_low_denied(void)
{
	EXPECT(CONSOLE_USER, "add", -EPERM,
		"error: 'add' needs level admin; this session is user\n");
	EXPECT(CONSOLE_OPERATOR, "add bakend", -EPERM,
		"error: 'add' needs level admin; this session is operator\n");
	EXPECT(CONSOLE_USER, "set backend wieght", -EPERM,
		"error: 'set backend' needs level operator; this session is user\n");
	EXPECT(CONSOLE_ADMIN, "add bakend", -ENOENT,
		"error: 'add' has no 'bakend'; try: add backend\n");
}

static void
test_exec_each_level_allowed_or_denied(void)
{
	static const struct {
		const char *line;
		enum console_level need;
	} cases[] = {
		{ "show info", CONSOLE_USER },
		{ "set backend weight web 192.0.2.1 80 5", CONSOLE_OPERATOR },
		{ "add backend web 192.0.2.3 80", CONSOLE_ADMIN },
	};
	enum console_level lvl;
	unsigned int i, before;
	int rc;

	for (i = 0; i < WEIR_ARRAY_LEN(cases); i++) {
		for (lvl = CONSOLE_USER; lvl <= CONSOLE_ADMIN; lvl++) {
			before = nb_calls;
			rc = exec(lvl, cases[i].line);
			if (lvl >= cases[i].need) {
				CU_ASSERT_EQUAL(rc, 0);
				CU_ASSERT_EQUAL(nb_calls, before + 1);
			} else {
				CU_ASSERT_EQUAL(rc, -EPERM);
				CU_ASSERT_EQUAL(nb_calls, before);
			}
		}
	}
}

/* --- -j --- */

static void
test_exec_json_flag_set_and_removed(void)
{
	EXPECT(CONSOLE_USER, "show backends -j", 0,
		"{\"service\":\"all\",\"backends\":"
		"[{\"address\":\"192.0.2.1\",\"weight\":10}]}\n");
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_TRUE(calls[0].json);
	CU_ASSERT_EQUAL(calls[0].argc, 0);
	CU_ASSERT_FALSE(ctx.json);
}

static void
test_exec_json_anywhere_removed(void)
{
	EXPECT(CONSOLE_USER, "show backends -j web", 0,
		"{\"service\":\"web\",\"backends\":"
		"[{\"address\":\"192.0.2.1\",\"weight\":10}]}\n");
	CU_ASSERT_EQUAL(exec(CONSOLE_USER, "show backends web -j"), 0);
	CU_ASSERT_EQUAL(nb_calls, 2);
	CU_ASSERT_TRUE(calls[1].json);
	CU_ASSERT_EQUAL(calls[1].argc, 1);
	CU_ASSERT_STRING_EQUAL(calls[1].argv[0], "web");
	CU_ASSERT_TRUE(calls[1].argv_ended);
}

static void
test_exec_json_not_counted_as_arg(void)
{
	/* max_args 1: -j does not use the slot. */
	CU_ASSERT_EQUAL(exec(CONSOLE_USER, "show backends -j web -j"), 0);
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_EQUAL(calls[0].argc, 1);
}

static void
test_exec_json_unsupported_error(void)
{
	EXPECT(CONSOLE_USER, "quit -j", -EINVAL,
		"error: 'quit' has no -j output\n");
	CU_ASSERT_FALSE(ctx.quit);
	EXPECT(CONSOLE_USER, "show info -j", -EINVAL,
		"error: 'show info' has no -j output\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_json_reset_between_commands(void)
{
	EXPECT(CONSOLE_USER, "show backends -j; show backends", 0,
		"{\"service\":\"all\",\"backends\":"
		"[{\"address\":\"192.0.2.1\",\"weight\":10}]}\n" BACKENDS_TABLE);
	CU_ASSERT_EQUAL(nb_calls, 2);
	CU_ASSERT_TRUE(calls[0].json);
	CU_ASSERT_FALSE(calls[1].json);
	CU_ASSERT_FALSE(ctx.json);
}

/* --- ';' sequences --- */

static void
test_exec_multi_failure_rest_run(void)
{
	EXPECT(CONSOLE_USER, "show info; fail; show backends web", -EINVAL,
		INFO_OUT
		"partial\nerror: backend pool exhausted\n" BACKENDS_TABLE);
	CU_ASSERT_EQUAL(nb_calls, 3);
	CU_ASSERT_STRING_EQUAL(calls[0].name, "show info");
	CU_ASSERT_STRING_EQUAL(calls[1].name, "fail");
	CU_ASSERT_STRING_EQUAL(calls[2].name, "show backends");
}

static void
test_exec_multi_last_error_returned(void)
{
	EXPECT(CONSOLE_USER, "fail quietly;shwo;show info", -ENOENT,
		"error: 'fail quietly' failed: Input/output error\n"
		"error: unknown command 'shwo'; 'help' lists the commands\n" INFO_OUT);
	CU_ASSERT_EQUAL(nb_calls, 2);
}

static void
test_exec_empty_commands_silent(void)
{
	EXPECT(CONSOLE_USER, "", 0, "");
	EXPECT(CONSOLE_USER, "   \t ", 0, "");
	EXPECT(CONSOLE_USER, ";;", 0, "");
	EXPECT(CONSOLE_USER, " ; \t; ", 0, "");
	EXPECT(CONSOLE_USER, ";show info;;", 0, INFO_OUT);
	EXPECT(CONSOLE_USER, "show info;", 0, INFO_OUT);
	CU_ASSERT_EQUAL(nb_calls, 2);
}

static void
test_exec_quit_stops_line(void)
{
	EXPECT(CONSOLE_USER, "show info; quit; show backends", 0, INFO_OUT);
	CU_ASSERT_TRUE(ctx.quit);
	CU_ASSERT_EQUAL(nb_calls, 1);
}

static void
test_exec_prompt_toggles(void)
{
	EXPECT(CONSOLE_USER, "prompt", 0, "");
	CU_ASSERT_TRUE(ctx.prompt);
	EXPECT(CONSOLE_USER, "prompt", 0, "");
	CU_ASSERT_FALSE(ctx.prompt);
	CU_ASSERT_FALSE(ctx.quit);
}

static void
test_exec_unended_table_flushed(void)
{
	static const struct console_cmd extra[] = {
		{
			.words = { "show", "unended" },
			.help = "forgets console_table_end()",
			.fn = fake_show_unended,
		},
	};

	CU_ASSERT_EQUAL(console_register(reg, extra, 1), 0);
	EXPECT(CONSOLE_USER, "show unended; show info", 0,
		"K  V\na  1\n" INFO_OUT);
}

static void
test_exec_try_list_deduplicated(void)
{
	static const struct console_cmd extra[] = {
		{
			.words = { "show", "backends", "stats" },
			.help = "backend counters",
			.fn = fake_nop,
		},
	};

	CU_ASSERT_EQUAL(console_register(reg, extra, 1), 0);
	EXPECT(CONSOLE_USER, "show bakends", -ENOENT,
		"error: 'show' has no 'bakends'; try: show backends, show info\n");
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show b", "backends"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show backends ", "stats"));
	/* Longest match: three fixed words beat two plus an argument. */
	EXPECT(CONSOLE_USER, "show backends stats", 0, "");
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_STRING_EQUAL(calls[0].name, "nop");
}

/* --- tokenizer --- */

static void
test_exec_quotes_group_words(void)
{
	CU_ASSERT_EQUAL(
		exec(CONSOLE_OPERATOR,
			"set backend weight \"my svc\" \"say \\\"hi\\\"\" "
			"\"back\\\\slash\" x\"y z\"w"),
		0);
	CU_ASSERT_TRUE(out_is(""));
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_EQUAL(calls[0].argc, 4);
	CU_ASSERT_STRING_EQUAL(calls[0].argv[0], "my svc");
	CU_ASSERT_STRING_EQUAL(calls[0].argv[1], "say \"hi\"");
	CU_ASSERT_STRING_EQUAL(calls[0].argv[2], "back\\slash");
	CU_ASSERT_STRING_EQUAL(calls[0].argv[3], "xy zw");
}

static void
test_exec_quote_other_escape_kept(void)
{
	CU_ASSERT_EQUAL(exec(CONSOLE_USER, "show backends \"a\\nb\""), 0);
	CU_ASSERT_EQUAL(exec(CONSOLE_USER, "show backends a\\\"b"), -EINVAL);
	CU_ASSERT_TRUE(out_is("error: unterminated quote\n"));
	CU_ASSERT_EQUAL(nb_calls, 1);
	/* Outside quotes a backslash is an ordinary byte. */
	CU_ASSERT_STRING_EQUAL(calls[0].argv[0], "a\\nb");
}

static void
test_exec_quoted_empty_word_kept(void)
{
	CU_ASSERT_EQUAL(exec(CONSOLE_USER, "show backends \"\""), 0);
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_EQUAL(calls[0].argc, 1);
	CU_ASSERT_STRING_EQUAL(calls[0].argv[0], "");
	EXPECT(CONSOLE_USER, "\"\"", -ENOENT,
		"error: unknown command ''; 'help' lists the commands\n");
}

static void
test_exec_quoted_fixed_word_matches(void)
{
	EXPECT(CONSOLE_USER, "\"show\" in\"fo\"", 0, INFO_OUT);
}

static void
test_exec_quoted_semicolon_literal(void)
{
	CU_ASSERT_EQUAL(
		exec(CONSOLE_USER, "show backends \"a;b\"; show info"), 0);
	CU_ASSERT_EQUAL(nb_calls, 2);
	CU_ASSERT_STRING_EQUAL(calls[0].argv[0], "a;b");
}

static void
test_exec_unterminated_quote_error(void)
{
	EXPECT(CONSOLE_USER, "show backends \"web", -EINVAL,
		"error: unterminated quote\n");
	EXPECT(CONSOLE_USER, "show backends \"web\\\"", -EINVAL,
		"error: unterminated quote\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
	/* The quote swallows the rest of the line, ';' included. */
	EXPECT(CONSOLE_USER, "show info; show backends \"a; show info", -EINVAL,
		INFO_OUT "error: unterminated quote\n");
	CU_ASSERT_EQUAL(nb_calls, 1);
}

static void
test_exec_tab_separates(void)
{
	EXPECT(CONSOLE_USER, "\tshow\t\tinfo\t", 0, INFO_OUT);
}

static void
test_exec_crlf_stripped(void)
{
	EXPECT(CONSOLE_USER, "show info\r", 0, INFO_OUT);
	EXPECT(CONSOLE_USER, "\r", 0, "");
	/* Only one, and only at the end. */
	EXPECT(CONSOLE_USER, "show info\r\r", -EINVAL,
		"error: line contains a non-printable byte (0x0d) at column 10\n");
	EXPECT(CONSOLE_USER, "show\rinfo", -EINVAL,
		"error: line contains a non-printable byte (0x0d) at column 5\n");
	CU_ASSERT_EQUAL(nb_calls, 1);
}

static void
test_exec_nonprintable_line_rejected(void)
{
	EXPECT(CONSOLE_USER, "show\x01info", -EINVAL,
		"error: line contains a non-printable byte (0x01) at column 5\n");
	EXPECT(CONSOLE_USER, "show info\x7f", -EINVAL,
		"error: line contains a non-printable byte (0x7f) at column 10\n");
	/* The whole line, not just the command holding the byte. */
	EXPECT(CONSOLE_USER, "show info; \x1b[A", -EINVAL,
		"error: line contains a non-printable byte (0x1b) at column 12\n");
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_high_bytes_accepted(void)
{
	CU_ASSERT_EQUAL(exec(CONSOLE_USER, "show backends caf\xc3\xa9"), 0);
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_STRING_EQUAL(calls[0].argv[0], "caf\xc3\xa9");
}

/* "show backends " then 'a' up to 'len' bytes, then 'tail'. */
static char *
long_line(size_t len, const char *tail)
{
	static const char head[] = "show backends ";
	size_t tail_len = strlen(tail);
	char *s = malloc(len + tail_len + 1);

	if (s == NULL)
		abort();
	memcpy(s, head, sizeof(head) - 1);
	memset(s + sizeof(head) - 1, 'a', len - (sizeof(head) - 1));
	memcpy(s + len, tail, tail_len + 1);
	return s;
}

static void
test_exec_line_max_accepted(void)
{
	char *s = long_line(CONSOLE_LINE_MAX, "");

	CU_ASSERT_EQUAL(exec(CONSOLE_USER, s), 0);
	CU_ASSERT_EQUAL(nb_calls, 1);
	CU_ASSERT_EQUAL(strlen(calls[0].argv[0]), CONSOLE_LINE_MAX - 14);
	free(s);
	s = long_line(CONSOLE_LINE_MAX, "\r");
	CU_ASSERT_EQUAL(exec(CONSOLE_USER, s), 0);
	CU_ASSERT_EQUAL(nb_calls, 2);
	free(s);
}

static void
test_exec_line_too_long_rejected(void)
{
	char *s = long_line(CONSOLE_LINE_MAX + 1, "");

	EXPECT(CONSOLE_USER, s, -EINVAL,
		"error: line longer than 4096 bytes\n");
	free(s);
	s = long_line(CONSOLE_LINE_MAX + 1, "\r");
	EXPECT(CONSOLE_USER, s, -EINVAL,
		"error: line longer than 4096 bytes\n");
	free(s);
	s = long_line(3 * CONSOLE_LINE_MAX, "");
	EXPECT(CONSOLE_USER, s, -EINVAL,
		"error: line longer than 4096 bytes\n");
	free(s);
	CU_ASSERT_EQUAL(nb_calls, 0);
}

static void
test_exec_too_many_words_rejected(void)
{
	/* 16 words pass the tokenizer and reach the argument check. */
	EXPECT(CONSOLE_USER, "show backends 1 2 3 4 5 6 7 8 9 10 11 12 13 14",
		-EINVAL,
		"error: unexpected argument '2' after 'show backends 1'\n");
	EXPECT(CONSOLE_USER,
		"show backends 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", -EINVAL,
		"error: too many words (limit 16)\n");
	/* Only that command. */
	EXPECT(CONSOLE_USER,
		"show info; a b c d e f g h i j k l m n o p q; show info",
		-EINVAL,
		INFO_OUT "error: too many words (limit 16)\n" INFO_OUT);
	CU_ASSERT_EQUAL(nb_calls, 2);
}

static void
test_exec_missing_newline_added(void)
{
	static const struct console_cmd extra[] = {
		{
			.words = { "fail", "twice" },
			.help = "prints without a newline, twice",
			.fn = fake_fail,
		},
	};

	/* "partial" ends the command's output without '\n': the
	 * dispatcher ends the line so the next command starts a new one. */
	CU_ASSERT_EQUAL(console_register(reg, extra, 1), 0);
	EXPECT(CONSOLE_USER, "fail twice; fail twice", -EINVAL,
		"partial\nerror: backend pool exhausted\n"
		"partial\nerror: backend pool exhausted\n");
}

static void
test_exec_no_registry_error(void)
{
	ctx.reg = NULL;
	EXPECT(CONSOLE_USER, "show info", -EINVAL,
		"error: no command registry\n");
	CU_ASSERT_EQUAL(console_exec_line(&ctx, NULL), -EINVAL);
	CU_ASSERT_EQUAL(console_exec_line(NULL, "show info"), -EINVAL);
}

/* --- help --- */

static void
test_help_user_lists_allowed(void)
{
	EXPECT(CONSOLE_USER, "help", 0,
		"fail                            always fails, after partial output\n"
		"fail quietly                    always fails, silently\n"
		"help [<word>...]                "
		"list the commands, or those starting with <word>...\n"
		"prompt                          "
		"toggle interactive mode (a \"> \" prompt after each reply)\n"
		"quit                            close the session after this reply\n"
		"show backends [<service>] [-j]  list backends and their counters\n"
		"show info                       show version and uptime\n");
}

static void
test_help_operator_adds_set(void)
{
	EXPECT(CONSOLE_OPERATOR, "help", 0,
		"fail                                                    "
		"always fails, after partial output\n"
		"fail quietly                                            "
		"always fails, silently\n"
		"help [<word>...]                                        "
		"list the commands, or those starting with <word>...\n"
		"prompt                                                  "
		"toggle interactive mode (a \"> \" prompt after each reply)\n"
		"quit                                                    "
		"close the session after this reply\n"
		"set backend weight <service> <address> <port> <weight>  "
		"set a backend's weight\n"
		"show backends [<service>] [-j]                          "
		"list backends and their counters\n"
		"show info                                               "
		"show version and uptime\n");
}

static void
test_help_admin_lists_all(void)
{
	EXPECT(CONSOLE_ADMIN, "help", 0,
		"add backend <service> <address> <port>                  "
		"add a backend to a service\n"
		"fail                                                    "
		"always fails, after partial output\n"
		"fail quietly                                            "
		"always fails, silently\n"
		"help [<word>...]                                        "
		"list the commands, or those starting with <word>...\n"
		"prompt                                                  "
		"toggle interactive mode (a \"> \" prompt after each reply)\n"
		"quit                                                    "
		"close the session after this reply\n"
		"set backend weight <service> <address> <port> <weight>  "
		"set a backend's weight\n"
		"show backends [<service>] [-j]                          "
		"list backends and their counters\n"
		"show info                                               "
		"show version and uptime\n");
}

static void
test_help_prefix_filters(void)
{
	EXPECT(CONSOLE_USER, "help show", 0,
		"show backends [<service>] [-j]  list backends and their counters\n"
		"show info                       show version and uptime\n");
	EXPECT(CONSOLE_USER, "help show backends", 0,
		"show backends [<service>] [-j]  list backends and their counters\n");
	EXPECT(CONSOLE_USER, "help fail", 0,
		"fail          always fails, after partial output\n"
		"fail quietly  always fails, silently\n");
	EXPECT(CONSOLE_OPERATOR, "help set", 0,
		"set backend weight <service> <address> <port> <weight>  "
		"set a backend's weight\n");
}

static void
test_help_unknown_word_error(void)
{
	EXPECT(CONSOLE_USER, "help shwo", -ENOENT,
		"error: unknown command 'shwo'; 'help' lists the commands\n");
	EXPECT(CONSOLE_USER, "help show bakends", -ENOENT,
		"error: 'show' has no 'bakends'; try: show backends, show info\n");
	EXPECT(CONSOLE_USER, "help show info foo", -ENOENT,
		"error: 'show info' has no 'foo'\n");
}

static void
test_help_denied_prefix_error(void)
{
	EXPECT(CONSOLE_USER, "help add", -EPERM,
		"error: 'add' needs level admin; this session is user\n");
	EXPECT(CONSOLE_OPERATOR, "help add backend", -EPERM,
		"error: 'add backend' needs level admin; this session is operator\n");
	EXPECT(CONSOLE_USER, "help set", -EPERM,
		"error: 'set' needs level operator; this session is user\n");
}

/* --- completion --- */

struct complete_res {
	char text[COMPLETE_SIZE]; /* candidates joined by spaces */
};

static void
complete_cb(void *arg, const char *word)
{
	struct complete_res *res = arg;
	size_t len = strlen(res->text);

	snprintf(res->text + len, sizeof(res->text) - len, "%s%s",
		len > 0 ? " " : "", word);
}

static bool
complete_is(enum console_level level, const char *partial, const char *want)
{
	struct complete_res res = { .text = "" };
	char *copy = strdup(partial);

	if (copy == NULL)
		abort();
	console_complete(reg, level, copy, complete_cb, &res);
	free(copy);
	if (strcmp(res.text, want) == 0)
		return true;
	fprintf(stderr, "\ncomplete '%s': want '%s', got '%s'\n", partial, want,
		res.text);
	return false;
}

static void
test_complete_first_word_by_level(void)
{
	CU_ASSERT_TRUE(
		complete_is(CONSOLE_USER, "", "fail help prompt quit show"));
	CU_ASSERT_TRUE(complete_is(
		CONSOLE_OPERATOR, "", "fail help prompt quit set show"));
	CU_ASSERT_TRUE(complete_is(
		CONSOLE_ADMIN, "", "add fail help prompt quit set show"));
	CU_ASSERT_TRUE(complete_is(
		CONSOLE_ADMIN, "  ", "add fail help prompt quit set show"));
}

static void
test_complete_partial_word_prefixed(void)
{
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "s", "show"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_OPERATOR, "s", "set show"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show", "show"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show b", "backends"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "x", ""));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "a", ""));
	CU_ASSERT_TRUE(complete_is(CONSOLE_ADMIN, "a", "add"));
}

static void
test_complete_next_word_listed(void)
{
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show ", "backends info"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show\t", "backends info"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "fail ", "quietly"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_ADMIN, "add ", "backend"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "shwo ", ""));
}

static void
test_complete_third_word_by_level(void)
{
	CU_ASSERT_TRUE(complete_is(CONSOLE_OPERATOR, "set backend ", "weight"));
	CU_ASSERT_TRUE(
		complete_is(CONSOLE_OPERATOR, "set backend w", "weight"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "set backend ", ""));
	CU_ASSERT_TRUE(complete_is(CONSOLE_OPERATOR, "set ", "backend"));
}

static void
test_complete_argument_none(void)
{
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show backends ", ""));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show info ", ""));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "help ", ""));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "help s", ""));
	CU_ASSERT_TRUE(
		complete_is(CONSOLE_OPERATOR, "set backend weight w", ""));
}

static void
test_complete_last_command_only(void)
{
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show info; sh", "show"));
	CU_ASSERT_TRUE(complete_is(
		CONSOLE_USER, "show info;", "fail help prompt quit show"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "show info; show i", "info"));
}

static void
test_complete_quotes_handled(void)
{
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "\"show\" ", "backends info"));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "\"sh", ""));
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "\"show ", ""));
}

/* --- output --- */

static void
test_printf_empty_lines_dropped(void)
{
	console_printf(&ctx, "\n");
	CU_ASSERT_TRUE(out_is(""));
	console_printf(&ctx, "a\n\n\nb\n");
	CU_ASSERT_TRUE(out_is("a\nb\n"));
	console_printf(&ctx, "\n");
	console_printf(&ctx, "%s", "");
	CU_ASSERT_TRUE(out_is("a\nb\n"));
	console_printf(&ctx, "c");
	console_printf(&ctx, "\n");
	console_printf(&ctx, "\n%d\n\n", 7);
	CU_ASSERT_TRUE(out_is("a\nb\nc\n7\n"));
}

static void
test_error_format_einval(void)
{
	CU_ASSERT_EQUAL(console_error(&ctx, "bad %s", "x"), -EINVAL);
	CU_ASSERT_TRUE(out_is("error: bad x\n"));
	console_out_reset(out);
	console_printf(&ctx, "half");
	console_error(&ctx, "oops");
	CU_ASSERT_TRUE(out_is("half\nerror: oops\n"));
}

static void
test_json_compact_line(void)
{
	CU_ASSERT_EQUAL(
		console_json(&ctx,
			json_pack("{s:s,s:i,s:[i,i],s:{}}", "name", "web",
				"port", 80, "list", 1, 2, "empty")),
		0);
	CU_ASSERT_TRUE(out_is(
		"{\"name\":\"web\",\"port\":80,\"list\":[1,2],\"empty\":{}}\n"));
	console_out_reset(out);
	/* A newline in a string is escaped: still one line. */
	console_printf(&ctx, "x");
	CU_ASSERT_EQUAL(console_json(&ctx, json_string("a\nb")), 0);
	CU_ASSERT_TRUE(out_is("x\n\"a\\nb\"\n"));
}

static void
test_json_null_enomem(void)
{
	CU_ASSERT_EQUAL(console_json(&ctx, NULL), -ENOMEM);
	CU_ASSERT_TRUE(out_is(""));
}

static void
test_out_consume_reset(void)
{
	console_printf(&ctx, "hello\nworld\n");
	CU_ASSERT_EQUAL(console_out_len(out), 12);
	console_out_consume(out, 6);
	CU_ASSERT_TRUE(out_is("world\n"));
	console_out_consume(out, 100);
	CU_ASSERT_TRUE(out_is(""));
	/* The bytes sent ended a line: a newline now is an empty line. */
	console_printf(&ctx, "\n");
	CU_ASSERT_TRUE(out_is(""));
	/* They did not: this newline ends the line already sent. */
	console_printf(&ctx, "x");
	console_out_consume(out, 1);
	console_printf(&ctx, "\n");
	CU_ASSERT_TRUE(out_is("\n"));
	console_out_reset(out);
	CU_ASSERT_EQUAL(console_out_len(out), 0);
	CU_ASSERT_STRING_EQUAL(console_out_data(out), "");
	console_printf(&ctx, "\n");
	CU_ASSERT_TRUE(out_is(""));
}

static void
test_out_large_reset_reusable(void)
{
	unsigned int i;

	for (i = 0; i < 20000; i++)
		console_printf(&ctx, "line %u\n", i);
	CU_ASSERT_TRUE(console_out_len(out) > 65536);
	console_out_reset(out);
	CU_ASSERT_TRUE(out_is(""));
	console_printf(&ctx, "ok\n");
	CU_ASSERT_TRUE(out_is("ok\n"));
	/* Sent in pieces, as a transport does. */
	for (i = 0; i < 20000; i++)
		console_printf(&ctx, "line %u\n", i);
	console_out_consume(out, 793); /* "ok\n", lines 0-99 */
	CU_ASSERT_EQUAL(strncmp(console_out_data(out), "line 100\n", 9), 0);
	console_out_consume(out, console_out_len(out));
	CU_ASSERT_TRUE(out_is(""));
	console_printf(&ctx, "ok\n");
	CU_ASSERT_TRUE(out_is("ok\n"));
}

static void
test_reply_end_empty_line_added(void)
{
	EXPECT(CONSOLE_USER, "show info", 0, INFO_OUT);
	console_reply_end(&ctx);
	CU_ASSERT_TRUE(out_is(INFO_OUT "\n"));
	/* An empty reply is the empty line alone. */
	EXPECT(CONSOLE_USER, "", 0, "");
	console_reply_end(&ctx);
	CU_ASSERT_TRUE(out_is("\n"));
	/* A reply cut mid-line is ended first. */
	console_out_reset(out);
	console_printf(&ctx, "x");
	console_reply_end(&ctx);
	CU_ASSERT_TRUE(out_is("x\n\n"));
}

static void
test_reply_end_next_reply_fresh(void)
{
	console_printf(&ctx, "a\n");
	console_reply_end(&ctx);
	console_out_consume(out, console_out_len(out));
	CU_ASSERT_EQUAL(console_exec_line(&ctx, "prompt"), 0);
	console_reply_end(&ctx);
	CU_ASSERT_TRUE(out_is("\n> "));
	/* After the prompt: no line break before the error. */
	CU_ASSERT_EQUAL(console_exec_line(&ctx, "shwo"), -ENOENT);
	console_reply_end(&ctx);
	CU_ASSERT_TRUE(out_is("\n> error: unknown command 'shwo'; "
			      "'help' lists the commands\n\n> "));
}

static void
test_reply_end_quit_no_prompt(void)
{
	ctx.prompt = true;
	EXPECT(CONSOLE_USER, "quit", 0, "");
	console_reply_end(&ctx);
	CU_ASSERT_TRUE(out_is("\n"));
}

static const char *const table_headers[] = { "NAME", "ADDRESS", "WEIGHT" };

static void
test_table_aligned(void)
{
	console_table_begin(&ctx, 3, table_headers);
	console_table_row(&ctx, "%s\t%s\t%d", "web", "192.0.2.1", 10);
	console_table_row(&ctx, "%s\t%s\t%d", "api-long-name", "192.0.2.10", 1);
	CU_ASSERT_TRUE(out_is(""));
	console_table_end(&ctx);
	CU_ASSERT_TRUE(out_is("NAME           ADDRESS     WEIGHT\n"
			      "web            192.0.2.1   10\n"
			      "api-long-name  192.0.2.10  1\n"));
}

static void
test_table_empty_none(void)
{
	console_table_begin(&ctx, 3, table_headers);
	console_table_end(&ctx);
	CU_ASSERT_TRUE(out_is("NAME  ADDRESS  WEIGHT\n(none)\n"));
}

static void
test_table_no_trailing_spaces(void)
{
	console_table_begin(&ctx, 3, table_headers);
	console_table_row(&ctx, "a\t\t");
	console_table_row(&ctx, "b\tc\t ");
	console_table_end(&ctx);
	CU_ASSERT_TRUE(out_is("NAME  ADDRESS  WEIGHT\n"
			      "a\n"
			      "b     c\n"));
}

static void
test_table_ragged_rows_padded(void)
{
	console_table_begin(&ctx, 2, table_headers);
	console_table_row(&ctx, "one");
	console_table_row(&ctx, "x\ty\textra");
	console_table_end(&ctx);
	CU_ASSERT_TRUE(out_is("NAME  ADDRESS\n"
			      "one\n"
			      "x     y        extra\n"));
}

static void
test_table_utf8_width_in_chars(void)
{
	static const char *const headers[] = { "CITY", "N" };

	console_table_begin(&ctx, 2, headers);
	console_table_row(&ctx, "z\xc3\xbcrich\t1");
	console_table_row(&ctx, "bern\t2");
	console_table_end(&ctx);
	CU_ASSERT_TRUE(out_is("CITY    N\n"
			      "z\xc3\xbcrich  1\n"
			      "bern    2\n"));
}

static void
test_table_newline_in_cell_flattened(void)
{
	static const char *const headers[] = { "K\tEY", "V" };

	console_table_begin(&ctx, 2, headers);
	console_table_row(&ctx, "%s\t%s", "a\nb", "c");
	console_table_end(&ctx);
	CU_ASSERT_TRUE(out_is("K EY  V\na b   c\n"));
}

static void
test_table_begin_twice_flushes_first(void)
{
	static const char *const headers[] = { "K", "V" };

	console_table_row(&ctx, "ignored\twithout begin");
	console_table_end(&ctx);
	CU_ASSERT_TRUE(out_is(""));
	console_table_begin(&ctx, 2, headers);
	console_table_row(&ctx, "a\t1");
	console_table_begin(&ctx, 1, headers);
	console_table_end(&ctx);
	CU_ASSERT_TRUE(out_is("K  V\na  1\nK\n(none)\n"));
}

static void
test_level_parse_name_round_trip(void)
{
	CU_ASSERT_EQUAL(console_level_parse("user"), CONSOLE_USER);
	CU_ASSERT_EQUAL(console_level_parse("operator"), CONSOLE_OPERATOR);
	CU_ASSERT_EQUAL(console_level_parse("admin"), CONSOLE_ADMIN);
	CU_ASSERT_EQUAL(console_level_parse("Admin"), -EINVAL);
	CU_ASSERT_EQUAL(console_level_parse(""), -EINVAL);
	CU_ASSERT_EQUAL(console_level_parse("root"), -EINVAL);
	CU_ASSERT_EQUAL(console_level_parse(NULL), -EINVAL);
	CU_ASSERT_STRING_EQUAL(console_level_name(CONSOLE_USER), "user");
	CU_ASSERT_STRING_EQUAL(
		console_level_name(CONSOLE_OPERATOR), "operator");
	CU_ASSERT_STRING_EQUAL(console_level_name(CONSOLE_ADMIN), "admin");
	CU_ASSERT_STRING_EQUAL(
		console_level_name((enum console_level)7), "unknown");
}

/* --- registry --- */

static int
fake_nop(struct console_ctx *c, int argc, char **argv)
{
	rec(c, "nop", argc, argv);
	return 0;
}

static void
test_register_duplicate_eexist(void)
{
	static const struct console_cmd dup_info[] = {
		{ .words = { "show", "info" }, .help = "", .fn = fake_nop },
	};
	static const struct console_cmd dup_help[] = {
		{ .words = { "help" }, .help = "", .fn = fake_nop },
	};
	static const struct console_cmd dup_within[] = {
		{ .words = { "new", "one" }, .help = "", .fn = fake_nop },
		{ .words = { "new", "one" }, .help = "", .fn = fake_nop },
	};

	CU_ASSERT_EQUAL(
		console_register(reg, fake_cmds, WEIR_ARRAY_LEN(fake_cmds)),
		-EEXIST);
	CU_ASSERT_EQUAL(console_register(reg, dup_info, 1), -EEXIST);
	CU_ASSERT_EQUAL(console_register(reg, dup_help, 1), -EEXIST);
	CU_ASSERT_EQUAL(console_register(reg, dup_within, 2), -EEXIST);
	/* Nothing of a refused table is registered. */
	EXPECT(CONSOLE_USER, "new one", -ENOENT,
		"error: unknown command 'new'; 'help' lists the commands\n");
	EXPECT(CONSOLE_USER, "show info", 0, INFO_OUT);
}

static void
test_register_malformed_einval(void)
{
	static const struct console_cmd bad[] = {
		{ .words = { NULL }, .help = "", .fn = fake_nop },
		{ .words = { "a", "b", "c", "d" }, .help = "", .fn = fake_nop },
		{ .words = { "a", NULL, "c" }, .help = "", .fn = fake_nop },
		{ .words = { "a" },
			.help = "",
			.args = "<x>",
			.min_args = 2,
			.max_args = 1,
			.fn = fake_nop },
		{ .words = { "a" },
			.help = "",
			.args = "<x>",
			.min_args = -1,
			.max_args = 1,
			.fn = fake_nop },
		{ .words = { "a" }, .help = "" },
		{ .words = { "a" }, .fn = fake_nop },
		{ .words = { "a" }, .help = "", .max_args = 1, .fn = fake_nop },
		{ .words = { "a b" }, .help = "", .fn = fake_nop },
		{ .words = { "" }, .help = "", .fn = fake_nop },
		{ .words = { "a;" }, .help = "", .fn = fake_nop },
		{ .words = { "\"a\"" }, .help = "", .fn = fake_nop },
		{ .words = { "a" }, .help = "", .level = 3, .fn = fake_nop },
		{ .words = { "a" }, .help = "", .flags = 0x80, .fn = fake_nop },
	};
	unsigned int i;

	for (i = 0; i < WEIR_ARRAY_LEN(bad); i++) {
		if (console_register(reg, &bad[i], 1) != -EINVAL) {
			fprintf(stderr, "\nbad[%u] accepted\n", i);
			CU_FAIL("malformed entry accepted");
		}
	}
	CU_ASSERT_EQUAL(console_register(NULL, fake_cmds, 1), -EINVAL);
	CU_ASSERT_EQUAL(console_register(reg, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(console_register(reg, NULL, 0), 0);
}

static void
test_register_partly_bad_table_refused(void)
{
	static const struct console_cmd half[] = {
		{ .words = { "good" }, .help = "", .fn = fake_nop },
		{ .words = { "bad" },
			.help = "",
			.max_args = 1,
			.fn = fake_nop },
	};

	CU_ASSERT_EQUAL(console_register(reg, half, 2), -EINVAL);
	EXPECT(CONSOLE_USER, "good", -ENOENT,
		"error: unknown command 'good'; 'help' lists the commands\n");
	CU_ASSERT_EQUAL(console_register(reg, half, 1), 0);
	EXPECT(CONSOLE_USER, "good", 0, "");
	CU_ASSERT_EQUAL(nb_calls, 1);
}

static void
test_register_many_grows(void)
{
	enum {
		NB = 100
	};
	static struct console_cmd many[NB];
	static char names[NB][8];
	char line[16];
	unsigned int i;

	for (i = 0; i < NB; i++) {
		snprintf(names[i], sizeof(names[i]), "c%03u", NB - 1 - i);
		many[i] = (struct console_cmd){
			.words = { names[i] },
			.help = "",
			.fn = fake_nop,
		};
	}
	CU_ASSERT_EQUAL(console_register(reg, many, NB), 0);
	for (i = 0; i < NB; i += 33) {
		snprintf(line, sizeof(line), "c%03u", i);
		CU_ASSERT_EQUAL(exec(CONSOLE_USER, line), 0);
	}
	CU_ASSERT_EQUAL(nb_calls, 4);
	CU_ASSERT_TRUE(complete_is(CONSOLE_USER, "c09",
		"c090 c091 c092 c093 c094 c095 c096 c097 c098 c099"));
}

static void
test_registry_destroy_null_noop(void)
{
	console_registry_destroy(NULL);
	console_out_destroy(NULL);
	CU_PASS("no crash");
}

/* --- fuzz --- */

static uint64_t fuzz_state = 0x9e3779b97f4a7c15ULL;

/* xorshift64*: deterministic, so a failure replays. */
static uint64_t
fuzz_rand(void)
{
	fuzz_state ^= fuzz_state >> 12;
	fuzz_state ^= fuzz_state << 25;
	fuzz_state ^= fuzz_state >> 27;
	return fuzz_state * 0x2545f4914f6cdd1dULL;
}

/* Command heads, so that most lines reach the handlers and checks. */
static const char *const fuzz_heads[] = {
	"show info",
	"show backends",
	"set backend weight",
	"add backend",
	"fail",
	"fail quietly",
	"help",
	"help show",
	"prompt",
	"quit",
	"show",
	"set backend",
	"add",
	"shwo",
	"\"show\" info",
};

/* Arguments, separators and the bytes the tokenizer treats specially. */
static const char *const fuzz_tokens[] = {
	"show",
	"info",
	"backends",
	"-j",
	"-j",
	"web",
	"192.0.2.1",
	"80",
	"\"a b\"",
	"\"\"",
	" ",
	"\t",
	";",
	"\"",
	"\\",
	"\\\"",
	"\r",
	"caf\xc3\xa9",
};

/* Append 'tok' if it fits with the NUL; @return false when full. */
static bool
fuzz_put(char *buf, size_t size, size_t *len, const char *tok)
{
	size_t n = strlen(tok);

	if (*len + n + 1 > size)
		return false;
	memcpy(buf + *len, tok, n);
	*len += n;
	return true;
}

/* A random token, or now and then any byte but NUL (it ends a line). */
static const char *
fuzz_token(char b[2], unsigned int byte_odds)
{
	if (fuzz_rand() % byte_odds == 0) {
		b[0] = (char)(1 + fuzz_rand() % 255);
		return b;
	}
	return fuzz_tokens[fuzz_rand() % WEIR_ARRAY_LEN(fuzz_tokens)];
}

static size_t
fuzz_line(char *buf, size_t size)
{
	size_t len = 0, n, i, j, nb_args;
	char b[2] = { 0, 0 };

	if (fuzz_rand() % FUZZ_LONG_EVERY == 0) {
		/* Around the length limit. */
		n = CONSOLE_LINE_MAX - 8 + fuzz_rand() % 16;
		for (i = 0; i < n && len + 1 < size; i++)
			buf[len++] = (char)(fuzz_rand() % 3 ?
					'a' :
					(fuzz_rand() % 2 ? ' ' : ';'));
	} else if (fuzz_rand() % 4 == 0) {
		/* Token soup. */
		n = fuzz_rand() % FUZZ_TOKENS_MAX;
		for (i = 0; i < n; i++)
			if (!fuzz_put(buf, size, &len, fuzz_token(b, 4)))
				break;
	} else {
		/* Commands with arguments, now and then mangled. */
		n = 1 + fuzz_rand() % 4;
		for (i = 0; i < n; i++) {
			if (i > 0)
				fuzz_put(buf, size, &len, ";");
			fuzz_put(buf, size, &len,
				fuzz_heads[fuzz_rand() %
					WEIR_ARRAY_LEN(fuzz_heads)]);
			nb_args = fuzz_rand() % 7;
			for (j = 0; j < nb_args; j++) {
				fuzz_put(buf, size, &len,
					fuzz_rand() % 8 ? " " : "\t");
				fuzz_put(buf, size, &len, fuzz_token(b, 40));
			}
		}
	}
	buf[len] = '\0';
	return len;
}

/* A reply is nothing, or whole lines with no empty one. */
static bool
reply_is_framed(void)
{
	const char *s = console_out_data(out);
	size_t len = console_out_len(out);

	if (len == 0)
		return true;
	return strlen(s) == len && s[0] != '\n' && s[len - 1] == '\n' &&
		strstr(s, "\n\n") == NULL;
}

static void
test_fuzz_random_lines_framed(void)
{
	char buf[CONSOLE_LINE_MAX + 64];
	unsigned int i, bad = 0;
	size_t len, j;
	int rc;

	for (i = 0; i < FUZZ_ITERS; i++) {
		len = fuzz_line(buf, sizeof(buf));
		ctx.quit = false;
		ctx.prompt = false;
		rc = exec_n((enum console_level)(fuzz_rand() % 3), buf, len);
		if (reply_is_framed() && rc <= 0 && !ctx.json &&
			(rc == 0 || console_out_len(out) > 0))
			continue;
		if (bad++ == 0) {
			fprintf(stderr, "\nfuzz line %u, rc %d:", i, rc);
			for (j = 0; j < len; j++)
				fprintf(stderr, " %02x", (unsigned char)buf[j]);
			fprintf(stderr, "\nreply: '%s'\n",
				console_out_data(out));
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
}

/* Numbers in arguments: digits only, within the bound, named on error. */
static void
test_uint_bounds_and_junk_refused(void)
{
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "1x",
		"0x10", "65536", "18446744073709551616", "1e3" };
	unsigned long v = 7;
	unsigned int i;

	CU_ASSERT_EQUAL(console_uint(&ctx, "0", 65535, "weight", &v), 0);
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_EQUAL(console_uint(&ctx, "65535", 65535, "weight", &v), 0);
	CU_ASSERT_EQUAL(v, 65535);
	CU_ASSERT_EQUAL(console_uint(&ctx, "007", 65535, "weight", &v), 0);
	CU_ASSERT_EQUAL(v, 7);
	CU_ASSERT_TRUE(out_is(""));
	for (i = 0; i < WEIR_ARRAY_LEN(bad); i++) {
		char want[128];

		console_out_reset(out);
		snprintf(want, sizeof(want),
			"error: '%s' is not a weight (0-65535)\n", bad[i]);
		CU_ASSERT_EQUAL(console_uint(&ctx, bad[i], 65535, "weight", &v),
			-EINVAL);
		if (!out_is(want))
			fprintf(stderr, "\n    '%s': %s", bad[i],
				console_out_data(out));
		CU_ASSERT_TRUE(out_is(want));
	}
}

static CU_TestInfo tests[] = { { "uint_bounds_and_junk_refused",
				       test_uint_bounds_and_junk_refused },
	{ "exec_show_info_runs", test_exec_show_info_runs },
	{ "exec_show_backends_table_printed",
		test_exec_show_backends_table_printed },
	{ "exec_show_backends_arg_passed", test_exec_show_backends_arg_passed },
	{ "exec_set_weight_operator_runs", test_exec_set_weight_operator_runs },
	{ "exec_add_backend_admin_runs", test_exec_add_backend_admin_runs },
	{ "exec_failing_cmd_error_on_new_line",
		test_exec_failing_cmd_error_on_new_line },
	{ "exec_silent_failure_reported", test_exec_silent_failure_reported },
	{ "exec_longest_match_wins", test_exec_longest_match_wins },
	{ "exec_unknown_command_error", test_exec_unknown_command_error },
	{ "exec_case_differs_unknown", test_exec_case_differs_unknown },
	{ "exec_bad_subcommand_lists_words",
		test_exec_bad_subcommand_lists_words },
	{ "exec_incomplete_lists_words", test_exec_incomplete_lists_words },
	{ "exec_too_few_args_synopsis", test_exec_too_few_args_synopsis },
	{ "exec_too_many_args_names_word", test_exec_too_many_args_names_word },
	{ "exec_level_too_low_denied", test_exec_level_too_low_denied },
	{ "exec_level_checked_before_args",
		test_exec_level_checked_before_args },
	{ "exec_family_level_too_low_denied",
		test_exec_family_level_too_low_denied },
	{ "exec_each_level_allowed_or_denied",
		test_exec_each_level_allowed_or_denied },
	{ "exec_json_flag_set_and_removed",
		test_exec_json_flag_set_and_removed },
	{ "exec_json_anywhere_removed", test_exec_json_anywhere_removed },
	{ "exec_json_not_counted_as_arg", test_exec_json_not_counted_as_arg },
	{ "exec_json_unsupported_error", test_exec_json_unsupported_error },
	{ "exec_json_reset_between_commands",
		test_exec_json_reset_between_commands },
	{ "exec_multi_failure_rest_run", test_exec_multi_failure_rest_run },
	{ "exec_multi_last_error_returned",
		test_exec_multi_last_error_returned },
	{ "exec_empty_commands_silent", test_exec_empty_commands_silent },
	{ "exec_quit_stops_line", test_exec_quit_stops_line },
	{ "exec_prompt_toggles", test_exec_prompt_toggles },
	{ "exec_unended_table_flushed", test_exec_unended_table_flushed },
	{ "exec_try_list_deduplicated", test_exec_try_list_deduplicated },
	{ "exec_quotes_group_words", test_exec_quotes_group_words },
	{ "exec_quote_other_escape_kept", test_exec_quote_other_escape_kept },
	{ "exec_quoted_empty_word_kept", test_exec_quoted_empty_word_kept },
	{ "exec_quoted_fixed_word_matches",
		test_exec_quoted_fixed_word_matches },
	{ "exec_quoted_semicolon_literal", test_exec_quoted_semicolon_literal },
	{ "exec_unterminated_quote_error", test_exec_unterminated_quote_error },
	{ "exec_tab_separates", test_exec_tab_separates },
	{ "exec_crlf_stripped", test_exec_crlf_stripped },
	{ "exec_nonprintable_line_rejected",
		test_exec_nonprintable_line_rejected },
	{ "exec_high_bytes_accepted", test_exec_high_bytes_accepted },
	{ "exec_line_max_accepted", test_exec_line_max_accepted },
	{ "exec_line_too_long_rejected", test_exec_line_too_long_rejected },
	{ "exec_too_many_words_rejected", test_exec_too_many_words_rejected },
	{ "exec_missing_newline_added", test_exec_missing_newline_added },
	{ "exec_no_registry_error", test_exec_no_registry_error },
	{ "help_user_lists_allowed", test_help_user_lists_allowed },
	{ "help_operator_adds_set", test_help_operator_adds_set },
	{ "help_admin_lists_all", test_help_admin_lists_all },
	{ "help_prefix_filters", test_help_prefix_filters },
	{ "help_unknown_word_error", test_help_unknown_word_error },
	{ "help_denied_prefix_error", test_help_denied_prefix_error },
	{ "complete_first_word_by_level", test_complete_first_word_by_level },
	{ "complete_partial_word_prefixed",
		test_complete_partial_word_prefixed },
	{ "complete_next_word_listed", test_complete_next_word_listed },
	{ "complete_third_word_by_level", test_complete_third_word_by_level },
	{ "complete_argument_none", test_complete_argument_none },
	{ "complete_last_command_only", test_complete_last_command_only },
	{ "complete_quotes_handled", test_complete_quotes_handled },
	{ "printf_empty_lines_dropped", test_printf_empty_lines_dropped },
	{ "error_format_einval", test_error_format_einval },
	{ "json_compact_line", test_json_compact_line },
	{ "json_null_enomem", test_json_null_enomem },
	{ "out_consume_reset", test_out_consume_reset },
	{ "out_large_reset_reusable", test_out_large_reset_reusable },
	{ "reply_end_empty_line_added", test_reply_end_empty_line_added },
	{ "reply_end_next_reply_fresh", test_reply_end_next_reply_fresh },
	{ "reply_end_quit_no_prompt", test_reply_end_quit_no_prompt },
	{ "table_aligned", test_table_aligned },
	{ "table_empty_none", test_table_empty_none },
	{ "table_no_trailing_spaces", test_table_no_trailing_spaces },
	{ "table_ragged_rows_padded", test_table_ragged_rows_padded },
	{ "table_utf8_width_in_chars", test_table_utf8_width_in_chars },
	{ "table_newline_in_cell_flattened",
		test_table_newline_in_cell_flattened },
	{ "table_begin_twice_flushes_first",
		test_table_begin_twice_flushes_first },
	{ "level_parse_name_round_trip", test_level_parse_name_round_trip },
	{ "register_duplicate_eexist", test_register_duplicate_eexist },
	{ "register_malformed_einval", test_register_malformed_einval },
	{ "register_partly_bad_table_refused",
		test_register_partly_bad_table_refused },
	{ "register_many_grows", test_register_many_grows },
	{ "registry_destroy_null_noop", test_registry_destroy_null_noop },
	{ "fuzz_random_lines_framed", test_fuzz_random_lines_framed },
	CU_TEST_INFO_NULL };

static CU_SuiteInfo suites[] = { { .pName = "console",
					 .pSetUpFunc = setup,
					 .pTearDownFunc = teardown,
					 .pTests = tests },
	CU_SUITE_INFO_NULL };

int
main(void)
{
	return weir_cunit_run(suites);
}

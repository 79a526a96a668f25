/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console command registry, tokenizer, dispatcher and reply buffer. The
 * transports in app/weir hand console_exec_line() one line at a time and
 * send whatever landed in ctx->out; the command tables in app/weir/cmd_*.c
 * only see their arguments and print through console_printf(),
 * console_table_*() and console_json().
 *
 * HOW IT WORKS
 * The registry is an array of pointers to the entries of static tables,
 * kept sorted word by word. A few dozen commands make a linear scan cheaper
 * than any index, and the order gives sorted, de-duplicated word lists for
 * free: all commands sharing a prefix are adjacent, ordered by their next
 * word, which is what 'help', the "try:" hints and completion print.
 *
 * A line is checked as a whole first (length, control bytes), so that a
 * garbled line runs nothing at all. It is then cut into commands at every
 * ';' outside quotes, and each command is tokenized and run in turn; a
 * failing command does not stop the next one (HAProxy's one-shot mode), so
 * a script of commands reports every error instead of the first.
 *
 * Dispatch takes the longest command whose fixed words are the first words
 * typed. When none matches, the deepest prefix that some command shares
 * with the input tells which word is wrong, and the error names it with the
 * words that would have been accepted there at the session's level.
 *
 * DPDK's cmdline library was rejected: its typed token grammar has no
 * access levels, no ';' sequences and no JSON mode, it owns the file
 * descriptor, and its errors ("Bad arguments") do not name the bad word.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "console.h"
#include "weir_common.h"

#define CONSOLE_OUT_SIZE_MIN 256 /* bytes: a short reply needs no realloc */
#define CONSOLE_OUT_SIZE_KEEP                                                  \
	65536		    /* bytes: reset frees a larger buffer, so
					 * one big 'show' does not pin memory for
					 * the rest of the session */
#define CONSOLE_CMDS_MIN 32 /* commands: first registry allocation */
#define CONSOLE_TABLE_GAP 2 /* spaces between table and help columns */

/* A growable byte string, NUL-terminated once allocated. */
struct console_buf {
	char *data;
	size_t len;  /* bytes used, the NUL excluded */
	size_t size; /* bytes allocated */
};

/* The table being built by console_table_*(); one per session. */
struct console_table {
	bool active;		  /* between begin and end */
	unsigned int nb_rows;	  /* rows after the header line */
	struct console_buf cells; /* header line then rows: cells separated
				   * by '\t', each line ended by '\n' */
};

struct console_out {
	struct console_buf b; /* the reply not yet sent */
	char last;	      /* last byte appended, even if consumed since;
				 * '\n' when none, so the reply never begins
				 * with an empty line */
	size_t nb_written;    /* bytes appended since creation: tells the
				 * dispatcher whether a command printed */
	struct console_table table;
};

struct console_registry {
	const struct console_cmd **cmds; /* sorted by cmd_cmp() */
	unsigned int nb_cmds;
	unsigned int max_cmds; /* allocated slots */
};

/* The words of one command, unescaped. */
struct console_tok {
	char *words[CONSOLE_ARGS_MAX + 1]; /* NULL after the last */
	int nb_words;
	bool more;    /* stopped at ';': another command follows */
	bool in_word; /* the text ended inside a word (completion) */
	/* Words with their NULs take at most one byte more than the text
	 * they came from, and a command is at most one line. */
	char buf[CONSOLE_LINE_MAX + 1];
};

enum console_tok_err {
	CONSOLE_TOK_OK = 0,
	CONSOLE_TOK_QUOTE, /* unterminated quote */
	CONSOLE_TOK_WORDS, /* more than CONSOLE_ARGS_MAX words */
};

static int builtin_help(struct console_ctx *ctx, int argc, char **argv);
static int builtin_prompt(struct console_ctx *ctx, int argc, char **argv);
static int builtin_quit(struct console_ctx *ctx, int argc, char **argv);

static const struct console_cmd builtin_cmds[] = {
	{
		.words = { "help" },
		.args = "[<word>...]",
		.help = "list the commands, or those starting with <word>...",
		.level = CONSOLE_USER,
		.max_args = CONSOLE_ARGS_MAX - 1,
		.fn = builtin_help,
	},
	{
		.words = { "prompt" },
		.help = "toggle interactive mode (a \"> \" prompt after each reply)",
		.level = CONSOLE_USER,
		.fn = builtin_prompt,
	},
	{
		.words = { "quit" },
		.help = "close the session after this reply",
		.level = CONSOLE_USER,
		.fn = builtin_quit,
	},
};

static const char *const level_names[] = {
	[CONSOLE_USER] = "user",
	[CONSOLE_OPERATOR] = "operator",
	[CONSOLE_ADMIN] = "admin",
};

/* --- byte strings and the reply buffer --- */

/* Make room for 'extra' more bytes and the NUL. */
static int
buf_reserve(struct console_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	size_t size = b->size ? b->size : CONSOLE_OUT_SIZE_MIN;
	char *data;

	if (need < b->len)
		return -ENOMEM;
	if (need <= b->size)
		return 0;
	while (size < need)
		size = size > SIZE_MAX / 2 ? need : size * 2;
	data = realloc(b->data, size);
	if (data == NULL)
		return -ENOMEM;
	if (b->data == NULL)
		data[0] = '\0';
	b->data = data;
	b->size = size;
	return 0;
}

static int
buf_append(struct console_buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) < 0)
		return -ENOMEM;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

/*
 * Format into the free space after b->len without committing it: the
 * caller filters the 'n' bytes in place, then moves b->len.
 */
static int
buf_vformat(struct console_buf *b, size_t *n, const char *fmt, va_list ap)
{
	va_list aq;
	int len;

	va_copy(aq, ap);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (len < 0)
		return -EINVAL;
	if (buf_reserve(b, (size_t)len) < 0)
		return -ENOMEM;
	vsnprintf(b->data + b->len, (size_t)len + 1, fmt, ap);
	*n = (size_t)len;
	return 0;
}

/*
 * Commit 'n' bytes staged after o->b.len, dropping every '\n' that would
 * make an empty line: the transport ends a reply with the first one.
 */
static void
out_commit(struct console_out *o, size_t n)
{
	char *s = o->b.data + o->b.len;
	size_t i, kept = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n' && o->last == '\n')
			continue;
		o->last = s[i];
		s[kept++] = s[i];
	}
	o->b.len += kept;
	o->b.data[o->b.len] = '\0';
	o->nb_written += kept;
}

/*
 * Out of memory, the reply is cut short: the printers are void because a
 * command cannot do anything better than carry on, and the transport
 * still ends the reply.
 */
static void
out_write(struct console_out *o, const char *s, size_t n)
{
	if (buf_reserve(&o->b, n) < 0)
		return;
	memcpy(o->b.data + o->b.len, s, n);
	out_commit(o, n);
}

static void
out_puts(struct console_out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

static void
out_vprintf(struct console_out *o, const char *fmt, va_list ap)
{
	size_t n;

	if (buf_vformat(&o->b, &n, fmt, ap) == 0)
		out_commit(o, n);
}

static void __attribute__((format(printf, 2, 3)))
out_printf(struct console_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_vprintf(o, fmt, ap);
	va_end(ap);
}

static void
out_words(struct console_out *o, const char *const *words, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			out_puts(o, " ");
		out_puts(o, words[i]);
	}
}

/* Errors and JSON documents are whole lines, even after a partial one. */
static void
out_line_start(struct console_out *o)
{
	if (o->last != '\n')
		out_puts(o, "\n");
}

static void
out_error_begin(struct console_out *o)
{
	out_line_start(o);
	out_puts(o, "error: ");
}

struct console_out *
console_out_create(void)
{
	struct console_out *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	if (buf_reserve(&o->b, 0) < 0) {
		free(o);
		errno = ENOMEM;
		return NULL;
	}
	o->last = '\n';
	return o;
}

void
console_out_destroy(struct console_out *o)
{
	if (o == NULL)
		return;
	free(o->b.data);
	free(o->table.cells.data);
	free(o);
}

const char *
console_out_data(const struct console_out *o)
{
	return o->b.data != NULL ? o->b.data : "";
}

size_t
console_out_len(const struct console_out *o)
{
	return o->b.len;
}

/* Empty the buffer, and give back a big one. */
static void
out_empty(struct console_out *o)
{
	if (o->b.size > CONSOLE_OUT_SIZE_KEEP) {
		free(o->b.data);
		o->b.data = NULL;
		o->b.size = 0;
	}
	o->b.len = 0;
	/* Out of memory, data stays NULL; the next append retries. */
	if (buf_reserve(&o->b, 0) == 0)
		o->b.data[0] = '\0';
}

void
console_out_reset(struct console_out *o)
{
	out_empty(o);
	o->last = '\n';
	o->table.active = false;
	o->table.cells.len = 0;
}

void
console_out_consume(struct console_out *o, size_t n)
{
	if (n >= o->b.len) {
		out_empty(o);
		return;
	}
	memmove(o->b.data, o->b.data + n, o->b.len - n);
	o->b.len -= n;
	o->b.data[o->b.len] = '\0';
}

/*
 * Transport framing bypasses the empty-line rule, and whatever follows it
 * is a new reply: after "> " the client's own Enter moved the cursor.
 */
static void
out_frame(struct console_out *o, const char *s)
{
	buf_append(&o->b, s, strlen(s));
	o->last = '\n';
}

void
console_reply_end(struct console_ctx *ctx)
{
	if (ctx == NULL || ctx->out == NULL)
		return;
	console_table_end(ctx);
	out_line_start(ctx->out);
	out_frame(ctx->out, "\n");
	/* After 'quit' the transport closes: a prompt would be a lie. */
	if (ctx->prompt && !ctx->quit)
		out_frame(ctx->out, "> ");
}

void
console_printf(struct console_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx == NULL || ctx->out == NULL)
		return;
	va_start(ap, fmt);
	out_vprintf(ctx->out, fmt, ap);
	va_end(ap);
}

int
console_error(struct console_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx == NULL || ctx->out == NULL)
		return -EINVAL;
	out_error_begin(ctx->out);
	va_start(ap, fmt);
	out_vprintf(ctx->out, fmt, ap);
	va_end(ap);
	out_puts(ctx->out, "\n");
	return -EINVAL;
}

int
console_uint(struct console_ctx *ctx, const char *word, unsigned long max,
	const char *what, unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(word, &end, 10);
	if (word[0] < '0' || word[0] > '9' || *end != '\0' || errno != 0 ||
		*out > max)
		return console_error(
			ctx, "'%s' is not a %s (0-%lu)", word, what, max);
	return 0;
}

int
console_json(struct console_ctx *ctx, void *json)
{
	json_t *j = json;
	char *s;

	/* NULL is what a jansson constructor returns out of memory, so
	 * "console_json(ctx, json_pack(...))" needs no check of its own. */
	if (j == NULL)
		return -ENOMEM;
	/* JSON_ENCODE_ANY: a bare number or string is a valid reply too. */
	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	if (s == NULL)
		return -ENOMEM;
	if (ctx != NULL && ctx->out != NULL) {
		out_line_start(ctx->out);
		out_puts(ctx->out, s);
		out_puts(ctx->out, "\n");
	}
	free(s);
	return 0;
}

/* --- tables --- */

/* Append 's' as cell text: a stray '\n' or '\t' would break the layout. */
static void
table_put(struct console_table *t, const char *s, bool keep_tabs)
{
	size_t start = t->cells.len, i;

	if (buf_append(&t->cells, s, strlen(s)) < 0)
		return;
	for (i = start; i < t->cells.len; i++)
		if ((t->cells.data[i] == '\t' && !keep_tabs) ||
			t->cells.data[i] == '\n' || t->cells.data[i] == '\r')
			t->cells.data[i] = ' ';
}

void
console_table_begin(struct console_ctx *ctx, unsigned int nb_cols,
	const char *const *headers)
{
	struct console_table *t;
	unsigned int i;

	if (ctx == NULL || ctx->out == NULL)
		return;
	t = &ctx->out->table;
	if (t->active)
		console_table_end(ctx);
	t->active = true;
	t->nb_rows = 0;
	t->cells.len = 0;
	for (i = 0; i < nb_cols; i++) {
		if (i > 0)
			buf_append(&t->cells, "\t", 1);
		table_put(t,
			headers != NULL && headers[i] != NULL ? headers[i] : "",
			false);
	}
	buf_append(&t->cells, "\n", 1);
}

void
console_table_row(struct console_ctx *ctx, const char *fmt, ...)
{
	struct console_table *t;
	size_t n, i;
	va_list ap;
	char *s;
	int rc;

	if (ctx == NULL || ctx->out == NULL || !ctx->out->table.active)
		return;
	t = &ctx->out->table;
	va_start(ap, fmt);
	rc = buf_vformat(&t->cells, &n, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return;
	s = t->cells.data + t->cells.len;
	for (i = 0; i < n; i++)
		if (s[i] == '\n' || s[i] == '\r')
			s[i] = ' ';
	t->cells.len += n;
	t->cells.data[t->cells.len] = '\0';
	buf_append(&t->cells, "\n", 1);
	t->nb_rows++;
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t
text_width(const char *s, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

void
console_table_end(struct console_ctx *ctx)
{
	struct console_buf line = { 0 };
	struct console_table *t;
	const char *p, *end, *eol, *cell, *tab;
	size_t *widths = NULL, nb_cols = 1, col, w;

	if (ctx == NULL || ctx->out == NULL || !ctx->out->table.active)
		return;
	t = &ctx->out->table;
	t->active = false;
	if (t->cells.data == NULL)
		return;
	end = t->cells.data + t->cells.len;

	/* Pass 1: the widest cell of each column. */
	col = 1;
	for (p = t->cells.data; p < end; p++) {
		if (*p == '\n')
			col = 1;
		else if (*p == '\t' && ++col > nb_cols)
			nb_cols = col;
	}
	widths = calloc(nb_cols, sizeof(*widths));
	if (widths == NULL)
		goto out;
	for (p = t->cells.data; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL) /* its '\n' did not fit in memory */
			eol = end;
		for (cell = p, col = 0; cell <= eol; cell = tab + 1, col++) {
			tab = memchr(cell, '\t', (size_t)(eol - cell));
			if (tab == NULL)
				tab = eol;
			w = text_width(cell, (size_t)(tab - cell));
			if (w > widths[col])
				widths[col] = w;
		}
	}

	/* Pass 2: pad every cell but a line's last, then trim the line. */
	for (p = t->cells.data; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (eol == NULL) /* its '\n' did not fit in memory */
			eol = end;
		line.len = 0;
		for (cell = p, col = 0; cell <= eol; cell = tab + 1, col++) {
			tab = memchr(cell, '\t', (size_t)(eol - cell));
			if (tab == NULL)
				tab = eol;
			buf_append(&line, cell, (size_t)(tab - cell));
			if (tab == eol)
				break;
			for (w = text_width(cell, (size_t)(tab - cell));
				w < widths[col] + CONSOLE_TABLE_GAP; w++)
				buf_append(&line, " ", 1);
		}
		while (line.len > 0 && line.data[line.len - 1] == ' ')
			line.len--;
		buf_append(&line, "\n", 1);
		out_write(ctx->out, line.data, line.len);
	}
	if (t->nb_rows == 0)
		out_puts(ctx->out, "(none)\n");
out:
	free(line.data);
	free(widths);
	t->cells.len = 0;
	t->nb_rows = 0;
}

/* --- registry --- */

static int
cmd_nb_words(const struct console_cmd *c)
{
	int n = 0;

	while (n < CONSOLE_WORDS_MAX && c->words[n] != NULL)
		n++;
	return n;
}

/* @return how many of the first 'n' words typed are c's fixed words. */
static int
cmd_prefix_len(const struct console_cmd *c, char *const *words, int n)
{
	int i;

	for (i = 0; i < n && i < CONSOLE_WORDS_MAX && c->words[i] != NULL; i++)
		if (strcmp(c->words[i], words[i]) != 0)
			break;
	return i;
}

/* Word by word, a command before those it is a prefix of. */
static int
cmd_cmp(const struct console_cmd *a, const struct console_cmd *b)
{
	int i, d;

	for (i = 0; i < CONSOLE_WORDS_MAX; i++) {
		if (a->words[i] == NULL || b->words[i] == NULL)
			return (a->words[i] != NULL) - (b->words[i] != NULL);
		d = strcmp(a->words[i], b->words[i]);
		if (d != 0)
			return d;
	}
	return 0;
}

static bool
cmd_is_allowed(const struct console_cmd *c, enum console_level level)
{
	return (int)level >= (int)c->level;
}

/* A word the tokenizer can produce unquoted, so that it can be typed. */
static bool
word_is_valid(const char *w)
{
	const unsigned char *p = (const unsigned char *)w;

	if (*p == '\0')
		return false;
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == ';')
			return false;
	return true;
}

static bool
cmd_is_valid(const struct console_cmd *c)
{
	int i, n = cmd_nb_words(c);

	if (n == 0 || c->words[CONSOLE_WORDS_MAX] != NULL)
		return false;
	for (i = 0; i < CONSOLE_WORDS_MAX; i++)
		if (i < n ? !word_is_valid(c->words[i]) : c->words[i] != NULL)
			return false;
	/* The synopsis is what "needs ..." and 'help' print. */
	return c->fn != NULL && c->help != NULL && c->min_args >= 0 &&
		c->max_args >= c->min_args &&
		(c->max_args == 0 || c->args != NULL) &&
		(unsigned int)c->level <= CONSOLE_ADMIN &&
		(c->flags & ~(unsigned int)CONSOLE_F_JSON) == 0;
}

static bool
reg_has(const struct console_registry *r, const struct console_cmd *c)
{
	unsigned int i;

	for (i = 0; i < r->nb_cmds; i++)
		if (cmd_cmp(r->cmds[i], c) == 0)
			return true;
	return false;
}

static void
reg_insert(struct console_registry *r, const struct console_cmd *c)
{
	unsigned int i = r->nb_cmds;

	while (i > 0 && cmd_cmp(r->cmds[i - 1], c) > 0) {
		r->cmds[i] = r->cmds[i - 1];
		i--;
	}
	r->cmds[i] = c;
	r->nb_cmds++;
}

struct console_registry *
console_registry_create(void)
{
	struct console_registry *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (console_register(r, builtin_cmds, WEIR_ARRAY_LEN(builtin_cmds)) <
		0) {
		console_registry_destroy(r);
		errno = ENOMEM;
		return NULL;
	}
	return r;
}

void
console_registry_destroy(struct console_registry *r)
{
	if (r == NULL)
		return;
	free(r->cmds);
	free(r);
}

int
console_register(struct console_registry *r, const struct console_cmd *cmds,
	unsigned int n)
{
	const struct console_cmd **tmp;
	unsigned int i, j, max;

	if (r == NULL || (cmds == NULL && n > 0))
		return -EINVAL;
	/* Check everything first: a table is registered whole or not at all. */
	for (i = 0; i < n; i++)
		if (!cmd_is_valid(&cmds[i]))
			return -EINVAL;
	for (i = 0; i < n; i++) {
		if (reg_has(r, &cmds[i]))
			return -EEXIST;
		for (j = 0; j < i; j++)
			if (cmd_cmp(&cmds[j], &cmds[i]) == 0)
				return -EEXIST;
	}
	if (n > UINT32_MAX / 2 - r->nb_cmds)
		return -ENOMEM;
	if (r->nb_cmds + n > r->max_cmds) {
		max = r->max_cmds ? r->max_cmds * 2 : CONSOLE_CMDS_MIN;
		if (max < r->nb_cmds + n)
			max = r->nb_cmds + n;
		tmp = realloc(r->cmds, max * sizeof(*tmp));
		if (tmp == NULL)
			return -ENOMEM;
		r->cmds = tmp;
		r->max_cmds = max;
	}
	for (i = 0; i < n; i++)
		reg_insert(r, &cmds[i]);
	return 0;
}

/* The command with the most fixed words that are the first words typed. */
static const struct console_cmd *
reg_match(const struct console_registry *r, char *const *words, int n)
{
	const struct console_cmd *best = NULL;
	int best_len = 0, len;
	unsigned int i;

	for (i = 0; i < r->nb_cmds; i++) {
		len = cmd_nb_words(r->cmds[i]);
		if (len > best_len && len <= n &&
			cmd_prefix_len(r->cmds[i], words, n) == len) {
			best = r->cmds[i];
			best_len = len;
		}
	}
	return best;
}

int
console_level_parse(const char *name)
{
	unsigned int i;

	if (name == NULL)
		return -EINVAL;
	for (i = 0; i < WEIR_ARRAY_LEN(level_names); i++)
		if (strcmp(name, level_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

const char *
console_level_name(enum console_level level)
{
	if ((unsigned int)level >= WEIR_ARRAY_LEN(level_names))
		return "unknown";
	return level_names[level];
}

/* --- tokenizer --- */

/*
 * Split the command starting at *pos (up to 'end' or an unquoted ';')
 * into t->words, and move *pos past it. Quotes may open anywhere in a word
 * and join with what touches them, as in a shell ("a b"c is one word);
 * inside them \" and \\ stand for '"' and '\', and any other backslash is
 * kept. After an error the rest of the command is still consumed, so the
 * next one starts at the right place.
 */
static enum console_tok_err
tok_split(struct console_tok *t, const char **pos, const char *end)
{
	const char *p = *pos;
	char *w = t->buf, *w_end = t->buf + sizeof(t->buf);
	bool quoted = false, store = false;
	int nb_words = 0;
	char c;

	t->nb_words = 0;
	t->more = false;
	t->in_word = false;
	for (; p < end; p++) {
		c = *p;
		if (quoted) {
			if (c == '"') {
				quoted = false;
				continue;
			}
			if (c == '\\' && p + 1 < end &&
				(p[1] == '"' || p[1] == '\\'))
				c = *++p;
		} else if (c == ' ' || c == '\t' || c == ';') {
			if (t->in_word && store && w < w_end)
				*w++ = '\0';
			t->in_word = false;
			if (c == ';') {
				t->more = true;
				p++;
				break;
			}
			continue;
		} else {
			if (!t->in_word) {
				t->in_word = true;
				store = nb_words < CONSOLE_ARGS_MAX;
				if (store)
					t->words[t->nb_words++] = w;
				nb_words++;
			}
			if (c == '"') {
				quoted = true;
				continue;
			}
		}
		if (store && w < w_end)
			*w++ = c;
	}
	if (t->in_word && store && w < w_end)
		*w++ = '\0';
	/* Unreachable while callers cut lines at CONSOLE_LINE_MAX; the bound
	 * only turns a future caller's mistake into a truncated word. */
	if (w == w_end)
		w_end[-1] = '\0';
	t->words[t->nb_words] = NULL;
	*pos = p;
	if (quoted)
		return CONSOLE_TOK_QUOTE;
	if (nb_words > CONSOLE_ARGS_MAX)
		return CONSOLE_TOK_WORDS;
	return CONSOLE_TOK_OK;
}

/* --- dispatch --- */

static int
report_level(struct console_ctx *ctx, char *const *words, int n,
	enum console_level need)
{
	out_error_begin(ctx->out);
	out_puts(ctx->out, "'");
	out_words(ctx->out, (const char *const *)words, n);
	out_printf(ctx->out, "' needs level %s; this session is %s\n",
		console_level_name(need), console_level_name(ctx->level));
	return -EPERM;
}

/*
 * No command is named by words[0..n): the deepest prefix that some command
 * shares with them tells whether the first word is unknown, a later word
 * is wrong or missing, or every command under that prefix needs a higher
 * level than the session has.
 */
static int
report_no_match(struct console_ctx *ctx, char *const *words, int n)
{
	const struct console_registry *r = ctx->reg;
	enum console_level need = CONSOLE_ADMIN;
	const char *prev = NULL;
	bool has_next = false, has_allowed = false;
	const struct console_cmd *c;
	int d = 0, len;
	unsigned int i;

	for (i = 0; i < r->nb_cmds; i++) {
		len = cmd_prefix_len(r->cmds[i], words, n);
		if (len > d)
			d = len;
	}
	if (d == 0) {
		console_error(ctx,
			"unknown command '%s'; 'help' lists the commands",
			words[0]);
		return -ENOENT;
	}
	for (i = 0; i < r->nb_cmds; i++) {
		c = r->cmds[i];
		if (cmd_nb_words(c) <= d || cmd_prefix_len(c, words, d) < d)
			continue;
		has_next = true;
		if (cmd_is_allowed(c, ctx->level))
			has_allowed = true;
		if ((int)c->level < (int)need)
			need = c->level;
	}
	if (has_next && !has_allowed)
		return report_level(ctx, words, d, need);

	out_error_begin(ctx->out);
	out_puts(ctx->out, "'");
	out_words(ctx->out, (const char *const *)words, d);
	if (d < n)
		out_printf(ctx->out, "' has no '%s'", words[d]);
	else
		out_puts(ctx->out, "' is incomplete");
	/* Sorted registry: the next words come in order, duplicates adjacent. */
	for (i = 0; i < r->nb_cmds; i++) {
		c = r->cmds[i];
		if (cmd_nb_words(c) <= d || cmd_prefix_len(c, words, d) < d ||
			!cmd_is_allowed(c, ctx->level))
			continue;
		if (prev != NULL && strcmp(prev, c->words[d]) == 0)
			continue;
		out_puts(ctx->out, prev == NULL ? "; try: " : ", ");
		out_words(ctx->out, (const char *const *)words, d);
		out_printf(ctx->out, " %s", c->words[d]);
		prev = c->words[d];
	}
	out_puts(ctx->out, "\n");
	return -ENOENT;
}

static void
report_cmd(struct console_ctx *ctx, const struct console_cmd *c)
{
	out_error_begin(ctx->out);
	out_puts(ctx->out, "'");
	out_words(ctx->out, c->words, cmd_nb_words(c));
}

static int
cmd_exec(struct console_ctx *ctx, char **words, int n)
{
	struct console_out *o = ctx->out;
	char *argv[CONSOLE_ARGS_MAX + 1];
	const struct console_cmd *c;
	int argc = 0, k, i, rc;
	size_t nb_written;
	bool json = false;

	c = reg_match(ctx->reg, words, n);
	if (c == NULL)
		return report_no_match(ctx, words, n);
	k = cmd_nb_words(c);
	if (!cmd_is_allowed(c, ctx->level))
		return report_level(ctx, words, k, c->level);
	for (i = k; i < n; i++) {
		if (strcmp(words[i], "-j") != 0) {
			argv[argc++] = words[i];
			continue;
		}
		if (!(c->flags & CONSOLE_F_JSON)) {
			report_cmd(ctx, c);
			out_puts(o, "' has no -j output\n");
			return -EINVAL;
		}
		json = true;
	}
	argv[argc] = NULL;
	if (argc < c->min_args) {
		report_cmd(ctx, c);
		out_printf(o, "' needs %s\n", c->args);
		return -EINVAL;
	}
	if (argc > c->max_args) {
		out_error_begin(o);
		out_printf(o, "unexpected argument '%s' after '",
			argv[c->max_args]);
		out_words(o, (const char *const *)words, k);
		if (c->max_args > 0)
			out_puts(o, " ");
		out_words(o, (const char *const *)argv, c->max_args);
		out_puts(o, "'\n");
		return -EINVAL;
	}

	ctx->json = json;
	nb_written = o->nb_written;
	rc = c->fn(ctx, argc, argv);
	ctx->json = false;
	/* A forgotten console_table_end() must not leak into the next
	 * command's table. */
	console_table_end(ctx);
	if (rc < 0 && o->nb_written == nb_written) {
		/* A handler that failed without a word still gets a line. */
		report_cmd(ctx, c);
		out_printf(o, "' failed: %s\n", strerror(-rc));
	}
	out_line_start(o);
	return rc < 0 ? rc : 0;
}

int
console_exec_line(struct console_ctx *ctx, const char *line)
{
	struct console_tok *t;
	const char *p, *end;
	bool was_quit;
	size_t len, i;
	int rc = 0, ret;

	if (ctx == NULL || ctx->out == NULL || line == NULL)
		return -EINVAL;
	/* One byte past the limit is enough to know it is too long, and a
	 * final '\r' from a telnet CRLF does not count. */
	len = strnlen(line, CONSOLE_LINE_MAX + 2);
	if (len > 0 && len <= CONSOLE_LINE_MAX + 1 && line[len - 1] == '\r')
		len--;
	if (len > CONSOLE_LINE_MAX)
		return console_error(
			ctx, "line longer than %d bytes", CONSOLE_LINE_MAX);
	/* Reject the whole line: a control byte is a garbled paste or a
	 * terminal escape, and running half of it would be worse. */
	for (i = 0; i < len; i++) {
		unsigned char b = (unsigned char)line[i];

		if ((b < 0x20 && b != '\t') || b == 0x7f)
			return console_error(ctx,
				"line contains a non-printable byte (0x%02x) at column %zu",
				b, i + 1);
	}
	if (ctx->reg == NULL)
		return console_error(ctx, "no command registry");
	/* 4 KiB of words: too big for a small thread stack. */
	t = malloc(sizeof(*t));
	if (t == NULL)
		return console_error(ctx, "out of memory");

	p = line;
	end = line + len;
	was_quit = ctx->quit;
	do {
		ret = 0;
		switch (tok_split(t, &p, end)) {
		case CONSOLE_TOK_QUOTE:
			ret = console_error(ctx, "unterminated quote");
			break;
		case CONSOLE_TOK_WORDS:
			ret = console_error(ctx, "too many words (limit %d)",
				CONSOLE_ARGS_MAX);
			break;
		case CONSOLE_TOK_OK:
			if (t->nb_words > 0)
				ret = cmd_exec(ctx, t->words, t->nb_words);
			break;
		}
		if (ret < 0)
			rc = ret;
		/* Whatever follows 'quit' is not run: the session ends. */
	} while (t->more && (was_quit || !ctx->quit));
	free(t);
	return rc;
}

/* --- completion --- */

void
console_complete(const struct console_registry *r, enum console_level level,
	const char *partial, void (*cb)(void *arg, const char *word), void *arg)
{
	const struct console_cmd *c;
	const char *p, *end, *prefix = "", *prev = NULL;
	struct console_tok *t;
	size_t len, prefix_len;
	unsigned int i;
	int k;

	if (r == NULL || partial == NULL || cb == NULL)
		return;
	len = strnlen(partial, CONSOLE_LINE_MAX + 1);
	if (len > CONSOLE_LINE_MAX)
		return;
	t = malloc(sizeof(*t));
	if (t == NULL)
		return;
	p = partial;
	end = partial + len;
	/* Only the last command of the line is being typed. */
	do {
		if (tok_split(t, &p, end) != CONSOLE_TOK_OK)
			goto out;
	} while (t->more);
	k = t->nb_words;
	if (t->in_word)
		prefix = t->words[--k];
	prefix_len = strlen(prefix);
	for (i = 0; i < r->nb_cmds; i++) {
		c = r->cmds[i];
		if (cmd_nb_words(c) <= k ||
			cmd_prefix_len(c, t->words, k) < k ||
			!cmd_is_allowed(c, level) ||
			strncmp(c->words[k], prefix, prefix_len) != 0)
			continue;
		/* Sorted registry: equal candidates are adjacent. */
		if (prev != NULL && strcmp(prev, c->words[k]) == 0)
			continue;
		cb(arg, c->words[k]);
		prev = c->words[k];
	}
out:
	free(t);
}

/* --- built-ins --- */

static size_t
usage_len(const struct console_cmd *c)
{
	size_t n = 0;
	int i;

	for (i = 0; i < cmd_nb_words(c); i++)
		n += strlen(c->words[i]) + (i > 0);
	if (c->args != NULL && c->args[0] != '\0')
		n += 1 + strlen(c->args);
	if (c->flags & CONSOLE_F_JSON)
		n += strlen(" [-j]");
	return n;
}

static void
help_line(struct console_out *o, const struct console_cmd *c, size_t width)
{
	out_words(o, c->words, cmd_nb_words(c));
	if (c->args != NULL && c->args[0] != '\0')
		out_printf(o, " %s", c->args);
	if (c->flags & CONSOLE_F_JSON)
		out_puts(o, " [-j]");
	if (c->help[0] != '\0')
		out_printf(o, "%*s%s",
			(int)(width - usage_len(c) + CONSOLE_TABLE_GAP), "",
			c->help);
	out_puts(o, "\n");
}

static int
builtin_help(struct console_ctx *ctx, int argc, char **argv)
{
	const struct console_registry *r = ctx->reg;
	enum console_level need = CONSOLE_ADMIN;
	bool found = false, allowed = false;
	const struct console_cmd *c;
	size_t width = 0;
	unsigned int i;

	for (i = 0; i < r->nb_cmds; i++) {
		c = r->cmds[i];
		if (cmd_nb_words(c) < argc ||
			cmd_prefix_len(c, argv, argc) < argc)
			continue;
		found = true;
		if ((int)c->level < (int)need)
			need = c->level;
		if (!cmd_is_allowed(c, ctx->level))
			continue;
		allowed = true;
		if (usage_len(c) > width)
			width = usage_len(c);
	}
	if (!found)
		return report_no_match(ctx, argv, argc);
	if (!allowed)
		return report_level(ctx, argv, argc, need);
	for (i = 0; i < r->nb_cmds; i++) {
		c = r->cmds[i];
		if (cmd_nb_words(c) >= argc &&
			cmd_prefix_len(c, argv, argc) == argc &&
			cmd_is_allowed(c, ctx->level))
			help_line(ctx->out, c, width);
	}
	return 0;
}

static int
builtin_prompt(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ctx->prompt = !ctx->prompt;
	return 0;
}

static int
builtin_quit(struct console_ctx *ctx, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ctx->quit = true;
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The console command registry: static command tables, a tokenizer, the
 * dispatcher with access levels and argument checks, built-in help and
 * completion, and the output buffer replies are written into. It knows
 * nothing of sockets: the transports (unix socket, telnet) in app/weir feed
 * it lines and send what it wrote, so every command and error path is unit
 * tested without a connection.
 *
 * A line holds one or more commands separated by ';'. Each command's reply
 * is its output; an error is one line "error: ..." naming the offending
 * word. The transport ends the whole reply with an empty line, so a reply
 * never contains an empty line of its own (console_printf() drops them).
 *
 * Thread-safety: a registry is built once (ctl) and then only read; a
 * struct console_ctx belongs to one connection. Context: ctl.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "console_types.h"

struct console_registry;
struct console_out;
struct console_ctx;

/*
 * A command handler. 'argv' holds the words after the command's fixed
 * words (options like -j already removed); argc is checked against the
 * table's min_args/max_args before the call.
 * @return 0, or a negative errno after console_error().
 */
typedef int(console_cmd_fn)(struct console_ctx *ctx, int argc, char **argv);

struct console_cmd {
	const char *words[CONSOLE_WORDS_MAX + 1]; /* fixed words, NULL-ended */
	const char *args;	  /* argument synopsis, "<service> [<n>]" */
	const char *help;	  /* one line */
	enum console_level level; /* lowest level allowed */
	int min_args;		  /* after the fixed words */
	int max_args;
	unsigned int flags; /* CONSOLE_F_* */
	console_cmd_fn *fn;
};

/* The state of one session (connection). */
struct console_ctx {
	enum console_level level; /* what this session may do */
	bool json;		  /* -j given for the running command */
	bool quit;		  /* set by 'quit': close after the reply */
	bool prompt;		  /* interactive: print "> " after replies */
	struct console_out *out;  /* where replies go */
	const struct console_registry *reg;
	void *arg; /* the application's context */
};

/** @return a new empty registry, or NULL (ENOMEM). */
struct console_registry *console_registry_create(void);

/** Free a registry; NULL is a no-op. The tables are not owned. */
void console_registry_destroy(struct console_registry *r);

/**
 * Add a static table of 'n' commands (the table must outlive the
 * registry). The built-ins 'help', 'quit' and 'prompt' are always there.
 * The table is registered whole or not at all.
 * @return 0, -EEXIST if a command's words are already registered (or
 * twice in 'cmds'), -EINVAL for a NULL 'r' or a malformed entry: no words,
 * more than CONSOLE_WORDS_MAX, a word that cannot be typed unquoted
 * (empty, or holding a blank, '"', ';' or a control byte), min_args < 0,
 * max_args < min_args, 'args' NULL while max_args > 0, no 'help' or 'fn',
 * an unknown level or flag. -ENOMEM.
 */
int console_register(struct console_registry *r, const struct console_cmd *cmds,
	unsigned int n);

/**
 * Run one line of input (up to CONSOLE_LINE_MAX bytes, no newline; one
 * trailing '\r' is ignored) for session 'ctx', appending every reply to
 * ctx->out. A line that is too long or holds a control byte (other than
 * tab) runs nothing. Otherwise each ';'-separated command runs even if an
 * earlier one failed, except that nothing runs after 'quit'. Words split
 * on blanks; "double quotes" group, with \" and \\ inside them.
 * @return 0 if every command succeeded, else the last negative errno:
 * -EINVAL (syntax, arguments, -j, or a handler's console_error()),
 * -ENOENT (no such command), -EPERM (level too low), or whatever a
 * handler returned.
 */
int console_exec_line(struct console_ctx *ctx, const char *line);

/**
 * Completion for interactive clients: call 'cb' with every candidate for
 * the last (possibly empty) word of the last command in 'partial', among
 * commands 'level' allows. Candidates are fixed words only, sorted and
 * unique; argument positions and an open quote have none.
 */
void console_complete(const struct console_registry *r,
	enum console_level level, const char *partial,
	void (*cb)(void *arg, const char *word), void *arg);

/** @return the level named 'name' ("user", "operator", "admin") or -EINVAL. */
int console_level_parse(const char *name);

/** @return the name of 'level', or "unknown" out of range. */
const char *console_level_name(enum console_level level);

/**
 * Output buffer: create (NULL, errno ENOMEM), free (NULL is a no-op),
 * data (NUL-terminated, valid until the next append), length in bytes,
 * reset (empty, as new).
 */
struct console_out *console_out_create(void);
void console_out_destroy(struct console_out *o);
const char *console_out_data(const struct console_out *o);
size_t console_out_len(const struct console_out *o);
void console_out_reset(struct console_out *o);
/** Drop the first 'n' bytes (sent by the transport). */
void console_out_consume(struct console_out *o, size_t n);

/**
 * End a reply: the empty line that tells the client the reply is complete
 * (a final newline first if the reply lacks one), then "> " when the
 * session is in prompt mode and did not just 'quit'. Transports call it
 * after console_exec_line(). The next reply starts as on a fresh buffer:
 * its output does not begin with an empty line or a line break.
 */
void console_reply_end(struct console_ctx *ctx);

/** Append formatted text to the session's reply (empty lines dropped). */
void console_printf(struct console_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** Append "error: <text>\n". @return -EINVAL, for "return console_error()". */
int console_error(struct console_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Parse argument 'word' as a decimal number from 0 to 'max' into 'out'.
 * Refuses a sign, blanks, junk after the digits and overflow.
 * @return 0, or -EINVAL after console_error() "'<word>' is not a <what>
 * (0-<max>)".
 */
int console_uint(struct console_ctx *ctx, const char *word, unsigned long max,
	const char *what, unsigned long *out);

/**
 * Append a JSON document (a jansson json_t *, passed as void * so this
 * header needs no jansson include) as one compact line, and release it.
 * @return 0 or -ENOMEM.
 */
int console_json(struct console_ctx *ctx, void *json);

/*
 * Tables for humans: console_table_begin() with column headers, rows of
 * cells, console_table_end() prints them aligned. One table at a time per
 * session.
 */
void console_table_begin(struct console_ctx *ctx, unsigned int nb_cols,
	const char *const *headers);
void console_table_row(struct console_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3))); /* cells separated by '\t' */
void console_table_end(struct console_ctx *ctx);

#endif /* CONSOLE_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console constants and levels. Each level may do everything the levels
 * below it may.
 */
#ifndef CONSOLE_TYPES_H
#define CONSOLE_TYPES_H

#define CONSOLE_LINE_MAX 4096 /* bytes per input line */
#define CONSOLE_WORDS_MAX 3   /* fixed words of a command ("show backends") */
#define CONSOLE_ARGS_MAX 16   /* words per command, options included */

enum console_level {
	CONSOLE_USER = 0,     /* show */
	CONSOLE_OPERATOR = 1, /* drain, weight, enable/disable */
	CONSOLE_ADMIN = 2,    /* add/del, reload, policy, save */
};

/* console_cmd.flags */
#define CONSOLE_F_JSON 0x1 /* accepts -j: ctx->json set, -j removed */

#endif /* CONSOLE_TYPES_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Console transports: the unix socket and the telnet listener (plain on
 * loopback, TLS elsewhere),
 * each feeding lines of its connections to the command registry
 * (lib/console) with the listener's access level, on the management
 * thread's epoll loop.
 */
#ifndef CONSOLE_APP_H
#define CONSOLE_APP_H

/**
 * Open a non-blocking TCP listener on "addr:port" or "[v6]:port" (the
 * config checked the syntax). @return the socket, or -errno (logged).
 */
int console_listen_tcp(const char *spec, const char *what);

#endif /* CONSOLE_APP_H */

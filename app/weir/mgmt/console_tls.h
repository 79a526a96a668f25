/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLS for the console's TCP listener. console_app.c keeps the transport
 * (epoll, lines, replies, authentication state); this file owns OpenSSL:
 * one server context per listener and one non-blocking session per
 * connection, over the connection's socket. The structs are opaque so
 * that OpenSSL's types stay in console_tls.c.
 *
 * Every call that may block on the socket returns -EAGAIN instead;
 * console_tls_want_write() then tells whether the socket must become
 * writable (EPOLLOUT) before the call can make progress, otherwise it is
 * waiting for input (EPOLLIN). A blocked call is retried as it was, on
 * the next event of either kind.
 *
 * Thread-safety: none; everything here runs on ctl. Context: ctl.
 */
#ifndef CONSOLE_TLS_H
#define CONSOLE_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cfg_console;
struct console_tls;
struct console_tls_conn;

/**
 * Make the listener's TLS context from 'cc' (tls_cert, tls_key, tls_ca,
 * the password digest): TLS 1.2 at least; client certificates are asked
 * for and verified against tls_ca when it is set, and required when no
 * password is configured.
 * @return the context, or NULL with errno EINVAL (a file that does not
 * hold a usable certificate, key or CA list, or a key that does not match
 * the certificate: logged with the file) or ENOMEM.
 */
struct console_tls *console_tls_create(const struct cfg_console *cc);

/** Free a context made by console_tls_create(); NULL is a no-op. Its
 * sessions must be destroyed first. */
void console_tls_destroy(struct console_tls *t);

/**
 * @return true if 'password' (len bytes, not NUL-terminated) is the one
 * whose SHA-256 is configured; false otherwise or if none is. The digests
 * are compared in constant time.
 */
bool console_tls_password_ok(
	const struct console_tls *t, const char *password, size_t len);

/**
 * Start a server session on the connected, non-blocking socket 'fd'; the
 * handshake is console_tls_handshake()'s job. 'peer' ("addr:port") names
 * the client in logs and is copied. The socket stays the caller's.
 * @return the session, or NULL with errno ENOMEM.
 */
struct console_tls_conn *
console_tls_conn_create(struct console_tls *t, int fd, const char *peer);

/**
 * Send close_notify if the session is still sound (best effort: the
 * socket is not waited for), then free it; NULL is a no-op. The caller
 * closes the socket afterwards.
 */
void console_tls_conn_destroy(struct console_tls_conn *tc);

/**
 * Go on with the handshake. A failure is logged with the peer and the
 * reason (not a TLS client, certificate refused, ...).
 * @return 0 when complete, -EAGAIN (see console_tls_want_write()),
 * -ECONNRESET if the peer went away, -EPROTO for a failed handshake.
 */
int console_tls_handshake(struct console_tls_conn *tc);

/**
 * @return true if the completed handshake authenticated the client: it
 * presented a certificate that verified against the configured CA.
 */
bool console_tls_peer_verified(const struct console_tls_conn *tc);

/**
 * Read decrypted bytes into 'buf' (up to 'size').
 * @return the number read (> 0), 0 at the end of the peer's data
 * (close_notify, or the TCP connection closed), -EAGAIN, -ECONNRESET or
 * -EPROTO (logged).
 */
ssize_t console_tls_read(struct console_tls_conn *tc, void *buf, size_t size);

/**
 * @return true if decrypted or buffered bytes wait inside the session:
 * epoll will not report them, so the caller must read again.
 */
bool console_tls_has_pending(const struct console_tls_conn *tc);

/**
 * Encrypt and send up to 'len' (> 0) bytes of 'buf'. After -EAGAIN the
 * same bytes must be offered again, possibly from another address and
 * with more after them.
 * @return the number of bytes taken (> 0), -EAGAIN, -EPIPE (the peer
 * closed or reset) or -EPROTO.
 */
ssize_t
console_tls_write(struct console_tls_conn *tc, const void *buf, size_t len);

/**
 * @return true if the last handshake, read or write that returned
 * -EAGAIN waits for the socket to become writable.
 */
bool console_tls_want_write(const struct console_tls_conn *tc);

#endif /* CONSOLE_TLS_H */

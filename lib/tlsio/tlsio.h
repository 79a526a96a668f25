/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The socket BIO of weir's TLS users (the console's listener, active
 * health checks): OpenSSL's own socket BIO writes with write(2), so a
 * peer that resets the connection would raise SIGPIPE, which weir does
 * not ignore and which would stop it. This one sends with MSG_NOSIGNAL,
 * never blocks (the caller's socket is in an epoll loop), and records
 * the peer's FIN so that OpenSSL can tell the end of the stream from an
 * error.
 *
 * Context: the thread that owns the socket (ctl); nothing here is shared.
 */
#ifndef TLSIO_H
#define TLSIO_H

#include <stdbool.h>

#include <openssl/bio.h>
#include <openssl/ssl.h>

/* One connection's socket as its BIO sees it; owned by the caller. */
struct tlsio {
	int fd;	  /* the caller's socket */
	bool eof; /* recv() saw the peer's FIN */
};

/**
 * @return a new BIO method named 'name' (for OpenSSL's messages), or NULL
 * (out of memory). Free it with BIO_meth_free() once no BIO uses it.
 */
BIO_METHOD *tlsio_method_new(const char *name);

/**
 * Give 'ssl' a BIO of 'method' over 'io', for reading and writing; 'io'
 * must outlive 'ssl'. @return 0, or -ENOMEM.
 */
int tlsio_attach(SSL *ssl, BIO_METHOD *method, struct tlsio *io);

#endif /* TLSIO_H */

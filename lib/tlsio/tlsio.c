/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The socket BIO of weir's TLS users (tlsio.h says why).
 */
#include <errno.h>
#include <sys/socket.h>

#include "tlsio.h"

static int
tlsio_write(BIO *b, const char *buf, size_t len, size_t *done)
{
	struct tlsio *io = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	*done = 0;
	do
		n = send(io->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			BIO_set_retry_write(b);
		return 0;
	}
	*done = (size_t)n;
	return 1;
}

static int
tlsio_read(BIO *b, char *buf, size_t size, size_t *done)
{
	struct tlsio *io = BIO_get_data(b);
	ssize_t n;

	BIO_clear_retry_flags(b);
	*done = 0;
	do
		n = recv(io->fd, buf, size, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			BIO_set_retry_read(b);
		return 0;
	}
	if (n == 0) {
		/* OpenSSL asks BIO_CTRL_EOF to tell EOF from an error. */
		io->eof = true;
		return 0;
	}
	*done = (size_t)n;
	return 1;
}

static long
tlsio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
	struct tlsio *io = BIO_get_data(b);

	(void)num;
	(void)ptr;
	switch (cmd) {
	case BIO_CTRL_FLUSH:
		/* send() has no buffer of its own; 0 would mean "retry". */
		return 1;
	case BIO_CTRL_EOF:
		return io != NULL && io->eof;
	default:
		return 0;
	}
}

BIO_METHOD *
tlsio_method_new(const char *name)
{
	int type = BIO_get_new_index();
	BIO_METHOD *m;

	if (type < 0)
		return NULL;
	m = BIO_meth_new(type | BIO_TYPE_SOURCE_SINK, name);
	if (m == NULL || BIO_meth_set_write_ex(m, tlsio_write) != 1 ||
		BIO_meth_set_read_ex(m, tlsio_read) != 1 ||
		BIO_meth_set_ctrl(m, tlsio_ctrl) != 1) {
		BIO_meth_free(m);
		return NULL;
	}
	return m;
}

int
tlsio_attach(SSL *ssl, BIO_METHOD *method, struct tlsio *io)
{
	BIO *bio = BIO_new(method);

	if (bio == NULL)
		return -ENOMEM;
	BIO_set_data(bio, io);
	BIO_set_init(bio, 1);
	SSL_set_bio(ssl, bio, bio); /* takes the one reference */
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * OpenSSL for the console's TCP listener: a server context per listener
 * and a non-blocking session per connection, driven by console_app.c
 * from ctl's epoll callbacks. The transport decides when to call; this
 * file turns OpenSSL's WANT_READ/WANT_WRITE into -EAGAIN plus
 * console_tls_want_write(), so the caller arms EPOLLOUT only when TLS
 * itself needs the socket writable (a handshake flight, a record that
 * did not fit).
 *
 * Sessions do their socket I/O through lib/tlsio's BIO rather than
 * OpenSSL's socket BIO, which writes with write(2): a peer that resets
 * the connection would raise SIGPIPE, and weir does not ignore it. Ours
 * sends with MSG_NOSIGNAL, as the plain-text transport does. Session
 * resumption (cache and tickets) is off: console sessions are few and
 * long, and a resumed session would carry over a client certificate
 * verified under an older CA file.
 */
#define _GNU_SOURCE 1
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "cfg.h"
#include "console_tls.h"
#include "tlsio.h"
#include "weir_log.h"

WEIR_LOG_TYPE("console")

#define TLS_PEER_SIZE 64    /* bytes: "[v6 address]:port" and a NUL */
#define TLS_REASON_SIZE 256 /* bytes of an OpenSSL error text */

static_assert(sizeof(((struct cfg_console *)NULL)->tls_password_sha256) ==
		SHA256_DIGEST_LENGTH,
	"the configured digest is a SHA-256");

struct console_tls {
	SSL_CTX *ctx;
	BIO_METHOD *bio_method; /* lib/tlsio's socket BIO, see above */
	bool has_ca;		/* client certificates verified */
	bool has_password;	/* 'auth <password>' is accepted */
	uint8_t password_sha256[SHA256_DIGEST_LENGTH];
};

struct console_tls_conn {
	SSL *ssl;
	struct tlsio io;	  /* the caller's socket, its EOF */
	bool failed;		  /* fatal error: no close_notify */
	bool rd_want_write;	  /* handshake/read awaits EPOLLOUT */
	bool wr_want_write;	  /* write waits for EPOLLOUT */
	char peer[TLS_PEER_SIZE]; /* for logs */
};

/* The first error OpenSSL queued, the root cause; the queue is cleared. */
static const char *
tls_reason(char *buf, size_t size)
{
	unsigned long e = ERR_get_error();
	const char *lib, *reason;

	if (e == 0) {
		snprintf(buf, size, "no detail from OpenSSL");
	} else {
		lib = ERR_lib_error_string(e);
		reason = ERR_reason_error_string(e);
		if (reason != NULL)
			snprintf(buf, size, "%s%s%s", lib != NULL ? lib : "",
				lib != NULL ? ": " : "", reason);
		else
			ERR_error_string_n(e, buf, size);
	}
	ERR_clear_error();
	return buf;
}

/* Keys must be stored unencrypted: a daemon has no terminal to ask on. */
static int
tls_no_passphrase(char *buf, int size, int rwflag, void *arg)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)arg;
	return -1;
}

struct console_tls *
console_tls_create(const struct cfg_console *cc)
{
	STACK_OF(X509_NAME) * names;
	char why[TLS_REASON_SIZE];
	const char *key, *file;
	struct console_tls *t;
	int verify;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	ERR_clear_error();
	t->ctx = SSL_CTX_new(TLS_server_method());
	t->bio_method = tlsio_method_new("weir console socket");
	if (t->ctx == NULL || t->bio_method == NULL ||
		SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION) != 1)
		goto err_nomem;
	SSL_CTX_set_options(t->ctx,
		SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
			SSL_OP_IGNORE_UNEXPECTED_EOF |
			SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_num_tickets(t->ctx, 0);
	SSL_CTX_set_session_cache_mode(t->ctx, SSL_SESS_CACHE_OFF);
	/*
	 * Replies are sent from the console's output buffer, which moves as
	 * it grows and is consumed by what each write took: partial writes
	 * and a moving buffer are what that buffer can offer.
	 */
	SSL_CTX_set_mode(t->ctx,
		SSL_MODE_ENABLE_PARTIAL_WRITE |
			SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_default_passwd_cb(t->ctx, tls_no_passphrase);

	key = "cert";
	file = cc->tls_cert;
	if (SSL_CTX_use_certificate_chain_file(t->ctx, file) != 1)
		goto err_file;
	key = "key";
	file = cc->tls_key;
	if (SSL_CTX_use_PrivateKey_file(t->ctx, file, SSL_FILETYPE_PEM) != 1)
		goto err_file;
	if (SSL_CTX_check_private_key(t->ctx) != 1) {
		WEIR_LOG(ERR,
			"console.tls.key: %s is not the key of the "
			"certificate in %s",
			cc->tls_key, cc->tls_cert);
		ERR_clear_error();
		goto err_inval;
	}
	if (cc->tls_ca[0] != '\0') {
		key = "ca";
		file = cc->tls_ca;
		if (SSL_CTX_load_verify_locations(t->ctx, file, NULL) != 1)
			goto err_file;
		/* Named in the handshake, so clients pick the right cert. */
		names = SSL_load_client_CA_file(file);
		if (names == NULL)
			goto err_file;
		SSL_CTX_set_client_CA_list(t->ctx, names);
		/*
		 * With a password as the other way in, a client without a
		 * certificate is let through the handshake and must 'auth';
		 * a certificate that fails verification never is.
		 */
		verify = SSL_VERIFY_PEER;
		if (!cc->tls_has_password)
			verify |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
		SSL_CTX_set_verify(t->ctx, verify, NULL);
		t->has_ca = true;
	}
	t->has_password = cc->tls_has_password;
	memcpy(t->password_sha256, cc->tls_password_sha256,
		sizeof(t->password_sha256));
	return t;

err_file:
	WEIR_LOG(ERR, "console.tls.%s: %s: %s", key, file,
		tls_reason(why, sizeof(why)));
err_inval:
	console_tls_destroy(t);
	errno = EINVAL;
	return NULL;
err_nomem:
	ERR_clear_error();
	console_tls_destroy(t);
	errno = ENOMEM;
	return NULL;
}

void
console_tls_destroy(struct console_tls *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	BIO_meth_free(t->bio_method);
	OPENSSL_cleanse(t->password_sha256, sizeof(t->password_sha256));
	free(t);
}

bool
console_tls_password_ok(
	const struct console_tls *t, const char *password, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;
	bool ok;

	if (!t->has_password)
		return false;
	if (EVP_Digest(password, len, md, &md_len, EVP_sha256(), NULL) != 1 ||
		md_len != sizeof(t->password_sha256)) {
		ERR_clear_error();
		return false;
	}
	/* Constant time: how much matched must not show in the timing. */
	ok = CRYPTO_memcmp(md, t->password_sha256, md_len) == 0;
	OPENSSL_cleanse(md, sizeof(md));
	return ok;
}

struct console_tls_conn *
console_tls_conn_create(struct console_tls *t, int fd, const char *peer)
{
	struct console_tls_conn *tc;

	tc = calloc(1, sizeof(*tc));
	if (tc == NULL)
		return NULL;
	tc->io.fd = fd;
	snprintf(tc->peer, sizeof(tc->peer), "%s", peer);
	ERR_clear_error();
	tc->ssl = SSL_new(t->ctx);
	if (tc->ssl == NULL ||
		tlsio_attach(tc->ssl, t->bio_method, &tc->io) < 0) {
		SSL_free(tc->ssl);
		free(tc);
		ERR_clear_error();
		errno = ENOMEM;
		return NULL;
	}
	SSL_set_accept_state(tc->ssl);
	return tc;
}

void
console_tls_conn_destroy(struct console_tls_conn *tc)
{
	if (tc == NULL)
		return;
	/* After a fatal error OpenSSL must not be asked to shut down. */
	if (!tc->failed && SSL_is_init_finished(tc->ssl)) {
		ERR_clear_error();
		(void)SSL_shutdown(tc->ssl);
		ERR_clear_error();
	}
	SSL_free(tc->ssl);
	free(tc);
}

/*
 * Map a failed SSL call. @return -EAGAIN (setting *want_write), 0 for an
 * orderly end of the peer's data, -ECONNRESET (socket error) or -EPROTO
 * (logged).
 */
static int
tls_fail(
	struct console_tls_conn *tc, int rc, bool *want_write, const char *what)
{
	char why[TLS_REASON_SIZE];
	long vr;

	*want_write = false;
	switch (SSL_get_error(tc->ssl, rc)) {
	case SSL_ERROR_WANT_WRITE:
		*want_write = true;
		return -EAGAIN;
	case SSL_ERROR_WANT_READ:
		return -EAGAIN;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		tc->failed = true;
		ERR_clear_error();
		return -ECONNRESET;
	default:
		tc->failed = true;
		vr = SSL_get_verify_result(tc->ssl);
		tls_reason(why, sizeof(why));
		if (vr != X509_V_OK)
			WEIR_LOG(WARNING,
				"console tls: %s: %s failed: %s "
				"(client certificate: %s)",
				tc->peer, what, why,
				X509_verify_cert_error_string(vr));
		else
			WEIR_LOG(WARNING, "console tls: %s: %s failed: %s",
				tc->peer, what, why);
		return -EPROTO;
	}
}

int
console_tls_handshake(struct console_tls_conn *tc)
{
	char subject[256] = "";
	X509 *cert;
	int rc;

	ERR_clear_error();
	rc = SSL_do_handshake(tc->ssl);
	if (rc != 1) {
		rc = tls_fail(tc, rc, &tc->rd_want_write, "handshake");
		if (rc == 0 || rc == -ECONNRESET)
			WEIR_LOG(DEBUG,
				"console tls: %s: closed during the handshake",
				tc->peer);
		return rc == 0 ? -ECONNRESET : rc;
	}
	tc->rd_want_write = false;
	cert = SSL_get0_peer_certificate(tc->ssl);
	if (cert != NULL)
		X509_NAME_oneline(
			X509_get_subject_name(cert), subject, sizeof(subject));
	WEIR_LOG(INFO, "console tls: %s: %s %s, %s%s", tc->peer,
		SSL_get_version(tc->ssl), SSL_get_cipher_name(tc->ssl),
		console_tls_peer_verified(tc) ? "client certificate " :
						"no client certificate",
		subject);
	return 0;
}

bool
console_tls_peer_verified(const struct console_tls_conn *tc)
{
	/*
	 * With SSL_VERIFY_PEER a certificate that fails verification ends
	 * the handshake, so a finished one holding a certificate verified;
	 * the result is checked anyway, in case the policy ever changes.
	 */
	return SSL_is_init_finished(tc->ssl) &&
		SSL_get0_peer_certificate(tc->ssl) != NULL &&
		SSL_get_verify_result(tc->ssl) == X509_V_OK;
}

ssize_t
console_tls_read(struct console_tls_conn *tc, void *buf, size_t size)
{
	size_t n = 0;
	int rc;

	ERR_clear_error();
	rc = SSL_read_ex(tc->ssl, buf, size, &n);
	if (rc == 1) {
		tc->rd_want_write = false;
		return (ssize_t)n;
	}
	return tls_fail(tc, rc, &tc->rd_want_write, "read");
}

bool
console_tls_has_pending(const struct console_tls_conn *tc)
{
	return SSL_has_pending(tc->ssl) == 1;
}

ssize_t
console_tls_write(struct console_tls_conn *tc, const void *buf, size_t len)
{
	size_t n = 0;
	int rc;

	ERR_clear_error();
	rc = SSL_write_ex(tc->ssl, buf, len, &n);
	if (rc == 1) {
		tc->wr_want_write = false;
		return (ssize_t)n;
	}
	rc = tls_fail(tc, rc, &tc->wr_want_write, "write");
	return rc == 0 || rc == -ECONNRESET ? -EPIPE : rc;
}

bool
console_tls_want_write(const struct console_tls_conn *tc)
{
	return tc->rd_want_write || tc->wr_want_write;
}

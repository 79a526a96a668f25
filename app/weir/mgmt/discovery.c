/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Discovery file adapter. inotify watches the directory of each file (so
 * that a tool replacing the file by rename, the safe way to write it, is
 * seen as well as one rewriting it in place); on a change, the file is
 * loaded and validated whole (lib/sd), every backend is checked as the
 * config loader would (family, reachable, not weir's own), and only then
 * is the service's list replaced and a snapshot published. A rejected
 * version changes nothing and says why in the event log.
 *
 * The new list is applied as a diff: backends present before keep their
 * position in the list, and so their place in the Maglev table and their
 * stable id (counters); removed ones leave, new ones are appended. Sessions
 * are untouched either way.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cfg.h"
#include "ctl.h"
#include "events.h"
#include "module.h"
#include "sd.h"
#include "svc.h"
#include "weir.h"
#include "weir_log.h"

WEIR_LOG_TYPE("sd")

static struct {
	struct ctl_io io; /* the inotify descriptor */
} disc = { .io = { .fd = -1 } };

/* Apply service 's''s discovery file. @return 0 or -errno (logged). */
static int
discovery_apply(struct cfg_service *s)
{
	struct sd_backend *list = NULL;
	struct cfg_backend *nb;
	unsigned int n = 0, i, k = 0, added = 0, kept = 0, gone;
	char err[512];
	int rc, j;

	rc = sd_load(s->discovery, s->vip.family, &list, &n, err, sizeof(err));
	if (rc < 0) {
		event_log("discovery",
			"service %s: %s rejected, backends kept: %s", s->name,
			s->discovery, err);
		return rc;
	}
	for (i = 0; i < n; i++) {
		rc = cfg_backend_check(weir.conf, s, &list[i].addr,
			list[i].port, err, sizeof(err));
		if (rc < 0) {
			event_log("discovery",
				"service %s: %s rejected, backends "
				"kept: backends[%u]: %s",
				s->name, s->discovery, i, err);
			free(list);
			return rc;
		}
	}
	if (n >= s->maglev_size) {
		event_log("discovery",
			"service %s: %s rejected: %u backends "
			"do not fit maglev_size %u",
			s->name, s->discovery, n, s->maglev_size);
		free(list);
		return -EINVAL;
	}
	nb = calloc(n ? n : 1, sizeof(*nb));
	if (nb == NULL) {
		free(list);
		return -ENOMEM;
	}
	/* Those already there first, in their order; then the new ones. */
	for (j = 0; j < (int)s->nb_backends; j++)
		for (i = 0; i < n; i++)
			if (list[i].port == s->backends[j].port &&
				memcmp(&list[i].addr, &s->backends[j].addr,
					sizeof(list[i].addr)) == 0) {
				nb[k] = s->backends[j];
				nb[k].weight = list[i].weight;
				nb[k].state = list[i].state;
				k++;
				kept++;
				list[i].port = 0; /* taken */
			}
	for (i = 0; i < n; i++) {
		if (list[i].port == 0)
			continue;
		nb[k].addr = list[i].addr;
		nb[k].port = list[i].port;
		nb[k].weight = list[i].weight;
		nb[k].state = list[i].state;
		k++;
		added++;
	}
	free(list);
	free(s->backends);
	gone = s->nb_backends - kept;
	s->backends = nb;
	s->nb_backends = k;
	svc_publish("discovery");
	event_log("discovery",
		"service %s: %u backends from %s (%u new, %u gone, %u kept)",
		s->name, k, s->discovery, added, gone, kept);
	return 0;
}

static void
discovery_cb(struct ctl_io *io, uint32_t events)
{
	char buf[4096]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	unsigned int i;
	ssize_t n;

	(void)events;
	n = read(io->fd, buf, sizeof(buf));
	if (n <= 0)
		return;
	/* Any change in a watched directory: reload the files whose name
	 * appeared; cheap, and immune to event coalescing. */
	for (i = 0; i < weir.conf->nb_services; i++) {
		struct cfg_service *s = &weir.conf->services[i];
		char *copy, *base;
		ssize_t off;
		bool hit = false;

		if (s->discovery[0] == '\0')
			continue;
		copy = strdup(s->discovery);
		if (copy == NULL)
			continue;
		base = basename(copy);
		for (off = 0; off < n;) {
			const struct inotify_event *e = (const void *)(buf +
				off);

			if (e->len > 0 && strcmp(e->name, base) == 0)
				hit = true;
			off += (ssize_t)(sizeof(*e) + e->len);
		}
		free(copy);
		if (hit)
			discovery_apply(s);
	}
}

static int
discovery_init(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < weir.conf->nb_services; i++) {
		struct cfg_service *s = &weir.conf->services[i];
		char *copy;

		if (s->discovery[0] == '\0')
			continue;
		if (disc.io.fd < 0) {
			disc.io.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
			disc.io.cb = discovery_cb;
			if (disc.io.fd < 0 ||
				ctl_io_add(&disc.io, EPOLLIN) < 0) {
				WEIR_LOG(ERR, "inotify: %s", strerror(errno));
				return -errno;
			}
		}
		copy = strdup(s->discovery);
		if (copy == NULL)
			return -ENOMEM;
		rc = inotify_add_watch(disc.io.fd, dirname(copy),
			IN_CLOSE_WRITE | IN_MOVED_TO);
		if (rc < 0) {
			rc = -errno;
			WEIR_LOG(ERR, "service %s: cannot watch %s: %s",
				s->name, copy, strerror(-rc));
			free(copy);
			return rc;
		}
		free(copy);
		/* A missing file at start is not fatal: the tool may write it
		 * later; the configured backends serve until then. */
		discovery_apply(s);
	}
	return 0;
}

static void
discovery_fini(void)
{
	if (disc.io.fd >= 0) {
		ctl_io_del(&disc.io);
		close(disc.io.fd);
	}
	disc.io.fd = -1;
}

static void
discovery_restart(void)
{
	discovery_fini();
	if (discovery_init() < 0)
		WEIR_LOG(ERR, "discovery files not watched after reload");
}

const struct weir_module discovery_module = {
	.name = "discovery",
	.after = "ctl events lb local",
	.init = discovery_init,
	.fini = discovery_fini,
	.reload = discovery_restart,
};

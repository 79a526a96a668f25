/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Discovery files: a service with 'discovery = "path"' takes its backend
 * list from that file, which an external tool rewrites; weir watches it
 * with inotify and applies each new version as a diff.
 *
 * Context: ctl.
 */
#ifndef DISCOVERY_H
#define DISCOVERY_H

/** Watch the discovery files of weir.conf and apply them. @return 0/-errno. */
int discovery_init(void);

/** Stop watching. */
void discovery_fini(void);

/** After a reload: watch the new set of files and apply them again. */
void discovery_restart(void);

#endif /* DISCOVERY_H */

/* casco — `exec --user` resolution.  Names are looked up only in the
   container's own /etc/passwd and /etc/group, read relative to its root
   with RESOLVE_IN_ROOT: never the host's NSS (CVE-2026-30892 class). */
#ifndef CASCO_USER_H
#define CASCO_USER_H

#include <stdbool.h>
#include <stdint.h>

struct casco_error;

/* Parse "user[:group]" where each part is a number or a name, against the
   given passwd/group texts (either may be NULL when the file is missing).
   Without a group, the user's primary group from passwd, else 0. */
int user_parse (const char *spec, const char *passwd, const char *group, uint32_t *uid,
                uint32_t *gid, struct casco_error **err);
/* Read the files below root_fd (the container's root) and resolve spec. */
int user_resolve_in_root (int root_fd, const char *spec, uint32_t *uid, uint32_t *gid,
                          struct casco_error **err);
/* The home directory (absolute) of uid's first entry in passwd, or NULL. */
char *user_home (const char *passwd, uint32_t uid);
/* The same from the container's /etc/passwd below root_fd, read safely; NULL
   when it is missing, unreadable or not a plain file (HOME=/ then, as runc). */
char *user_home_in_root (int root_fd, uint32_t uid);

#endif

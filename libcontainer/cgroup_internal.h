/* casco — what the cgroup files (cgroup*.c) share among themselves and
   nothing else uses: file helpers relative to a cgroup dirfd, the probed
   cgroup2 mount, and opening a cgroup beneath it.  The public API is
   cgroup.h. */
#ifndef CASCO_CGROUP_INTERNAL_H
#define CASCO_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

struct casco_error;

/* How long destroy waits for the processes to go and freeze for them to stop. */
#define WAIT_MS 10000

/* Set on a cgroup casco made (or claimed empty) for a container, value its
   path.  destroy kills and removes only cgroups that carry it: a create
   refused because the cgroup was in use must not end in killing its
   processes.  trusted.*: only the host's root can set it. */
#define OWNER_XATTR "trusted.casco.owner"

/* cgroup_util.c */
int64_t cgroup_now_ms (void);
void cgroup_sleep_ms (int ms);
/* Is word one of the space/newline separated words of list? */
bool cgroup_has_word (const char *list, const char *word);
/* Attach a JSON path to an error made with casco_error_set; returns -1. */
int cgroup_with_path (struct casco_error **err, const char *jpath);
/* Write a cgroup file in one write(2); -1 with errno. */
int cgroup_write_at (int dirfd, const char *file, const char *value);
/* Read a cgroup file; NULL (errno set) when it cannot be read. */
char *cgroup_read_at (int dirfd, const char *file);
/* A single-value file: a number or "max" (UINT64_MAX). */
int cgroup_read_u64_at (int dirfd, const char *file, uint64_t *out);

/* cgroup_host.c */
struct host_v2
{
  bool probed;
  char *mountpoint;     /* NULL when not usable */
  char *why_not;        /* for the error when limits are asked */
};
/* Find the cgroup2 mount once per process and decide whether it can limit. */
const struct host_v2 *cgroup_probe_host (void);
/* An O_DIRECTORY|O_CLOEXEC fd of the cgroup2 mount. */
int cgroup_open_mount (int *fd, struct casco_error **err);
/* Open path (a "/a/b" hierarchy path) beneath the mount: never through a
   symlink, never outside.  With missing_ok a cgroup that does not exist
   gives *fd = -1 and success. */
int cgroup_open_beneath (const char *path, bool missing_ok, int *fd, struct casco_error **err);

/* cgroup_create.c */
/* Does the cgroup (or any below it) hold a process? */
bool cgroup_populated (int dirfd);

#endif

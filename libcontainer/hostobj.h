/* casco — the host objects a config names (bind-mount sources, overlay
   upper and work directories), opened once in the parent and judged on
   that fd: what the object is, which host trees it is, lies in or reaches.
   The same fd is what the mount is made from (mount.c clones the tree
   here, before the container exists), so no check is on a path that is
   looked up again later: a symlink swapped after the open changes nothing.

   The facts are computed here (I/O); the policy (policy_rules.c) turns them
   into findings (pure), knowing what the mount will do (read-only, nodev). */
#ifndef CASCO_HOSTOBJ_H
#define CASCO_HOSTOBJ_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "casco/spec.h"

struct casco_error;

/* What a host object reaches, each a short text for the finding's value
   (static or owned by the struct), NULL when not. */
struct host_reach
{
  /* A host system tree this object is, lies inside, or contains: writing
     here changes the host itself. */
  char *system_tree;
  /* A container engine's or the init system's API socket: the object or
     a directory above it. connect() ignores read-only. */
  char *engine_socket;
  /* Host device nodes: a block or memory device itself, a directory of
     the host's devtmpfs, or (rbind) the host's /dev under it.
     devices_below: only through a submount (so "rnodev" is needed). */
  char *devices;
  bool devices_below;
  /* The host's procfs: /proc/1/root, /proc/sys... (read-only does not
     hide host processes). */
  char *host_proc;
};

struct host_object
{
  int fd;               /* O_PATH|O_CLOEXEC; -1: this entry names no host object */
  struct stat st;
  long fs_magic;
  char *path;           /* the kernel's name for it (/proc/self/fd link) */
  struct host_reach reach;
};

/* One per spec->mounts entry, same index; fd -1 for mounts that are not binds.
   upper/work: an overlay's upperdir= and workdir=, which it writes to. */
struct host_objects
{
  struct host_object *v, *upper, *work;
  size_t n;
};

/* Open every bind source of s (relative ones from bundle_fd) and judge
   each.  A source that does not exist is a config error naming its JSON
   path; with missing non-NULL (audit), a line appended there instead. */
int host_objects_open (const struct spec *s, int bundle_fd, char ***missing, struct host_objects *out,
                       struct casco_error **err);
void host_objects_close (struct host_objects *o);

/* Open PATH (absolute, or relative to dirfd) once and judge it as the
   source of a bind (recursive: rbind). */
int host_object_open (int dirfd, const char *path, bool recursive, const char *json_path,
                      struct host_object *out, struct casco_error **err);
void host_object_clear (struct host_object *o);

/* The list of host trees, for docs and tests: "whole" trees (the tree,
   anything inside it, or any directory above it) and "top" trees (the
   tree or any directory above it: their insides hold what engines give
   containers, volumes and per-container files). NULL-terminated. */
extern const char *const host_whole_trees[];
extern const char *const host_top_trees[];
extern const char *const host_api_sockets[];

#endif

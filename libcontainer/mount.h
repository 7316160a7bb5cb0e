/* casco — one OCI mount performed with the new mount API onto a verified
   fd (mount.c), and the bind trees the parent clones for it.  Parsing the
   options is mount_options.h's (pure); resolving paths in the rootfs is
   inroot.h's. */
#ifndef CASCO_MOUNT_H
#define CASCO_MOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "casco/spec.h"

struct casco_error;

struct mount_env
{
  int rootfs_fd;                /* O_PATH fd of the container root (the rootfs bind mount) */
  const int *bind_trees;        /* per mounts[] index: the detached tree mount_bind_trees cloned, or -1 */
  const char *bundle_path;      /* relative bind sources resolve from here */
  bool new_userns, new_netns;
  bool nodev;                   /* no device cgroup: every mount but devpts is made nodev */
};

/* Parent side, before the container exists: clone the tree of every bind
   source from the fd the policy judged (open_tree(OPEN_TREE_CLONE) in the
   host's mount namespace, where that fd lives) and give it the top-level
   attributes (ro, nosuid, nodev...) it will have (nodev forced when no
   device cgroup will filter devices: see mount_env.nodev).  *trees gets one fd per
   mounts[] entry (-1 for others), close-on-exec; free with
   mount_bind_trees_freep. */
struct host_objects;
int mount_bind_trees (const struct spec *s, const struct host_objects *sources, bool nodev, int **trees,
                      struct casco_error **err);
void mount_bind_trees_freep (int **trees);
#define _cleanup_bind_trees_ __attribute__ ((cleanup (mount_bind_trees_freep)))

/* Perform mounts[index]. */
int mount_perform (const struct mount_env *env, const struct spec_mount *m, size_t index,
                   struct casco_error **err);

/* Attach the detached mount TREE_FD onto the object TARGET_FD refers to. */
int mount_attach (int tree_fd, int target_fd, const char *what, struct casco_error **err);
/* mount_setattr on the mount FD refers to (AT_EMPTY_PATH). */
int mount_set_attr (int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation,
                    const char *what, struct casco_error **err);
/* A new detached filesystem instance (fsopen/fsconfig/fsmount); data are
   "key=value" or "flag" words.  Returns the mount fd or -1. */
int mount_new_fs (const char *fstype, const char *source, char *const *data, unsigned long sb_flags,
                  uint64_t attr, const char *what, struct casco_error **err);

#endif

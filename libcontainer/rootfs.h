/* casco — building the container's filesystem view (runs in the init,
   inside its new mount namespace).  Order, and why:
     rootfs_prepare   private propagation, rootfs bind, mounts[], /dev  (host paths still reachable)
     rootfs_pivot     pivot_root (or chroot for --no-pivot)             (host now unreachable)
     [console]        /dev/console bound to the pty slave               (needs /dev/pts of the container)
     rootfs_finalize  sysctl, maskedPaths, readonlyPaths, root.readonly (last: they may cover
                                                                         paths the steps before write) */
#ifndef CASCO_ROOTFS_H
#define CASCO_ROOTFS_H

#include <stdbool.h>
#include "casco/spec.h"

struct casco_error;

struct rootfs_config
{
  const struct spec *spec;
  const char *bundle_path;  /* absolute; relative mount sources and root.path resolve from here */
  const char *rootfs_path;  /* absolute host path of the rootfs (root.path resolved) */
  bool new_userns;          /* mknod is impossible: bind-mount host device nodes instead */
  bool new_netns;           /* the container has its own net ns: net.* sysctls, fresh sysfs */
  bool new_ipcns;           /* ... its own ipc ns: kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* */
  bool new_utsns;           /* ... its own uts ns: kernel.hostname/domainname sysctls */
  bool no_pivot;
  const int *bind_trees;    /* per mounts[] index: the bind tree the parent cloned, or -1 */
};

int rootfs_prepare (const struct rootfs_config *c, struct casco_error **err);
int rootfs_pivot (const struct rootfs_config *c, struct casco_error **err);
/* Bind the pty slave (an open fd) over /dev/console, creating the file. */
int rootfs_bind_console (int slave_fd, struct casco_error **err);
int rootfs_finalize (const struct rootfs_config *c, struct casco_error **err);

/* May linux.sysctl KEY be set for this container?  Only keys the kernel
   namespaces, and only when the container owns that namespace.  Pure;
   rootfs_finalize calls it for every key. */
int rootfs_sysctl_check (const struct rootfs_config *c, const char *key, struct casco_error **err);

#endif

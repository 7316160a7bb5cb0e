/* casco — the container's /dev: device nodes (mknod, or bind-mounted host
   nodes inside a user namespace), the /dev/ptmx and stdio symlinks, and a
   verified /dev/null for masking.  Every node is made relative to an fd
   resolved inside the rootfs, never through a path a symlink could bend
   (CVE-2019-18837 class). */
#ifndef CASCO_DEV_H
#define CASCO_DEV_H

#include <stdbool.h>
#include "casco/spec.h"

struct casco_error;

/* After mounts[]: the default devices (null zero full random urandom tty),
   linux.devices, /dev/ptmx → pts/ptmx, /dev/fd and /dev/std{in,out,err}.
   Nothing is done when the engine bind-mounts its own /dev.
   With NODEV (no device cgroup; the mounts holding /dev are nodev) each node
   is checked to be the device asked for and bound over itself as a mount
   that allows devices: only these nodes open.  */
int dev_setup (int rootfs_fd, const struct spec *s, bool new_userns, bool nodev, struct casco_error **err);

/* O_PATH fd of ROOT_FD's /dev/null, refused unless it is the real null
   device (char 1:3) reached without a symlink at the leaf (CVE-2025-31133). */
int dev_open_null (int root_fd, struct casco_error **err);

#endif

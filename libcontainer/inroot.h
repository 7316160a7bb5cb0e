/* casco — paths inside the rootfs, opened and created relative to its fd
   (openat2 RESOLVE_IN_ROOT), never by string concatenation. */
#ifndef CASCO_INROOT_H
#define CASCO_INROOT_H

#include <stdint.h>

struct casco_error;

/* open(O_PATH) PATH inside ROOT_FD as if ROOT_FD were "/": symlinks and
   ".." can never leave it (RESOLVE_IN_ROOT), magic links refused.
   extra_resolve adds RESOLVE_* bits (e.g. RESOLVE_NO_SYMLINKS).
   Returns the fd or -1 with errno set. */
int inroot_open (int root_fd, const char *path, int flags, uint64_t extra_resolve);

enum inroot_leaf { INROOT_DIR, INROOT_FILE };
/* inroot_open, creating what is missing: every component is made with
   mkdirat() relative to an fd resolved inside the root, the last one as a
   directory or an empty file.  json_path names the config value in errors. */
int inroot_mkpath (int root_fd, const char *path, enum inroot_leaf leaf, uint64_t extra_resolve,
                   const char *json_path, struct casco_error **err);
/* The error for PATH (config value JSON_PATH) that failed to resolve with
   errno_: a symlink or mount crossing is the config's fault.  Returns -1. */
int inroot_error (const char *json_path, const char *path, int errno_, struct casco_error **err);

#endif

/* casco — paths inside the rootfs, resolved relative to its fd with
   openat2(RESOLVE_IN_ROOT): a symlink or ".." in the image can never lead
   out of it (CVE-2021-30465, CVE-2024-45310 classes); missing components
   are made one mkdirat() at a time on fds resolved the same way. */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "syscalls.h"
#include "util.h"
#include "weaken.h"
#include "inroot.h"
#include "mount_options.h"

int
inroot_open (int root_fd, const char *path, int flags, uint64_t extra_resolve)
{
  const char *rel = path;
  while (*rel == '/')
    rel++;
  if (*rel == '\0')
    rel = ".";
#ifdef CASCO_WEAKEN_INROOT
  /* prove-red: symlinks resolve against the host's root, ".." climbs out
     (CVE-2021-30465, CVE-2023-27561, CVE-2024-45310) */
  return sys_openat2 (root_fd, rel, (unsigned long) (flags | O_CLOEXEC), extra_resolve, 0);
#endif
  for (int attempt = 0;; attempt++)
    {
      int fd = sys_openat2 (root_fd, rel, (unsigned long) (flags | O_CLOEXEC),
                            RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | extra_resolve, 0);
      /* EAGAIN: a concurrent rename or mount raced the walk; the kernel asks to retry. */
      if (fd >= 0 || errno != EAGAIN || attempt >= 32)
        return fd;
    }
}

int
inroot_error (const char *json_path, const char *path, int errno_, struct casco_error **err)
{
  if (errno_ == ELOOP)
    return casco_error_config (err, json_path, "`%s` goes through a symlink inside the rootfs; "
                                               "refusing to follow it here", path);
  if (errno_ == EXDEV)
    return casco_error_config (err, json_path, "`%s` crosses a mount inside the rootfs; refusing", path);
  return casco_error_set (err, errno_, "%s: resolving `%s` inside the rootfs", json_path, path);
}

/* Make the missing NAME in PARENT_FD: a directory, or an empty file. */
static int
inroot_make_one (int parent_fd, const char *name, bool as_file)
{
  if (!as_file)
    return mkdirat (parent_fd, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
  /* O_EXCL|O_NOFOLLOW: never open (and so never create through) an existing symlink. */
  int fd = openat (parent_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0644);
  if (fd < 0)
    return errno == EEXIST ? 0 : -1;
  close (fd);
  return 0;
}

/* A dangling symlink met while creating: the rest of the path continues
   from its target, which is resolved inside the root like everything else
   (images ship /etc/resolv.conf -> /run/... links that engines bind over). */
static char *
follow_dangling (int parent_fd, const char *name, const char *dir, const char *rest)
{
  char target[PATH_MAX];
  ssize_t n = readlinkat (parent_fd, name, target, sizeof target - 1);
  if (n <= 0)
    return NULL;
  target[n] = '\0';
  const char *sep = rest[0] ? "/" : "";
  if (target[0] == '/')
    return xasprintf ("%s%s%s", target, sep, rest);
  return xasprintf ("%s/%s%s%s", dir, target, sep, rest);
}

#define INROOT_MAX_LINKS 40

static int
mkpath_walk (int root_fd, char *path, enum inroot_leaf leaf, uint64_t extra_resolve, const char *json_path,
             int links, struct casco_error **err)
{
  int fd = inroot_open (root_fd, path, O_PATH, extra_resolve);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return inroot_error (json_path, path, errno, err);

  /* Walk down: each prefix is re-resolved inside the root, and a missing
     component is created relative to the fd of its (resolved) parent. */
  _cleanup_close_ int parent = inroot_open (root_fd, "/", O_PATH | O_DIRECTORY, 0);
  if (parent < 0)
    return casco_error_set (err, errno, "%s: opening the rootfs", json_path);
  char *p = path;
  for (;;)
    {
      while (*p == '/')
        p++;
      if (*p == '\0')
        break;
      char *end = strchrnul (p, '/');
      char *next = end;
      while (*next == '/')
        next++;
      bool last = *next == '\0';
      char saved = *end;
      *end = '\0';
      bool special = strcmp (p, ".") == 0 || strcmp (p, "..") == 0;
      _cleanup_close_ int cur = inroot_open (root_fd, path, O_PATH, extra_resolve);
      if (cur < 0 && errno == ENOENT && !special)
        {
          if (inroot_make_one (parent, p, last && leaf == INROOT_FILE) < 0)
            return casco_error_set (err, errno, "%s: creating `%s` inside the rootfs", json_path, path);
          cur = inroot_open (root_fd, path, O_PATH, extra_resolve);
          if (cur < 0 && errno == ENOENT)
            {
              if (links >= INROOT_MAX_LINKS)
                return inroot_error (json_path, path, ELOOP, err);
              p[-1] = '\0';   /* path starts with '/': p > path */
              _cleanup_free_ char *more = follow_dangling (parent, p, path, next);
              if (more == NULL)
                return casco_error_set (err, errno, "%s: `%s` vanished while it was being created", json_path, p);
              return mkpath_walk (root_fd, more, leaf, extra_resolve, json_path, links + 1, err);
            }
        }
      if (cur < 0)
        return inroot_error (json_path, path, errno, err);
      struct stat st;
      if (!last && (fstat (cur, &st) < 0 || !S_ISDIR (st.st_mode)))
        return casco_error_config (err, json_path, "`%s` exists inside the rootfs and is not a directory", path);
      *end = saved;
      closep (&parent);
      parent = steal_fd (&cur);
      p = next;
    }
  return steal_fd (&parent);
}

int
inroot_mkpath (int root_fd, const char *path, enum inroot_leaf leaf, uint64_t extra_resolve,
               const char *json_path, struct casco_error **err)
{
  _cleanup_free_ char *clean = mount_clean_path (path);
  return mkpath_walk (root_fd, clean, leaf, extra_resolve, json_path, 0, err);
}

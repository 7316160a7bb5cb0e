/* File I/O helpers: whole reads and writes that retry, atomic replace,
   and the files a container controls, opened only once they are verified
   to be what they must be.  Apart from util.c so that error.c (which
   util.c's allocators serve) and these (which report through error.c)
   do not call each other. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <linux/magic.h>

#include "casco/error.h"
#include "fileio.h"
#include "syscalls.h"
#include "util.h"

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

ssize_t
read_all (int fd, void *buf, size_t len)
{
  size_t got = 0;
  while (got < len)
    {
      ssize_t n = read (fd, (char *) buf + got, len - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      got += (size_t) n;
    }
  return (ssize_t) got;
}

int
read_fd_all (int fd, const char *what, char **out, size_t *len, struct casco_error **err)
{
  size_t cap = 4096, used = 0;
  _cleanup_free_ char *buf = xmalloc0 (cap);
  for (;;)
    {
      if (used + 1 >= cap)
        buf = xrealloc (buf, cap *= 2);
      ssize_t n = read (fd, buf + used, cap - used - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return casco_error_set (err, errno, "read `%s`", what);
      if (n == 0)
        break;
      used += (size_t) n;
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_pointer (&buf);
  return 0;
}

int
read_file_at (int dirfd, const char *path, char **out, size_t *len, struct casco_error **err)
{
  /* O_NONBLOCK: a FIFO planted where a file was expected must not hang
     the open; it is refused below (regular files ignore the flag) */
  _cleanup_close_ int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    return casco_error_set (err, errno, "open `%s`", path);
  struct stat sb;
  if (fstat (fd, &sb) < 0)
    return casco_error_set (err, errno, "stat `%s`", path);
  if (!S_ISREG (sb.st_mode))
    return casco_error_set (err, EINVAL, "`%s` is not a regular file", path);
  return read_fd_all (fd, path, out, len, err);
}

int
write_file_atomic_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                      struct casco_error **err)
{
  _cleanup_free_ char *tmp = xasprintf (".%s.tmp.%d", name, (int) getpid ());
  _cleanup_close_ int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return casco_error_set (err, errno, "create `%s`", tmp);
  /* A reader must see either the old file or the complete new one: the
     rename gives that.  No fsync: state lives in /run (gone at reboot
     anyway), and a flush to disk costs more than the rest of a create. */
  if (write_all (fd, data, len) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return casco_error_set (err, saved, "write `%s`", name);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return casco_error_set (err, saved, "rename `%s` to `%s`", tmp, name);
    }
  return 0;
}

/* ---- files the container controls ----------------------------------------- */

/* procfs, verified: the /proc we stand in (the host's for casco itself, the
   container's for its children) must be a procfs root, not a directory or
   another filesystem a process in the container put there. */
int
open_procfs (struct casco_error **err)
{
  _cleanup_close_ int proc = sys_openat2 (AT_FDCWD, "/proc", O_PATH | O_DIRECTORY | O_CLOEXEC,
                                          RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, 0);
  struct statfs sfs;
  struct stat st;
  if (proc < 0 || fstatfs (proc, &sfs) < 0 || fstat (proc, &st) < 0)
    return casco_error_set (err, errno, "open /proc");
  if (sfs.f_type != PROC_SUPER_MAGIC || st.st_ino != 1)
    return casco_error_set (err, 0, "/proc is not the root of a procfs: refusing to reopen files through it");
  return steal_fd (&proc);
}

int
fd_reopen (int fd, int flags, const char *what, struct casco_error **err)
{
  _cleanup_close_ int proc = open_procfs (err);
  if (proc < 0)
    return -1;
  /* No mount crossed below the verified procfs root: an overmount of
     thread-self/fd cannot stand in for our own fd table. */
  _cleanup_close_ int fds = sys_openat2 (proc, "thread-self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC,
                                         RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS, 0);
  if (fds < 0)
    return casco_error_set (err, errno, "%s: open /proc/thread-self/fd", what);
  char name[16];
  snprintf (name, sizeof name, "%d", fd);
  _cleanup_close_ int out = openat (fds, name, flags | O_CLOEXEC);
  if (out < 0)
    return casco_error_set (err, errno, "open %s", what);
  struct stat a, b;
  if (fstat (fd, &a) < 0 || fstat (out, &b) < 0)
    return casco_error_set (err, errno, "stat %s", what);
  if (a.st_dev != b.st_dev || a.st_ino != b.st_ino || a.st_rdev != b.st_rdev)
    return casco_error_set (err, 0, "%s changed while it was being opened: refusing it", what);
  return steal_fd (&out);
}

static const char *
file_kind (mode_t mode)
{
  switch (mode & S_IFMT)
    {
    case S_IFREG: return "a regular file";
    case S_IFDIR: return "a directory";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFIFO: return "a FIFO";
    case S_IFSOCK: return "a socket";
    case S_IFLNK: return "a symlink";
    default: return "an unknown file type";
    }
}

/* Kernel interfaces that look like regular files: reading one can consume
   or expose host state (/proc/kmsg), so a container file never leads there. */
static bool
is_pseudo_fs (unsigned long type)
{
  static const unsigned long pseudo[] = {
    PROC_SUPER_MAGIC, SYSFS_MAGIC, DEBUGFS_MAGIC, TRACEFS_MAGIC, SECURITYFS_MAGIC,
    CGROUP_SUPER_MAGIC, CGROUP2_SUPER_MAGIC, BPF_FS_MAGIC, EFIVARFS_MAGIC, PSTOREFS_MAGIC,
    SELINUX_MAGIC, SMACK_MAGIC, DEVPTS_SUPER_MAGIC, NSFS_MAGIC,
  };
  for (size_t i = 0; i < ARRAY_SIZE (pseudo); i++)
    if (type == pseudo[i])
      return true;
  return false;
}

/* O_PATH: nothing is opened for real (no device open, no FIFO wait) until
   the object is known; symlinks resolve inside the container's root.
   Sets errno (ENOENT: no such file) and *st. */
static int
open_in_root_path (int root_fd, const char *path, struct stat *st)
{
  _cleanup_close_ int fd = sys_openat2 (root_fd, path, O_PATH | O_CLOEXEC,
                                        RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS, 0);
  if (fd < 0 || fstat (fd, st) < 0)
    return -1;
  return steal_fd (&fd);
}

int
read_container_file (int root_fd, const char *path, size_t max, char **out, struct casco_error **err)
{
  *out = NULL;
  struct stat st;
  _cleanup_close_ int pathfd = open_in_root_path (root_fd, path, &st);
  if (pathfd < 0)
    return errno == ENOENT ? 0 : casco_error_set (err, errno, "open the container's %s", path);
  struct statfs sfs;
  if (fstatfs (pathfd, &sfs) < 0)
    return casco_error_set (err, errno, "statfs the container's %s", path);
  if (!S_ISREG (st.st_mode) || is_pseudo_fs ((unsigned long) sfs.f_type))
    return casco_error_set (err, 0, "the container's %s is %s%s, not a regular file: refusing to read it",
                            path, file_kind (st.st_mode),
                            S_ISREG (st.st_mode) ? " of a kernel filesystem (proc, sysfs, ...)" : "");
  if ((uintmax_t) st.st_size > max)
    return casco_error_set (err, 0, "the container's %s is %jd bytes, over the %zu-byte limit: refusing "
                            "to read it", path, (intmax_t) st.st_size, max);
  _cleanup_close_ int fd = fd_reopen (pathfd, O_RDONLY | O_NONBLOCK | O_NOCTTY, path, err);
  if (fd < 0)
    return -1;
  /* At most the size fstat gave (bounded above): a file that grows
     meanwhile is cut there, never read without end. */
  size_t want = (size_t) st.st_size;
  _cleanup_free_ char *buf = xmalloc0 (want + 1);
  ssize_t n = read_all (fd, buf, want);
  if (n < 0)
    return casco_error_set (err, errno, "read the container's %s", path);
  buf[n] = '\0';
  *out = steal_pointer (&buf);
  return 0;
}

int
open_container_device (int root_fd, const char *path, unsigned maj, unsigned min, int flags,
                       struct casco_error **err)
{
  struct stat st;
  _cleanup_close_ int pathfd = open_in_root_path (root_fd, path, &st);
  if (pathfd < 0)
    return casco_error_set (err, errno, "open the container's %s", path);
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != maj || minor (st.st_rdev) != min)
    {
      char found[32] = "";
      if (S_ISCHR (st.st_mode) || S_ISBLK (st.st_mode))
        snprintf (found, sizeof found, " %u:%u", major (st.st_rdev), minor (st.st_rdev));
      return casco_error_set (err, 0, "the container's %s is %s%s, not the device it must be "
                              "(char %u:%u): refusing to open it", path, file_kind (st.st_mode), found,
                              maj, min);
    }
  return fd_reopen (pathfd, flags, path, err);
}

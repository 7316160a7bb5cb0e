/* casco — the "tmpcopyup" mount option: a fresh tmpfs mounted over a
   directory of the image is seeded with what the image had there (files,
   directories, symlinks, device nodes, with their owners and modes), copied
   fd to fd so no path is walked twice. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "casco/error.h"
#include "util.h"
#include "mount_tmpcopyup.h"

static int copy_tree (int src_dir, int dst_dir, const char *what, struct casco_error **err);

static int
copy_file_data (int src_dir, int dst_dir, const char *name, const struct stat *st, const char *what,
                struct casco_error **err)
{
  _cleanup_close_ int in = openat (src_dir, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
  if (in < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup: opening `%s`", what, name);
  _cleanup_close_ int out = openat (dst_dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                    st->st_mode & 07777);
  if (out < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup: creating `%s`", what, name);
  char buf[65536];
  ssize_t n;
  while ((n = read_all (in, buf, sizeof buf)) > 0)
    if (write_all (out, buf, (size_t) n) < 0)
      return casco_error_set (err, errno, "%s: tmpcopyup: writing `%s`", what, name);
  if (n < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup: reading `%s`", what, name);
  return 0;
}

static int
copy_entry (int src_dir, int dst_dir, const char *name, const char *what, struct casco_error **err)
{
  struct stat st;
  if (fstatat (src_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup: stat `%s`", what, name);
  if (S_ISDIR (st.st_mode))
    {
      if (mkdirat (dst_dir, name, st.st_mode & 07777) < 0)
        return casco_error_set (err, errno, "%s: tmpcopyup: mkdir `%s`", what, name);
      _cleanup_close_ int s = openat (src_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      _cleanup_close_ int d = openat (dst_dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (s < 0 || d < 0)
        return casco_error_set (err, errno, "%s: tmpcopyup: opening directory `%s`", what, name);
      if (copy_tree (s, d, what, err) < 0)
        return -1;
    }
  else if (S_ISREG (st.st_mode))
    {
      if (copy_file_data (src_dir, dst_dir, name, &st, what, err) < 0)
        return -1;
    }
  else if (S_ISLNK (st.st_mode))
    {
      char target[PATH_MAX];
      ssize_t n = readlinkat (src_dir, name, target, sizeof target - 1);
      if (n < 0)
        return casco_error_set (err, errno, "%s: tmpcopyup: readlink `%s`", what, name);
      target[n] = '\0';
      if (symlinkat (target, dst_dir, name) < 0)
        return casco_error_set (err, errno, "%s: tmpcopyup: symlink `%s`", what, name);
    }
  else if (mknodat (dst_dir, name, st.st_mode, st.st_rdev) < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup: mknod `%s`", what, name);

  /* dst_dir is our own detached tmpfs: nothing else can race these names. */
  if (fchownat (dst_dir, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup: chown `%s`", what, name);
  if (!S_ISLNK (st.st_mode) && fchmodat (dst_dir, name, st.st_mode & 07777, 0) < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup: chmod `%s`", what, name);
  struct timespec times[2] = { st.st_atim, st.st_mtim };
  utimensat (dst_dir, name, times, AT_SYMLINK_NOFOLLOW);   /* best effort, like cp -a on tmpfs */
  return 0;
}

static int
copy_tree (int src_dir, int dst_dir, const char *what, struct casco_error **err)
{
  int dup_fd = fcntl (src_dir, F_DUPFD_CLOEXEC, 3);
  if (dup_fd < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup", what);
  DIR *d = fdopendir (dup_fd);
  if (d == NULL)
    {
      close (dup_fd);
      return casco_error_set (err, errno, "%s: tmpcopyup: reading a directory", what);
    }
  int ret = 0;
  struct dirent *e;
  while (ret == 0 && (e = readdir (d)) != NULL)
    if (strcmp (e->d_name, ".") != 0 && strcmp (e->d_name, "..") != 0)
      ret = copy_entry (src_dir, dst_dir, e->d_name, what, err);
  closedir (d);
  return ret;
}

int
tmpfs_copy_up (int target_fd, int mnt_fd, const char *what, struct casco_error **err)
{
  _cleanup_close_ int src = openat (target_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int dst = openat (mnt_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (src < 0 || dst < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup: opening the directories", what);
  struct stat st;
  /* The tmpfs root takes the owner and mode the image gave the directory. */
  if (fstat (src, &st) < 0 || fchown (dst, st.st_uid, st.st_gid) < 0 || fchmod (dst, st.st_mode & 07777) < 0)
    return casco_error_set (err, errno, "%s: tmpcopyup: copying the directory's owner and mode", what);
  return copy_tree (src, dst, what, err);
}

/* cgroup v2, cgroupfs driver: an existing cgroup's life after create —
   waiting on cgroup.events, listing and signalling its processes,
   freezing and thawing it, and destroying it.  The rest of the driver:
   cgroup_host.c (finding v2, opening), cgroup_plan.c (deciding),
   cgroup_resources.c (limits -> file writes), cgroup_create.c (create,
   update), cgroup_stats.c (reading usage).

   Every file of a cgroup is reached with *at() calls relative to a dirfd
   of that cgroup, opened beneath the cgroup2 mount without following
   symlinks: a cgroupsPath or a unified key can never name a file outside
   the container's own cgroup. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "casco/error.h"
#include "casco/log.h"
#include "syscalls.h"
#include "util.h"
#include "cgroup.h"
#include "cgroup_internal.h"

/* ---- waiting on cgroup.events ------------------------------------------------------------ */

/* Wait until cgroup.events says key == want, at most timeout_ms.  The
   kernel signals changes of the file with POLLPRI; the periodic re-read
   covers a change that raced the first read. */
static int
wait_event (int dirfd, const char *key, uint64_t want, int timeout_ms)
{
  _cleanup_close_ int fd = openat (dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  int64_t deadline = cgroup_now_ms () + timeout_ms;
  for (;;)
    {
      char buf[512];
      ssize_t len = pread (fd, buf, sizeof buf - 1, 0);
      if (len < 0)
        return -1;
      buf[len] = '\0';
      uint64_t v;
      if (cgroup_parse_keyed (buf, key, &v) < 0)
        {
          errno = ENOTSUP;
          return -1;
        }
      if (v == want)
        return 0;
      int64_t left = deadline - cgroup_now_ms ();
      if (left <= 0)
        {
          errno = ETIMEDOUT;
          return -1;
        }
      struct pollfd pfd = { .fd = fd, .events = POLLPRI };
      if (poll (&pfd, 1, left < 100 ? (int) left : 100) < 0 && errno != EINTR)
        return -1;
    }
}

/* ---- pids, signals, freezer ---------------------------------------------------------------- */

struct pid_list
{
  pid_t *v;
  size_t n, cap;
};

static int
collect_pids (int dirfd, const char *path, struct pid_list *l, int depth, struct casco_error **err)
{
  if (depth > 64)
    return casco_error_set (err, ELOOP, "cgroup `%s` is nested too deeply", path);
  _cleanup_free_ char *procs = cgroup_read_at (dirfd, "cgroup.procs");
  if (procs == NULL)
    {
      if (errno == ENOENT || errno == ENODEV)
        return 0;   /* removed while we walked */
      return casco_error_set (err, errno, "read `%s/cgroup.procs`", path);
    }
  for (char *p = procs; *p;)
    {
      char *end;
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      if (l->n == l->cap)
        l->v = xrealloc (l->v, (l->cap = l->cap ? l->cap * 2 : 32) * sizeof *l->v);
      l->v[l->n++] = (pid_t) v;
      p = end + strspn (end, "\n");
    }
  int dfd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return casco_error_set (err, errno, "open cgroup `%s`", path);
  DIR *d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return casco_error_set (err, errno, "open cgroup `%s`", path);
    }
  int ret = 0;
  struct dirent *de;
  while (ret == 0 && (de = readdir (d)) != NULL)
    {
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      _cleanup_close_ int child = openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (child < 0)
        continue;   /* removed meanwhile */
      _cleanup_free_ char *sub = xasprintf ("%s/%s", path, de->d_name);
      ret = collect_pids (child, sub, l, depth + 1, err);
    }
  closedir (d);
  return ret;
}

int
cgroup_pids (const char *path, pid_t **pids, size_t *n, struct casco_error **err)
{
  *pids = NULL;
  *n = 0;
  _cleanup_close_ int fd = -1;
  if (cgroup_open (path, &fd, err) < 0)
    return -1;
  struct pid_list l = { 0 };
  if (collect_pids (fd, path, &l, 0, err) < 0)
    {
      free (l.v);
      return -1;
    }
  *pids = l.v;
  *n = l.n;
  return 0;
}

static bool
frozen_at (int fd)
{
  _cleanup_free_ char *events = cgroup_read_at (fd, "cgroup.events");
  uint64_t v = 0;
  return events && cgroup_parse_keyed (events, "frozen", &v) == 0 && v == 1;
}

bool
cgroup_is_frozen (const char *path)
{
  _cleanup_close_ int fd = -1;
  return cgroup_open_beneath (path, true, &fd, NULL) == 0 && fd >= 0 && frozen_at (fd);
}

static int
freeze_at (int fd, const char *path, bool freeze, struct casco_error **err)
{
  if (cgroup_write_at (fd, "cgroup.freeze", freeze ? "1" : "0") < 0)
    {
      if (errno == ENOENT)
        return casco_error_set (err, ENOTSUP, "%s cgroup `%s`: cgroup.freeze needs Linux 5.2 or newer",
                                freeze ? "freeze" : "thaw", path);
      return casco_error_set (err, errno, "%s cgroup `%s`", freeze ? "freeze" : "thaw", path);
    }
  if (wait_event (fd, "frozen", freeze ? 1 : 0, WAIT_MS) < 0)
    {
      int saved = errno;
      /* Half-frozen is worse than not frozen: undo. */
      if (freeze)
        cgroup_write_at (fd, "cgroup.freeze", "0");
      return casco_error_set (err, saved, "%s cgroup `%s`: waiting for cgroup.events \"frozen %d\"",
                              freeze ? "freeze" : "thaw", path, freeze ? 1 : 0);
    }
  return 0;
}

int
cgroup_freeze (const char *path, bool freeze, struct casco_error **err)
{
  _cleanup_close_ int fd = -1;
  if (cgroup_open (path, &fd, err) < 0)
    return -1;
  return freeze_at (fd, path, freeze, err);
}

/* Signal every pid once; ESRCH (gone meanwhile) is fine. */
static int
signal_pids (int fd, const char *path, int sig, struct casco_error **err)
{
  struct pid_list l = { 0 };
  if (collect_pids (fd, path, &l, 0, err) < 0)
    {
      free (l.v);
      return -1;
    }
  int ret = 0;
  for (size_t i = 0; i < l.n; i++)
    if (kill (l.v[i], sig) < 0 && errno != ESRCH && ret == 0)
      ret = casco_error_set (err, errno, "signal %d to pid %d in cgroup `%s`", sig, (int) l.v[i], path);
  free (l.v);
  return ret;
}

int
cgroup_signal_all (const char *path, int sig, struct casco_error **err)
{
  _cleanup_close_ int fd = -1;
  if (cgroup_open (path, &fd, err) < 0)
    return -1;
  /* cgroup.kill is atomic against forks. */
  if (sig == SIGKILL && cgroup_write_at (fd, "cgroup.kill", "1") == 0)
    return 0;
  /* Otherwise freeze first so that no new process escapes the list, then
     thaw (unless it was paused before: it stays paused). */
  bool was_frozen = frozen_at (fd);
  struct casco_error *ferr = NULL;
  bool froze = !was_frozen && freeze_at (fd, path, true, &ferr) == 0;
  if (ferr)
    {
      casco_debug ("kill --all: %s; signalling without freezing", ferr->msg);
      casco_error_free (ferr);
    }
  int ret = signal_pids (fd, path, sig, err);
  if (froze)
    {
      struct casco_error *terr = NULL;
      if (freeze_at (fd, path, false, &terr) < 0 && ret == 0)
        {
          *err = terr;
          ret = -1;
        }
      else
        casco_error_free (terr);
    }
  return ret;
}

/* ---- destroy ------------------------------------------------------------------------------ */

/* rmdir every cgroup below dirfd, deepest first. */
static int
remove_children (int dirfd, int depth)
{
  if (depth > 64)
    {
      errno = ELOOP;
      return -1;
    }
  int dfd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return -1;
  DIR *d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return -1;
    }
  int ret = 0;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      _cleanup_close_ int child = openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (child >= 0 && remove_children (child, depth + 1) < 0)
        ret = -1;
      if (unlinkat (dirfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        ret = -1;
    }
  closedir (d);
  return ret;
}

/* Does the cgroup carry our mark for this path?  Without xattr support
   (ENOTSUP) there is nothing to go by: assume it is ours, as before. */
static bool
owned (int fd, const char *path)
{
  char buf[PATH_MAX];
  ssize_t n = fgetxattr (fd, OWNER_XATTR, buf, sizeof buf);
  if (n < 0)
    return errno != ENODATA;
  return (size_t) n == strlen (path) && memcmp (buf, path, (size_t) n) == 0;
}

/* Kill everything in the cgroup and wait until it is empty. */
static int
kill_all (int fd, const char *path, struct casco_error **err)
{
  if (!cgroup_populated (fd))
    return 0;
  bool have_kill = cgroup_write_at (fd, "cgroup.kill", "1") == 0;
  int64_t deadline = cgroup_now_ms () + WAIT_MS;
  while (cgroup_populated (fd))
    {
      /* Before 5.14 there is no cgroup.kill: SIGKILL what we see, again
         and again, until fork races are over. */
      if (!have_kill)
        {
          struct casco_error *ignored = NULL;
          signal_pids (fd, path, SIGKILL, &ignored);
          casco_error_free (ignored);
        }
      int64_t left = deadline - cgroup_now_ms ();
      if (left <= 0)
        return casco_error_set (err, ETIMEDOUT, "cgroup `%s`: processes still alive %d s after SIGKILL",
                                path, WAIT_MS / 1000);
      if (wait_event (fd, "populated", 0, left < 200 ? (int) left : 200) == 0)
        break;
      if (errno != ETIMEDOUT)
        cgroup_sleep_ms (20);   /* no cgroup.events to wait on: poll */
    }
  return 0;
}

int
cgroup_destroy (const char *path, struct casco_error **err)
{
  _cleanup_close_ int fd = -1;
  if (cgroup_open_beneath (path, true, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;   /* already gone */
  if (!owned (fd, path))
    {
      casco_warn ("cgroup `%s` was not created by casco for this container: left alone", path);
      return 0;
    }
  /* A paused container must be killable: SIGKILL reaches frozen tasks, but
     thawing first makes the fallback path (no cgroup.kill) work too. */
  if (frozen_at (fd))
    cgroup_write_at (fd, "cgroup.freeze", "0");
  if (kill_all (fd, path, err) < 0)
    return -1;

  const char *rel = path + strspn (path, "/");
  _cleanup_free_ char *parent_rel = xstrdup (rel);
  char *slash = strrchr (parent_rel, '/');
  const char *name = slash ? slash + 1 : rel;
  if (slash)
    *slash = '\0';
  _cleanup_close_ int mfd = -1;
  if (cgroup_open_mount (&mfd, err) < 0)
    return -1;
  _cleanup_close_ int pfd = slash ? sys_openat2 (mfd, parent_rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                                                 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
                                                     | RESOLVE_NO_XDEV, 0)
                                  : fcntl (mfd, F_DUPFD_CLOEXEC, 0);
  if (pfd < 0)
    return casco_error_set (err, errno, "open the parent of cgroup `%s`", path);

  /* rmdir can fail with EBUSY for a moment after the last process left
     (the kernel frees the css asynchronously): retry, bounded. */
  int64_t deadline = cgroup_now_ms () + WAIT_MS;
  for (;;)
    {
      remove_children (fd, 0);
      if (unlinkat (pfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
        return 0;
      int saved = errno;
      if (saved != EBUSY || cgroup_now_ms () >= deadline)
        return casco_error_set (err, saved, "remove cgroup `%s`", path);
      cgroup_sleep_ms (10);
    }
}

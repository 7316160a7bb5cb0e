/* Finding cgroup v2 on this host (the cgroup2 mount, and whether it can
   limit anything or v1 holds the controllers), and opening a cgroup
   beneath that mount without following symlinks: a cgroupsPath can never
   name a directory outside the hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "casco/error.h"
#include "syscalls.h"
#include "util.h"
#include "cgroup.h"
#include "cgroup_internal.h"

/* ---- finding cgroup v2 -------------------------------------------------------- */

/* mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo. */
static char *
unescape_mountinfo (const char *s, size_t len)
{
  char *out = xmalloc0 (len + 1);
  size_t k = 0;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0'
          && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7')
        {
          out[k++] = (char) ((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
          i += 3;
        }
      else
        out[k++] = s[i];
    }
  return out;
}

static const char *const v1_controller_names[] = {
  "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "blkio",
  "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc",
};

/* Does a v1 mount's super options bind a controller (not just name=systemd)? */
static bool
v1_options_bind_controller (const char *opts, size_t len)
{
  for (size_t i = 0; i < len;)
    {
      size_t n = 0;
      while (i + n < len && opts[i + n] != ',')
        n++;
      for (size_t k = 0; k < ARRAY_SIZE (v1_controller_names); k++)
        if (strlen (v1_controller_names[k]) == n && strncmp (opts + i, v1_controller_names[k], n) == 0)
          return true;
      i += n + 1;
    }
  return false;
}

void
cgroup_parse_mountinfo (const char *text, char **mountpoint, bool *v1_controllers)
{
  *mountpoint = NULL;
  *v1_controllers = false;
  _cleanup_free_ char *best = NULL;
  bool best_is_default = false;
  for (const char *line = text; line && *line;)
    {
      const char *eol = strchr (line, '\n');
      size_t len = eol ? (size_t) (eol - line) : strlen (line);
      /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
      const char *f[5];
      size_t fl[5];
      const char *p = line, *end = line + len;
      int nf = 0;
      while (nf < 5 && p < end)
        {
          while (p < end && *p == ' ')
            p++;
          f[nf] = p;
          while (p < end && *p != ' ')
            p++;
          fl[nf] = (size_t) (p - f[nf]);
          nf++;
        }
      const char *sep = NULL;
      for (const char *q = p; q + 2 < end + 1; q++)
        if (q[0] == ' ' && q[1] == '-' && (q + 2 == end || q[2] == ' '))
          {
            sep = q;
            break;
          }
      if (nf == 5 && sep && sep + 3 < end)
        {
          const char *fs = sep + 3;
          size_t fslen = strcspn (fs, " \n");
          const char *src = fs + fslen + (fs[fslen] == ' ' ? 1 : 0);
          const char *super = src + strcspn (src, " \n");
          super += *super == ' ' ? 1 : 0;
          size_t superlen = super < end ? (size_t) (end - super) : 0;
          if (fslen == 7 && strncmp (fs, "cgroup2", 7) == 0)
            {
              _cleanup_free_ char *mp = unescape_mountinfo (f[4], fl[4]);
              bool is_default = strcmp (mp, "/sys/fs/cgroup") == 0;
              /* Only a mount of the hierarchy's root maps paths one to one. */
              bool root = fl[3] == 1 && f[3][0] == '/';
              if (root && (best == NULL || (is_default && !best_is_default)))
                {
                  free (best);
                  best = steal_pointer (&mp);
                  best_is_default = is_default;
                }
            }
          else if (fslen == 6 && strncmp (fs, "cgroup", 6) == 0
                   && v1_options_bind_controller (super, superlen))
            *v1_controllers = true;
        }
      line = eol ? eol + 1 : NULL;
    }
  *mountpoint = steal_pointer (&best);
}

static struct host_v2 host;

/* Find the cgroup2 mount once per process and decide whether it can limit. */
const struct host_v2 *
cgroup_probe_host (void)
{
  if (host.probed)
    return &host;
  host.probed = true;
  _cleanup_free_ char *mi = NULL;
  struct casco_error *e = NULL;
  if (read_file_at (AT_FDCWD, "/proc/self/mountinfo", &mi, NULL, &e) < 0)
    {
      host.why_not = xasprintf ("cannot read /proc/self/mountinfo: %s", e->msg);
      casco_error_free (e);
      return &host;
    }
  _cleanup_free_ char *mp = NULL;
  bool v1 = false;
  cgroup_parse_mountinfo (mi, &mp, &v1);
  if (mp == NULL)
    {
      host.why_not = xstrdup (v1 ? "this host has cgroup v1 only" : "no cgroup2 filesystem is mounted");
      return &host;
    }
  _cleanup_close_ int fd = open (mp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_free_ char *controllers = fd >= 0 ? cgroup_read_at (fd, "cgroup.controllers") : NULL;
  bool any = controllers && controllers[strspn (controllers, " \n")] != '\0';
  if (v1 || !any)
    {
      if (controllers)
        controllers[strcspn (controllers, "\n")] = '\0';
      host.why_not = any ? xasprintf ("this host has cgroup v1/hybrid: the cgroup2 mount at %s has only \"%s\", "
                                      "v1 holds the other controllers", mp, controllers)
                         : xasprintf ("this host has cgroup v1/hybrid: the cgroup2 mount at %s has no "
                                      "controllers", mp);
      return &host;
    }
  host.mountpoint = steal_pointer (&mp);
  return &host;
}

const char *
cgroup_host_why_not (void)
{
  const struct host_v2 *h = cgroup_probe_host ();
  return h->mountpoint ? NULL : h->why_not;
}

/* ---- opening a cgroup ------------------------------------------------------------------ */

int
cgroup_open_mount (int *fd, struct casco_error **err)
{
  const struct host_v2 *h = cgroup_probe_host ();
  if (h->mountpoint == NULL)
    return casco_error_set_kind (err, CASCO_ERR_HOST_UNSUPPORTED, 0, "cgroup v2 is not available: %s", h->why_not);
  *fd = open (h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return casco_error_set (err, errno, "open the cgroup2 mount `%s`", h->mountpoint);
  return 0;
}

/* Open path (a "/a/b" hierarchy path) beneath the mount: never through a
   symlink, never outside.  With missing_ok a cgroup that does not exist
   gives *fd = -1 and success. */
int
cgroup_open_beneath (const char *path, bool missing_ok, int *fd, struct casco_error **err)
{
  *fd = -1;
  _cleanup_close_ int mfd = -1;
  if (cgroup_open_mount (&mfd, err) < 0)
    return -1;
  const char *rel = path + strspn (path, "/");
  if (*rel == '\0')
    return casco_error_set (err, EINVAL, "cgroup path `%s` names the root cgroup", path);
  int r = sys_openat2 (mfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV, 0);
  if (r < 0 && errno == ENOENT && missing_ok)
    return 0;
  if (r < 0)
    return casco_error_set (err, errno, "open cgroup `%s`", path);
  *fd = r;
  return 0;
}

int
cgroup_open (const char *path, int *fd, struct casco_error **err)
{
  return cgroup_open_beneath (path, false, fd, err);
}

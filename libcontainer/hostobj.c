/* Host objects a config names, opened once and judged on the fd (see
   hostobj.h).  Every comparison is by (st_dev, st_ino) of objects this
   process holds open, never by spelling: "/var/run/../etc", a symlink
   chain, the merged-/usr alias /lib -> usr/lib, or a bind mount of /etc
   elsewhere on the host all come down to the same inode. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <linux/magic.h>

#include "casco/error.h"
#include "syscalls.h"
#include "util.h"
#include "hostobj.h"
#include "mount_options.h"

/* Writing to these, to anything in them, or to a directory above them,
   changes how the host boots, logs in, runs programs or manages packages. */
const char *const host_whole_trees[] = {
  "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/libx32", "/proc", "/root", "/sbin",
  "/sys", "/usr", "/var/lib/dpkg", "/var/lib/apt", "/var/lib/systemd", "/var/spool/cron", "/run/systemd",
  "/run/dbus", NULL,
};

/* Only the tree itself or a directory above it: what lies inside is what
   engines hand containers (volumes, per-container hosts/resolv.conf files,
   kubelet pod directories), but the tree as a whole is every container's
   state, or the host's runtime directory. */
const char *const host_top_trees[] = {
  "/", "/var", "/var/lib", "/run", "/home", "/var/lib/docker", "/var/lib/containerd",
  "/var/lib/containers", "/var/lib/kubelet", "/run/containerd", "/run/docker", "/run/containers",
  "/run/crio", "/run/podman", NULL,
};

/* Sockets whose peer runs containers or units as root: one connect() is
   host root, whether the bind is read-only or not. */
const char *const host_api_sockets[] = {
  "/run/docker.sock", "/run/containerd/containerd.sock", "/run/containerd/containerd.sock.ttrpc",
  "/run/docker/containerd/containerd.sock", "/run/podman/podman.sock", "/run/crio/crio.sock",
  "/run/dockershim.sock", "/run/buildkit/buildkitd.sock", "/run/systemd/private",
  "/run/dbus/system_bus_socket", NULL,
};

/* The same engines' sockets wherever they were put: a socket with one of
   these names is one of them (a copy in a volume directory, say). */
static const char *const api_socket_names[] = {
  "docker.sock", "containerd.sock", "podman.sock", "crio.sock", "dockershim.sock", "buildkitd.sock", NULL,
};

static bool
same_object (const struct stat *a, const struct stat *b)
{
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The kernel's name for what fd refers to (in our mount namespace). */
static char *
fd_path (int fd)
{
  char link[64], buf[PATH_MAX];
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink (link, buf, sizeof buf - 1);
  if (n < 0)
    return xstrdup ("?");
  buf[n] = '\0';
  return xstrdup (buf);
}

/* Walk from the directory dir_fd up to "/" through "..", calling visit on
   each directory's stat until it returns true.  same_fs: stop where the
   filesystem changes (a non-recursive bind shows one filesystem only).
   Returns whether visit said true. */
static bool
walk_up (int dir_fd, bool same_fs, bool (*visit) (const struct stat *st, void *arg), void *arg)
{
  _cleanup_close_ int cur = fcntl (dir_fd, F_DUPFD_CLOEXEC, 3);
  struct stat st, first;
  if (cur < 0 || fstat (cur, &first) < 0)
    return false;
  st = first;
  for (int depth = 0; depth < 4096; depth++)
    {
      if (visit (&st, arg))
        return true;
      int parent = openat (cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      struct stat pst;
      if (parent < 0)
        return false;
      if (fstat (parent, &pst) < 0 || same_object (&pst, &st) || (same_fs && pst.st_dev != first.st_dev))
        {
          close (parent);
          return false;
        }
      close (cur);
      cur = parent;
      st = pst;
    }
  return false;
}

/* A host path of our own lists, opened following its symlinks (/lib ->
   usr/lib, /var/run -> /run): these name the host's trees, not the config. */
static int
open_host_path (const char *path, struct stat *st)
{
  int fd = open (path, O_PATH | O_CLOEXEC);
  if (fd >= 0 && fstat (fd, st) < 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* The directory holding the non-directory o, verified to hold that very
   inode under that name: the starting point for walking up.  -1 when it
   cannot be verified (deleted, renamed meanwhile). */
static int
open_verified_parent (const struct host_object *o)
{
  const char *slash = strrchr (o->path, '/');
  if (o->path[0] != '/' || slash == NULL || strstr (o->path, " (deleted)"))
    return -1;
  _cleanup_free_ char *dir = xstrndup (o->path, slash == o->path ? 1 : (size_t) (slash - o->path));
  _cleanup_close_ int dfd = sys_openat2 (AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC,
                                         RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, 0);
  struct stat st;
  if (dfd < 0 || fstatat (dfd, slash + 1, &st, AT_SYMLINK_NOFOLLOW) < 0 || !same_object (&st, &o->st))
    return -1;
  return steal_fd (&dfd);
}

struct inside_arg
{
  const struct stat *trees;
  size_t n;
  size_t hit;
};

static bool
visit_inside (const struct stat *st, void *arg)
{
  struct inside_arg *a = arg;
  for (size_t i = 0; i < a->n; i++)
    if (a->trees[i].st_ino && same_object (st, &a->trees[i]))
      {
        a->hit = i;
        return true;
      }
  return false;
}

/* What casco knows of one host path of its lists, learnt once per process
   (the host's own trees do not move under a create): its inode, and the
   directories above it, each marked whether a non-recursive bind of it
   shows the tree (no filesystem boundary in between). */
struct known_path
{
  const char *path;
  bool exists;
  struct stat st;
  size_t n_up;
  struct { dev_t dev; ino_t ino; bool same_fs; } up[64];
};

static bool
record_up (const struct stat *st, void *arg)
{
  struct known_path *k = arg;
  if (k->n_up < sizeof k->up / sizeof k->up[0])
    {
      k->up[k->n_up].dev = st->st_dev;
      k->up[k->n_up].ino = st->st_ino;
      k->up[k->n_up].same_fs = st->st_dev == k->st.st_dev && (k->n_up == 0 || k->up[k->n_up - 1].same_fs);
      k->n_up++;
    }
  return false;
}

static const struct known_path *
known (const char *path)
{
  static struct known_path cache[64];
  static size_t n;
  for (size_t i = 0; i < n; i++)
    if (strcmp (cache[i].path, path) == 0)
      return &cache[i];
  if (n == sizeof cache / sizeof cache[0])
    abort ();   /* the lists above are longer than the cache: a bug here */
  struct known_path *k = &cache[n++];
  memset (k, 0, sizeof *k);
  k->path = path;
  _cleanup_close_ int fd = open_host_path (path, &k->st);
  if (fd < 0)
    return k;
  k->exists = true;
  /* a socket (not a directory): walk up from the directory holding it */
  if (!S_ISDIR (k->st.st_mode))
    {
      _cleanup_free_ char *dir = xstrndup (path, (size_t) (strrchr (path, '/') - path));
      struct stat dst;
      close (fd);
      fd = open_host_path (dir[0] ? dir : "/", &dst);
      if (fd < 0)
        return k;
    }
  walk_up (fd, false, record_up, k);
  return k;
}

/* Is o the host path `tree`, or a directory above it that the bind shows? */
static bool
contains (const struct host_object *o, const char *tree, bool recursive)
{
  const struct known_path *k = known (tree);
  if (!k->exists)
    return false;
  if (same_object (&k->st, &o->st))
    return true;
  if (!S_ISDIR (o->st.st_mode))
    return false;
  for (size_t i = 0; i < k->n_up; i++)
    if (k->up[i].dev == o->st.st_dev && k->up[i].ino == o->st.st_ino && (recursive || k->up[i].same_fs))
      return true;
  return false;
}

static void
judge_system_tree (struct host_object *o, bool recursive)
{
  size_t n = 0;
  while (host_whole_trees[n])
    n++;
  struct stat trees[n];
  for (size_t i = 0; i < n; i++)
    {
      const struct known_path *k = known (host_whole_trees[i]);
      if (k->exists)
        trees[i] = k->st;
      else
        memset (&trees[i], 0, sizeof trees[i]);
    }
  /* the object itself or a directory it lies in */
  struct inside_arg in = { trees, n, 0 };
  _cleanup_close_ int start = S_ISDIR (o->st.st_mode) ? fcntl (o->fd, F_DUPFD_CLOEXEC, 3)
                                                      : open_verified_parent (o);
  if (!S_ISDIR (o->st.st_mode) && visit_inside (&o->st, &in))
    {
      o->reach.system_tree = xasprintf ("is the host's %s", host_whole_trees[in.hit]);
      return;
    }
  if (start < 0)
    {
      o->reach.system_tree = xstrdup ("a file whose directory on the host cannot be verified");
      return;
    }
  if (walk_up (start, false, visit_inside, &in))
    {
      o->reach.system_tree = xasprintf (same_object (&o->st, &trees[in.hit]) ? "is the host's %s"
                                                                             : "inside the host's %s",
                                        host_whole_trees[in.hit]);
      return;
    }
  /* another name for a system file: a hard link elsewhere on its filesystem */
  if (!S_ISDIR (o->st.st_mode) && o->st.st_nlink > 1)
    for (size_t i = 0; i < n; i++)
      if (trees[i].st_ino && trees[i].st_dev == o->st.st_dev)
        {
          o->reach.system_tree = xasprintf ("a file with %ju hard links on the filesystem of the host's %s",
                                            (uintmax_t) o->st.st_nlink, host_whole_trees[i]);
          return;
        }
  /* a system tree itself, then a directory above one */
  const char *const *lists[] = { host_whole_trees, host_top_trees };
  for (size_t l = 0; l < 2; l++)
    for (size_t i = 0; lists[l][i]; i++)
      if (known (lists[l][i])->exists && same_object (&known (lists[l][i])->st, &o->st))
        {
          o->reach.system_tree = xasprintf ("is the host's %s", lists[l][i]);
          return;
        }
  for (size_t l = 0; l < 2; l++)
    for (size_t i = 0; lists[l][i]; i++)
      if (contains (o, lists[l][i], recursive))
        {
          o->reach.system_tree = same_object (&known (lists[l][i])->st, &o->st)
                                     ? xasprintf ("is the host's %s", lists[l][i])
                                     : xasprintf ("contains the host's %s", lists[l][i]);
          return;
        }
}

static void
judge_socket (struct host_object *o, bool recursive)
{
  if (S_ISSOCK (o->st.st_mode))
    {
      const char *base = strrchr (o->path, '/');
      base = base ? base + 1 : o->path;
      for (size_t i = 0; api_socket_names[i]; i++)
        if (strcmp (base, api_socket_names[i]) == 0)
          {
            o->reach.engine_socket = xasprintf ("an engine socket (%s)", api_socket_names[i]);
            return;
          }
    }
  for (size_t i = 0; host_api_sockets[i]; i++)
    if (contains (o, host_api_sockets[i], recursive))
      {
        o->reach.engine_socket = xasprintf (S_ISSOCK (o->st.st_mode) ? "is the host's %s" : "contains the host's %s",
                                            host_api_sockets[i]);
        return;
      }
}

/* /dev/mem 1:1, /dev/kmem 1:2, /dev/port 1:4 */
static bool
is_memory_device (const struct stat *st)
{
  return S_ISCHR (st->st_mode) && major (st->st_rdev) == 1
         && (minor (st->st_rdev) == 1 || minor (st->st_rdev) == 2 || minor (st->st_rdev) == 4);
}

static void
judge_devices (struct host_object *o, bool recursive)
{
  if (S_ISBLK (o->st.st_mode) || is_memory_device (&o->st))
    {
      o->reach.devices = xasprintf ("the %s device %u:%u", S_ISBLK (o->st.st_mode) ? "block" : "memory",
                                    major (o->st.st_rdev), minor (o->st.st_rdev));
      return;
    }
  const struct known_path *dev = known ("/dev");
  if (!dev->exists)
    return;
  /* a directory of the host's /dev filesystem, with every node in it */
  if (S_ISDIR (o->st.st_mode) && o->st.st_dev == dev->st.st_dev)
    {
      o->reach.devices = xstrdup ("a directory of the host's /dev");
      return;
    }
  if (S_ISDIR (o->st.st_mode) && contains (o, "/dev", recursive))
    {
      o->reach.devices = xstrdup ("contains the host's /dev");
      o->reach.devices_below = dev->st.st_dev != o->st.st_dev;
    }
}

static void
judge_proc (struct host_object *o, bool recursive)
{
  if (o->fs_magic == PROC_SUPER_MAGIC)
    {
      o->reach.host_proc = xstrdup ("on the host's procfs");
      return;
    }
  if (S_ISDIR (o->st.st_mode) && contains (o, "/proc", recursive))
    o->reach.host_proc = xstrdup ("contains the host's /proc");
}

int
host_object_open (int dirfd, const char *path, bool recursive, const char *json_path, struct host_object *out,
                  struct casco_error **err)
{
  memset (out, 0, sizeof *out);
  out->fd = -1;
  /* The one lookup of this path: everything below, and the mount, use the fd. */
  _cleanup_close_ int fd = openat (dirfd, path, O_PATH | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return casco_error_config (err, json_path, "bind source `%s` does not exist", path);
  if (fd < 0)
    return casco_error_config (err, json_path, "bind source `%s`: %s", path, strerror (errno));
  struct statfs sfs;
  if (fstat (fd, &out->st) < 0 || fstatfs (fd, &sfs) < 0)
    return casco_error_set (err, errno, "%s: stat `%s`", json_path, path);
  out->fs_magic = (long) sfs.f_type;
  out->path = fd_path (fd);
  out->fd = steal_fd (&fd);
  judge_system_tree (out, recursive);
  judge_socket (out, recursive);
  judge_devices (out, recursive);
  judge_proc (out, recursive);
  return 0;
}

void
host_object_clear (struct host_object *o)
{
  closep (&o->fd);
  free (o->path);
  free (o->reach.system_tree);
  free (o->reach.engine_socket);
  free (o->reach.devices);
  free (o->reach.host_proc);
  memset (o, 0, sizeof *o);
  o->fd = -1;
}

/* An overlay writes to its upperdir and workdir (and empties workdir/work):
   judged as writable non-recursive binds.  The kernel looks these paths
   up again when it mounts; a config that names them through a symlink is
   refused, so what is judged is what a plain lookup finds (a rename race
   by whoever can write their parents remains: docs/policy.md). */
static int
overlay_dirs_open (const struct spec_mount *m, size_t index, int bundle_fd, struct host_object *upper,
                   struct host_object *work, struct casco_error **err)
{
  for (size_t k = 0; m->options && m->options[k]; k++)
    {
      const char *o = m->options[k];
      struct host_object *dst = strncmp (o, "upperdir=", 9) == 0 ? upper
                                : strncmp (o, "workdir=", 8) == 0 ? work : NULL;
      if (dst == NULL)
        continue;
      const char *path = strchr (o, '=') + 1;
      char jpath[64];
      snprintf (jpath, sizeof jpath, "mounts[%zu].options[%zu]", index, k);
      host_object_clear (dst);
      _cleanup_close_ int fd = sys_openat2 (bundle_fd, path, O_PATH | O_CLOEXEC,
                                            RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, 0);
      if (fd < 0)
        return casco_error_config (err, jpath, "overlay directory `%s`: %s%s", path, strerror (errno),
                                   errno == ELOOP ? " (name it without symlinks)" : "");
      if (host_object_open (bundle_fd, path, false, jpath, dst, err) < 0)
        return -1;
    }
  return 0;
}

int
host_objects_open (const struct spec *s, int bundle_fd, char ***missing, struct host_objects *out,
                   struct casco_error **err)
{
  out->n = s->n_mounts;
  out->v = xmalloc0 ((s->n_mounts + 1) * sizeof *out->v);
  out->upper = xmalloc0 ((s->n_mounts + 1) * sizeof *out->upper);
  out->work = xmalloc0 ((s->n_mounts + 1) * sizeof *out->work);
  for (size_t i = 0; i < s->n_mounts; i++)
    out->v[i].fd = out->upper[i].fd = out->work[i].fd = -1;
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      const struct spec_mount *m = &s->mounts[i];
      if (m->type && strcmp (m->type, "overlay") == 0 && !mount_is_bind (m)
          && overlay_dirs_open (m, i, bundle_fd, &out->upper[i], &out->work[i], err) < 0)
        {
          host_objects_close (out);
          return -1;
        }
      if (!mount_is_bind (m))
        continue;
      char jpath[64];
      snprintf (jpath, sizeof jpath, "mounts[%zu].source", i);
      if (m->source == NULL || m->source[0] == '\0')
        {
          host_objects_close (out);
          return casco_error_config (err, jpath, "a bind mount needs a source");
        }
      /* the options as the mount will read them: "rbind", or "bind" with "rec" */
      struct mount_plan p;
      if (mount_plan_build (m, i, &p, err) < 0)
        {
          host_objects_close (out);
          return -1;
        }
      bool recursive = p.recursive, bind = p.kind == MOUNT_KIND_BIND;
      mount_plan_clear (&p);
      if (bind && missing && faccessat (bundle_fd, m->source, F_OK, 0) < 0 && errno == ENOENT)
        {
          _cleanup_free_ char *note = xasprintf ("%s: `%s` does not exist on this host; not judged "
                                                 "(create would fail on it)", jpath, m->source);
          *missing = strv_append (*missing, note);
          continue;
        }
      if (bind && host_object_open (bundle_fd, m->source, recursive, jpath, &out->v[i], err) < 0)
        {
          host_objects_close (out);
          return -1;
        }
    }
  return 0;
}

void
host_objects_close (struct host_objects *o)
{
  for (size_t i = 0; o->v && i < o->n; i++)
    {
      host_object_clear (&o->v[i]);
      host_object_clear (&o->upper[i]);
      host_object_clear (&o->work[i]);
    }
  free (o->v);
  free (o->upper);
  free (o->work);
  o->v = o->upper = o->work = NULL;
  o->n = 0;
}

/* The container's /dev: device nodes, the ptmx and stdio symlinks, and a
   verified /dev/null.  Parents are resolved inside the rootfs (openat2
   RESOLVE_IN_ROOT); each leaf is made with *at() calls that never follow a
   symlink, so an image whose /dev (or /dev/null) is a symlink cannot make
   us create or mount anything outside the rootfs. */
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <linux/magic.h>

#include "casco/error.h"
#include "casco/log.h"
#include "syscalls.h"
#include "util.h"
#include "weaken.h"
#include "dev.h"
#include "inroot.h"
#include "mount.h"
#include "mount_options.h"

/* The leaf under an already-resolved parent: no symlink, no escape. */
#define LEAF_RESOLVE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

struct dev_node
{
  const char *path;
  char type;          /* 'c' 'b' 'u' 'p' */
  int64_t major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
};

/* OCI runtime-spec "Default Devices". */
static const struct dev_node default_devices[] = {
  { "/dev/null", 'c', 1, 3, 0666, 0, 0 },    { "/dev/zero", 'c', 1, 5, 0666, 0, 0 },
  { "/dev/full", 'c', 1, 7, 0666, 0, 0 },    { "/dev/random", 'c', 1, 8, 0666, 0, 0 },
  { "/dev/urandom", 'c', 1, 9, 0666, 0, 0 }, { "/dev/tty", 'c', 5, 0, 0666, 0, 0 },
};

static const struct { const char *name, *target; } dev_symlinks[] = {
  { "fd", "/proc/self/fd" },         { "stdin", "/proc/self/fd/0" },
  { "stdout", "/proc/self/fd/1" },   { "stderr", "/proc/self/fd/2" },
};

/* Where mounts[] puts /dev: -1 none (the image's own directory), else its index. */
static ssize_t
dev_mount_index (const struct spec *s)
{
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      if (s->mounts[i].destination == NULL)
        continue;
      _cleanup_free_ char *dest = mount_clean_path (s->mounts[i].destination);
      if (strcmp (dest, "/dev") == 0)
        return (ssize_t) i;
    }
  return -1;
}

static mode_t
dev_type_bits (char type)
{
  switch (type)
    {
    case 'c':
    case 'u':
      return S_IFCHR;
    case 'b':
      return S_IFBLK;
    case 'p':
      return S_IFIFO;
    default:
      return 0;
    }
}

static int
dev_mknod (int parent, const char *name, const struct dev_node *d, const char *json_path,
           struct casco_error **err)
{
  dev_t rdev = makedev ((unsigned int) d->major, (unsigned int) d->minor);
  if (mknodat (parent, name, dev_type_bits (d->type) | (d->mode & 07777), rdev) < 0)
    {
      if (errno == EEXIST)
        return 0;   /* runc keeps a node the image already has */
      return casco_error_set (err, errno, "%s: mknod `%s`", json_path, d->path);
    }
  if (fchownat (parent, name, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return casco_error_set (err, errno, "%s: chown `%s` to %u:%u", json_path, d->path, d->uid, d->gid);
  return 0;
}

/* In a user namespace mknod is refused: bind the host's node over an empty file. */
static int
dev_bind_host (int parent, const char *name, const struct dev_node *d, const char *json_path,
               struct casco_error **err)
{
  int fd = openat (parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0);
  if (fd < 0 && errno != EEXIST)
    return casco_error_set (err, errno, "%s: creating `%s`", json_path, d->path);
  if (fd >= 0)
    close (fd);
  _cleanup_close_ int target = sys_openat2 (parent, name, O_PATH | O_CLOEXEC, LEAF_RESOLVE, 0);
  struct stat st;
  if (target < 0 || fstat (target, &st) < 0)
    return casco_error_set (err, errno, "%s: opening `%s`", json_path, d->path);
  if (!S_ISREG (st.st_mode) && !S_ISCHR (st.st_mode) && !S_ISBLK (st.st_mode))
    return casco_error_config (err, json_path, "`%s` exists in the rootfs and is not a file or device",
                               d->path);

  _cleanup_close_ int tree = open_tree (AT_FDCWD, d->path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return casco_error_set (err, errno, "%s: user namespace: cannot mknod, and the host's `%s` cannot be "
                                        "bound instead", json_path, d->path);
  /* Bind only the device that was asked for, never some other host file. */
  dev_t want = makedev ((unsigned int) d->major, (unsigned int) d->minor);
  if (fstat (tree, &st) < 0 || (st.st_mode & S_IFMT) != dev_type_bits (d->type) || st.st_rdev != want)
    return casco_error_config (err, json_path, "the host's `%s` is not device %c %" PRId64 ":%" PRId64
                               "; refusing to bind it", d->path, d->type, d->major, d->minor);
  return mount_attach (tree, target, json_path, err);
}

/* No device cgroup: the mount holding the node is nodev.  The node casco
   made (or the image's, when it is the very device asked for) becomes a
   mount of its own without nodev, so it alone opens; a mount of a single
   node gives no directory to mknod anything else into. */
static int
dev_expose (int parent, const char *name, const struct dev_node *d, const char *json_path,
            struct casco_error **err)
{
  _cleanup_close_ int node = sys_openat2 (parent, name, O_PATH | O_CLOEXEC, LEAF_RESOLVE, 0);
  struct stat st;
  if (node < 0 || fstat (node, &st) < 0)
    return casco_error_set (err, errno, "%s: opening `%s`", json_path, d->path);
  dev_t want = makedev ((unsigned int) d->major, (unsigned int) d->minor);
  if ((st.st_mode & S_IFMT) != dev_type_bits (d->type) || st.st_rdev != want)
    return casco_error_config (err, json_path, "`%s` in the rootfs is not device %c %" PRId64 ":%" PRId64
                               "; refusing to let it open", d->path, d->type, d->major, d->minor);
  _cleanup_close_ int tree = open_tree (node, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return casco_error_set (err, errno, "%s: cloning `%s`", json_path, d->path);
  if (mount_set_attr (tree, false, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, MOUNT_ATTR_NODEV, 0, json_path, err) < 0)
    return -1;
  return mount_attach (tree, node, json_path, err);
}

static int
dev_create (int rootfs_fd, const struct dev_node *d, bool new_userns, bool nodev, const char *json_path,
            struct casco_error **err)
{
  if (dev_type_bits (d->type) == 0)
    return casco_error_config (err, json_path, "unknown device type '%c' (want c, b, u or p)", d->type);
  _cleanup_free_ char *clean = mount_clean_path (d->path);
  char *slash = strrchr (clean, '/');
  if (slash[1] == '\0')
    return casco_error_config (err, json_path, "`%s` is not a path to a device", d->path);
  _cleanup_free_ char *dir = slash == clean ? xstrdup ("/") : xstrndup (clean, (size_t) (slash - clean));
  const char *name = slash + 1;

  _cleanup_close_ int parent = inroot_mkpath (rootfs_fd, dir, INROOT_DIR, 0, json_path, err);
  if (parent < 0)
    return -1;
#ifndef CASCO_WEAKEN_DEV_SYMLINK   /* prove-red: keep an image's device symlink (crun CVE-2019-18837) */
  struct stat st;
  if (fstatat (parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
    return casco_error_config (err, json_path, "`%s` is a symlink in the rootfs; refusing to make a "
                                               "device through it", clean);
#endif
  if (d->type == 'p')
    return dev_mknod (parent, name, d, json_path, err);
  /* the host's node, bound: a mount without nodev already */
  if (new_userns)
    return dev_bind_host (parent, name, d, json_path, err);
  if (dev_mknod (parent, name, d, json_path, err) < 0)
    return -1;
  return nodev ? dev_expose (parent, name, d, json_path, err) : 0;
}

/* On the image's own /dev (no mounts[] entry) a read-only rootfs only
   costs the device, as with runc; on a fresh /dev every failure counts. */
static int
tolerate_readonly_image (bool strict, struct casco_error **local, struct casco_error **err)
{
  if (!strict && (*local)->errno_ == EROFS)
    {
      casco_warn ("%s (the image's /dev is read-only; skipped)", (*local)->msg);
      return 0;
    }
  *err = steal_pointer (local);
  return -1;
}

static int
dev_create_all (int rootfs_fd, const struct spec *s, bool new_userns, bool nodev, bool strict,
                struct casco_error **err)
{
  for (size_t i = 0; i < ARRAY_SIZE (default_devices); i++)
    {
      _cleanup_error_ struct casco_error *local = NULL;
      if (dev_create (rootfs_fd, &default_devices[i], new_userns, nodev, default_devices[i].path, &local) < 0
          && tolerate_readonly_image (strict, &local, err) < 0)
        return -1;
    }
  size_t n = s->linux_ ? s->linux_->n_devices : 0;
  for (size_t i = 0; i < n; i++)
    {
      const struct spec_device *sd = &s->linux_->devices[i];
      struct dev_node d = {
        .path = sd->path, .type = sd->type, .major = sd->major, .minor = sd->minor,
        .mode = sd->has_file_mode ? sd->file_mode & 07777 : 0666,
        .uid = sd->has_uid ? sd->uid : 0, .gid = sd->has_gid ? sd->gid : 0,
      };
      char json_path[64];
      snprintf (json_path, sizeof json_path, "linux.devices[%zu]", i);
      if (d.path == NULL)
        return casco_error_config (err, json_path, "a device needs a path");
      _cleanup_error_ struct casco_error *local = NULL;
      if (dev_create (rootfs_fd, &d, new_userns, nodev, json_path, &local) < 0
          && tolerate_readonly_image (strict, &local, err) < 0)
        return -1;
    }
  return 0;
}

/* With a devpts on /dev/pts, /dev/ptmx must be its ptmx (runtime-spec). */
static int
dev_ptmx_symlink (int dev_fd, struct casco_error **err)
{
  _cleanup_close_ int pts = sys_openat2 (dev_fd, "pts", O_PATH | O_DIRECTORY | O_CLOEXEC, LEAF_RESOLVE, 0);
  struct statfs sfs;
  if (pts < 0 || fstatfs (pts, &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC)
    return 0;
  if (unlinkat (dev_fd, "ptmx", 0) < 0 && errno != ENOENT)
    return casco_error_set (err, errno, "/dev/ptmx: removing the image's entry");
  if (symlinkat ("pts/ptmx", dev_fd, "ptmx") < 0)
    return casco_error_set (err, errno, "/dev/ptmx: symlink to pts/ptmx");
  return 0;
}

static int
dev_std_symlinks (int dev_fd, bool strict, struct casco_error **err)
{
  for (size_t i = 0; i < ARRAY_SIZE (dev_symlinks); i++)
    {
      if (symlinkat (dev_symlinks[i].target, dev_fd, dev_symlinks[i].name) == 0 || errno == EEXIST)
        continue;
      if (!strict && errno == EROFS)
        {
          casco_warn ("/dev/%s: the image's /dev is read-only; symlink skipped", dev_symlinks[i].name);
          continue;
        }
      return casco_error_set (err, errno, "/dev/%s: symlink to %s", dev_symlinks[i].name,
                              dev_symlinks[i].target);
    }
  return 0;
}

int
dev_setup (int rootfs_fd, const struct spec *s, bool new_userns, bool nodev, struct casco_error **err)
{
  ssize_t idx = dev_mount_index (s);
  /* The engine brought its own /dev: it is the engine's to populate (runc). */
  if (idx >= 0 && mount_is_bind (&s->mounts[idx]))
    return 0;
  bool strict = idx >= 0;
  _cleanup_close_ int dev_fd = inroot_mkpath (rootfs_fd, "/dev", INROOT_DIR, 0, "/dev", err);
  if (dev_fd < 0)
    return -1;

  /* umask 0 while creating: modes must be exactly fileMode. */
  mode_t saved = umask (0);
  int r = dev_create_all (rootfs_fd, s, new_userns, nodev, strict, err);
  umask (saved);
  if (r < 0)
    return -1;
  if (dev_ptmx_symlink (dev_fd, err) < 0)
    return -1;
  return dev_std_symlinks (dev_fd, strict, err);
}

int
dev_open_null (int root_fd, struct casco_error **err)
{
  _cleanup_close_ int dev_fd = inroot_open (root_fd, "/dev", O_PATH | O_DIRECTORY, 0);
  if (dev_fd < 0)
    return casco_error_set (err, errno, "linux.maskedPaths: opening the container's /dev");
#ifdef CASCO_WEAKEN_DEV_NULL_CHECK
  /* prove-red: whatever /dev/null leads to masks the paths (CVE-2025-31133) */
  return inroot_open (root_fd, "/dev/null", O_PATH, 0);
#endif
  _cleanup_close_ int fd = sys_openat2 (dev_fd, "null", O_PATH | O_CLOEXEC, LEAF_RESOLVE, 0);
  if (fd < 0 && errno == ELOOP)
    return casco_error_config (err, "linux.maskedPaths", "the container's /dev/null is a symlink; refusing "
                                                        "to mask paths with it");
  struct stat st;
  if (fd < 0 || fstat (fd, &st) < 0)
    return casco_error_set (err, errno, "linux.maskedPaths: opening the container's /dev/null");
  if (!S_ISCHR (st.st_mode) || major (st.st_rdev) != 1 || minor (st.st_rdev) != 3)
    return casco_error_config (err, "linux.maskedPaths", "the container's /dev/null is not the null device "
                                                        "(char 1:3); refusing to mask paths with it");
  return steal_fd (&fd);
}

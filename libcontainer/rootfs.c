/* The container's filesystem view, built inside the init's new mount
   namespace.  Every path inside the rootfs is reached through an fd of it
   (openat2 RESOLVE_IN_ROOT, see inroot.c), and every mount is made onto such
   an fd; host paths (the rootfs itself, bind sources) come from the
   trusted config.  Order and the reasons for it are in rootfs.h. */
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "syscalls.h"
#include "util.h"
#include "weaken.h"
#include "dev.h"
#include "inroot.h"
#include "mount.h"
#include "mount_options.h"
#include "rootfs.h"

/* ------------------------------------------------------------------ */
/* rootfs_prepare                                                      */
/* ------------------------------------------------------------------ */

/* linux.rootfsPropagation, or runc's default rslave. */
static int
root_propagation (const struct spec *s, unsigned long *flags, bool *explicit_, struct casco_error **err)
{
  const char *name = s->linux_ ? s->linux_->rootfs_propagation : NULL;
  *explicit_ = name != NULL && name[0] != '\0';
  *flags = MS_SLAVE | MS_REC;
  if (*explicit_ && mount_propagation_from_name (name, flags) < 0)
    return casco_error_config (err, "linux.rootfsPropagation", "unknown propagation \"%s\" (want private, "
                               "rprivate, shared, rshared, slave, rslave, unbindable or runbindable)", name);
  return 0;
}

/* First: nothing mounted below may propagate back to the host. */
static int
root_set_propagation (unsigned long flags, struct casco_error **err)
{
  const char *name = flags & MS_SHARED ? "shared" : flags & MS_PRIVATE ? "private"
                     : flags & MS_UNBINDABLE ? "unbindable" : "slave";
  if (mount (NULL, "/", NULL, flags, NULL) < 0)
    return casco_error_set (err, errno, "making `/` %s%s", flags & MS_REC ? "r" : "", name);
  explain (D04, "propagation: / is now %s%s: %s", flags & MS_REC ? "r" : "", name,
           flags & MS_SHARED ? "mounts made in the container DO reach the host"
                             : "mounts made in the container never reach the host");
  return 0;
}

static int
mount_id_of (int fd, uint64_t *id)
{
  struct statx stx;
  if (statx (fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0)
    return -1;
  *id = stx.stx_mnt_id;
  return 0;
}

/* pivot_root refuses a shared parent, and a bind under a shared parent
   would propagate: make the mount holding the rootfs a slave (it keeps
   receiving from the host, never sends).  Its root is found by walking
   ".." until the mount id changes. */
static int
rootfs_parent_not_shared (const char *rootfs_path, struct casco_error **err)
{
  _cleanup_close_ int fd = open (rootfs_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return casco_error_set (err, errno, "opening the rootfs `%s`", rootfs_path);
  for (;;)
    {
      uint64_t id, parent_id;
      struct stat a, b;
      _cleanup_close_ int parent = openat (fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (parent < 0 || mount_id_of (fd, &id) < 0 || mount_id_of (parent, &parent_id) < 0
          || fstat (fd, &a) < 0 || fstat (parent, &b) < 0)
        return casco_error_set (err, errno, "finding the mount that holds `%s`", rootfs_path);
      bool at_top = a.st_dev == b.st_dev && a.st_ino == b.st_ino;
      if (at_top || id != parent_id)
        break;
      closep (&fd);
      fd = steal_fd (&parent);
    }
  return mount_set_attr (fd, false, 0, 0, MS_SLAVE, "the mount holding the rootfs", err);
}

/* pivot_root needs the new root to be a mount point of its own. */
static int
rootfs_bind_self (const char *rootfs_path, bool nodev, struct casco_error **err)
{
  _cleanup_close_ int tree = open_tree (AT_FDCWD, rootfs_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tree < 0)
    return casco_error_set (err, errno, "bind-mounting the rootfs `%s` onto itself", rootfs_path);
  /* Before it is attached: a device node in the image never opens. */
  if (nodev && mount_set_attr (tree, true, MOUNT_ATTR_NODEV, 0, 0, "the rootfs (nodev)", err) < 0)
    return -1;
  if (move_mount (tree, "", AT_FDCWD, rootfs_path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return casco_error_set (err, errno, "bind-mounting the rootfs `%s` onto itself", rootfs_path);
  explain (D04, "rootfs: %s bound onto itself, so it is a mount pivot_root can use", rootfs_path);
  return 0;
}

/* mounts[] strictly in order: later entries may mount inside earlier ones. */
static int
rootfs_do_mounts (const struct rootfs_config *c, int rootfs_fd, struct casco_error **err)
{
  struct mount_env env = {
    .rootfs_fd = rootfs_fd, .bundle_path = c->bundle_path, .bind_trees = c->bind_trees,
    .new_userns = c->new_userns, .new_netns = c->new_netns, .nodev = c->nodev,
  };
  for (size_t i = 0; i < c->spec->n_mounts; i++)
    if (mount_perform (&env, &c->spec->mounts[i], i, err) < 0)
      return -1;
  /* the host objects' trees are attached: hold nothing of the host longer */
  for (size_t i = 0; c->bind_trees && i < c->spec->n_mounts; i++)
    if (c->bind_trees[i] >= 0)
      close (c->bind_trees[i]);
  return 0;
}

int
rootfs_prepare (const struct rootfs_config *c, struct casco_error **err)
{
  unsigned long prop;
  bool explicit_;
  if (root_propagation (c->spec, &prop, &explicit_, err) < 0)
    return -1;
  /* An unbindable tree cannot be bound onto itself below (EINVAL): private
     until rootfs_finalize applies what was asked, last. */
  if (prop & MS_UNBINDABLE)
    prop = (prop & ~MS_UNBINDABLE) | MS_PRIVATE;
  if (root_set_propagation (prop, err) < 0)
    return -1;
  /* After a recursive slave, private or unbindable "/", no mount here is
     shared any more: the walk up to the rootfs's mount is needed only when
     the propagation asked for left some shared. */
  bool some_shared = (prop & MS_SHARED) || !(prop & MS_REC);
  if ((some_shared && rootfs_parent_not_shared (c->rootfs_path, err) < 0)
      || rootfs_bind_self (c->rootfs_path, c->nodev, err) < 0)
    return -1;
  /* Opened after the self-bind, so mounts land on the bind, not beneath it. */
  _cleanup_close_ int rootfs_fd = open (c->rootfs_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfs_fd < 0)
    return casco_error_set (err, errno, "opening the rootfs `%s`", c->rootfs_path);
  if (rootfs_do_mounts (c, rootfs_fd, err) < 0)
    return -1;
  /* /dev after mounts[]: it needs the /dev tmpfs and /dev/pts they make. */
  if (dev_setup (rootfs_fd, c->spec, c->new_userns, c->nodev, err) < 0)
    return -1;
  explain (D04, "dev: the standard nodes (null, zero, full, random, urandom, tty, ptmx) and %zu from "
                "linux.devices; no other host device is reachable",
           c->spec->linux_ ? c->spec->linux_->n_devices : 0);
  if (c->nodev)
    explain (D04, "devices: no device cgroup here, so linux.resources.devices is enforced by nodev: the "
                  "rootfs and every mount but devpts are nodev, and only the nodes above open (each is a "
                  "mount of its own that allows it); a node made by mknod or shipped in the image does not");
  return 0;
}

/* ------------------------------------------------------------------ */
/* rootfs_pivot                                                        */
/* ------------------------------------------------------------------ */

/* pivot_root(".", ".") stacks the old root on the new one; detaching it
   leaves the host unreachable without needing a directory for put_old. */
static int
pivot_into (const char *rootfs_path, struct casco_error **err)
{
  _cleanup_close_ int oldroot = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  _cleanup_close_ int newroot = open (rootfs_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (oldroot < 0 || newroot < 0)
    return casco_error_set (err, errno, "pivot_root: opening `/` and `%s`", rootfs_path);
  if (fchdir (newroot) < 0)
    return casco_error_set (err, errno, "pivot_root: chdir to `%s`", rootfs_path);
  if (sys_pivot_root (".", ".") < 0)
    return casco_error_set (err, errno, "pivot_root into `%s`", rootfs_path);
  /* The kernel does not promise where "." is now: go to the old root explicitly. */
  if (fchdir (oldroot) < 0)
    return casco_error_set (err, errno, "pivot_root: chdir to the old root");
  /* rslave before the detach, so the unmount cannot propagate to the host. */
  if (mount (NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return casco_error_set (err, errno, "pivot_root: making the old root rslave");
  if (umount2 (".", MNT_DETACH) < 0)
    return casco_error_set (err, errno, "pivot_root: detaching the old root");
  if (chdir ("/") < 0)
    return casco_error_set (err, errno, "pivot_root: chdir /");
  explain (D04, "pivot_root: %s is now /, the host's root was detached (umount MNT_DETACH): no path, "
                "\"..\" or chroot leads back to the host's files", rootfs_path);
  return 0;
}

/* Octal escapes (\040) of /proc/self/mountinfo, decoded in place. */
static void
mountinfo_unescape (char *s)
{
  char *w = s;
  for (char *r = s; *r; r++)
    {
      if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' && r[3] <= '7')
        {
          *w++ = (char) ((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
          r += 3;
        }
      else
        *w++ = *r;
    }
  *w = '\0';
}

/* One host procfs/sysfs, detached from our copy of the tree, or covered by
   an empty read-only tmpfs where a user ns locks it in place. */
static int
hide_host_mount (const char *mp, struct casco_error **err)
{
  /* Private first: our unmount must not propagate to the host's copy. */
  if (mount (NULL, mp, NULL, MS_PRIVATE | MS_REC, NULL) < 0)
    return errno == ENOENT || errno == EINVAL ? 0 : casco_error_set (err, errno, "--no-pivot: `%s`", mp);
  if (umount2 (mp, MNT_DETACH) == 0)
    {
      casco_debug ("--no-pivot: detached the host's `%s`", mp);
      return 0;
    }
  casco_debug ("--no-pivot: covering the host's `%s` (%s)", mp, strerror (errno));
  _cleanup_close_ int mnt = mount_new_fs ("tmpfs", "tmpfs", NULL, 0,
                                          MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                          | MOUNT_ATTR_NOEXEC, "--no-pivot", err);
  if (mnt < 0)
    return -1;
  if (move_mount (mnt, "", AT_FDCWD, mp, MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return casco_error_set (err, errno, "--no-pivot: covering the host's `%s`", mp);
  return 0;
}

static bool
path_is_under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  while (n > 1 && dir[n - 1] == '/')
    n--;
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Without pivot_root the host tree stays in our namespace under the
   rootfs; its procfs and sysfs would let a later proc/sysfs mount pass
   the kernel's "fully visible" check (runc does this too). */
static int
hide_host_proc_sys (const char *rootfs_path, struct casco_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  if (read_file_at (AT_FDCWD, "/proc/self/mountinfo", &text, &len, err) < 0)
    return -1;
  _cleanup_strv_ char **targets = NULL;
  size_t n = 0;
  char *save = NULL;
  for (char *line = strtok_r (text, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER" */
      char *sep = strstr (line, " - ");
      if (sep == NULL)
        continue;
      char fstype[32] = "";
      sscanf (sep + 3, "%31s", fstype);
      if (strcmp (fstype, "proc") != 0 && strcmp (fstype, "sysfs") != 0)
        continue;
      char *f = line;
      for (int i = 0; i < 4 && f; i++)
        f = strchr (f, ' ') ? strchr (f, ' ') + 1 : NULL;
      if (f == NULL)
        continue;
      char *mp = xstrndup (f, strcspn (f, " "));
      mountinfo_unescape (mp);
      if (path_is_under (mp, rootfs_path))
        {
          free (mp);
          continue;
        }
      targets = xrealloc (targets, (n + 2) * sizeof *targets);
      targets[n++] = mp;
      targets[n] = NULL;
    }
  /* Deepest (latest) first. */
  for (size_t i = n; i > 0; i--)
    if (hide_host_mount (targets[i - 1], err) < 0)
      return -1;
  return 0;
}

/* --no-pivot: move the rootfs over "/" and chroot (weaker than pivot_root:
   chroot can be escaped by a process that keeps CAP_SYS_CHROOT). */
static int
move_root (const char *rootfs_path, struct casco_error **err)
{
  if (hide_host_proc_sys (rootfs_path, err) < 0)
    return -1;
  _cleanup_close_ int newroot = open (rootfs_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (newroot < 0 || fchdir (newroot) < 0)
    return casco_error_set (err, errno, "--no-pivot: entering `%s`", rootfs_path);
  if (move_mount (newroot, "", AT_FDCWD, "/", MOVE_MOUNT_F_EMPTY_PATH) < 0)
    return casco_error_set (err, errno, "--no-pivot: moving `%s` onto /", rootfs_path);
  if (chroot (".") < 0 || chdir ("/") < 0)
    return casco_error_set (err, errno, "--no-pivot: chroot");
  explain (D04, "chroot (--no-pivot): %s moved onto / and chroot'ed into; the host's tree is still "
                "in this mount namespace, weaker than pivot_root", rootfs_path);
  return 0;
}

int
rootfs_pivot (const struct rootfs_config *c, struct casco_error **err)
{
  return c->no_pivot ? move_root (c->rootfs_path, err) : pivot_into (c->rootfs_path, err);
}

/* ------------------------------------------------------------------ */
/* rootfs_bind_console                                                 */
/* ------------------------------------------------------------------ */

#define LEAF_RESOLVE (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS)

int
rootfs_bind_console (int slave_fd, struct casco_error **err)
{
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return casco_error_set (err, errno, "/dev/console: opening /");
  _cleanup_close_ int dev = inroot_mkpath (root, "/dev", INROOT_DIR, 0, "/dev/console", err);
  if (dev < 0)
    return -1;
  /* O_EXCL|O_NOFOLLOW: an image's /dev/console symlink is never followed
     to create or mount over its target (CVE-2025-52565 class). */
  int fd = openat (dev, "console", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0666);
  if (fd < 0 && errno != EEXIST)
    return casco_error_set (err, errno, "/dev/console: creating it");
  if (fd >= 0)
    {
      fchmod (fd, 0666);
      close (fd);
    }
#ifdef CASCO_WEAKEN_CONSOLE_NOFOLLOW
  /* prove-red: follow an image's /dev/console symlink (CVE-2025-52565) */
  _cleanup_close_ int target = inroot_open (root, "/dev/console", O_PATH, 0);
#else
  _cleanup_close_ int target = sys_openat2 (dev, "console", O_PATH | O_CLOEXEC, LEAF_RESOLVE, 0);
#endif
  if (target < 0 && errno == ELOOP)
    return casco_error_config (err, "/dev/console", "it is a symlink in the container; refusing to follow it");
  struct stat st;
  if (target < 0 || fstat (target, &st) < 0)
    return casco_error_set (err, errno, "/dev/console: opening it");
  if (!S_ISREG (st.st_mode) && !S_ISCHR (st.st_mode))
    return casco_error_config (err, "/dev/console", "it exists and is neither a file nor a device; refusing");

  _cleanup_close_ int tree = open_tree (slave_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return casco_error_set (err, errno, "/dev/console: cloning the pty slave");
  return mount_attach (tree, target, "/dev/console", err);
}

/* ------------------------------------------------------------------ */
/* rootfs_finalize                                                     */
/* ------------------------------------------------------------------ */

static bool
has_prefix (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

int
rootfs_sysctl_check (const struct rootfs_config *c, const char *key, struct casco_error **err)
{
  static const char *const ipc_prefixes[] = { "kernel.shm", "kernel.msg", "kernel.sem", "fs.mqueue." };
  _cleanup_free_ char *json = xasprintf ("linux.sysctl.%s", key);
  _cleanup_free_ char *k = xstrdup (key);
  for (char *p = k; *p; p++)
    if (*p == '/')
      *p = '.';
  for (size_t i = 0; i < ARRAY_SIZE (ipc_prefixes); i++)
    if (has_prefix (k, ipc_prefixes[i]))
      return c->new_ipcns ? 0 : casco_error_config (err, json, "an IPC namespace setting, but the container "
                                                               "shares the host's ipc namespace");
  if (has_prefix (k, "net."))
    return c->new_netns ? 0 : casco_error_config (err, json, "a network namespace setting, but the "
                                                             "container shares the host's network namespace");
  if (strcmp (k, "kernel.hostname") == 0 || strcmp (k, "kernel.domainname") == 0)
    return c->new_utsns ? 0 : casco_error_config (err, json, "a UTS namespace setting, but the container "
                                                             "shares the host's uts namespace");
  return casco_error_config (err, json, "not namespaced by the kernel: setting it from a container would "
                                        "change it for the whole host");
}

/* "net.ipv4.ip_forward" → "sys/net/ipv4/ip_forward"; the "/" form is taken
   as written (interface names may hold dots).  NULL for a bad key. */
static char *
sysctl_proc_path (const char *key)
{
  _cleanup_free_ char *rel = xstrdup (key);
  if (strchr (rel, '/') == NULL)
    for (char *p = rel; *p; p++)
      if (*p == '.')
        *p = '/';
  for (const char *p = rel; *p;)
    {
      size_t n = strcspn (p, "/");
      if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
        return NULL;
      p += n;
      if (*p == '/')
        p++;
      if (*p == '\0' && p[-1] == '/')
        return NULL;
    }
  return xasprintf ("sys/%s", rel);
}

/* The container's /proc, accepted only if it is the root of a real procfs:
   a fake or bind-mounted /proc would redirect the writes (CVE-2025-52881). */
static int
open_verified_proc (struct casco_error **err)
{
#ifdef CASCO_WEAKEN_PROCFS_VERIFY
  /* prove-red: trust whatever /proc is (CVE-2025-52881) */
  int weak = open ("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
  return weak >= 0 ? weak : casco_error_set (err, errno, "linux.sysctl: opening /proc");
#endif
  struct casco_error *why = NULL;
  int fd = open_procfs (&why);
  if (fd >= 0)
    return fd;
  casco_error_free (why);
  return casco_error_config (err, "linux.sysctl", "the container's /proc is not the root of a procfs; "
                                                  "mounts[] must mount proc on /proc to set sysctls");
}

static int
write_one_sysctl (int proc_fd, const struct spec_kv *kv, struct casco_error **err)
{
  _cleanup_free_ char *json = xasprintf ("linux.sysctl.%s", kv->key);
  _cleanup_free_ char *rel = sysctl_proc_path (kv->key);
  if (rel == NULL)
    return casco_error_config (err, json, "not a sysctl name");
  /* NO_XDEV: the file must be procfs's own, not something mounted over it. */
#ifdef CASCO_WEAKEN_PROCFS_VERIFY
  _cleanup_close_ int fd = openat (proc_fd, rel, O_WRONLY | O_NOCTTY | O_CLOEXEC);
#else
  _cleanup_close_ int fd = sys_openat2 (proc_fd, rel, O_WRONLY | O_NOCTTY | O_CLOEXEC,
                                        RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
                                        | RESOLVE_NO_XDEV, 0);
#endif
  if (fd < 0 && errno == ENOENT)
    return casco_error_config (err, json, "no such sysctl in this kernel");
  struct statfs sfs;
  if (fd < 0 || fstatfs (fd, &sfs) < 0)
    return casco_error_set (err, errno, "%s: opening /proc/%s", json, rel);
#ifndef CASCO_WEAKEN_PROCFS_VERIFY
  if (sfs.f_type != PROC_SUPER_MAGIC)
    return casco_error_config (err, json, "/proc/%s is not on procfs; refusing", rel);
#endif
  const char *value = kv->value ? kv->value : "";
  if (write_all (fd, value, strlen (value)) < 0)
    return casco_error_set (err, errno, "%s: writing \"%s\"", json, value);
  explain (D04, "sysctl: %s = %s (a namespaced sysctl: the host's value is unchanged)", kv->key, value);
  return 0;
}

/* Before the masks: /proc/sys is usually among readonlyPaths. */
static int
write_sysctls (const struct rootfs_config *c, struct casco_error **err)
{
  const struct spec_linux *l = c->spec->linux_;
  if (l == NULL || l->n_sysctl == 0)
    return 0;
  /* Check every key first: refuse the config before changing anything. */
  for (size_t i = 0; i < l->n_sysctl; i++)
    if (rootfs_sysctl_check (c, l->sysctl[i].key, err) < 0)
      return -1;
  _cleanup_close_ int proc = open_verified_proc (err);
  if (proc < 0)
    return -1;
  for (size_t i = 0; i < l->n_sysctl; i++)
    if (write_one_sysctl (proc, &l->sysctl[i], err) < 0)
      return -1;
  return 0;
}

/* Open a masked/read-only path inside the root; -1 with *skip when it is
   absent (the spec says to ignore those).  The path is opened in the form
   the policy judged (mount_clean_path: "//", "/./", ".." and a trailing
   "/" folded), so "/proc/mounts/../kcore" masks /proc/kcore as the policy
   counted it, instead of failing on a symlink the kernel would follow. */
static int
open_listed_path (int root_fd, const char *path, const char *json, bool *skip, struct casco_error **err)
{
  *skip = false;
  if (path[0] == '\0')
    {
      *skip = true;   /* names nothing; the policy does not count it either */
      return -1;
    }
  _cleanup_free_ char *clean = mount_clean_path (path);
  int fd = inroot_open (root_fd, clean, O_PATH, 0);
  if (fd >= 0)
    return fd;
  if (errno == ENOENT || errno == ENOTDIR)
    {
      *skip = true;
      return -1;
    }
  return casco_error_set (err, errno, "%s: resolving `%s`", json, path);
}

static int
mask_directory (int target, const char *json, struct casco_error **err)
{
  _cleanup_close_ int mnt = mount_new_fs ("tmpfs", "tmpfs", NULL, 0,
                                          MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV
                                          | MOUNT_ATTR_NOEXEC, json, err);
  if (mnt < 0)
    return -1;
  return mount_attach (mnt, target, json, err);
}

static int
mask_file (int target, int null_fd, const char *json, struct casco_error **err)
{
  _cleanup_close_ int tree = open_tree (null_fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return casco_error_set (err, errno, "%s: cloning /dev/null", json);
  return mount_attach (tree, target, json, err);
}

/* maskedPaths: directories under an empty read-only tmpfs, anything else
   under the verified /dev/null. */
static int
mask_paths (const struct rootfs_config *c, int root_fd, struct casco_error **err)
{
  char **paths = c->spec->linux_ ? c->spec->linux_->masked_paths : NULL;
  _cleanup_close_ int null_fd = -1;
  for (size_t i = 0; paths && paths[i]; i++)
    {
      char json[64];
      snprintf (json, sizeof json, "linux.maskedPaths[%zu]", i);
      bool skip;
      _cleanup_close_ int target = open_listed_path (root_fd, paths[i], json, &skip, err);
      if (target < 0 && skip)
        {
          explain (D04, "masked: %s is absent here: nothing to hide", paths[i]);
          continue;
        }
      struct stat st;
      if (target < 0 || fstat (target, &st) < 0)
        return target < 0 ? -1 : casco_error_set (err, errno, "%s: stat `%s`", json, paths[i]);
      if (S_ISDIR (st.st_mode))
        {
          if (mask_directory (target, json, err) < 0)
            return -1;
          explain (D04, "masked: %s (directory) under an empty read-only tmpfs", paths[i]);
          continue;
        }
      if (null_fd < 0 && (null_fd = dev_open_null (root_fd, err)) < 0)
        return -1;
      if (mask_file (target, null_fd, json, err) < 0)
        return -1;
      explain (D04, "masked: %s under /dev/null: reads return nothing", paths[i]);
    }
  return 0;
}

/* readonlyPaths: a recursive read-only clone of the path over itself,
   read-only before it is attached. */
static int
readonly_paths (const struct rootfs_config *c, int root_fd, struct casco_error **err)
{
  char **paths = c->spec->linux_ ? c->spec->linux_->readonly_paths : NULL;
  for (size_t i = 0; paths && paths[i]; i++)
    {
      char json[64];
      snprintf (json, sizeof json, "linux.readonlyPaths[%zu]", i);
      bool skip;
      _cleanup_close_ int target = open_listed_path (root_fd, paths[i], json, &skip, err);
      if (target < 0 && skip)
        {
          explain (D04, "read-only: %s is absent here: nothing to protect", paths[i]);
          continue;
        }
      if (target < 0)
        return -1;
      _cleanup_close_ int tree = open_tree (target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE
                                                        | AT_EMPTY_PATH);
      if (tree < 0)
        return casco_error_set (err, errno, "%s: cloning `%s`", json, paths[i]);
      if (mount_set_attr (tree, true, MOUNT_ATTR_RDONLY, 0, 0, json, err) < 0
          || mount_attach (tree, target, json, err) < 0)
        return -1;
      explain (D04, "read-only: %s (a read-only bind of itself)", paths[i]);
    }
  return 0;
}

/* root.readonly: only the root mount, keeping its other flags (runc). */
static int
make_root_readonly (const struct rootfs_config *c, int root_fd, struct casco_error **err)
{
  if (c->spec->root == NULL || !c->spec->root->readonly)
    {
      explain (D09, "root: left WRITABLE (root.readonly is false): the process can change its image");
      return 0;
    }
  if (mount_set_attr (root_fd, false, MOUNT_ATTR_RDONLY, 0, 0, "root.readonly", err) < 0)
    return -1;
  explain (D09, "root: made read-only (root.readonly): the image cannot be changed from inside");
  return 0;
}

int
rootfs_finalize (const struct rootfs_config *c, struct casco_error **err)
{
  _cleanup_close_ int root_fd = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return casco_error_set (err, errno, "opening the container root");
  if (write_sysctls (c, err) < 0)
    return -1;
  if (mask_paths (c, root_fd, err) < 0 || readonly_paths (c, root_fd, err) < 0)
    return -1;
  /* Everything above may still need to write under "/". */
  if (make_root_readonly (c, root_fd, err) < 0)
    return -1;
  /* An explicit rootfsPropagation is for the container's "/", which exists
     only after pivot_root; last, because an unbindable tree can no longer
     be cloned for the masks and the terminal above. */
  unsigned long prop;
  bool explicit_;
  if (root_propagation (c->spec, &prop, &explicit_, err) < 0)
    return -1;
  return explicit_ ? root_set_propagation (prop, err) : 0;
}

/* casco — performing one OCI mount with the new mount API (open_tree/fsopen
   → mount_setattr → move_mount onto a verified fd), so no step ever walks a
   path string the container image controls (CVE-2021-30465, CVE-2024-45310
   classes): the mount kinds, and the bind trees the parent clones before
   the container exists.  What to mount is decided by the pure
   mount_options.c; where, by inroot.c; tmpcopyup is mount_tmpcopyup.c's. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <linux/magic.h>

#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "syscalls.h"
#include "util.h"
#include "weaken.h"
#include "hostobj.h"
#include "inroot.h"
#include "mount.h"
#include "mount_options.h"
#include "mount_tmpcopyup.h"

/* ------------------------------------------------------------------ */
/* Performing mounts.                                                  */
/* ------------------------------------------------------------------ */

int
mount_attach (int tree_fd, int target_fd, const char *what, struct casco_error **err)
{
  if (move_mount (tree_fd, "", target_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return casco_error_set (err, errno, "%s: attaching the mount", what);
  return 0;
}

int
mount_set_attr (int fd, bool recursive, uint64_t set, uint64_t clr, uint64_t propagation,
                const char *what, struct casco_error **err)
{
  struct mount_attr a = { .attr_set = set, .attr_clr = clr, .propagation = propagation };
  unsigned int flags = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  if (mount_setattr (fd, "", flags, &a, sizeof a) < 0)
    return casco_error_set (err, errno, "%s: setting mount attributes%s", what,
                            errno == EPERM && clr ? " (flags locked by a more privileged namespace "
                                                    "cannot be cleared)" : "");
  return 0;
}

/* The kernel explains fsconfig() failures in the context's log: read it. */
static int
fs_context_error (int fsfd, int errno_, const char *what, const char *fstype, const char *param,
                  struct casco_error **err)
{
  char buf[512], last[512] = "";
  ssize_t n;
  while ((n = read (fsfd, buf, sizeof buf - 1)) > 0)
    {
      buf[n] = '\0';
      buf[strcspn (buf, "\n")] = '\0';
      snprintf (last, sizeof last, "%s", n > 2 && buf[1] == ' ' ? buf + 2 : buf);
    }
  if (last[0])
    return casco_error_set (err, errno_, "%s: %s \"%s\" (kernel: %s)", what, fstype, param, last);
  return casco_error_set (err, errno_, "%s: %s \"%s\"", what, fstype, param);
}

static int
fs_set_param (int fsfd, const char *word, const char *what, const char *fstype, struct casco_error **err)
{
  const char *eq = strchr (word, '=');
  int r;
  if (eq == NULL)
    r = fsconfig (fsfd, FSCONFIG_SET_FLAG, word, NULL, 0);
  else
    {
      _cleanup_free_ char *key = xstrndup (word, (size_t) (eq - word));
      r = fsconfig (fsfd, FSCONFIG_SET_STRING, key, eq + 1, 0);
    }
  return r < 0 ? fs_context_error (fsfd, errno, what, fstype, word, err) : 0;
}

int
mount_new_fs (const char *fstype, const char *source, char *const *data, unsigned long sb_flags,
              uint64_t attr, const char *what, struct casco_error **err)
{
  /* Superblock flags travel as fsconfig() flags under these names. */
  static const struct { unsigned long ms; const char *name; } sb_words[] = {
    { MS_SYNCHRONOUS, "sync" }, { MS_DIRSYNC, "dirsync" }, { MS_MANDLOCK, "mand" },
    { MS_LAZYTIME, "lazytime" },
  };
  _cleanup_close_ int fsfd = fsopen (fstype, FSOPEN_CLOEXEC);
  if (fsfd < 0)
    return casco_error_set (err, errno, "%s: fsopen(\"%s\")%s", what, fstype,
                            errno == ENODEV ? " (filesystem type unknown to this kernel)" : "");
  if (source && source[0] && fsconfig (fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    return fs_context_error (fsfd, errno, what, fstype, "source", err);
  for (size_t i = 0; data && data[i]; i++)
    if (fs_set_param (fsfd, data[i], what, fstype, err) < 0)
      return -1;
  for (size_t i = 0; i < ARRAY_SIZE (sb_words); i++)
    if ((sb_flags & sb_words[i].ms) && fs_set_param (fsfd, sb_words[i].name, what, fstype, err) < 0)
      return -1;
  if (fsconfig (fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fs_context_error (fsfd, errno, what, fstype, "create", err);
  int mnt = fsmount (fsfd, FSMOUNT_CLOEXEC, (unsigned int) attr);
  if (mnt < 0)
    return casco_error_set (err, errno, "%s: fsmount %s", what, fstype);
  return mnt;
}

/* ---- the mount kinds ---- */

static char *
bind_source_path (const char *bundle_path, const char *source)
{
  if (source[0] == '/' || bundle_path == NULL)
    return xstrdup (source);
  return xasprintf ("%s/%s", bundle_path, source);
}

/* Propagation words after attaching: a detached tree has no peers to set. */
static int
apply_propagation (int mnt_fd, const struct mount_plan *p, const char *what, struct casco_error **err)
{
  for (size_t i = 0; i < p->o.n_propagation; i++)
    {
      unsigned long f = p->o.propagation[i];
      if (mount_set_attr (mnt_fd, f & MS_REC, 0, 0, f & ~(unsigned long) MS_REC, what, err) < 0)
        return -1;
    }
  return 0;
}

/* Attributes before attaching: the mount is never visible writable or suid. */
static int
apply_attrs (int mnt_fd, const struct mount_plan *p, bool top, const char *what, struct casco_error **err)
{
  if (top && (p->attr_set | p->attr_clr)
      && mount_set_attr (mnt_fd, false, p->attr_set, p->attr_clr, 0, what, err) < 0)
    return -1;
#ifndef CASCO_WEAKEN_RBIND_RO   /* prove-red: "ro" on the top mount only (CVE-2023-25809) */
  /* "ro" on an rbind covers every submount: /sys bound "rbind,ro" must not
     keep the host's /sys/fs/cgroup under it writable (CVE-2023-25809). */
  if (top && p->recursive && (p->attr_set & MOUNT_ATTR_RDONLY)
      && mount_set_attr (mnt_fd, true, MOUNT_ATTR_RDONLY, 0, 0, what, err) < 0)
    return -1;
#endif
  if ((p->o.rec_attr_set | p->o.rec_attr_clr)
      && mount_set_attr (mnt_fd, true, p->o.rec_attr_set, p->o.rec_attr_clr, 0, what, err) < 0)
    return -1;
  return 0;
}

/* The destination of proc/sysfs must be a real directory: no symlink
   anywhere on the way (CVE-2019-16884, CVE-2019-19921 classes). */
static bool
dest_must_not_symlink (const struct mount_plan *p)
{
#ifdef CASCO_WEAKEN_PROC_NOSYMLINK
  return false;   /* prove-red: follow a symlinked /proc (CVE-2019-16884) */
#endif
  return p->kind == MOUNT_KIND_FS && (strcmp (p->fstype, "proc") == 0 || strcmp (p->fstype, "sysfs") == 0);
}

static int
open_destination (const struct mount_env *env, const struct mount_plan *p, size_t index, bool as_file,
                  struct casco_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "mounts[%zu].destination", index);
  uint64_t extra = dest_must_not_symlink (p) ? RESOLVE_NO_SYMLINKS : 0;
  _cleanup_close_ int fd = inroot_mkpath (env->rootfs_fd, p->dest, as_file ? INROOT_FILE : INROOT_DIR,
                                          extra, path, err);
  if (fd < 0)
    return -1;
  struct stat st;
  struct statfs sfs;
  if (fstat (fd, &st) < 0 || fstatfs (fd, &sfs) < 0)
    return casco_error_set (err, errno, "%s: stat `%s`", path, p->dest);
  if (dest_must_not_symlink (p) && !S_ISDIR (st.st_mode))
    return casco_error_config (err, path, "`%s` is not a directory; refusing to mount %s on it", p->dest,
                               p->fstype);
  /* A destination that lands inside a procfs (through a symlink, say) gets
     runc's /proc rule too: the string check alone would miss it. */
  bool proc_ok = strcmp (p->dest, "/proc") == 0
                 || (path_has_prefix (p->dest, "/proc") && mount_dest_allowed_in_proc (p->dest));
#ifdef CASCO_WEAKEN_PROC_DEST
  proc_ok = true;   /* prove-red: mount over procfs through a symlink (CVE-2019-19921) */
#endif
  if (sfs.f_type == PROC_SUPER_MAGIC && !proc_ok)
    return casco_error_config (err, path, "`%s` resolves to a path inside a procfs; refusing", p->dest);
  return steal_fd (&fd);
}

/* Kernels since 6.8 list /proc/self/mountinfo by mount id, that is by
   creation, and the parent cloned every bind tree before the container's
   other mounts existed; tools that read mountinfo (runtime-tools'
   validation among them) expect the config's order.  So the attached tree
   (the very one the policy judged) is cloned again now, the clone takes its
   place and the first copy is detached.  The kernel clones only a tree in
   the caller's own namespace, hence after attaching; the clone keeps the
   attributes the parent set.  Returns the clone attached on target, -1
   when it could not be made (the first copy then stays, correct but out of
   order), or -2 with *err set when the first copy is gone and the clone
   could not be attached. */
static int
renew_in_config_order (int attached, int target, bool recursive, const char *what, struct casco_error **err)
{
  _cleanup_close_ int fresh = open_tree (attached, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH
                                                          | (recursive ? AT_RECURSIVE : 0));
  struct casco_error *proc_err = NULL;
  _cleanup_close_ int proc = fresh >= 0 ? open_procfs (&proc_err) : -1;
  casco_error_free (proc_err);
  if (proc < 0)
    return -1;
  /* umount2 takes only a path: our own fd, through the procfs just verified
     (nothing else runs in this mount namespace yet) */
  char link[64];
  snprintf (link, sizeof link, "/proc/thread-self/fd/%d", attached);
  if (umount2 (link, MNT_DETACH) < 0)   /* the magic link leads to that mount's root */
    return -1;
  if (mount_attach (fresh, target, what, err) < 0)
    return -2;
  return steal_fd (&fresh);
}

/* The child's half of a bind: attach the tree the parent cloned from the
   judged source (mount_bind_trees) onto the destination. */
static int
mount_bind (const struct mount_env *env, const struct spec_mount *m, const struct mount_plan *p, size_t index,
            const char *what, struct casco_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "mounts[%zu].source", index);
  int tree = env->bind_trees ? env->bind_trees[index] : -1;
  if (tree < 0)
    return casco_error_set (err, EBADF, "%s: the bind source was not opened before the container", what);
  for (size_t i = 0; p->o.data && p->o.data[i]; i++)
    casco_warn ("%s: option \"%s\" means nothing for a bind mount; ignored", what, p->o.data[i]);

  struct stat st;
  struct statfs sfs;
  if (fstat (tree, &st) < 0 || fstatfs (tree, &sfs) < 0)
    return casco_error_set (err, errno, "%s: stat bind source `%s`", what, m->source);
  if (strcmp (p->dest, "/proc") == 0 && sfs.f_type != PROC_SUPER_MAGIC)
    return casco_error_config (err, path, "only a procfs may be bound on /proc; `%s` is not one", m->source);

  _cleanup_close_ int target = open_destination (env, p, index, !S_ISDIR (st.st_mode), err);
  if (target < 0)
    return -1;
  if (mount_attach (tree, target, what, err) < 0)
    return -1;
  _cleanup_close_ int fresh = renew_in_config_order (tree, target, p->recursive, what, err);
  if (fresh == -2)
    return -1;
  return apply_propagation (fresh >= 0 ? fresh : tree, p, what, err);
}

/* "remount": change the attributes of what is already mounted there. */
static int
mount_remount (const struct mount_env *env, const struct mount_plan *p, size_t index, const char *what,
               struct casco_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "mounts[%zu].destination", index);
  _cleanup_close_ int target = inroot_open (env->rootfs_fd, p->dest, O_PATH, 0);
  if (target < 0)
    return inroot_error (path, p->dest, errno, err);
  if (p->o.data && p->o.data[0])
    casco_warn ("%s: filesystem options are not changed by a remount; ignored", what);
  if (apply_attrs (target, p, true, what, err) < 0)
    return -1;
  return apply_propagation (target, p, what, err);
}

/* The host's own tree, cloned: the fallback where a fresh instance is
   refused (sysfs in a user ns without its own net ns, as runc does). */
static int
clone_host_tree (const char *host_path, const struct mount_plan *p, const char *what, struct casco_error **err)
{
  _cleanup_close_ int tree = open_tree (AT_FDCWD, host_path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  if (tree < 0)
    return casco_error_set (err, errno, "%s: cloning the host's `%s`", what, host_path);
  /* Recursive: the read-only/nosuid asked for the fresh mount must hold for
     every submount of the host tree too. */
#ifndef CASCO_WEAKEN_CGROUP_RO   /* prove-red: keep the host's flags (CVE-2023-25809) */
  if ((p->attr_set | p->attr_clr) && mount_set_attr (tree, true, p->attr_set, p->attr_clr, 0, what, err) < 0)
    return -1;
#endif
  return steal_fd (&tree);
}

static const char *
host_fallback_for (const struct mount_plan *p)
{
  if (strcmp (p->fstype, "sysfs") == 0)
    return "/sys";
  if (strcmp (p->fstype, "mqueue") == 0)
    return "/dev/mqueue";
  if (strcmp (p->fstype, "cgroup2") == 0)
    return "/sys/fs/cgroup";
  return NULL;
}

static bool
host_fallback_usable (const char *host_path, const char *fstype)
{
  struct statfs sfs;
  if (statfs (host_path, &sfs) < 0)
    return false;
  if (strcmp (fstype, "cgroup2") == 0)
    return sfs.f_type == CGROUP2_SUPER_MAGIC;
  if (strcmp (fstype, "sysfs") == 0)
    return sfs.f_type == SYSFS_MAGIC;
  return true;
}

static int
new_fs_or_host_tree (const struct mount_env *env, const struct spec_mount *m, const struct mount_plan *p,
                     const char *what, struct casco_error **err)
{
  const char *fallback = host_fallback_for (p);
  /* sysfs needs the net ns to belong to our user ns; do not even try. */
  if (env->new_userns && !env->new_netns && strcmp (p->fstype, "sysfs") == 0)
    return clone_host_tree ("/sys", p, what, err);

  unsigned long sb_flags = p->o.flags & (MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_LAZYTIME);
  _cleanup_error_ struct casco_error *local = NULL;
  int mnt = mount_new_fs (p->fstype, m->source, p->o.data, sb_flags, p->attr_set, what, &local);
  if (mnt >= 0)
    return mnt;
  if (fallback && (local->errno_ == EPERM || local->errno_ == EBUSY)
      && host_fallback_usable (fallback, p->fstype))
    {
      casco_debug ("%s: a new %s is not permitted here; cloning the host's %s", what, p->fstype, fallback);
      return clone_host_tree (fallback, p, what, err);
    }
  if (strcmp (p->fstype, "cgroup2") == 0 && local->errno_ == EPERM)
    return casco_error_set (err, EPERM, "%s: a new cgroup2 is refused here (a user namespace without its own "
                                        "cgroup namespace?) and the host's /sys/fs/cgroup is not cgroup2 to "
                                        "bind instead; add a cgroup namespace", what);
  *err = steal_pointer (&local);
  return -1;
}

static int
mount_fs (const struct mount_env *env, const struct spec_mount *m, const struct mount_plan *p, size_t index,
          const char *what, struct casco_error **err)
{
  _cleanup_close_ int target = open_destination (env, p, index, false, err);
  if (target < 0)
    return -1;
  _cleanup_close_ int mnt = new_fs_or_host_tree (env, m, p, what, err);
  if (mnt < 0)
    return -1;
  if (p->o.tmpcopyup && strcmp (p->fstype, "tmpfs") == 0 && tmpfs_copy_up (target, mnt, what, err) < 0)
    return -1;
  if (apply_attrs (mnt, p, false, what, err) < 0 || mount_attach (mnt, target, what, err) < 0)
    return -1;
  return apply_propagation (mnt, p, what, err);
}

/* Without a device cgroup, nodev is what keeps device nodes from opening:
   no option of the config ("dev", "rdev", a remount) may clear it.  devpts
   keeps its nodes (the ptys); a remount only may not clear it, since it may
   name /dev/pts. */
static void
mount_plan_force_nodev (struct mount_plan *p)
{
  p->attr_clr &= ~(uint64_t) MOUNT_ATTR_NODEV;
  p->o.rec_attr_clr &= ~(uint64_t) MOUNT_ATTR_NODEV;
  if (p->kind == MOUNT_KIND_REMOUNT || (p->kind == MOUNT_KIND_FS && strcmp (p->fstype, "devpts") == 0))
    return;
  p->attr_set |= MOUNT_ATTR_NODEV;
  if (p->recursive)
    p->o.rec_attr_set |= MOUNT_ATTR_NODEV;
}

/* --explain: what was mounted where, with which options, and why it matters. */
static void
explain_mount (const struct mount_env *env, const struct spec_mount *m, const struct mount_plan *p)
{
  _cleanup_free_ char *opts = xstrdup ("");
  for (size_t i = 0; m->options && m->options[i]; i++)
    {
      char *longer = xasprintf ("%s%s%s", opts, i ? "," : "", m->options[i]);
      free (opts);
      opts = longer;
    }
  bool ro = mount_plan_readonly (p);
  if (p->kind == MOUNT_KIND_BIND)
    {
      _cleanup_free_ char *src = bind_source_path (env->bundle_path, m->source);
      casco_explain_line (EXPLAIN_D06, "mount: bind host path %s -> %s (%s)%s", src, p->dest, opts,
                          ro ? "" : ": WRITABLE from the container, keep secrets and the host's "
                                    "state out of such paths");
      return;
    }
  casco_explain_line (p->kind == MOUNT_KIND_REMOUNT ? EXPLAIN_D09 : EXPLAIN_D04,
                      "mount: %s %s -> %s (%s)", p->kind == MOUNT_KIND_REMOUNT ? "remount" : p->fstype,
                      m->source ? m->source : "none", p->dest, opts[0] ? opts : "no options");
}

int
mount_perform (const struct mount_env *env, const struct spec_mount *m, size_t index, struct casco_error **err)
{
  _cleanup_mount_plan_ struct mount_plan p;
  if (mount_plan_build (m, index, &p, err) < 0)
    return -1;
  if (env->nodev)
    mount_plan_force_nodev (&p);
  _cleanup_free_ char *what = xasprintf ("mounts[%zu] (%s on `%s`)", index,
                                         p.kind == MOUNT_KIND_BIND ? "bind" : p.fstype, p.dest);
  casco_debug ("%s", what);
  int rc;
  switch (p.kind)
    {
    case MOUNT_KIND_BIND:
      rc = mount_bind (env, m, &p, index, what, err);
      break;
    case MOUNT_KIND_REMOUNT:
      rc = mount_remount (env, &p, index, what, err);
      break;
    default:
      rc = mount_fs (env, m, &p, index, what, err);
      break;
    }
  if (rc == 0 && casco_explain_enabled)
    explain_mount (env, m, &p);
  return rc;
}

/* ---- bind trees, cloned by the parent ---- */

void
mount_bind_trees_freep (int **trees)
{
  if (*trees == NULL)
    return;
  for (size_t i = 0; (*trees)[i] != INT_MIN; i++)
    closep (&(*trees)[i]);
  free (*trees);
  *trees = NULL;
}

static int
clone_bind_tree (const struct spec_mount *m, size_t index, const struct host_object *src, bool nodev, int *out,
                 struct casco_error **err)
{
  _cleanup_mount_plan_ struct mount_plan p;
  if (mount_plan_build (m, index, &p, err) < 0)
    return -1;
  if (nodev)
    mount_plan_force_nodev (&p);
  _cleanup_free_ char *what = xasprintf ("mounts[%zu] (bind on `%s`)", index, p.dest);
  unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | (p.recursive ? AT_RECURSIVE : 0);
  /* the very object the policy judged: no path is looked up again */
  _cleanup_close_ int tree = open_tree (src->fd, "", flags);
  if (tree < 0)
    return casco_error_set (err, errno, "%s: cloning bind source `%s`%s", what, src->path,
                            errno == EINVAL && !p.recursive ? " (it has submounts the kernel locks "
                                                              "together: use \"rbind\")" : "");
  /* Attributes before the container can see it: never writable or suid there. */
  if (apply_attrs (tree, &p, true, what, err) < 0)
    return -1;
  *out = steal_fd (&tree);
  return 0;
}

int
mount_bind_trees (const struct spec *s, const struct host_objects *sources, bool nodev, int **trees,
                  struct casco_error **err)
{
  int *v = xmalloc0 ((s->n_mounts + 1) * sizeof *v);
  for (size_t i = 0; i < s->n_mounts; i++)
    v[i] = -1;
  v[s->n_mounts] = INT_MIN;   /* the end, for mount_bind_trees_freep */
  *trees = v;
  for (size_t i = 0; i < s->n_mounts && i < sources->n; i++)
    if (sources->v[i].fd >= 0 && clone_bind_tree (&s->mounts[i], i, &sources->v[i], nodev, &v[i], err) < 0)
      return -1;
  return 0;
}

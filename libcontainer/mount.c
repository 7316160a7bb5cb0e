/* One OCI mount: options → kernel terms (pure, unit-tested), paths inside
   the rootfs resolved with openat2(RESOLVE_IN_ROOT), and the mount made
   with the new mount API (open_tree/fsopen → mount_setattr → move_mount
   onto a verified fd), so no step ever walks a path string the container
   image controls (CVE-2021-30465, CVE-2024-45310 classes). */
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
#include "casco/syscalls.h"
#include "casco/util.h"
#include "casco/weaken.h"
#include "hostobj.h"
#include "mount.h"

/* ------------------------------------------------------------------ */
/* Option parsing: runc's vocabulary.                                  */
/* ------------------------------------------------------------------ */

struct flag_word
{
  const char *name;
  bool clear;
  unsigned long flag;
};

/* Words that set or clear an MS_* flag; the last word about a flag wins. */
static const struct flag_word flag_words[] = {
  { "acl", false, MS_POSIXACL },        { "async", true, MS_SYNCHRONOUS },
  { "atime", true, MS_NOATIME },        { "bind", false, MS_BIND },
  { "dev", true, MS_NODEV },            { "diratime", true, MS_NODIRATIME },
  { "dirsync", false, MS_DIRSYNC },     { "exec", true, MS_NOEXEC },
  { "iversion", false, MS_I_VERSION },  { "lazytime", false, MS_LAZYTIME },
  { "loud", true, MS_SILENT },          { "mand", false, MS_MANDLOCK },
  { "noacl", true, MS_POSIXACL },       { "noatime", false, MS_NOATIME },
  { "nodev", false, MS_NODEV },         { "nodiratime", false, MS_NODIRATIME },
  { "noexec", false, MS_NOEXEC },       { "noiversion", true, MS_I_VERSION },
  { "nolazytime", true, MS_LAZYTIME },  { "nomand", true, MS_MANDLOCK },
  { "norelatime", true, MS_RELATIME },  { "nostrictatime", true, MS_STRICTATIME },
  { "nosuid", false, MS_NOSUID },       { "nosymfollow", false, MS_NOSYMFOLLOW },
  { "rbind", false, MS_BIND | MS_REC }, { "relatime", false, MS_RELATIME },
  { "remount", false, MS_REMOUNT },     { "ro", false, MS_RDONLY },
  { "rw", true, MS_RDONLY },            { "silent", false, MS_SILENT },
  { "strictatime", false, MS_STRICTATIME }, { "suid", true, MS_NOSUID },
  { "symfollow", true, MS_NOSYMFOLLOW }, { "sync", false, MS_SYNCHRONOUS },
};

struct propagation_word
{
  const char *name;
  unsigned long flag;
};

static const struct propagation_word propagation_words[] = {
  { "private", MS_PRIVATE },       { "rprivate", MS_PRIVATE | MS_REC },
  { "shared", MS_SHARED },         { "rshared", MS_SHARED | MS_REC },
  { "slave", MS_SLAVE },           { "rslave", MS_SLAVE | MS_REC },
  { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE | MS_REC },
};

struct attr_word
{
  const char *name;
  bool clear;
  uint64_t attr;
  bool atime;    /* attr is a value of the MOUNT_ATTR__ATIME enum, not a bit */
};

/* Recursive attributes (mount_setattr AT_RECURSIVE), OCI 1.1 "rro" & co.
   The atime words are an enum: clearing one means "back to relatime". */
static const struct attr_word attr_words[] = {
  { "rro", false, MOUNT_ATTR_RDONLY, false },          { "rrw", true, MOUNT_ATTR_RDONLY, false },
  { "rnosuid", false, MOUNT_ATTR_NOSUID, false },      { "rsuid", true, MOUNT_ATTR_NOSUID, false },
  { "rnodev", false, MOUNT_ATTR_NODEV, false },        { "rdev", true, MOUNT_ATTR_NODEV, false },
  { "rnoexec", false, MOUNT_ATTR_NOEXEC, false },      { "rexec", true, MOUNT_ATTR_NOEXEC, false },
  { "rnodiratime", false, MOUNT_ATTR_NODIRATIME, false }, { "rdiratime", true, MOUNT_ATTR_NODIRATIME, false },
  { "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW, false }, { "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW, false },
  { "rrelatime", false, MOUNT_ATTR_RELATIME, true },   { "rnorelatime", true, MOUNT_ATTR_RELATIME, true },
  { "rnoatime", false, MOUNT_ATTR_NOATIME, true },     { "ratime", true, MOUNT_ATTR_NOATIME, true },
  { "rstrictatime", false, MOUNT_ATTR_STRICTATIME, true }, { "rnostrictatime", true, MOUNT_ATTR_STRICTATIME, true },
};

char **
mount_option_names (void)
{
  size_t n = ARRAY_SIZE (flag_words) + ARRAY_SIZE (propagation_words) + ARRAY_SIZE (attr_words) + 2;
  char **v = xmalloc0 ((n + 1) * sizeof *v);
  size_t k = 0;
  v[k++] = xstrdup ("defaults");
  v[k++] = xstrdup ("tmpcopyup");
  for (size_t i = 0; i < ARRAY_SIZE (flag_words); i++)
    v[k++] = xstrdup (flag_words[i].name);
  for (size_t i = 0; i < ARRAY_SIZE (propagation_words); i++)
    v[k++] = xstrdup (propagation_words[i].name);
  for (size_t i = 0; i < ARRAY_SIZE (attr_words); i++)
    v[k++] = xstrdup (attr_words[i].name);
  return v;
}

static bool
parse_flag_word (struct mount_options *o, const char *w)
{
  if (strcmp (w, "defaults") == 0)
    return true;   /* fstab's "nothing special" */
  for (size_t i = 0; i < ARRAY_SIZE (flag_words); i++)
    {
      const struct flag_word *f = &flag_words[i];
      if (strcmp (w, f->name) != 0)
        continue;
      if (f->clear)
        {
          o->flags &= ~f->flag;
          o->cleared |= f->flag;
        }
      else
        {
          o->flags |= f->flag;
          o->cleared &= ~f->flag;
        }
      return true;
    }
  return false;
}

int
mount_propagation_from_name (const char *name, unsigned long *out)
{
  for (size_t i = 0; i < ARRAY_SIZE (propagation_words); i++)
    if (strcmp (name, propagation_words[i].name) == 0)
      {
        *out = propagation_words[i].flag;
        return 0;
      }
  return -1;
}

static bool
parse_propagation_word (struct mount_options *o, const char *w)
{
  unsigned long flag;
  if (mount_propagation_from_name (w, &flag) < 0)
    return false;
  o->propagation = xrealloc (o->propagation, (o->n_propagation + 1) * sizeof *o->propagation);
  o->propagation[o->n_propagation++] = flag;
  return true;
}

static bool
parse_attr_word (struct mount_options *o, const char *w)
{
  for (size_t i = 0; i < ARRAY_SIZE (attr_words); i++)
    {
      const struct attr_word *a = &attr_words[i];
      if (strcmp (w, a->name) != 0)
        continue;
      if (a->atime)
        {
          /* mount_setattr(2): an atime change must clear the whole enum. */
          o->rec_attr_clr |= MOUNT_ATTR__ATIME;
          o->rec_attr_set = (o->rec_attr_set & ~(uint64_t) MOUNT_ATTR__ATIME)
                            | (a->clear ? MOUNT_ATTR_RELATIME : a->attr);
        }
      else if (a->clear)
        {
          o->rec_attr_clr |= a->attr;
          o->rec_attr_set &= ~a->attr;
        }
      else
        {
          o->rec_attr_set |= a->attr;
          o->rec_attr_clr &= ~a->attr;
        }
      return true;
    }
  return false;
}

static void
add_data_word (struct mount_options *o, const char *w)
{
  size_t n = strv_len (o->data);
  o->data = xrealloc (o->data, (n + 2) * sizeof *o->data);
  o->data[n] = xstrdup (w);
  o->data[n + 1] = NULL;
}

int
mount_options_parse (char *const *options, size_t mount_index, struct mount_options *out,
                     struct casco_error **err)
{
  memset (out, 0, sizeof *out);
  for (size_t i = 0; options != NULL && options[i] != NULL; i++)
    {
      const char *w = options[i];
      if (*w == '\0' || parse_flag_word (out, w) || parse_propagation_word (out, w)
          || parse_attr_word (out, w))
        continue;
      if (strcmp (w, "tmpcopyup") == 0)
        {
          out->tmpcopyup = true;
          continue;
        }
      if (strcmp (w, "idmap") == 0 || strcmp (w, "ridmap") == 0)
        {
          char path[64];
          snprintf (path, sizeof path, "mounts[%zu].options[%zu]", mount_index, i);
          mount_options_clear (out);
          return casco_error_config (err, path, "idmapped mounts (\"%s\") are not supported yet", w);
        }
      add_data_word (out, w);   /* runc: anything else is for the filesystem */
    }
  return 0;
}

void
mount_options_clear (struct mount_options *o)
{
  free (o->propagation);
  strv_free (o->data);
  memset (o, 0, sizeof *o);
}

char *
mount_options_data_string (const struct mount_options *o)
{
  if (o->data == NULL || o->data[0] == NULL)
    return NULL;
  size_t len = 0;
  for (size_t i = 0; o->data[i]; i++)
    len += strlen (o->data[i]) + 1;
  char *s = xmalloc0 (len);
  for (size_t i = 0; o->data[i]; i++)
    {
      if (i > 0)
        strcat (s, ",");
      strcat (s, o->data[i]);
    }
  return s;
}

void
mount_flags_to_attr (unsigned long flags, unsigned long cleared, uint64_t *attr_set, uint64_t *attr_clr)
{
  static const struct { unsigned long ms; uint64_t attr; } bits[] = {
    { MS_RDONLY, MOUNT_ATTR_RDONLY },         { MS_NOSUID, MOUNT_ATTR_NOSUID },
    { MS_NODEV, MOUNT_ATTR_NODEV },           { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
    { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME }, { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
  };
  uint64_t set = 0, clr = 0;
  for (size_t i = 0; i < ARRAY_SIZE (bits); i++)
    {
      if (flags & bits[i].ms)
        set |= bits[i].attr;
      else if (cleared & bits[i].ms)
        clr |= bits[i].attr;
    }
  /* atime is an enum; mount(2) ranks strictatime over noatime over relatime,
     and any explicit "not X" falls back to the kernel default, relatime. */
  const unsigned long atime_ms = MS_NOATIME | MS_RELATIME | MS_STRICTATIME;
  if ((flags | cleared) & atime_ms)
    {
      clr |= MOUNT_ATTR__ATIME;
      if (flags & MS_STRICTATIME)
        set |= MOUNT_ATTR_STRICTATIME;
      else if (flags & MS_NOATIME)
        set |= MOUNT_ATTR_NOATIME;
      else
        set |= MOUNT_ATTR_RELATIME;
    }
  *attr_set = set;
  *attr_clr = clr;
}

char *
mount_clean_path (const char *path)
{
  size_t n = strlen (path);
  char *out = xmalloc0 (n + 2);
  size_t len = 0;
  const char *p = path;
  while (*p)
    {
      while (*p == '/')
        p++;
      const char *s = p;
      while (*p && *p != '/')
        p++;
      size_t cl = (size_t) (p - s);
      if (cl == 0 || (cl == 1 && s[0] == '.'))
        continue;
      if (cl == 2 && s[0] == '.' && s[1] == '.')
        {
          while (len > 0 && out[len - 1] != '/')
            len--;
          if (len > 0)
            len--;
          continue;
        }
      out[len++] = '/';
      memcpy (out + len, s, cl);
      len += cl;
    }
  if (len == 0)
    out[len++] = '/';
  out[len] = '\0';
  return out;
}

static bool
path_has_prefix (const char *path, const char *prefix)
{
  size_t n = strlen (prefix);
  return strncmp (path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

bool
mount_dest_allowed_in_proc (const char *dest)
{
  /* Files lxcfs emulates; anything else mounted inside /proc could hide a
     masked path or fake a kernel interface (CVE-2019-19921 class). */
  static const char *const lxcfs_files[] = {
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
    "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/sys/kernel/ns_last_pid",
    "/proc/sys/crypto/fips_enabled",
  };
  if (!path_has_prefix (dest, "/proc") || strcmp (dest, "/proc") == 0)
    return true;
  for (size_t i = 0; i < ARRAY_SIZE (lxcfs_files); i++)
    if (strcmp (dest, lxcfs_files[i]) == 0)
      return true;
  return false;
}

bool
mount_is_bind (const struct spec_mount *m)
{
  if (m->type && strcmp (m->type, "bind") == 0)
    return true;
  for (size_t i = 0; m->options && m->options[i]; i++)
    if (strcmp (m->options[i], "bind") == 0 || strcmp (m->options[i], "rbind") == 0)
      return true;
  return false;
}

static int
plan_check_destination (const struct mount_plan *p, size_t index, struct casco_error **err)
{
  char path[64];
  snprintf (path, sizeof path, "mounts[%zu].destination", index);
  if (strcmp (p->dest, "/") == 0)
    return casco_error_config (err, path, "mounting over the container root is not supported");
  if (!mount_dest_allowed_in_proc (p->dest))
    return casco_error_config (err, path, "`%s` is inside /proc: only proc itself and the files lxcfs "
                                          "emulates may be mounted there", p->dest);
  if (strcmp (p->dest, "/proc") == 0 && p->kind == MOUNT_KIND_FS && strcmp (p->fstype, "proc") != 0)
    return casco_error_config (err, path, "only a proc filesystem (or a bind of one) may be mounted "
                                          "on /proc, not \"%s\"", p->fstype);
  return 0;
}

int
mount_plan_build (const struct spec_mount *m, size_t index, struct mount_plan *out,
                  struct casco_error **err)
{
  char path[64];
  memset (out, 0, sizeof *out);
  if (m->n_uid_mappings > 0 || m->n_gid_mappings > 0)
    {
      snprintf (path, sizeof path, "mounts[%zu].%s", index,
                m->n_uid_mappings > 0 ? "uidMappings" : "gidMappings");
      return casco_error_config (err, path, "idmapped mounts are not supported yet");
    }
  if (m->destination == NULL || m->destination[0] == '\0')
    {
      snprintf (path, sizeof path, "mounts[%zu].destination", index);
      return casco_error_config (err, path, "a destination is required");
    }
  if (mount_options_parse (m->options, index, &out->o, err) < 0)
    return -1;
  out->fstype = m->type ? m->type : "";
  out->dest = mount_clean_path (m->destination);
  if (out->o.flags & MS_REMOUNT)
    out->kind = MOUNT_KIND_REMOUNT;
  else if ((out->o.flags & MS_BIND) || strcmp (out->fstype, "bind") == 0)
    out->kind = MOUNT_KIND_BIND;
  else
    out->kind = MOUNT_KIND_FS;
  out->recursive = out->kind == MOUNT_KIND_BIND && (out->o.flags & MS_REC);

  if (out->kind == MOUNT_KIND_FS && out->fstype[0] == '\0')
    {
      snprintf (path, sizeof path, "mounts[%zu].type", index);
      mount_plan_clear (out);
      return casco_error_config (err, path, "a filesystem type is required unless the mount is a bind");
    }
  /* "cgroup" is what runc's, Docker's and containerd's default configs
     say for /sys/fs/cgroup; runc picks the host's cgroup version.  casco is
     v2-only, so the container's cgroup filesystem is always cgroup2. */
  if (out->kind == MOUNT_KIND_FS && strcmp (out->fstype, "cgroup") == 0)
    {
      casco_debug ("mounts[%zu]: type \"cgroup\" is mounted as cgroup2 (casco supports cgroup v2 only)", index);
      out->fstype = "cgroup2";
    }
  if (plan_check_destination (out, index, err) < 0)
    {
      mount_plan_clear (out);
      return -1;
    }
  mount_flags_to_attr (out->o.flags, out->o.cleared, &out->attr_set, &out->attr_clr);
  return 0;
}

void
mount_plan_clear (struct mount_plan *p)
{
  mount_options_clear (&p->o);
  free (p->dest);
  memset (p, 0, sizeof *p);
}

/* ------------------------------------------------------------------ */
/* Paths inside the rootfs.                                            */
/* ------------------------------------------------------------------ */

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

static int
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

/* ---- tmpcopyup: seed a fresh tmpfs with what the image had there ---- */

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

static int
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

/* ---- the mount kinds ---- */

static char *
bind_source_path (const char *bundle_path, const char *source)
{
  if (source[0] == '/' || bundle_path == NULL)
    return xstrdup (source);
  return xasprintf ("%s/%s", bundle_path, source);
}

static void
mount_plan_clearp (struct mount_plan *p)
{
  mount_plan_clear (p);
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
/* The attribute a ends with after apply_attrs: the recursive words come
   last and cover the top mount too. */
static bool
plan_attr_ends_set (const struct mount_plan *p, uint64_t a, bool below)
{
  if (p->o.rec_attr_set & a)
    return true;
  if (p->o.rec_attr_clr & a)
    return false;
  if (below)   /* only "ro" is carried over an rbind's submounts */
    return a == MOUNT_ATTR_RDONLY && p->recursive && (p->attr_set & a);
  return p->attr_set & a;
}

bool
mount_plan_readonly (const struct mount_plan *p)
{
  return plan_attr_ends_set (p, MOUNT_ATTR_RDONLY, false);
}

bool
mount_plan_nodev (const struct mount_plan *p, bool below)
{
  return plan_attr_ends_set (p, MOUNT_ATTR_NODEV, below);
}

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
  __attribute__ ((cleanup (mount_plan_clearp))) struct mount_plan p;
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
  __attribute__ ((cleanup (mount_plan_clearp))) struct mount_plan p;
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

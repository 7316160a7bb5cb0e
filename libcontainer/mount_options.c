/* casco — a mounts[] entry read the way the mount code will act on it, with
   no I/O: runc's option words turned into MS_* flags, MOUNT_ATTR_* attributes,
   propagation and fs data, the destination cleaned and checked, and what
   the mount ends as (read-only, nodev).  Pure, so the policy, features and
   audit read the same plan the privileged mount.c performs; unit-tested in
   tests/unit/test_mount.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "casco/error.h"
#include "casco/log.h"
#include "util.h"
#include "mount_options.h"

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

bool
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

/* casco — the policy rules about the filesystem the container sees: masked
   and read-only paths, each mount judged on the plan the mount code will
   carry out (mount_options.c) and on the host object a bind clones
   (hostobj.c), procfs and sysfs placement and writability, a writable
   root.  Findings only, through add_fix (policy_rules.c); the one I/O is a
   stat() that tells a finding a host block device is the source. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "casco/json.h"
#include "casco/policy.h"
#include "util.h"
#include "hostobj.h"
#include "mount_options.h"
#include "policy_defaults.h"
#include "policy_rules.h"

/* mounts[i]'s options as the fix writes them: without the words in drop,
   with `add` at the end (where the mount code lets it win). */
static char *
options_json (const struct spec_mount *m, const char *const *drop, const char *add)
{
  json_writer *w = jw_new (false);
  jw_arr_open (w);
  for (size_t k = 0; m->options && m->options[k]; k++)
    {
      bool dropped = add && strcmp (m->options[k], add) == 0;
      for (size_t d = 0; drop && drop[d] && !dropped; d++)
        dropped = strcmp (m->options[k], drop[d]) == 0;
      if (!dropped)
        jw_str (w, m->options[k]);
    }
  if (add)
    jw_str (w, add);
  jw_arr_close (w);
  return jw_finish (w, NULL);
}

static const char *const writable_words[] = { "rw", "rrw", NULL };

/* What every engine hides or protects: the intersection of casco's,
   Docker 20.10's, containerd's and Podman's default lists. */
static const char *const essential_masked[] = {
  "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
  "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", NULL,
};
static const char *const essential_readonly[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* path is dir or below it (both cleaned). */
static bool
path_within (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  if (n == 1 && dir[0] == '/')
    return path[0] == '/';
  return strncmp (path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Does a listed path cover `want`?  Each entry is judged as the kernel will
   resolve it ("/proc//kcore", "/proc/../proc/kcore/" are /proc/kcore), and
   an entry covers what lies below it (masks and read-only binds hide or
   protect the whole subtree). */
static bool
list_covers (char *const *list, const char *want)
{
  for (size_t i = 0; list && list[i]; i++)
    {
      /* "" names nothing (rootfs_finalize skips it), never "/" */
      if (list[i][0] == '\0')
        continue;
      _cleanup_free_ char *clean = mount_clean_path (list[i]);
      if (path_within (want, clean))
        return true;
    }
  return false;
}

void
check_masked_paths (struct check *c)
{
  const struct spec_linux *l = c->s->linux_;
  /* Still NULL (absent) after policy_apply_defaults: that default is not
     in force, and nothing is masked. */
  if (l == NULL)
    return;
  bool emptied = l->masked_paths == NULL || l->masked_paths[0] == NULL;
  if (emptied)
    {
      json_writer *w = jw_new (false);
      jw_arr_open (w);
      for (size_t i = 0; essential_masked[i]; i++)
        jw_str (w, essential_masked[i]);
      jw_arr_close (w);
      _cleanup_free_ char *list = jw_finish (w, NULL);
      add_fix (c, "CASCO-MASKEDPATHS-EMPTY", xstrdup ("linux.maskedPaths"),
               xstrdup (l->masked_paths ? "[]" : "absent, and casco's default set is not applied"),
               l->masked_paths ? xasprintf ("remove linux.maskedPaths (casco masks the standard set), or set "
                                            "\"maskedPaths\":%s in linux", list)
                               : xasprintf ("set \"maskedPaths\":%s in linux", list));
    }
  for (size_t i = 0; l->masked_paths && !emptied && essential_masked[i]; i++)
    if (!list_covers (l->masked_paths, essential_masked[i]))
      add_fix (c, "CASCO-MASKEDPATHS-MISSING", xstrdup ("linux.maskedPaths"), xstrdup (essential_masked[i]),
               xasprintf ("add \"%s\" to linux.maskedPaths", essential_masked[i]));
  /* a masked path is protected too: nothing of it can be written */
  for (size_t i = 0; essential_readonly[i]; i++)
    if (!list_covers (l->readonly_paths, essential_readonly[i])
        && !list_covers (l->masked_paths, essential_readonly[i]))
      add_fix (c, "CASCO-READONLYPATHS-MISSING", xstrdup ("linux.readonlyPaths"),
               xstrdup (essential_readonly[i]),
               xasprintf ("add \"%s\" to linux.readonlyPaths", essential_readonly[i]));
}

/* Filesystems a container may get at baseline: none takes a host block
   device, none reaches host-wide kernel state beyond what the namespaces
   and the rules below bound.  Anything else (ext4 on /dev/vda, nfs,
   binfmt_misc, debugfs, bpf, configfs, securityfs...) is a finding. */
static const char *const allowed_fstypes[] = {
  "tmpfs", "ramfs", "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2", "overlay", NULL,
};

static bool
fstype_allowed (const char *t)
{
  for (size_t i = 0; allowed_fstypes[i]; i++)
    if (strcmp (t, allowed_fstypes[i]) == 0)
      return true;
  return false;
}

/* Does the mount end up read-only (nodev), as the mount code applies its
   options?  "ro","rrw" is writable: the recursive word is applied last. */
static bool
plan_readonly (const struct mount_plan *p)
{
  return mount_plan_readonly (p);
}

static bool
plan_nodev (const struct mount_plan *p, bool below)
{
  return mount_plan_nodev (p, below);
}

static void
check_bind_source (struct check *c, size_t i, const struct mount_plan *p, const struct host_object *o)
{
  const struct host_reach *r = &o->reach;
  const struct spec_mount *m = &c->s->mounts[i];
  if (r->system_tree && !plan_readonly (p))
    {
      _cleanup_free_ char *opts = options_json (m, writable_words, p->recursive ? "rro" : "ro");
      add_fix (c, "CASCO-MOUNT-HOST-PATH", xasprintf ("mounts[%zu].source", i),
               xasprintf ("%s, read-write: %s", o->path, r->system_tree),
               xasprintf ("set \"options\":%s on mounts[%zu], or bind a directory made for the container",
                          opts, i));
    }
  if (r->engine_socket)
    add_fix (c, "CASCO-MOUNT-ENGINE-SOCKET", xasprintf ("mounts[%zu].source", i),
             xasprintf ("%s: %s", o->path, r->engine_socket),
             xasprintf ("remove mounts[%zu] (read-only does not stop connect)", i));
  /* without a device cgroup every mount is nodev anyway (mount.c) */
  if (r->devices && !c->opts->no_cgroup && !plan_nodev (p, r->devices_below))
    {
      _cleanup_free_ char *opts = options_json (m, (const char *const[]){ "dev", "rdev", NULL },
                                                r->devices_below ? "rnodev" : "nodev");
      add_fix (c, "CASCO-DEVICE-HOST", xasprintf ("mounts[%zu].source", i),
               xasprintf ("%s: %s", o->path, r->devices),
               xasprintf ("set \"options\":%s on mounts[%zu] (read-only does not stop writes to a device)",
                          opts, i));
    }
  if (r->host_proc)
    add_fix (c, "CASCO-MOUNT-HOST-PROC", xasprintf ("mounts[%zu].source", i), xasprintf ("%s: %s", o->path, r->host_proc),
             xasprintf ("remove mounts[%zu] (the container gets its own procfs at /proc)", i));
}

static bool
has_private_ns (const struct spec *s, enum spec_ns_type t)
{
  const struct spec_namespace *ns = spec_find_namespace (s, t);
  return ns && (ns->path == NULL || ns->path[0] == '\0');
}

static void
check_new_fs (struct check *c, size_t i, const struct mount_plan *p)
{
  const struct spec_mount *m = &c->s->mounts[i];
  if (!fstype_allowed (p->fstype))
    {
      struct stat st;
      bool blk = m->source && m->source[0] == '/' && stat (m->source, &st) == 0 && S_ISBLK (st.st_mode);
      add_fix (c, "CASCO-MOUNT-FSTYPE", xasprintf ("mounts[%zu].type", i),
               xasprintf ("%s from %s%s", p->fstype, m->source ? m->source : "none",
                          blk ? " (a host block device)" : ""),
               xasprintf ("mount it on the host and bind the directory (mounts[%zu].type \"bind\"), or use "
                          "one of tmpfs, proc, sysfs, devpts, mqueue, cgroup2, overlay", i));
      return;
    }
  /* the host's cgroup tree, writable: limits, devices, other services */
  if (strcmp (p->fstype, "cgroup2") == 0 && !plan_readonly (p) && !has_private_ns (c->s, SPEC_NS_CGROUP))
    {
      _cleanup_free_ char *opts = options_json (m, writable_words, "ro");
      add_fix (c, "CASCO-MOUNT-CGROUP-WRITABLE", xasprintf ("mounts[%zu].options", i),
               xasprintf ("%s on %s, read-write, no cgroup namespace", m->type, p->dest),
               xasprintf ("set \"options\":%s on mounts[%zu], or add {\"type\":\"cgroup\"} to "
                          "linux.namespaces", opts, i));
    }
  const struct host_objects *objs = c->opts->sources;
  if (objs && i < objs->n)
    {
      const struct host_object *dirs[] = { &objs->upper[i], &objs->work[i] };
      for (size_t k = 0; k < 2; k++)
        if (dirs[k]->fd >= 0 && dirs[k]->reach.system_tree)
          add_fix (c, "CASCO-MOUNT-HOST-PATH", xasprintf ("mounts[%zu].options", i),
                   xasprintf ("overlay %s %s, written to: %s", k ? "workdir" : "upperdir", dirs[k]->path,
                              dirs[k]->reach.system_tree),
                   xasprintf ("give mounts[%zu] an upperdir and workdir made for the container", i));
    }
}

void
check_mounts (struct check *c)
{
  const struct spec *s = c->s;
  const struct host_objects *objs = c->opts->sources;
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      struct mount_plan p;
      /* invalid options are create's error, reported before the policy runs */
      if (mount_plan_build (&s->mounts[i], i, &p, NULL) < 0)
        continue;
      if (p.kind == MOUNT_KIND_BIND && objs && i < objs->n && objs->v[i].fd >= 0)
        check_bind_source (c, i, &p, &objs->v[i]);
      else if (p.kind == MOUNT_KIND_FS)
        check_new_fs (c, i, &p);
      mount_plan_clear (&p);
    }
}

static bool
has_option (const struct spec_mount *m, const char *opt)
{
  for (size_t i = 0; m->options && m->options[i]; i++)
    if (strcmp (m->options[i], opt) == 0)
      return true;
  return false;
}

/* A fresh filesystem instance of TYPE (not a bind, not a remount). */
static bool
mount_is_new_fs (const struct spec_mount *m, const char *type)
{
  return m->type && strcmp (m->type, type) == 0 && !mount_is_bind (m) && !has_option (m, "remount");
}

/* Why a writable sysfs would not be confined, or NULL when it is: a private
   network namespace (sysfs shows that namespace's devices) and a private
   user namespace that does not map host root (the knobs belong to the
   initial user namespace's root).  *fix: the namespace changes that
   confine it, all of them. */
static const char *
sysfs_unconfined (struct check *c, char **fix)
{
  const char *why = NULL;
  _cleanup_free_ char *net_fix = NULL, *user_fix = NULL;
  char *path = NULL, *value = NULL;
  bool host_net = shares_host_ns (c, SPEC_NS_NETWORK, &path, &value);
  free (path);
  free (value);
  ssize_t n = ns_index (c->s, SPEC_NS_NETWORK);
  if (host_net)
    {
      why = "the host's network namespace";
      net_fix = n < 0 ? xstrdup ("add {\"type\":\"network\"} to linux.namespaces")
                      : xasprintf ("remove \"path\" from linux.namespaces[%zd]", n);
    }
  static const char maps[] = "set \"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}] in "
                             "linux and set \"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}] "
                             "in linux";
  ssize_t u = ns_index (c->s, SPEC_NS_USER);
  const struct spec_linux *l = c->s->linux_;
  if (u < 0)
    {
      why = why ? why : "no user namespace: real root";
      user_fix = xasprintf ("add {\"type\":\"user\"} to linux.namespaces and %s", maps);
    }
  /* a joined namespace's mapping is not in the config: it cannot be judged */
  else if (l->namespaces[u].path && l->namespaces[u].path[0])
    {
      why = why ? why : "a joined user namespace whose mapping is unknown";
      user_fix = xasprintf ("remove \"path\" from linux.namespaces[%zd] and %s", u, maps);
    }
  else if (l->n_uid_mappings == 0)
    {
      why = why ? why : "a user namespace without uid mappings";
      user_fix = xstrdup (maps);
    }
  else
    for (size_t i = 0; i < l->n_uid_mappings && user_fix == NULL; i++)
      if (l->uid_mappings[i].size > 0 && l->uid_mappings[i].host_id == 0)
        {
          why = why ? why : "a user namespace that maps host root";
          user_fix = xasprintf ("set \"hostID\":100000 in linux.uidMappings[%zu]", i);
        }
  *fix = why == NULL ? NULL
         : xasprintf ("%s%s%s", net_fix ? net_fix : "", net_fix && user_fix ? " and " : "",
                      user_fix ? user_fix : "");
  return why;
}

static const char *
ellipsis (const char *s)
{
  return strlen (s) > SHOWN_MAX ? "..." : "";
}

/* The change that leaves a sysfs read-only: its own "rw" words gone, or
   the later remount that makes it writable removed. */
static char *
sysfs_readonly_fix (const struct spec *s, size_t i, size_t asked)
{
  if (asked != i)
    return xasprintf ("remove mounts[%zu] (the remount that makes it writable)", asked);
  /* "ro" stated: it holds whether or not the sysfs default is in force */
  _cleanup_free_ char *opts = options_json (&s->mounts[i], writable_words, "ro");
  return xasprintf ("set \"options\":%s on mounts[%zu]", opts, i);
}

/* Every procfs must be the one at /proc and every sysfs the one at /sys:
   maskedPaths and readonlyPaths cover those only.  A sysfs is read-only
   unless the config says "rw" (or "rrw", or remounts it so); writable, it
   is refused unless the container is confined enough for it, and then
   still said. */
void
check_proc_sys_mounts (struct check *c)
{
  const struct spec *s = c->s;
  _cleanup_free_ char *ns_fix = NULL;
  const char *why = NULL;
  bool why_known = false;
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      const struct spec_mount *m = &s->mounts[i];
      if (m->destination == NULL)
        continue;
      _cleanup_free_ char *dest = mount_clean_path (m->destination);
      bool proc = mount_is_new_fs (m, "proc"), sysfs = mount_is_new_fs (m, "sysfs");
      if ((proc && strcmp (dest, "/proc") != 0) || (sysfs && strcmp (dest, "/sys") != 0))
        add_fix (c, "CASCO-MOUNT-PROCSYS-ELSEWHERE", xasprintf ("mounts[%zu].destination", i),
                 xasprintf ("%s on %.*s%s", m->type, SHOWN_MAX, m->destination, ellipsis (m->destination)),
                 xasprintf ("remove mounts[%zu] (the container's %s is at %s)", i, m->type,
                            proc ? "/proc" : "/sys"));
      if (!sysfs)
        continue;
      /* asked writable here (saying neither is writable when the sysfs
         default is not in force), or by a later remount of it ("rrw"
         anywhere reaches every mount below, this one included) */
      ssize_t asked = has_option (m, "rw") || has_option (m, "rrw") || policy_sysfs_says_neither (m)
                          ? (ssize_t) i : -1;
      for (size_t j = i + 1; j < s->n_mounts && asked < 0; j++)
        {
          const struct spec_mount *r = &s->mounts[j];
          if (r->destination == NULL || !has_option (r, "remount"))
            continue;
          _cleanup_free_ char *rdest = mount_clean_path (r->destination);
          if (has_option (r, "rrw") || (has_option (r, "rw") && path_within (rdest, dest)))
            asked = (ssize_t) j;
        }
      if (asked < 0)
        continue;
      if (!why_known)
        why = sysfs_unconfined (c, &ns_fix), why_known = true;
      _cleanup_free_ char *ro = sysfs_readonly_fix (s, i, (size_t) asked);
      if (why)
        add_fix (c, "CASCO-MOUNT-SYSFS-RW", xasprintf ("mounts[%zd].options", asked),
                 xasprintf ("sysfs on %.*s%s writable, with %s", SHOWN_MAX, m->destination,
                            ellipsis (m->destination), why),
                 xasprintf ("%s; or %s", ro, ns_fix));
      else
        add_fix (c, "CASCO-MOUNT-SYSFS-WRITABLE", xasprintf ("mounts[%zd].options", asked),
                 xasprintf ("sysfs on %.*s%s writable", SHOWN_MAX, m->destination, ellipsis (m->destination)),
                 xstrdup (ro));
    }
}

/* root.readonly false or absent: a writable root, as the spec says. */
void
check_root (struct check *c)
{
  if (c->s->root == NULL || c->s->root->readonly)
    return;
  add_fix (c, "CASCO-ROOT-WRITABLE", xstrdup ("root.readonly"), xstrdup ("false or absent"),
           xstrdup ("set \"readonly\":true in root (and give the paths the program writes their own "
                    "mounts, e.g. {\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                    "\"options\":[\"nosuid\",\"nodev\"]})"));
}

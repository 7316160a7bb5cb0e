/* The operator policy's rule table and the pure check over a parsed config.
   One row per rule: what it means (risk, OWASP Docker Top 10, CIS Docker
   Benchmark v1.2.0 section 5, Kubernetes Pod Security Standards) and what
   each level does.  docs/policy.md is checked against this table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/mount.h>
#include <sys/stat.h>

#include "casco/policy.h"
#include "casco/util.h"
#include "hostobj.h"
#include "mount.h"

#define R POLICY_REFUSE
#define W POLICY_WARN
#define OK POLICY_OK
#define CONTAINER POLICY_SCOPE_CONTAINER
#define PROCESS POLICY_SCOPE_PROCESS

/* Levels, as columns: { strict, baseline, permissive }.
   strict refuses everything here; baseline refuses what amounts to a way
   out of the container (or to the host's kernel) and warns about the rest
   of what it considers weakening; permissive refuses nothing and warns
   about what baseline refuses. */
static const struct policy_rule rules[] = {
  { "CASCO-SECCOMP-UNCONFINED", "seccomp filter allows every syscall",
    "Without a syscall filter every kernel entry point is reachable, so one kernel bug is a host compromise.",
    "D04", "5.21", "baseline", POLICY_HIGH, CONTAINER, { R, R, W } },

  /* Capabilities: baseline refuses those that are a way out on their own
     (mount and namespace tricks, kernel modules, raw device I/O, kexec,
     reading any host file by handle, LSM policy changes, BPF programs),
     and warns about those that widen the attack surface without being one. */
  { "CASCO-CAP-SYS_ADMIN", "CAP_SYS_ADMIN granted",
    "CAP_SYS_ADMIN allows mount, namespace and device operations that are known container escapes.",
    "D04", "5.3", "baseline", POLICY_CRITICAL, PROCESS, { R, R, W } },
  { "CASCO-CAP-SYS_MODULE", "CAP_SYS_MODULE granted",
    "CAP_SYS_MODULE lets the container load code into the host kernel.",
    "D04", "5.3", "baseline", POLICY_CRITICAL, PROCESS, { R, R, W } },
  { "CASCO-CAP-SYS_RAWIO", "CAP_SYS_RAWIO granted",
    "CAP_SYS_RAWIO gives raw access to I/O ports and device memory, which bypasses every kernel protection.",
    "D04", "5.3", "baseline", POLICY_CRITICAL, PROCESS, { R, R, W } },
  { "CASCO-CAP-SYS_PTRACE", "CAP_SYS_PTRACE granted",
    "CAP_SYS_PTRACE lets the container trace and inject code into any process it can see.",
    "D04", "5.3", "baseline", POLICY_HIGH, PROCESS, { R, W, OK } },
  { "CASCO-CAP-SYS_BOOT", "CAP_SYS_BOOT granted",
    "CAP_SYS_BOOT allows kexec_load and reboot, which can replace or stop the host kernel.",
    "D04", "5.3", "baseline", POLICY_HIGH, PROCESS, { R, R, W } },
  { "CASCO-CAP-DAC_READ_SEARCH", "CAP_DAC_READ_SEARCH granted",
    "CAP_DAC_READ_SEARCH allows open_by_handle_at, which reads any host file (the \"shocker\" escape).",
    "D04", "5.3", "baseline", POLICY_CRITICAL, PROCESS, { R, R, W } },
  { "CASCO-CAP-MAC_ADMIN", "CAP_MAC_ADMIN granted",
    "CAP_MAC_ADMIN lets the container change or unload the host's AppArmor or SELinux policy.",
    "D04", "5.3", "baseline", POLICY_HIGH, PROCESS, { R, R, W } },
  { "CASCO-CAP-MAC_OVERRIDE", "CAP_MAC_OVERRIDE granted",
    "CAP_MAC_OVERRIDE lets the container bypass mandatory access control checks.",
    "D04", "5.3", "baseline", POLICY_MEDIUM, PROCESS, { R, W, OK } },
  { "CASCO-CAP-BPF", "CAP_BPF granted",
    "CAP_BPF lets the container load BPF programs into the host kernel, a large attack surface that can read kernel memory.",
    "D04", "5.3", "baseline", POLICY_HIGH, PROCESS, { R, R, W } },
  { "CASCO-CAP-PERFMON", "CAP_PERFMON granted",
    "CAP_PERFMON exposes host-wide performance events that leak kernel and other processes' data.",
    "D04", "5.3", "baseline", POLICY_MEDIUM, PROCESS, { R, W, OK } },
  { "CASCO-CAP-SYS_TIME", "CAP_SYS_TIME granted",
    "CAP_SYS_TIME lets the container set the host's clock for every process on the machine.",
    "D04", "5.3", "baseline", POLICY_MEDIUM, PROCESS, { R, W, OK } },
  { "CASCO-CAP-NET_ADMIN", "CAP_NET_ADMIN granted",
    "CAP_NET_ADMIN lets the container reconfigure interfaces, routes and firewall rules of its network namespace.",
    "D03", "5.3", "baseline", POLICY_MEDIUM, PROCESS, { R, W, OK } },

  { "CASCO-MASKEDPATHS-EMPTY", "linux.maskedPaths emptied",
    "With nothing masked, /proc and /sys expose kernel memory, keys and host hardware to the container.",
    "D04", "5.4", "baseline", POLICY_HIGH, CONTAINER, { R, R, W } },
  { "CASCO-MOUNT-HOST-PATH", "host system directory bind-mounted read-write",
    "A writable bind mount of a host system directory lets the container change the host itself.",
    "D04", "5.5", "baseline", POLICY_CRITICAL, CONTAINER, { R, R, W } },
  { "CASCO-MOUNT-ENGINE-SOCKET", "container engine socket reachable",
    "A container engine's API socket lets the container start a privileged container, which is root on the host.",
    "D04", "5.31", "baseline", POLICY_CRITICAL, CONTAINER, { R, R, W } },
  { "CASCO-MOUNT-HOST-PROC", "host procfs bind-mounted",
    "The host's /proc shows every host process, their roots (/proc/1/root) and kernel knobs, read-only or not.",
    "D04", "5.5", "baseline", POLICY_CRITICAL, CONTAINER, { R, R, W } },
  { "CASCO-MOUNT-FSTYPE", "filesystem type outside the allowlist",
    "A filesystem other than tmpfs, proc, sysfs, devpts, mqueue, cgroup2 or overlay can mount a host block device or reach host-wide kernel state (binfmt_misc, debugfs, bpf).",
    "D04", "5.5", "baseline", POLICY_CRITICAL, CONTAINER, { R, R, W } },
  { "CASCO-MOUNT-CGROUP-WRITABLE", "host cgroup tree writable",
    "A writable cgroup filesystem without a cgroup namespace lets the container change the host's limits and move host processes.",
    "D04", "5.5", "baseline", POLICY_HIGH, CONTAINER, { R, R, W } },
  { "CASCO-DEVICE-HOST", "host block device or kernel memory device accessible",
    "Access to host block devices or /dev/mem, /dev/kmem, /dev/port reads and writes the host's disks or memory directly.",
    "D04", "5.17", "baseline", POLICY_CRITICAL, CONTAINER, { R, R, W } },
  { "CASCO-NS-HOST-PID", "host PID namespace shared",
    "In the host's PID namespace the container sees, signals and may reach the files of every host process.",
    "D04", "5.15", "baseline", POLICY_HIGH, CONTAINER, { R, R, W } },
  { "CASCO-NS-HOST-IPC", "host IPC namespace shared",
    "In the host's IPC namespace the container reads and writes host processes' shared memory and message queues.",
    "D04", "5.16", "baseline", POLICY_HIGH, CONTAINER, { R, R, W } },
  { "CASCO-NS-HOST-NETWORK", "host network namespace shared",
    "In the host's network namespace the container reaches every host-local service and can listen on host ports.",
    "D03", "5.9", "baseline", POLICY_MEDIUM, CONTAINER, { R, W, OK } },
  { "CASCO-USER-ROOT-NO-USERNS", "uid 0 without a user namespace",
    "Root in a container without a user namespace is root on the host once anything else gives way.",
    "D01", "5.30", "restricted", POLICY_MEDIUM, PROCESS, { R, W, OK } },
  { "CASCO-NNP-DISABLED", "noNewPrivileges disabled",
    "Without no_new_privs, setuid and file-capability binaries in the image can raise privileges.",
    "D04", "5.25", "restricted", POLICY_MEDIUM, PROCESS, { R, W, OK } },
  { "CASCO-LIMITS-MEMORY", "no memory limit",
    "Without a memory limit one container can exhaust the host's memory.",
    "D07", "5.10", "-", POLICY_LOW, CONTAINER, { R, OK, OK } },
  { "CASCO-LIMITS-PIDS", "no pids limit",
    "Without a pids limit a fork bomb in the container exhausts the host's process table.",
    "D07", "5.28", "-", POLICY_LOW, CONTAINER, { R, OK, OK } },
};

#undef R
#undef W
#undef OK

const struct policy_rule *
policy_rules (size_t *n)
{
  *n = sizeof rules / sizeof rules[0];
  return rules;
}

const struct policy_rule *
policy_rule_find (const char *id)
{
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
    if (strcmp (rules[i].id, id) == 0)
      return &rules[i];
  return NULL;
}

const char *
policy_level_name (enum policy_level level)
{
  static const char *const names[] = { "strict", "baseline", "permissive" };
  return (unsigned) level < POLICY_N_LEVELS ? names[level] : "?";
}

int
policy_level_from_name (const char *name)
{
  for (int l = 0; l < POLICY_N_LEVELS; l++)
    if (name && strcmp (name, policy_level_name (l)) == 0)
      return l;
  return -1;
}

const char *
policy_action_name (enum policy_action a)
{
  return a == POLICY_REFUSE ? "refuse" : a == POLICY_WARN ? "warn" : "ok";
}

const char *
policy_severity_name (enum policy_severity s)
{
  static const char *const names[] = { "low", "medium", "high", "critical" };
  return (unsigned) s <= POLICY_CRITICAL ? names[s] : "?";
}

const char *
policy_allowing_level (const struct policy_rule *r, enum policy_level level)
{
  for (int l = level; l < POLICY_N_LEVELS; l++)
    if (r->action[l] != POLICY_REFUSE)
      return policy_level_name (l);
  return NULL;
}

void
policy_findings_clear (struct policy_findings *f)
{
  for (size_t i = 0; i < f->n; i++)
    {
      free (f->v[i].path);
      free (f->v[i].value);
      free (f->v[i].fix);
    }
  free (f->v);
  f->v = NULL;
  f->n = 0;
}

/* ---- the check ------------------------------------------------------------------------- */

struct check
{
  const struct spec *s;
  enum policy_level level;
  const struct policy_options *opts;
  struct policy_findings *out;
  size_t refused;
};

static bool
already_judged (const struct policy_findings *judged, const struct policy_rule *r, const char *value)
{
  for (size_t i = 0; judged && i < judged->n; i++)
    if (judged->v[i].rule == r && strcmp (judged->v[i].value, value) == 0)
      return true;
  return false;
}

/* fix: the config change that passes (malloc'd, may be NULL when only the
   level can help); path and value are taken over too. */
static void
add_fix (struct check *c, const char *id, char *path, char *value, char *fix)
{
  const struct policy_rule *r = policy_rule_find (id);
  if (r == NULL)
    abort ();   /* a typo in this file, caught by the unit tests */
  if (c->opts->exec && (r->scope != POLICY_SCOPE_PROCESS || already_judged (c->opts->judged, r, value)))
    {
      free (path);
      free (value);
      free (fix);
      return;
    }
  c->out->v = xrealloc (c->out->v, (c->out->n + 1) * sizeof *c->out->v);
  c->out->v[c->out->n++] = (struct policy_finding){
    .rule = r, .path = path, .value = value, .fix = fix, .action = r->action[c->level],
  };
  if (r->action[c->level] == POLICY_REFUSE)
    c->refused++;
}

static void
add (struct check *c, const char *id, char *path, char *value)
{
  add_fix (c, id, path, value, NULL);
}

/* Actions that stop a syscall from doing its work.  LOG and ALLOW do not;
   NOTIFY hands the decision to an agent, which is a confinement. */
static bool
seccomp_action_denies (const char *action)
{
  return action && strcmp (action, "SCMP_ACT_ALLOW") != 0 && strcmp (action, "SCMP_ACT_LOG") != 0;
}

static void
check_seccomp (struct check *c)
{
  /* Absent is not unconfined: casco applies its default profile then. */
  const struct spec_seccomp *sc = c->s->linux_ ? c->s->linux_->seccomp : NULL;
  if (sc == NULL || seccomp_action_denies (sc->default_action))
    return;
  for (size_t i = 0; i < sc->n_syscalls; i++)
    if (seccomp_action_denies (sc->syscalls[i].action) && strv_len (sc->syscalls[i].names) > 0)
      return;
  add (c, "CASCO-SECCOMP-UNCONFINED", xstrdup ("linux.seccomp.defaultAction"),
       xasprintf ("%s, nothing denied", sc->default_action ? sc->default_action : "(none)"));
}

/* "CAP_SYS_ADMIN", "cap_sys_admin" and "SYS_ADMIN" name the same capability. */
static bool
cap_is (const char *name, const char *bare)
{
  if (strncasecmp (name, "CAP_", 4) == 0)
    name += 4;
  return strcasecmp (name, bare) == 0;
}

static void
check_caps (struct check *c)
{
  const struct spec_process *p = c->s->process;
  if (p == NULL || p->capabilities == NULL)
    return;
  const struct spec_capabilities *caps = p->capabilities;
  /* Bounding first: for uid 0 it is what exec grants; the others matter
     when bounding is absent or the process gains them otherwise. */
  const struct { const char *name; char **v; } sets[] = {
    { "bounding", caps->bounding }, { "permitted", caps->permitted }, { "effective", caps->effective },
    { "inheritable", caps->inheritable }, { "ambient", caps->ambient },
  };
  size_t n_rules;
  const struct policy_rule *all = policy_rules (&n_rules);
  for (size_t r = 0; r < n_rules; r++)
    {
      if (strncmp (all[r].id, "CASCO-CAP-", 10) != 0)
        continue;
      const char *bare = all[r].id + 10;
      bool found = false;
      for (size_t s = 0; s < sizeof sets / sizeof sets[0] && !found; s++)
        for (size_t i = 0; sets[s].v && sets[s].v[i] && !found; i++)
          if (cap_is (sets[s].v[i], bare))
            {
              add (c, all[r].id, xasprintf ("process.capabilities.%s[%zu]", sets[s].name, i),
                   xstrdup (sets[s].v[i]));
              found = true;
            }
    }
}

static void
check_masked_paths (struct check *c)
{
  /* NULL (absent) gets the standard set from policy_apply_defaults. */
  if (c->s->linux_ && c->s->linux_->masked_paths && c->s->linux_->masked_paths[0] == NULL)
    add (c, "CASCO-MASKEDPATHS-EMPTY", xstrdup ("linux.maskedPaths"), xstrdup ("[]"));
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

/* Does the mount end up read-only, as the mount code will read its options? */
static bool
plan_readonly (const struct mount_plan *p)
{
  return (p->attr_set & MOUNT_ATTR_RDONLY) || (p->o.rec_attr_set & MOUNT_ATTR_RDONLY);
}

static bool
plan_nodev (const struct mount_plan *p, bool below)
{
  return (p->o.rec_attr_set & MOUNT_ATTR_NODEV) || (!below && (p->attr_set & MOUNT_ATTR_NODEV));
}

static void
check_bind_source (struct check *c, size_t i, const struct mount_plan *p, const struct host_object *o)
{
  const struct host_reach *r = &o->reach;
  if (r->system_tree && !plan_readonly (p))
    add_fix (c, "CASCO-MOUNT-HOST-PATH", xasprintf ("mounts[%zu].source", i),
             xasprintf ("%s, read-write: %s", o->path, r->system_tree),
             xasprintf ("add \"%s\" to mounts[%zu].options, or bind a directory made for the container",
                        p->recursive ? "rro" : "ro", i));
  if (r->engine_socket)
    add_fix (c, "CASCO-MOUNT-ENGINE-SOCKET", xasprintf ("mounts[%zu].source", i),
             xasprintf ("%s: %s", o->path, r->engine_socket),
             xasprintf ("remove mounts[%zu] (read-only does not stop connect())", i));
  if (r->devices && !plan_nodev (p, r->devices_below))
    add_fix (c, "CASCO-DEVICE-HOST", xasprintf ("mounts[%zu].source", i), xasprintf ("%s: %s", o->path, r->devices),
             xasprintf ("add \"%s\" to mounts[%zu].options (read-only does not stop writes to a device)",
                        r->devices_below ? "rnodev" : "nodev", i));
  if (r->host_proc)
    add_fix (c, "CASCO-MOUNT-HOST-PROC", xasprintf ("mounts[%zu].source", i), xasprintf ("%s: %s", o->path, r->host_proc),
             xasprintf ("remove mounts[%zu]: the container gets its own procfs at /proc", i));
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
    add_fix (c, "CASCO-MOUNT-CGROUP-WRITABLE", xasprintf ("mounts[%zu].options", i),
             xasprintf ("%s on %s, read-write, no cgroup namespace", m->type, p->dest),
             xasprintf ("add \"ro\" to mounts[%zu].options, or {\"type\":\"cgroup\"} to linux.namespaces", i));
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

static void
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

/* /dev/mem 1:1, /dev/kmem 1:2, /dev/port 1:4. */
static bool
is_kmem_minor (int64_t minor)
{
  return minor == 1 || minor == 2 || minor == 4;
}

/* Does a device cgroup rule cover (some) block device or kernel memory device? */
static bool
rule_reaches_host_device (const struct spec_device_cgroup *d)
{
  char type = d->type ? d->type : 'a';
  if (type == 'a' || type == 'b')
    return true;
  if (type != 'c')
    return false;
  bool any_major = !d->has_major || d->major < 0;
  bool any_minor = !d->has_minor || d->minor < 0;
  return (any_major || d->major == 1) && (any_minor || is_kmem_minor (d->minor));
}

static bool
access_reads_or_writes (const char *access)
{
  return access == NULL || strpbrk (access, "rw") != NULL;
}

/* A later deny rule that covers everything this allow rule reaches undoes it. */
static bool
later_deny_covers (const struct spec_resources *r, size_t i)
{
  const struct spec_device_cgroup *a = &r->devices[i];
  for (size_t j = i + 1; j < r->n_devices; j++)
    {
      const struct spec_device_cgroup *d = &r->devices[j];
      char dt = d->type ? d->type : 'a', at = a->type ? a->type : 'a';
      if (d->allow || (dt != 'a' && dt != at))
        continue;
      bool major_ok = !d->has_major || d->major < 0 || (a->has_major && a->major == d->major);
      bool minor_ok = !d->has_minor || d->minor < 0 || (a->has_minor && a->minor == d->minor);
      bool access_ok = d->access == NULL
                       || (strchr (d->access, 'r') && strchr (d->access, 'w'))
                       || (a->access && strspn (a->access, d->access) == strlen (a->access));
      if (major_ok && minor_ok && access_ok)
        return true;
    }
  return false;
}

static char *
device_rule_text (const struct spec_device_cgroup *d)
{
  char major[24] = "*", minor[24] = "*";
  if (d->has_major && d->major >= 0)
    snprintf (major, sizeof major, "%lld", (long long) d->major);
  if (d->has_minor && d->minor >= 0)
    snprintf (minor, sizeof minor, "%lld", (long long) d->minor);
  return xasprintf ("allow %c %s:%s %s", d->type ? d->type : 'a', major, minor,
                    d->access ? d->access : "rwm");
}

static void
check_devices (struct check *c)
{
  const struct spec_linux *l = c->s->linux_;
  if (l == NULL)
    return;
  for (size_t i = 0; i < l->n_devices; i++)
    {
      const struct spec_device *d = &l->devices[i];
      if (d->type == 'b' || ((d->type == 'c' || d->type == 'u') && d->major == 1 && is_kmem_minor (d->minor)))
        add (c, "CASCO-DEVICE-HOST", xasprintf ("linux.devices[%zu]", i),
             xasprintf ("%c %lld:%lld %s", d->type, (long long) d->major, (long long) d->minor,
                        d->path ? d->path : ""));
    }
  const struct spec_resources *r = &l->resources;
  for (size_t i = 0; i < r->n_devices; i++)
    {
      const struct spec_device_cgroup *d = &r->devices[i];
      if (d->allow && access_reads_or_writes (d->access) && rule_reaches_host_device (d)
          && !later_deny_covers (r, i))
        add (c, "CASCO-DEVICE-HOST", xasprintf ("linux.resources.devices[%zu]", i), device_rule_text (d));
    }
}

/* Index of the namespace entry of type t, or -1 when the config has none. */
static ssize_t
ns_index (const struct spec *s, enum spec_ns_type t)
{
  for (size_t i = 0; s->linux_ && i < s->linux_->n_namespaces; i++)
    if (s->linux_->namespaces[i].type == t)
      return (ssize_t) i;
  return -1;
}

/* True when the container stays in the host's namespace of type t. */
static bool
shares_host_ns (struct check *c, enum spec_ns_type t, char **path, char **value)
{
  ssize_t i = ns_index (c->s, t);
  if (i < 0)
    {
      *path = xstrdup ("linux.namespaces");
      *value = xasprintf ("no \"%s\" namespace", spec_ns_name (t));
      return true;
    }
  const char *p = c->s->linux_->namespaces[i].path;
  if (p && p[0] && c->opts->ns_is_host[t])
    {
      *path = xasprintf ("linux.namespaces[%zd].path", i);
      *value = xasprintf ("%s (the host's)", p);
      return true;
    }
  return false;
}

static void
check_namespaces (struct check *c)
{
  static const struct { enum spec_ns_type t; const char *id; } host[] = {
    { SPEC_NS_PID, "CASCO-NS-HOST-PID" },
    { SPEC_NS_IPC, "CASCO-NS-HOST-IPC" },
    { SPEC_NS_NETWORK, "CASCO-NS-HOST-NETWORK" },
  };
  for (size_t k = 0; k < sizeof host / sizeof host[0]; k++)
    {
      char *path, *value;
      if (shares_host_ns (c, host[k].t, &path, &value))
        add (c, host[k].id, path, value);
    }
}

/* A user namespace whose mapping sends container uid 0 to host uid 0 is no
   protection for root. */
static bool
maps_to_host_root (const struct spec *s)
{
  for (size_t i = 0; s->linux_ && i < s->linux_->n_uid_mappings; i++)
    {
      const struct spec_id_mapping *m = &s->linux_->uid_mappings[i];
      if (m->container_id == 0 && m->size > 0 && m->host_id == 0)
        return true;
    }
  return false;
}

static void
check_process (struct check *c)
{
  const struct spec_process *p = c->s->process;
  if (p == NULL)
    return;
  char *path = NULL, *value = NULL;
  if (p->user.uid == 0 && shares_host_ns (c, SPEC_NS_USER, &path, &value))
    add (c, "CASCO-USER-ROOT-NO-USERNS", xstrdup ("process.user.uid"),
         xstrdup ("0 and no user namespace"));
  else if (p->user.uid == 0 && maps_to_host_root (c->s))
    add (c, "CASCO-USER-ROOT-NO-USERNS", xstrdup ("process.user.uid"),
         xstrdup ("0, mapped to the host's uid 0"));
  free (path);
  free (value);
  if (p->has_no_new_privileges && !p->no_new_privileges)
    add (c, "CASCO-NNP-DISABLED", xstrdup ("process.noNewPrivileges"), xstrdup ("false"));
}

static void
check_limits (struct check *c)
{
  const struct spec_resources *r = c->s->linux_ ? &c->s->linux_->resources : NULL;
  bool no_cgroup = c->opts->no_cgroup;
  bool mem = r && r->has_memory && r->memory.has_limit && r->memory.limit > 0;
  bool pids = r && r->has_pids && r->pids_limit > 0;
  if (!mem || no_cgroup)
    add (c, "CASCO-LIMITS-MEMORY", xstrdup ("linux.resources.memory.limit"),
         xstrdup (!mem ? "absent or unlimited" : "not enforced: no cgroup"));
  if (!pids || no_cgroup)
    add (c, "CASCO-LIMITS-PIDS", xstrdup ("linux.resources.pids.limit"),
         xstrdup (!pids ? "absent or unlimited" : "not enforced: no cgroup"));
}

size_t
policy_check (const struct spec *s, enum policy_level level, const struct policy_options *opts,
              struct policy_findings *out)
{
  static const struct policy_options none;
  if ((unsigned) level >= POLICY_N_LEVELS)
    level = POLICY_STRICT;
  struct check c = { .s = s, .level = level, .opts = opts ? opts : &none, .out = out };
  /* table order, so reports read the same way every time */
  check_seccomp (&c);
  check_caps (&c);
  check_masked_paths (&c);
  check_mounts (&c);
  check_devices (&c);
  check_namespaces (&c);
  check_process (&c);
  check_limits (&c);
  return c.refused;
}

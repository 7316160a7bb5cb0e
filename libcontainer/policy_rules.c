/* The operator policy's rule table and the pure check over a parsed config.
   One row per rule: what it means (risk, OWASP Docker Top 10, CIS Docker
   Benchmark v1.2.0 section 5, Kubernetes Pod Security Standards) and what
   each level does.  docs/policy.md is checked against this table. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sys/mount.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/policy.h"
#include "casco/util.h"
#include "caps.h"
#include "hostobj.h"
#include "mount_options.h"
#include "policy.h"
#include "seccomp.h"

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
  { "CASCO-SECCOMP-WEAKER", "seccomp filter weaker than casco's default",
    "The filter lets through syscalls casco's default profile denies (nested user namespaces and their mounts, keyrings), as Podman's default does: more kernel to attack, not a way out by itself.",
    "D04", "5.21", "baseline", POLICY_MEDIUM, CONTAINER, { R, W, OK } },
  { "CASCO-CAP-SYS_ADMIN", "CAP_SYS_ADMIN granted",
    "CAP_SYS_ADMIN allows mount, namespace and device operations that are known container escapes.",
    "D04", "5.3", "baseline", POLICY_CRITICAL, PROCESS, { R, R, W } },
  { "CASCO-CAP-SYS_MODULE", "CAP_SYS_MODULE granted",
    "CAP_SYS_MODULE lets the container load code into the host kernel.",
    "D04", "5.3", "baseline", POLICY_CRITICAL, PROCESS, { R, R, W } },
  { "CASCO-CAP-SYS_RAWIO", "CAP_SYS_RAWIO granted",
    "CAP_SYS_RAWIO gives raw access to I/O ports and device memory, which bypasses every kernel protection.",
    "D04", "5.3", "baseline", POLICY_CRITICAL, PROCESS, { R, R, W } },
  { "CASCO-CAP-SYS_PTRACE", "CAP_SYS_PTRACE granted without a private user namespace",
    "CAP_SYS_PTRACE lets the container trace and inject code into any process it can see, such as a runtime's exec helper before it drops privileges.",
    "D04", "5.3", "baseline", POLICY_HIGH, PROCESS, { R, R, W } },
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
  { "CASCO-CAP-SYS_PTRACE-USERNS", "CAP_SYS_PTRACE granted in a private user namespace",
    "CAP_SYS_PTRACE in a user namespace that does not map host root reaches only that namespace's processes, which still include a runtime's exec helper.",
    "D04", "5.3", "baseline", POLICY_MEDIUM, PROCESS, { R, W, OK } },

  { "CASCO-MASKEDPATHS-EMPTY", "linux.maskedPaths emptied",
    "With nothing masked, /proc and /sys expose kernel memory, keys and host hardware to the container.",
    "D04", "5.4", "baseline", POLICY_HIGH, CONTAINER, { R, R, W } },
  { "CASCO-MASKEDPATHS-MISSING", "an essential /proc or /sys path left unmasked",
    "Every engine masks these: unmasked they leak kernel memory (/proc/kcore), the kernel keyring, kernel "
    "timers and scheduler state, and host firmware tables.",
    "D04", "5.4", "baseline", POLICY_HIGH, CONTAINER, { R, R, W } },
  { "CASCO-READONLYPATHS-MISSING", "an essential /proc path left writable",
    "Every engine makes these read-only: writable, /proc/sys and /proc/sysrq-trigger change or crash the host "
    "kernel (core_pattern runs a program as host root).",
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
  { "CASCO-MOUNT-PROCSYS-ELSEWHERE", "procfs or sysfs mounted outside /proc or /sys",
    "maskedPaths and readonlyPaths cover only /proc and /sys: a second procfs or sysfs elsewhere is unmasked "
    "and, as root, writable (its sys/kernel/core_pattern runs a program as host root).",
    "D04", "5.4", "baseline", POLICY_CRITICAL, CONTAINER, { R, R, W } },
  { "CASCO-MOUNT-SYSFS-RW", "sysfs writable without a private network and user namespace",
    "A writable sysfs as real root reaches host-wide kernel knobs (/sys/kernel/uevent_helper runs a program as "
    "host root, /sys/power/state suspends the host); only a private user namespace that does not map host root, "
    "with a private network namespace, confines it.",
    "D04", "5.4", "baseline", POLICY_CRITICAL, CONTAINER, { R, R, W } },
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
  { "CASCO-NS-MOUNT-JOINED", "mount namespace joined by path",
    "The rootfs setup mounts into the joined mount namespace and pivots into the container's root: that namespace's mount tree, and the root of every process in it, change.",
    "D04", "-", "-", POLICY_HIGH, CONTAINER, { R, R, W } },
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
  { "CASCO-USERNS-MAPS-HOST-ROOT", "user namespace maps host id 0",
    "A uid or gid mapping that covers host id 0 makes some container id host root: files it leaves in host directories, such as a setuid binary, belong to root.",
    "D01", "5.30", "restricted", POLICY_HIGH, CONTAINER, { R, R, W } },
  { "CASCO-HOOKS", "hooks run host commands",
    "Hooks run on the host as root with the runtime's privileges, outside every restriction of the container.",
    "D04", "-", "-", POLICY_HIGH, CONTAINER, { R, W, OK } },
  /* An unknown key is ignored by every runtime, as the spec says: refused
     where the author asked for the secure defaults, said at every level. */
  { "CASCO-CONFIG-UNKNOWN-KEY", "key the OCI runtime spec does not define",
    "Every runtime ignores a key the spec does not define, so a misspelled setting (\"noNewPrivilege\", "
    "\"maskedpaths\", \"readOnly\") is a protection its author believes is on and is not.",
    "D04", "-", "-", POLICY_MEDIUM, CONTAINER, { R, W, W } },
  { "CASCO-ROOT-WRITABLE", "root filesystem writable",
    "A writable root lets a compromised process replace the image's binaries and libraries for everything "
    "that runs in the container after it, and keep its tools there.",
    "D09", "5.12", "-", POLICY_LOW, CONTAINER, { R, W, OK } },
  { "CASCO-MOUNT-SYSFS-WRITABLE", "sysfs writable in a private user and network namespace",
    "Confined to the container's own namespaces a writable sysfs reaches no host-wide knob, but it still "
    "lets the container reconfigure its network devices and is more kernel code to attack than a read-only one.",
    "D04", "-", "-", POLICY_LOW, CONTAINER, { R, W, W } },
  { "CASCO-LIMITS-ABOVE-HOST", "limit above what the host has",
    "A memory limit above the host's memory, or a CPU limit above its online CPUs, limits nothing: the "
    "container can still take the whole host, while the config reads as if it could not.",
    "D07", "5.10", "-", POLICY_LOW, CONTAINER, { W, W, W } },
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

/* Every set at once: a capability in any of them reaches the process one
   way or another (bounding for uid 0's exec, ambient across exec, ...). */
static uint64_t
caps_union (const struct cap_sets *k)
{
  return k->bounding | k->effective | k->inheritable | k->permitted | k->ambient;
}

static bool
default_lets_through (const char *action)
{
  return action && (strcmp (action, "SCMP_ACT_ALLOW") == 0 || strcmp (action, "SCMP_ACT_LOG") == 0
                    || strcmp (action, "SCMP_ACT_TRACE") == 0);
}

/* Judged by effect: the program the init will install, run over the
   syscalls that lead out, on every ABI; whatever the profile's shape. */
static void
check_seccomp (struct check *c, const struct cap_sets *caps)
{
  if (c->opts->exec)
    return;   /* a container-wide rule: create judged it */
  __attribute__ ((cleanup (seccomp_program_clear))) struct seccomp_program own = { 0 };
  const struct seccomp_program *p = c->opts->seccomp;
  if (p == NULL)
    {
      struct casco_error *e = NULL;
      if (seccomp_program_for_spec (c->s, &own, &e) < 0)
        {
          casco_error_free (e);   /* create fails on it before installing anything */
          return;
        }
      p = &own;
    }
  __attribute__ ((cleanup (seccomp_program_clear))) struct seccomp_program reference = { 0 };
  struct casco_error *e = NULL;
  if (seccomp_default_program (&reference, &e) < 0)
    casco_error_free (e);   /* no default linked in: every escape must be denied */
  bool ptrace = (caps_union (caps) >> caps_from_name ("CAP_SYS_PTRACE")) & 1;
  /* what every engine's default denies too is a way out (refused at
     baseline); what only casco's default denies (Podman's profile lets
     nested user namespaces, their mounts and keyctl through) is weaker */
  const char *rule = "CASCO-SECCOMP-UNCONFINED";
  _cleanup_strv_ char **escapes = seccomp_effect_escapes (p, reference.insns ? &reference : NULL, ptrace, true);
  if (escapes == NULL)
    {
      rule = "CASCO-SECCOMP-WEAKER";
      escapes = seccomp_effect_escapes (p, reference.insns ? &reference : NULL, ptrace, false);
    }
  if (escapes == NULL)
    return;
  _cleanup_free_ char *list = xstrdup ("");
  for (size_t i = 0; escapes[i]; i++)
    {
      char *more = xasprintf ("%s%s%s", list, i ? "; " : "", escapes[i]);
      free (list);
      list = more;
    }
  const struct spec_seccomp *sc = c->s->linux_ ? c->s->linux_->seccomp : NULL;
  bool default_allows = sc && default_lets_through (sc->default_action);
  add_fix (c, rule, xstrdup (default_allows ? "linux.seccomp.defaultAction" : "linux.seccomp.syscalls"),
           xasprintf ("%s: the compiled filter lets through %s", default_allows ? sc->default_action : "rules",
                      list),
           default_allows
               ? xasprintf ("set \"defaultAction\":\"SCMP_ACT_ERRNO\" in linux.seccomp and allow only the "
                            "syscalls the program needs (to deny %s on every ABI), or remove linux.seccomp "
                            "(casco's default profile applies)", list)
               : xasprintf ("deny %s: remove the linux.seccomp.syscalls rules that allow them (on every ABI "
                            "of linux.seccomp.architectures), or remove linux.seccomp (casco's default "
                            "profile applies)", list));
}

/* The first entry of any set that names capability `cap`; the sets as
   written, resolved by the one function that made the masks. */
static char *
cap_path (const struct spec_capabilities *caps, int cap, char **sets_named)
{
  const struct { const char *name; char **v; } sets[] = {
    { "bounding", caps->bounding }, { "permitted", caps->permitted }, { "effective", caps->effective },
    { "inheritable", caps->inheritable }, { "ambient", caps->ambient },
  };
  char *path = NULL;
  *sets_named = NULL;
  for (size_t s = 0; s < ARRAY_SIZE (sets); s++)
    for (size_t i = 0; sets[s].v && sets[s].v[i]; i++)
      if (caps_from_name (sets[s].v[i]) == cap)
        {
          if (path == NULL)
            path = xasprintf ("process.capabilities.%s[%zu]", sets[s].name, i);
          char *more = xasprintf ("%s%s%s", *sets_named ? *sets_named : "", *sets_named ? ", ." : "",
                                  sets[s].name);
          free (*sets_named);
          *sets_named = more;
          break;
        }
  return path ? path : xstrdup ("process.capabilities");
}

/* Container uid or gid ranges that contain host id 0 (the sum is taken in
   64 bits: a range that wraps past 2^32-1 reaches 0 too). */
static bool
range_maps_host_root (const struct spec_id_mapping *m)
{
  return m->size > 0 && (m->host_id == 0 || (uint64_t) m->host_id + m->size > (uint64_t) UINT32_MAX + 1);
}

static bool
mappings_map_host_root (const struct spec_id_mapping *m, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (range_maps_host_root (&m[i]))
      return true;
  return false;
}

/* A user namespace of its own (created, not joined) that maps no host id 0:
   its capabilities reach only its own processes. */
static bool
private_userns (const struct spec *s)
{
  ssize_t i = -1;
  for (size_t k = 0; s->linux_ && k < s->linux_->n_namespaces; k++)
    if (s->linux_->namespaces[k].type == SPEC_NS_USER)
      i = (ssize_t) k;
  if (i < 0 || (s->linux_->namespaces[i].path && s->linux_->namespaces[i].path[0]))
    return false;
  return !mappings_map_host_root (s->linux_->uid_mappings, s->linux_->n_uid_mappings)
         && !mappings_map_host_root (s->linux_->gid_mappings, s->linux_->n_gid_mappings);
}

/* Judged on the numbers caps_resolve made (what caps_apply will set), so
   no spelling of a name reaches a mask unseen. */
static void
check_caps (struct check *c, const struct cap_sets *k)
{
  const struct spec_process *p = c->s->process;
  if (p == NULL || p->capabilities == NULL)
    return;
  uint64_t granted = caps_union (k);
  size_t n_rules;
  const struct policy_rule *all = policy_rules (&n_rules);
  for (size_t r = 0; r < n_rules; r++)
    {
      if (strncmp (all[r].id, "CASCO-CAP-", 10) != 0)
        continue;
      _cleanup_free_ char *name = xasprintf ("CAP_%s", all[r].id + 10);
      int cap = caps_from_name (name);
      if (cap < 0 || cap > 63 || !((granted >> cap) & 1))
        continue;
      const char *id = all[r].id;
      if (strcmp (name, "CAP_SYS_PTRACE") == 0 && private_userns (c->s))
        id = "CASCO-CAP-SYS_PTRACE-USERNS";
      _cleanup_free_ char *sets = NULL;
      char *path = cap_path (p->capabilities, cap, &sets);
      add_fix (c, id, path, xstrdup (name),
               xasprintf ("remove \"%s\" from process.capabilities.%s", name, sets ? sets : "*"));
    }
}

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

static void
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

static ssize_t ns_index (const struct spec *s, enum spec_ns_type t);
static bool shares_host_ns (struct check *c, enum spec_ns_type t, char **path, char **value);

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

/* A config's path shown in a finding: the start of it, so that a huge
   destination still gives a one-line error. */
#define SHOWN_MAX 200
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
static void
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
        add_fix (c, "CASCO-DEVICE-HOST", xasprintf ("linux.devices[%zu]", i),
                 xasprintf ("%c %lld:%lld %s", d->type, (long long) d->major, (long long) d->minor,
                            d->path ? d->path : ""),
                 xasprintf ("remove linux.devices[%zu] (give the container a file or a volume instead)", i));
    }
  const struct spec_resources *r = &l->resources;
  for (size_t i = 0; i < r->n_devices; i++)
    {
      const struct spec_device_cgroup *d = &r->devices[i];
      if (d->allow && access_reads_or_writes (d->access) && rule_reaches_host_device (d)
          && !later_deny_covers (r, i))
        add_fix (c, "CASCO-DEVICE-HOST", xasprintf ("linux.resources.devices[%zu]", i), device_rule_text (d),
                 xasprintf ("remove linux.resources.devices[%zu], or end the list with "
                            "{\"allow\":false,\"type\":\"b\",\"access\":\"rwm\"} and name only character "
                            "devices other than 1:1, 1:2 and 1:4", i));
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
check_mount_ns (struct check *c)
{
  ssize_t i = ns_index (c->s, SPEC_NS_MOUNT);
  const char *p = i >= 0 ? c->s->linux_->namespaces[i].path : NULL;
  if (p == NULL || p[0] == '\0')
    return;
  add_fix (c, "CASCO-NS-MOUNT-JOINED", xasprintf ("linux.namespaces[%zd].path", i),
           xasprintf ("%s%s", p, c->opts->ns_is_host[SPEC_NS_MOUNT] ? " (the host's: refused at every level)" : ""),
           xasprintf ("drop the \"path\" of linux.namespaces[%zd] (a new mount namespace)", i));
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
        add_fix (c, host[k].id, path, value,
                 ns_index (c->s, host[k].t) < 0
                     ? xasprintf ("add {\"type\":\"%s\"} to linux.namespaces", spec_ns_name (host[k].t))
                     : xasprintf ("remove \"path\" from linux.namespaces[%zd] (a new %s namespace), or name "
                                  "a pod sandbox's", ns_index (c->s, host[k].t), spec_ns_name (host[k].t)));
    }
}

/* A user namespace whose mapping sends container uid 0 to host uid 0 is no
   protection for root: that mapping's index, or -1. */
static ssize_t
maps_to_host_root (const struct spec *s)
{
  for (size_t i = 0; s->linux_ && i < s->linux_->n_uid_mappings; i++)
    {
      const struct spec_id_mapping *m = &s->linux_->uid_mappings[i];
      if (m->container_id == 0 && m->size > 0 && m->host_id == 0)
        return (ssize_t) i;
    }
  return -1;
}

static void
check_process (struct check *c)
{
  const struct spec_process *p = c->s->process;
  if (p == NULL)
    return;
  char *path = NULL, *value = NULL;
  ssize_t root_map = -1;
  if (p->user.uid == 0 && shares_host_ns (c, SPEC_NS_USER, &path, &value))
    add_fix (c, "CASCO-USER-ROOT-NO-USERNS", xstrdup ("process.user.uid"), xstrdup ("0 and no user namespace"),
             xstrdup ("set \"uid\":1000 in process.user (any non-zero id), or add {\"type\":\"user\"} to "
                      "linux.namespaces and set \"uidMappings\":[{\"containerID\":0,\"hostID\":100000,"
                      "\"size\":65536}] in linux and set \"gidMappings\":[{\"containerID\":0,\"hostID\":100000,"
                      "\"size\":65536}] in linux"));
  else if (p->user.uid == 0 && (root_map = maps_to_host_root (c->s)) >= 0)
    add_fix (c, "CASCO-USER-ROOT-NO-USERNS", xstrdup ("process.user.uid"), xstrdup ("0, mapped to the host's uid 0"),
             xasprintf ("set \"hostID\":100000 in linux.uidMappings[%zd] (an unprivileged host id)", root_map));
  free (path);
  free (value);
  /* still absent after policy_apply_defaults: the spec's false */
  if (!p->no_new_privileges)
    add_fix (c, "CASCO-NNP-DISABLED", xstrdup ("process.noNewPrivileges"),
             xstrdup (p->has_no_new_privileges ? "false" : "absent: false"),
             xstrdup ("set \"noNewPrivileges\":true in process"));
}

/* Does the CPU list (cpuset syntax: "0-3,6") hold cpu?  false for a list
   it cannot read. */
static bool
cpulist_has (const char *list, unsigned long cpu, unsigned long *range_end)
{
  for (const char *p = list; p && *p;)
    {
      char *end;
      unsigned long a = strtoul (p, &end, 10), b = a;
      if (end == p)
        return false;
      if (*end == '-')
        {
          const char *q = end + 1;
          b = strtoul (q, &end, 10);
          if (end == q)
            return false;
        }
      if (a <= cpu && cpu <= b)
        {
          *range_end = b;
          return true;
        }
      p = *end == ',' ? end + 1 : end;
      if (*end != ',' && *end != '\0')
        return false;
    }
  return false;
}

/* The first CPU of the config's list that is not in the host's online
   list; -1 when all are (or the list cannot be read: create's error). */
static long
first_cpu_offline (const char *want, const char *online)
{
  for (const char *p = want; *p;)
    {
      char *end;
      unsigned long a = strtoul (p, &end, 10), b = a;
      if (end == p)
        return -1;
      if (*end == '-')
        {
          const char *q = end + 1;
          b = strtoul (q, &end, 10);
          if (end == q)
            return -1;
        }
      if (*end != ',' && *end != '\0')
        return -1;
      /* walk the range by the host's ranges that cover it */
      for (unsigned long x = a; x <= b;)
        {
          unsigned long to;
          if (!cpulist_has (online, x, &to))
            return (long) x;
          if (to >= b)
            break;
          x = to + 1;
        }
      p = *end == ',' ? end + 1 : end;
    }
  return -1;
}

/* Limits above what the host has limit nothing (facts from judge.c). */
static void
check_limits_vs_host (struct check *c, const struct spec_resources *r)
{
  const struct policy_options *o = c->opts;
  if (r == NULL)
    return;
  if (o->host_mem_total && r->has_memory && r->memory.has_limit && r->memory.limit > 0
      && (uint64_t) r->memory.limit > o->host_mem_total)
    add_fix (c, "CASCO-LIMITS-ABOVE-HOST", xstrdup ("linux.resources.memory.limit"),
             xasprintf ("%" PRId64 " bytes, above this host's memory: %" PRIu64 " bytes (MemTotal)",
                        r->memory.limit, o->host_mem_total),
             xasprintf ("set \"limit\":%" PRIu64 " in linux.resources.memory (this host's memory; any lower "
                        "byte count passes too, what the container needs is best)", o->host_mem_total));
  const struct spec_cpu *cpu = &r->cpu;
  if (o->host_cpus && r->has_cpu && cpu->has_quota && cpu->quota > 0)
    {
      /* the kernel's period when the config gives none */
      uint64_t period = cpu->has_period && cpu->period ? cpu->period : 100000;
      if ((uint64_t) cpu->quota > period * o->host_cpus)
        add_fix (c, "CASCO-LIMITS-ABOVE-HOST", xstrdup ("linux.resources.cpu.quota"),
                 xasprintf ("quota %" PRId64 " per period %" PRIu64 ": %.2f CPUs, above this host's %u online",
                            cpu->quota, period, (double) cpu->quota / (double) period, o->host_cpus),
                 xasprintf ("set \"quota\":%" PRIu64 " in linux.resources.cpu (%u CPUs of period %" PRIu64
                            "; any lower quota passes too)", period * o->host_cpus, o->host_cpus, period));
    }
  if (o->host_cpus_online && r->has_cpu && cpu->cpus && cpu->cpus[0])
    {
      long off = first_cpu_offline (cpu->cpus, o->host_cpus_online);
      if (off >= 0)
        add_fix (c, "CASCO-LIMITS-ABOVE-HOST", xstrdup ("linux.resources.cpu.cpus"),
                 xasprintf ("\"%.*s\": CPU %ld is not online on this host (online: %s)", SHOWN_MAX, cpu->cpus,
                            off, o->host_cpus_online),
                 xasprintf ("set \"cpus\":\"%s\" in linux.resources.cpu (or a part of it)", o->host_cpus_online));
    }
}

/* The one sentence for a host where strict's limits cannot be met. */
static char *
no_cgroup_v2_fix (const char *why)
{
  return xasprintf ("nothing in the config passes strict on this host: %s, so it cannot enforce any limit. "
                    "Either run this container at --policy baseline without limits, or move the host to "
                    "cgroup v2 (boot it with systemd.unified_cgroup_hierarchy=1)", why);
}

static void
check_limits (struct check *c)
{
  const struct spec_resources *r = c->s->linux_ ? &c->s->linux_->resources : NULL;
  bool no_cgroup = c->opts->no_cgroup;
  const char *no_v2 = c->opts->host_no_cgroup_v2;
  bool mem = r && r->has_memory && r->memory.has_limit && r->memory.limit > 0;
  bool pids = r && r->has_pids && r->pids_limit > 0;
  static const char disabled[] = "run without --cgroup-manager disabled (the container then gets a cgroup "
                                 "that enforces it)";
  /* on a host without cgroup v2 no config change passes: said once, on
     the first of the two findings, instead of asking for limits the
     cgroup code must then refuse */
  bool host_said = false;
  if (!mem || no_cgroup)
    {
      host_said = no_v2 != NULL;
      add_fix (c, "CASCO-LIMITS-MEMORY", xstrdup ("linux.resources.memory.limit"),
               xstrdup (!mem ? "absent or unlimited" : "not enforced: no cgroup"),
               no_v2 ? no_cgroup_v2_fix (no_v2)
               : !mem ? xstrdup ("add \"memory\":{\"limit\":268435456} to linux.resources (any byte count)")
                      : xstrdup (disabled));
    }
  if (!pids || no_cgroup)
    add_fix (c, "CASCO-LIMITS-PIDS", xstrdup ("linux.resources.pids.limit"),
             xstrdup (!pids ? "absent or unlimited" : "not enforced: no cgroup"),
             no_v2 ? (host_said ? NULL : no_cgroup_v2_fix (no_v2))
             : !pids ? xstrdup ("add \"pids\":{\"limit\":1024} to linux.resources (any count)")
                     : xstrdup (disabled));
  check_limits_vs_host (c, r);
}

/* root.readonly false or absent: a writable root, as the spec says. */
static void
check_root (struct check *c)
{
  if (c->s->root == NULL || c->s->root->readonly)
    return;
  add_fix (c, "CASCO-ROOT-WRITABLE", xstrdup ("root.readonly"), xstrdup ("false or absent"),
           xstrdup ("set \"readonly\":true in root (and give the paths the program writes their own "
                    "mounts, e.g. {\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
                    "\"options\":[\"nosuid\",\"nodev\"]})"));
}

/* Keys the spec does not define (spec_keys.c found them while parsing). */
static void
check_unknown_keys (struct check *c)
{
  for (size_t i = 0; i < c->s->n_unknown_keys; i++)
    {
      const struct spec_unknown_key *k = &c->s->unknown_keys[i];
      size_t plen = strlen (k->path), klen = strlen (k->key);
      /* the object holding it: the path up to ".key" */
      _cleanup_free_ char *where = plen > klen ? xstrndup (k->path, plen - klen - 1) : NULL;
      add_fix (c, "CASCO-CONFIG-UNKNOWN-KEY", xstrdup (k->path),
               k->nearest ? xasprintf ("unknown key \"%s\"; did you mean \"%s\"?", k->key, k->nearest)
                          : xasprintf ("unknown key \"%s\"", k->key),
               k->nearest ? xasprintf ("rename \"%s\" to \"%s\" in %s", k->key, k->nearest,
                                       where ? where : "the top level")
                          : xasprintf ("remove \"%s\" from %s (the OCI runtime spec defines no such key "
                                       "there)", k->key, where ? where : "the top level"));
    }
}

/* A host id for m[i] that is not host root and overlaps none of the
   other ranges (the kernel refuses overlapping host ranges). */
static uint64_t
free_host_id (const struct spec_id_mapping *m, size_t n, size_t i)
{
  uint64_t id = 100000;
  for (size_t j = 0; j < n; j++)
    if (j != i && (uint64_t) m[j].host_id + m[j].size > id)
      id = (uint64_t) m[j].host_id + m[j].size;
  return id;
}

static void
check_mappings (struct check *c, const char *key, const char *what, const struct spec_id_mapping *m,
                size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (range_maps_host_root (&m[i]))
      add_fix (c, "CASCO-USERNS-MAPS-HOST-ROOT", xasprintf ("linux.%s[%zu]", key, i),
               xasprintf ("containerID %u, hostID %u, size %u: covers host %s 0", m[i].container_id,
                          m[i].host_id, m[i].size, what),
               xasprintf ("set \"hostID\":%" PRIu64 " in linux.%s[%zu] (map only unprivileged host %ss: a "
                          "range from /etc/sub%s that does not contain host %s 0)", free_host_id (m, n, i), key, i,
                          what, what, what));
}

static void
check_userns_maps (struct check *c)
{
  const struct spec_linux *l = c->s->linux_;
  if (l == NULL)
    return;
  check_mappings (c, "uidMappings", "uid", l->uid_mappings, l->n_uid_mappings);
  check_mappings (c, "gidMappings", "gid", l->gid_mappings, l->n_gid_mappings);
}

static bool
hook_allowed (const struct check *c, const char *path)
{
  _cleanup_free_ char *clean = policy_clean_hook_path (path);
  for (size_t i = 0; clean && c->opts->hooks_allowed && c->opts->hooks_allowed[i]; i++)
    if (strcmp (clean, c->opts->hooks_allowed[i]) == 0)
      return true;
  return false;
}

static void
check_hooks (struct check *c)
{
  const struct spec_hooks *h = &c->s->hooks;
  const struct { const char *kind; const struct spec_hook *v; size_t n; } kinds[] = {
    { "prestart", h->prestart, h->n_prestart },
    { "createRuntime", h->create_runtime, h->n_create_runtime },
    { "createContainer", h->create_container, h->n_create_container },
    { "startContainer", h->start_container, h->n_start_container },
    { "poststart", h->poststart, h->n_poststart },
    { "poststop", h->poststop, h->n_poststop },
  };
  for (size_t k = 0; k < ARRAY_SIZE (kinds); k++)
    for (size_t i = 0; i < kinds[k].n; i++)
      {
        const char *path = kinds[k].v[i].path ? kinds[k].v[i].path : "";
        if (!hook_allowed (c, path))
          add_fix (c, "CASCO-HOOKS", xasprintf ("hooks.%s[%zu].path", kinds[k].kind, i), xstrdup (path),
                   xasprintf ("remove hooks.%s[%zu], or an operator lists \"%s\" in hooks_allowed of "
                              POLICY_CONF_PATH " (or $" POLICY_CONF_ENV ")", kinds[k].kind, i, path));
      }
}

size_t
policy_check (const struct spec *s, enum policy_level level, const struct policy_options *opts,
              struct policy_findings *out)
{
  static const struct policy_options none;
  if ((unsigned) level >= POLICY_N_LEVELS)
    level = POLICY_STRICT;
  struct check c = { .s = s, .level = level, .opts = opts ? opts : &none, .out = out };
  /* the masks the init applies: given, or made by that same function */
  struct cap_sets caps = { 0 };
  if (opts && opts->caps)
    caps = *opts->caps;
  else if (s->process)
    {
      struct casco_error *e = NULL;
      if (caps_resolve (s->process->capabilities, &caps, &e) < 0)
        casco_error_free (e);   /* spec_validate refuses such a config first */
    }
  /* table order, so reports read the same way every time */
  check_seccomp (&c, &caps);
  check_caps (&c, &caps);
  check_masked_paths (&c);
  check_mounts (&c);
  check_proc_sys_mounts (&c);
  check_devices (&c);
  check_namespaces (&c);
  check_mount_ns (&c);
  check_process (&c);
  check_limits (&c);
  check_userns_maps (&c);
  check_hooks (&c);
  /* the rules added last, in table order */
  check_unknown_keys (&c);
  check_root (&c);
  return c.refused;
}

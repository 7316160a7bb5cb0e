/* The operator policy's rule table and the pure check over a parsed config.
   One row per rule: what it means (risk, OWASP Docker Top 10, CIS Docker
   Benchmark v1.2.0 section 5, Kubernetes Pod Security Standards) and what
   each level does.  docs/policy.md is checked against this table.  The
   rules themselves are judged by family in policy_rules_process.c,
   policy_rules_ns.c, policy_rules_mounts.c and policy_rules_resources.c,
   which record findings through add_fix here; policy_check.c runs them in
   table order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casco/error.h"
#include "casco/policy.h"
#include "util.h"
#include "caps.h"
#include "mount_options.h"
#include "policy_defaults.h"
#include "policy_rules.h"

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
void
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

/* ---- helpers policy.c shares (here, so policy.c calls down and never back) ---- */

/* A sysfs whose options say neither "ro" nor "rw" is mounted read-only by
   default: writable it reaches host-wide kernel knobs, so only an explicit
   "rw" (which the policy then judges) gets that. */
bool
policy_sysfs_says_neither (const struct spec_mount *m)
{
  if (m->type == NULL || strcmp (m->type, "sysfs") != 0 || mount_is_bind (m))
    return false;
  for (size_t i = 0; m->options && m->options[i]; i++)
    if (strcmp (m->options[i], "ro") == 0 || strcmp (m->options[i], "rw") == 0
        || strcmp (m->options[i], "remount") == 0)
      return false;
  return true;
}

char *
policy_clean_hook_path (const char *path)
{
  if (path == NULL || path[0] != '/')
    return NULL;
  _cleanup_free_ char *copy = xstrdup (path);
  char *out = xmalloc0 (strlen (path) + 2);
  size_t len = 0;
  char *save = NULL;
  for (char *part = strtok_r (copy, "/", &save); part; part = strtok_r (NULL, "/", &save))
    {
      if (strcmp (part, ".") == 0)
        continue;
      if (strcmp (part, "..") == 0)
        {
          /* where it leads depends on symlinks the hook's runner follows */
          free (out);
          return NULL;
        }
      out[len++] = '/';
      strcpy (out + len, part);
      len += strlen (part);
    }
  if (len == 0)
    out[len++] = '/';
  out[len] = '\0';
  return out;
}

/* Structural checks on a parsed spec: required fields, known enum values,
   absolute paths, and rules that tie fields together (mappings need a user
   namespace).  Nothing here touches the host: whether the kernel supports
   a feature is for the module that uses it.  Every error names the JSON
   path and says what to change. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "casco/error.h"
#include "casco/spec.h"
#include "util.h"
#include "caps.h"

/* JSON paths for messages, formatted into a buffer the caller owns. */
typedef char jpath_buf[256];

static const char * __attribute__ ((format (printf, 2, 3)))
at (jpath_buf buf, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (buf, sizeof (jpath_buf), fmt, ap);
  va_end (ap);
  return buf;
}

static bool
in_list (const char *s, const char *const *list)
{
  for (; s && *list; list++)
    if (strcmp (s, *list) == 0)
      return true;
  return false;
}

static bool
is_absolute (const char *p)
{
  return p && p[0] == '/';
}

/* A name that becomes one path component of a kernel filesystem (cgroup
   file, resctrl group, interface): a '/' or ".." would step outside it. */
static bool
is_plain_name (const char *s)
{
  return s && s[0] && strchr (s, '/') == NULL && strcmp (s, ".") != 0 && strcmp (s, "..") != 0;
}

static int
check_path (const char *path, const char *json_path, const char *what, struct casco_error **err)
{
  if (path == NULL || path[0] == '\0')
    return casco_error_config (err, json_path, "required field is missing; set it to the %s", what);
  if (!is_absolute (path))
    return casco_error_config (err, json_path, "\"%s\" is not an absolute path; %s must start with /",
                               path, what);
  return 0;
}

/* ---- top level -------------------------------------------------------- */

static int
validate_version (const char *v, struct casco_error **err)
{
  if (v == NULL || v[0] == '\0')
    return casco_error_config (err, "ociVersion", "required field is missing; set it to \"%s\"",
                               CASCO_SPEC_VERSION);
  size_t digits = strspn (v, "0123456789");
  if (digits == 0 || v[digits] != '.')
    return casco_error_config (err, "ociVersion",
                               "\"%s\" is not a version: expected MAJOR.MINOR.PATCH such as \"%s\"",
                               v, CASCO_SPEC_VERSION);
  /* Within a major version the spec stays compatible both ways. */
  if (digits != 1 || v[0] != '1')
    return casco_error_config (err, "ociVersion", "unsupported version \"%s\": casco implements 1.x", v);
  return 0;
}

static int
validate_root (const struct spec_root *root, struct casco_error **err)
{
  if (root == NULL)
    return casco_error_config (err, "root",
                               "required field is missing; set root.path to the container's root "
                               "filesystem directory");
  if (root->path == NULL || root->path[0] == '\0')
    return casco_error_config (err, "root.path",
                               "required field is missing; set it to the container's root filesystem "
                               "directory (relative to the bundle, or absolute)");
  return 0;
}

static int
validate_id_mappings (const struct spec_id_mapping *m, size_t n, const char *json_key,
                      struct casco_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      jpath_buf p;
      if (m[i].size == 0)
        return casco_error_config (err, at (p, "%s[%zu].size", json_key, i),
                                   "must be at least 1: a mapping of zero IDs maps nothing");
      /* The kernel rejects ranges that wrap past 2^32-1; say which end. */
      if ((uint64_t) m[i].container_id + m[i].size - 1 > UINT32_MAX)
        return casco_error_config (err, at (p, "%s[%zu]", json_key, i),
                                   "containerID %u + size %u runs past 4294967295", m[i].container_id,
                                   m[i].size);
      if ((uint64_t) m[i].host_id + m[i].size - 1 > UINT32_MAX)
        return casco_error_config (err, at (p, "%s[%zu]", json_key, i),
                                   "hostID %u + size %u runs past 4294967295", m[i].host_id, m[i].size);
    }
  return 0;
}

/* ---- process ---------------------------------------------------------- */

static const char *const sched_policies[] = {
  "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH", "SCHED_ISO", "SCHED_IDLE",
  "SCHED_DEADLINE", NULL,
};

static const char *const sched_flags[] = {
  "SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_RECLAIM", "SCHED_FLAG_DL_OVERRUN",
  "SCHED_FLAG_KEEP_POLICY", "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
  "SCHED_FLAG_UTIL_CLAMP_MAX", NULL,
};

static const char *const ioprio_classes[] = {
  "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE", NULL,
};

static int
validate_scheduler (const struct spec_scheduler *s, struct casco_error **err)
{
  if (!s->present)
    return 0;
  if (s->policy == NULL)
    return casco_error_config (err, "process.scheduler.policy",
                               "required field is missing; use one of SCHED_OTHER, SCHED_FIFO, "
                               "SCHED_RR, SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE");
  if (!in_list (s->policy, sched_policies))
    return casco_error_config (err, "process.scheduler.policy",
                               "unknown policy \"%s\": use one of SCHED_OTHER, SCHED_FIFO, SCHED_RR, "
                               "SCHED_BATCH, SCHED_ISO, SCHED_IDLE, SCHED_DEADLINE",
                               s->policy);
  if (s->nice < -20 || s->nice > 19)
    return casco_error_config (err, "process.scheduler.nice", "%d is out of range: must be -20..19",
                               s->nice);
  for (size_t i = 0; s->flags && s->flags[i]; i++)
    if (!in_list (s->flags[i], sched_flags))
      {
        jpath_buf p;
        return casco_error_config (err, at (p, "process.scheduler.flags[%zu]", i),
                                   "unknown flag \"%s\": use a SCHED_FLAG_* name from sched_setattr(2)",
                                   s->flags[i]);
      }
  return 0;
}

static int
validate_rlimits (const struct spec_process *p, struct casco_error **err)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      const struct spec_rlimit *rl = &p->rlimits[i];
      jpath_buf path;
      if (rl->soft > rl->hard)
        return casco_error_config (err, at (path, "process.rlimits[%zu]", i),
                                   "%s: soft limit %llu exceeds hard limit %llu; setrlimit(2) would "
                                   "refuse it",
                                   rl->type ? rl->type : "rlimit", (unsigned long long) rl->soft,
                                   (unsigned long long) rl->hard);
      for (size_t j = 0; j < i; j++)
        if (p->rlimits[j].resource == rl->resource)
          return casco_error_config (err, at (path, "process.rlimits[%zu].type", i),
                                     "%s is already set by process.rlimits[%zu]; keep one",
                                     rl->type ? rl->type : "rlimit", j);
    }
  return 0;
}

static int
validate_process (const struct spec_process *p, struct casco_error **err)
{
  jpath_buf path;
  if (p->args == NULL || p->args[0] == NULL)
    return casco_error_config (err, "process.args",
                               "must name the program to run (at least one entry)");
  if (p->args[0][0] == '\0')
    return casco_error_config (err, "process.args[0]", "must not be empty: it names the program to run");
  if (p->cwd == NULL || p->cwd[0] == '\0')
    return casco_error_config (err, "process.cwd",
                               "required field is missing; use \"/\" for the container's root");
  if (!is_absolute (p->cwd))
    return casco_error_config (err, "process.cwd",
                               "\"%s\" is not an absolute path; paths inside the container start with /",
                               p->cwd);
  for (size_t i = 0; p->env && p->env[i]; i++)
    {
      const char *eq = strchr (p->env[i], '=');
      if (eq == NULL || eq == p->env[i])
        return casco_error_config (err, at (path, "process.env[%zu]", i),
                                   "\"%s\" is not of the form NAME=VALUE", p->env[i]);
    }
  if (validate_rlimits (p, err) < 0 || caps_check_names (p->capabilities, err) < 0)
    return -1;
  if (p->has_oom_score_adj && (p->oom_score_adj < -1000 || p->oom_score_adj > 1000))
    return casco_error_config (err, "process.oomScoreAdj", "%d is out of range: must be -1000..1000",
                               p->oom_score_adj);
  if (validate_scheduler (&p->scheduler, err) < 0)
    return -1;
  if (p->io_priority.present)
    {
      const char *class_ = p->io_priority.class_;
      if (class_ == NULL)
        return casco_error_config (err, "process.ioPriority.class",
                                   "required field is missing; use IOPRIO_CLASS_RT, IOPRIO_CLASS_BE "
                                   "or IOPRIO_CLASS_IDLE");
      if (!in_list (class_, ioprio_classes))
        return casco_error_config (err, "process.ioPriority.class",
                                   "unknown class \"%s\": use IOPRIO_CLASS_RT, IOPRIO_CLASS_BE or "
                                   "IOPRIO_CLASS_IDLE",
                                   class_);
      if (p->io_priority.priority < 0 || p->io_priority.priority > 7)
        return casco_error_config (err, "process.ioPriority.priority",
                                   "%d is out of range: must be 0..7 (0 is the highest)",
                                   p->io_priority.priority);
    }
  return 0;
}

/* ---- mounts and hooks ------------------------------------------------- */

static int
validate_mounts (const struct spec *s, struct casco_error **err)
{
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      const struct spec_mount *m = &s->mounts[i];
      jpath_buf p, q;
      if (check_path (m->destination, at (p, "mounts[%zu].destination", i),
                      "mount point inside the container", err) < 0
          || validate_id_mappings (m->uid_mappings, m->n_uid_mappings,
                                   at (p, "mounts[%zu].uidMappings", i), err) < 0
          || validate_id_mappings (m->gid_mappings, m->n_gid_mappings,
                                   at (q, "mounts[%zu].gidMappings", i), err) < 0)
        return -1;
    }
  return 0;
}

static int
validate_hook_list (const struct spec_hook *h, size_t n, const char *kind, struct casco_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      jpath_buf p;
      if (check_path (h[i].path, at (p, "hooks.%s[%zu].path", kind, i),
                      "program to run (a host path)", err) < 0)
        return -1;
      if (h[i].has_timeout && h[i].timeout <= 0)
        return casco_error_config (err, at (p, "hooks.%s[%zu].timeout", kind, i),
                                   "%d is not a timeout: use a number of seconds greater than 0, or "
                                   "leave it out for no timeout",
                                   h[i].timeout);
    }
  return 0;
}

static int
validate_hooks (const struct spec_hooks *h, struct casco_error **err)
{
  if (validate_hook_list (h->prestart, h->n_prestart, "prestart", err) < 0
      || validate_hook_list (h->create_runtime, h->n_create_runtime, "createRuntime", err) < 0
      || validate_hook_list (h->create_container, h->n_create_container, "createContainer", err) < 0
      || validate_hook_list (h->start_container, h->n_start_container, "startContainer", err) < 0
      || validate_hook_list (h->poststart, h->n_poststart, "poststart", err) < 0
      || validate_hook_list (h->poststop, h->n_poststop, "poststop", err) < 0)
    return -1;
  return 0;
}

/* ---- linux ------------------------------------------------------------ */

static int
validate_namespaces (const struct spec *s, struct casco_error **err)
{
  const struct spec_linux *l = s->linux_;
  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      const struct spec_namespace *ns = &l->namespaces[i];
      jpath_buf p;
      const char *name = spec_ns_name (ns->type);
      if (name == NULL)
        return casco_error_config (err, at (p, "linux.namespaces[%zu].type", i),
                                   "unknown namespace type %d", (int) ns->type);
      for (size_t j = 0; j < i; j++)
        if (l->namespaces[j].type == ns->type)
          return casco_error_config (err, at (p, "linux.namespaces[%zu].type", i),
                                     "duplicate \"%s\" namespace (also linux.namespaces[%zu]); keep one",
                                     name, j);
      if (ns->path && !is_absolute (ns->path))
        return casco_error_config (err, at (p, "linux.namespaces[%zu].path", i),
                                   "\"%s\" is not an absolute path; name the namespace file, e.g. "
                                   "/proc/PID/ns/%s",
                                   ns->path, spec_ns_proc_name (ns->type));
    }

  const struct spec_namespace *user = spec_find_namespace (s, SPEC_NS_USER);
  bool mappings = l->n_uid_mappings > 0 || l->n_gid_mappings > 0;
  if (mappings && user == NULL)
    return casco_error_config (err, l->n_uid_mappings ? "linux.uidMappings" : "linux.gidMappings",
                               "ID mappings need a user namespace; add {\"type\": \"user\"} to "
                               "linux.namespaces");
  if (user && user->path == NULL && !mappings)
    return casco_error_config (err, "linux.namespaces",
                               "a new user namespace needs linux.uidMappings and linux.gidMappings; "
                               "add them, or give the user namespace a path to join");
  if (validate_id_mappings (l->uid_mappings, l->n_uid_mappings, "linux.uidMappings", err) < 0
      || validate_id_mappings (l->gid_mappings, l->n_gid_mappings, "linux.gidMappings", err) < 0)
    return -1;

  if (l->time_monotonic.present || l->time_boottime.present)
    {
      const struct spec_namespace *time = spec_find_namespace (s, SPEC_NS_TIME);
      /* Offsets can be written only before the first process enters a
         time namespace, so a joined one is already fixed. */
      if (time == NULL || time->path != NULL)
        return casco_error_config (err, "linux.timeOffsets",
                                   "clock offsets need a new time namespace; add {\"type\": \"time\"} "
                                   "(without a path) to linux.namespaces");
      const struct spec_time_offset *offs[] = { &l->time_monotonic, &l->time_boottime };
      const char *names[] = { "monotonic", "boottime" };
      for (size_t i = 0; i < ARRAY_SIZE (offs); i++)
        if (offs[i]->present && offs[i]->nanosecs >= 1000000000u)
          {
            jpath_buf p;
            return casco_error_config (err, at (p, "linux.timeOffsets[\"%s\"].nanosecs", names[i]),
                                       "%u is out of range: must be below 1000000000 (carry whole "
                                       "seconds into secs)",
                                       offs[i]->nanosecs);
          }
    }
  return 0;
}

/* runc's rule: names are set inside the container's UTS namespace (new or
   joined); without one, sethostname would rename the host. */
static int
validate_uts (const struct spec *s, struct casco_error **err)
{
  if (spec_find_namespace (s, SPEC_NS_UTS) != NULL)
    return 0;
  if (s->hostname && s->hostname[0])
    return casco_error_config (err, "hostname",
                               "setting a hostname needs a private UTS namespace; add {\"type\": "
                               "\"uts\"} to linux.namespaces or drop hostname");
  if (s->domainname && s->domainname[0])
    return casco_error_config (err, "domainname",
                               "setting a domainname needs a private UTS namespace; add {\"type\": "
                               "\"uts\"} to linux.namespaces or drop domainname");
  return 0;
}

enum { DEVICE_MAJOR_MAX = (1 << 12) - 1, DEVICE_MINOR_MAX = (1 << 20) - 1 };

static int
validate_devices (const struct spec_linux *l, struct casco_error **err)
{
  for (size_t i = 0; i < l->n_devices; i++)
    {
      const struct spec_device *d = &l->devices[i];
      jpath_buf p;
      if (check_path (d->path, at (p, "linux.devices[%zu].path", i), "device path inside the container",
                      err) < 0)
        return -1;
      if (d->type == '\0' || strchr ("cbup", d->type) == NULL)
        return casco_error_config (err, at (p, "linux.devices[%zu].type", i),
                                   "unknown device type '%c': use \"c\", \"b\", \"u\" or \"p\"",
                                   d->type ? d->type : '?');
      /* The kernel's device numbers are 12-bit major, 20-bit minor; caught
         here, a bad number fails before anything is created, not at mknod
         after the namespaces and mounts are made. */
      if (d->type != 'p' && (d->major < 0 || d->major > DEVICE_MAJOR_MAX))
        return casco_error_config (err, at (p, "linux.devices[%zu].major", i),
                                   "%" PRId64 " is not a device major number (0 to %d)", d->major,
                                   DEVICE_MAJOR_MAX);
      if (d->type != 'p' && (d->minor < 0 || d->minor > DEVICE_MINOR_MAX))
        return casco_error_config (err, at (p, "linux.devices[%zu].minor", i),
                                   "%" PRId64 " is not a device minor number (0 to %d)", d->minor,
                                   DEVICE_MINOR_MAX);
    }
  return 0;
}

/* The smallest memory limit a container can start under: below it the
   kernel OOM-kills the init while it sets itself up or at exec, and all
   the user would see is a death.  Measured in the test VM (cgroup v2,
   x86-64, 4 KiB pages; memory.peak under a limit below one charge batch,
   where no per-CPU stock inflates it): the init uses 100-136 KiB when it
   is ready (about 64 KiB of it kernel memory, 44 KiB slab); a whole run
   peaks at 156-176 KiB for /bin/true, 160-192 KiB for `sh -c 'echo hi'`
   and 188-208 KiB for `sh -c 'exec sh -c true'`; at 128 KiB every run
   died, at 160 KiB one `sh -c` of two.  256 KiB is a fifth above the
   highest peak, one charge batch (64 pages, see
   cgroup_memory_max_during_setup), and what tests/vm/tiny-limits.bats
   runs containers under, under load.  A higher floor would refuse limits
   that work.  (Docker's minimum, 6 MiB, is for its shim and the image's
   process, not the runtime.) */
#define MEMORY_LIMIT_MIN (256 * 1024)

static int
memory_limit_too_small (const char *json_path, int64_t bytes, struct casco_error **err)
{
  return casco_error_config (err, json_path,
                             "%" PRId64 " bytes is below the %d bytes (%d KiB) a container's init needs to "
                             "start: set at least %d, or -1 for no limit",
                             bytes, MEMORY_LIMIT_MIN, MEMORY_LIMIT_MIN / 1024, MEMORY_LIMIT_MIN);
}

/* A limit the container cannot start under is a config error at every
   level, before anything exists (memory.low, memory.high: no kill). */
static int
validate_memory_limits (const struct spec_resources *r, struct casco_error **err)
{
  if (r->has_memory && r->memory.has_limit && r->memory.limit > 0 && r->memory.limit < MEMORY_LIMIT_MIN)
    return memory_limit_too_small ("linux.resources.memory.limit", r->memory.limit, err);
  for (size_t i = 0; i < r->n_unified; i++)
    {
      const struct spec_kv *kv = &r->unified[i];
      char *end;
      errno = 0;
      long long v = kv->value ? strtoll (kv->value, &end, 10) : 0;
      if (strcmp (kv->key, "memory.max") != 0 || errno || end == kv->value || strspn (end, " \n") != strlen (end))
        continue;   /* "max", or not a number: the kernel judges it */
      if (v >= 0 && v < MEMORY_LIMIT_MIN)
        return memory_limit_too_small ("linux.resources.unified[\"memory.max\"]", v, err);
    }
  return 0;
}

static int
validate_resources (const struct spec_resources *r, struct casco_error **err)
{
  if (validate_memory_limits (r, err) < 0)
    return -1;
  for (size_t i = 0; i < r->n_devices; i++)
    {
      const struct spec_device_cgroup *d = &r->devices[i];
      jpath_buf p;
      if (d->type == '\0' || strchr ("acb", d->type) == NULL)
        return casco_error_config (err, at (p, "linux.resources.devices[%zu].type", i),
                                   "unknown device type '%c': use \"a\", \"c\" or \"b\"",
                                   d->type ? d->type : '?');
      if (d->access && (d->access[0] == '\0' || strspn (d->access, "rwm") != strlen (d->access)))
        return casco_error_config (err, at (p, "linux.resources.devices[%zu].access", i),
                                   "\"%s\" is not an access mode: use letters from \"rwm\"", d->access);
    }
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    {
      jpath_buf p;
      const char *size = r->hugepage_limits[i].page_size;
      at (p, "linux.resources.hugepageLimits[%zu].pageSize", i);
      if (size == NULL)
        return casco_error_config (err, p, "required field is missing; use a size such as \"2MB\"");
      /* pageSize becomes part of a cgroup file name (hugetlb.2MB.max). */
      if (!is_plain_name (size))
        return casco_error_config (err, p, "\"%s\" is not a page size: use a size such as \"2MB\"",
                                   size);
    }
  for (size_t i = 0; i < r->n_rdma; i++)
    {
      /* The device name is written into rdma.max as one line of "dev k=v". */
      const char *dev = r->rdma[i].device;
      if (!is_plain_name (dev) || strpbrk (dev, " \t\n"))
        return casco_error_config (err, "linux.resources.rdma",
                                   "\"%s\" is not a device name: no spaces, newlines or slashes", dev);
    }
  for (size_t i = 0; i < r->n_unified; i++)
    {
      /* Each key names a file in the container's cgroup directory: it must
         not be able to reach any other. */
      const char *key = r->unified[i].key;
      if (!is_plain_name (key))
        {
          _cleanup_free_ char *p = xasprintf ("linux.resources.unified[\"%s\"]", key);
          return casco_error_config (err, p,
                                     "not a cgroup file name: use a name such as \"memory.high\", "
                                     "without '/'");
        }
    }
  return 0;
}

static const char *const propagations[] = {
  "shared", "slave", "private", "unbindable", "rshared", "rslave", "rprivate", "runbindable", NULL,
};

static const char *const seccomp_actions[] = {
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
  "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", NULL,
};

static const char *const seccomp_ops[] = {
  "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT",
  "SCMP_CMP_MASKED_EQ", NULL,
};

/* The spec: an errnoRet on an action that returns no errno is an error. */
static bool
action_takes_errno (const char *action)
{
  return strcmp (action, "SCMP_ACT_ERRNO") == 0 || strcmp (action, "SCMP_ACT_TRACE") == 0;
}

static int
check_action (const char *action, bool has_errno, const char *json_path, struct casco_error **err)
{
  if (action == NULL)
    return casco_error_config (err, json_path, "required field is missing; use an SCMP_ACT_* action");
  if (!in_list (action, seccomp_actions))
    return casco_error_config (err, json_path, "unknown action \"%s\": use an SCMP_ACT_* action",
                               action);
  if (has_errno && !action_takes_errno (action))
    return casco_error_config (err, json_path,
                               "%s returns no errno, but an errno return is set; drop it or use "
                               "SCMP_ACT_ERRNO",
                               action);
  return 0;
}

static int
validate_seccomp (const struct spec_seccomp *sc, struct casco_error **err)
{
  if (sc == NULL)
    return 0;
  bool notify = false;
  if (check_action (sc->default_action, sc->has_default_errno_ret, "linux.seccomp.defaultAction", err) < 0)
    return -1;
  notify = strcmp (sc->default_action, "SCMP_ACT_NOTIFY") == 0;
  for (size_t i = 0; i < sc->n_syscalls; i++)
    {
      const struct spec_seccomp_syscall *c = &sc->syscalls[i];
      jpath_buf p;
      if (c->names == NULL || c->names[0] == NULL)
        return casco_error_config (err, at (p, "linux.seccomp.syscalls[%zu].names", i),
                                   "must list at least one syscall");
      for (size_t j = 0; c->names[j]; j++)
        if (c->names[j][0] == '\0')
          return casco_error_config (err, at (p, "linux.seccomp.syscalls[%zu].names[%zu]", i, j),
                                     "must not be empty");
      if (check_action (c->action, c->has_errno_ret, at (p, "linux.seccomp.syscalls[%zu].action", i),
                        err) < 0)
        return -1;
      notify = notify || strcmp (c->action, "SCMP_ACT_NOTIFY") == 0;
      for (size_t j = 0; j < c->n_args; j++)
        {
          const struct spec_seccomp_arg *a = &c->args[j];
          if (a->index > 5)
            return casco_error_config (err, at (p, "linux.seccomp.syscalls[%zu].args[%zu].index", i, j),
                                       "%u is out of range: syscalls have arguments 0..5", a->index);
          if (a->op == NULL)
            return casco_error_config (err, at (p, "linux.seccomp.syscalls[%zu].args[%zu].op", i, j),
                                       "required field is missing; use an SCMP_CMP_* operator");
          if (!in_list (a->op, seccomp_ops))
            return casco_error_config (err, at (p, "linux.seccomp.syscalls[%zu].args[%zu].op", i, j),
                                       "unknown operator \"%s\": use an SCMP_CMP_* operator", a->op);
        }
    }
  if (notify && (sc->listener_path == NULL || sc->listener_path[0] == '\0'))
    return casco_error_config (err, "linux.seccomp.listenerPath",
                               "SCMP_ACT_NOTIFY needs a listener: set listenerPath to the socket of "
                               "the seccomp agent");
  return 0;
}

static int
validate_sysctl (const struct spec_linux *l, struct casco_error **err)
{
  for (size_t i = 0; i < l->n_sysctl; i++)
    {
      const char *key = l->sysctl[i].key;
      /* The name maps to /proc/sys/a/b/c: empty components or a '/' would
         name some other file. */
      bool ok = key[0] && key[0] != '.' && key[strlen (key) - 1] != '.' && strstr (key, "..") == NULL
                && strchr (key, '/') == NULL;
      if (!ok)
        {
          _cleanup_free_ char *p = xasprintf ("linux.sysctl[\"%s\"]", key);
          return casco_error_config (err, p,
                                     "not a sysctl name: use dotted form such as "
                                     "\"net.ipv4.ip_forward\"");
        }
    }
  return 0;
}

static int
validate_path_list (char *const *paths, const char *json_key, struct casco_error **err)
{
  for (size_t i = 0; paths && paths[i]; i++)
    {
      jpath_buf p;
      if (check_path (paths[i], at (p, "%s[%zu]", json_key, i), "path inside the container", err) < 0)
        return -1;
    }
  return 0;
}

static int
validate_linux (const struct spec *s, struct casco_error **err)
{
  const struct spec_linux *l = s->linux_;
  if (l == NULL)
    return 0;
  if (validate_namespaces (s, err) < 0 || validate_devices (l, err) < 0
      || validate_resources (&l->resources, err) < 0 || validate_seccomp (l->seccomp, err) < 0
      || validate_sysctl (l, err) < 0
      || validate_path_list (l->masked_paths, "linux.maskedPaths", err) < 0
      || validate_path_list (l->readonly_paths, "linux.readonlyPaths", err) < 0)
    return -1;
  if (l->rootfs_propagation && !in_list (l->rootfs_propagation, propagations))
    return casco_error_config (err, "linux.rootfsPropagation",
                               "unknown propagation \"%s\": use one of shared, slave, private, "
                               "unbindable, rshared, rslave, rprivate, runbindable",
                               l->rootfs_propagation);
  if (l->personality.present)
    {
      static const char *const domains[] = { "LINUX", "LINUX32", NULL };
      const char *domain = l->personality.domain;
      if (domain == NULL)
        return casco_error_config (err, "linux.personality.domain",
                                   "required field is missing; use \"LINUX\" or \"LINUX32\"");
      if (!in_list (domain, domains))
        return casco_error_config (err, "linux.personality.domain",
                                   "unknown domain \"%s\": use \"LINUX\" or \"LINUX32\"", domain);
    }
  /* closID names a directory under /sys/fs/resctrl. */
  if (l->intel_rdt.clos_id && !is_plain_name (l->intel_rdt.clos_id))
    return casco_error_config (err, "linux.intelRdt.closID",
                               "\"%s\" is not a resctrl group name: no '/', \".\" or \"..\"",
                               l->intel_rdt.clos_id);
  if (l->n_net_devices > 0 && spec_find_namespace (s, SPEC_NS_NETWORK) == NULL)
    return casco_error_config (err, "linux.netDevices",
                               "moving network devices needs a network namespace; add {\"type\": "
                               "\"network\"} to linux.namespaces");
  for (size_t i = 0; i < l->n_net_devices; i++)
    {
      const struct spec_net_device *d = &l->net_devices[i];
      const char *names[] = { d->host_name, d->name };
      for (size_t k = 0; k < ARRAY_SIZE (names); k++)
        if (names[k] && (!is_plain_name (names[k]) || strlen (names[k]) > 15
                         || strpbrk (names[k], " \t\n:")))
          {
            _cleanup_free_ char *p = xasprintf ("linux.netDevices[\"%s\"]%s", d->host_name,
                                                k ? ".name" : "");
            return casco_error_config (err, p,
                                       "\"%s\" is not an interface name: 1-15 characters, no '/', ':' "
                                       "or spaces",
                                       names[k]);
          }
    }
  return 0;
}

int
spec_validate (const struct spec *s, struct casco_error **err)
{
  if (validate_version (s->oci_version, err) < 0 || validate_root (s->root, err) < 0)
    return -1;
  if (s->process && validate_process (s->process, err) < 0)
    return -1;
  if (validate_mounts (s, err) < 0 || validate_hooks (&s->hooks, err) < 0
      || validate_linux (s, err) < 0 || validate_uts (s, err) < 0)
    return -1;
  return 0;
}

/* cgroup v2, cgroupfs driver: decide, create with limits and the device
   filter, update, freeze, signal, read stats, destroy.

   Every file of a cgroup is reached with *at() calls relative to a dirfd
   of that cgroup, opened beneath the cgroup2 mount without following
   symlinks: a cgroupsPath or a unified key can never name a file outside
   the container's own cgroup. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "casco/syscalls.h"
#include "casco/util.h"
#include "cgroup.h"
#include "cgroup_bpf.h"

/* Controllers casco enables for its cgroups (those the host offers). */
static const char *const wanted_controllers[] = {
  "memory", "pids", "cpu", "cpuset", "io", "hugetlb", "rdma", "misc",
};

/* How long destroy waits for the processes to go and freeze for them to stop. */
#define WAIT_MS 10000

/* Set on a cgroup casco made (or claimed empty) for a container, value its
   path.  destroy kills and removes only cgroups that carry it: a create
   refused because the cgroup was in use must not end in killing its
   processes.  trusted.*: only the host's root can set it. */
#define OWNER_XATTR "trusted.casco.owner"

/* ---- small helpers ---------------------------------------------------------- */

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms (int ms)
{
  struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

/* Is word one of the space/newline separated words of list? */
static bool
has_word (const char *list, const char *word)
{
  size_t len = strlen (word);
  for (const char *p = list; p && *p;)
    {
      p += strspn (p, " \t\n");
      size_t n = strcspn (p, " \t\n");
      if (n == len && strncmp (p, word, len) == 0)
        return true;
      p += n;
    }
  return false;
}

/* Attach a JSON path to an error made with casco_error_set (for a write
   that failed with an errno because of one config value). */
static int
with_path (struct casco_error **err, const char *jpath)
{
  if (err && *err && jpath && (*err)->json_path == NULL)
    (*err)->json_path = xstrdup (jpath);
  return -1;
}

/* Write a cgroup file in one write(2): the kernel parses each write whole. */
static int
write_at (int dirfd, const char *file, const char *value)
{
  _cleanup_close_ int fd = openat (dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  size_t len = strlen (value);
  ssize_t n;
  do
    n = write (fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  if ((size_t) n != len)
    {
      errno = EIO;
      return -1;
    }
  return 0;
}

/* Read a cgroup file; NULL (errno set) when it cannot be read. */
static char *
read_at (int dirfd, const char *file)
{
  char *text = NULL;
  struct casco_error *ignored = NULL;
  if (read_file_at (dirfd, file, &text, NULL, &ignored) < 0)
    {
      int saved = ignored ? ignored->errno_ : EIO;
      casco_error_free (ignored);
      errno = saved;
      return NULL;
    }
  return text;
}

/* A single-value file: a number or "max" (UINT64_MAX). */
static int
read_u64_at (int dirfd, const char *file, uint64_t *out)
{
  _cleanup_free_ char *text = read_at (dirfd, file);
  if (text == NULL)
    return -1;
  text[strcspn (text, "\n")] = '\0';
  if (strcmp (text, "max") == 0)
    {
      *out = UINT64_MAX;
      return 0;
    }
  char *end;
  errno = 0;
  unsigned long long v = strtoull (text, &end, 10);
  if (errno || end == text || *end)
    {
      errno = EINVAL;
      return -1;
    }
  *out = v;
  return 0;
}

int
cgroup_parse_keyed (const char *text, const char *key, uint64_t *out)
{
  size_t klen = strlen (key);
  for (const char *p = text; p && *p; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    {
      if (strncmp (p, key, klen) != 0 || p[klen] != ' ')
        continue;
      char *end;
      errno = 0;
      unsigned long long v = strtoull (p + klen + 1, &end, 10);
      if (errno || end == p + klen + 1)
        return -1;
      *out = v;
      return 0;
    }
  return -1;
}

/* ---- finding cgroup v2 -------------------------------------------------------- */

/* mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo. */
static char *
unescape_mountinfo (const char *s, size_t len)
{
  char *out = xmalloc0 (len + 1);
  size_t k = 0;
  for (size_t i = 0; i < len; i++)
    {
      if (s[i] == '\\' && i + 3 < len && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0'
          && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7')
        {
          out[k++] = (char) ((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
          i += 3;
        }
      else
        out[k++] = s[i];
    }
  return out;
}

static const char *const v1_controller_names[] = {
  "cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "blkio",
  "perf_event", "net_prio", "hugetlb", "pids", "rdma", "misc",
};

/* Does a v1 mount's super options bind a controller (not just name=systemd)? */
static bool
v1_options_bind_controller (const char *opts, size_t len)
{
  for (size_t i = 0; i < len;)
    {
      size_t n = 0;
      while (i + n < len && opts[i + n] != ',')
        n++;
      for (size_t k = 0; k < ARRAY_SIZE (v1_controller_names); k++)
        if (strlen (v1_controller_names[k]) == n && strncmp (opts + i, v1_controller_names[k], n) == 0)
          return true;
      i += n + 1;
    }
  return false;
}

void
cgroup_parse_mountinfo (const char *text, char **mountpoint, bool *v1_controllers)
{
  *mountpoint = NULL;
  *v1_controllers = false;
  _cleanup_free_ char *best = NULL;
  bool best_is_default = false;
  for (const char *line = text; line && *line;)
    {
      const char *eol = strchr (line, '\n');
      size_t len = eol ? (size_t) (eol - line) : strlen (line);
      /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
      const char *f[5];
      size_t fl[5];
      const char *p = line, *end = line + len;
      int nf = 0;
      while (nf < 5 && p < end)
        {
          while (p < end && *p == ' ')
            p++;
          f[nf] = p;
          while (p < end && *p != ' ')
            p++;
          fl[nf] = (size_t) (p - f[nf]);
          nf++;
        }
      const char *sep = NULL;
      for (const char *q = p; q + 2 < end + 1; q++)
        if (q[0] == ' ' && q[1] == '-' && (q + 2 == end || q[2] == ' '))
          {
            sep = q;
            break;
          }
      if (nf == 5 && sep && sep + 3 < end)
        {
          const char *fs = sep + 3;
          size_t fslen = strcspn (fs, " \n");
          const char *src = fs + fslen + (fs[fslen] == ' ' ? 1 : 0);
          const char *super = src + strcspn (src, " \n");
          super += *super == ' ' ? 1 : 0;
          size_t superlen = super < end ? (size_t) (end - super) : 0;
          if (fslen == 7 && strncmp (fs, "cgroup2", 7) == 0)
            {
              _cleanup_free_ char *mp = unescape_mountinfo (f[4], fl[4]);
              bool is_default = strcmp (mp, "/sys/fs/cgroup") == 0;
              /* Only a mount of the hierarchy's root maps paths one to one. */
              bool root = fl[3] == 1 && f[3][0] == '/';
              if (root && (best == NULL || (is_default && !best_is_default)))
                {
                  free (best);
                  best = steal_pointer (&mp);
                  best_is_default = is_default;
                }
            }
          else if (fslen == 6 && strncmp (fs, "cgroup", 6) == 0
                   && v1_options_bind_controller (super, superlen))
            *v1_controllers = true;
        }
      line = eol ? eol + 1 : NULL;
    }
  *mountpoint = steal_pointer (&best);
}

struct host_v2
{
  bool probed;
  char *mountpoint;     /* NULL when not usable */
  char *why_not;        /* for the error when limits are asked */
};

static struct host_v2 host;

/* Find the cgroup2 mount once per process and decide whether it can limit. */
static const struct host_v2 *
probe_host (void)
{
  if (host.probed)
    return &host;
  host.probed = true;
  _cleanup_free_ char *mi = NULL;
  struct casco_error *e = NULL;
  if (read_file_at (AT_FDCWD, "/proc/self/mountinfo", &mi, NULL, &e) < 0)
    {
      host.why_not = xasprintf ("cannot read /proc/self/mountinfo: %s", e->msg);
      casco_error_free (e);
      return &host;
    }
  _cleanup_free_ char *mp = NULL;
  bool v1 = false;
  cgroup_parse_mountinfo (mi, &mp, &v1);
  if (mp == NULL)
    {
      host.why_not = xstrdup (v1 ? "this host has cgroup v1 only" : "no cgroup2 filesystem is mounted");
      return &host;
    }
  _cleanup_close_ int fd = open (mp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  _cleanup_free_ char *controllers = fd >= 0 ? read_at (fd, "cgroup.controllers") : NULL;
  bool any = controllers && controllers[strspn (controllers, " \n")] != '\0';
  if (v1 || !any)
    {
      if (controllers)
        controllers[strcspn (controllers, "\n")] = '\0';
      host.why_not = any ? xasprintf ("this host has cgroup v1/hybrid: the cgroup2 mount at %s has only \"%s\", "
                                      "v1 holds the other controllers", mp, controllers)
                         : xasprintf ("this host has cgroup v1/hybrid: the cgroup2 mount at %s has no "
                                      "controllers", mp);
      return &host;
    }
  host.mountpoint = steal_pointer (&mp);
  return &host;
}

const char *
cgroup_host_why_not (void)
{
  const struct host_v2 *h = probe_host ();
  return h->mountpoint ? NULL : h->why_not;
}

/* ---- the plan -------------------------------------------------------------------- */

int
cgroup_resolve_path (const char *cgroups_path, const char *id, char **out, struct casco_error **err)
{
  static const char jp[] = "linux.cgroupsPath";
  if (cgroups_path == NULL || *cgroups_path == '\0')
    {
      *out = xasprintf ("/%s/%s", CGROUP_DEFAULT_PARENT, id);
      return 0;
    }
  const char *p = cgroups_path;
  /* runc's systemd driver form "slice:prefix:name". */
  const char *c1 = strchr (p, ':');
  if (strchr (p, '/') == NULL && c1 && strchr (c1 + 1, ':') && !strchr (strchr (c1 + 1, ':') + 1, ':'))
    return casco_error_config (err, jp, "\"%s\" is a systemd cgroup path (slice:prefix:name) and casco has no "
                                        "systemd cgroup driver (--systemd-cgroup is accepted but uses cgroupfs): "
                                        "use a path such as \"/casco/%s\", or set the engine's cgroup driver to "
                                        "cgroupfs (docs/engines.md)", p, id);
  for (const unsigned char *q = (const unsigned char *) p; *q; q++)
    if (*q < 0x20 || *q == 0x7f)
      return casco_error_config (err, jp, "contains a control character (0x%02x): use a plain path such as "
                                          "\"/casco/%s\"", *q, id);
  bool absolute = *p == '/';
  const char *rest = absolute ? p + 1 : p;
  if (*rest == '\0')
    return casco_error_config (err, jp, "\"%s\" is the root cgroup, which cannot hold a container: use a path "
                                        "such as \"/casco/%s\"", p, id);
  for (const char *comp = rest; comp;)
    {
      const char *slash = strchr (comp, '/');
      size_t n = slash ? (size_t) (slash - comp) : strlen (comp);
      if (n == 0)
        return casco_error_config (err, jp, "\"%s\" has an empty component (\"//\" or a trailing '/')", p);
      if ((n == 1 && comp[0] == '.') || (n == 2 && comp[0] == '.' && comp[1] == '.'))
        return casco_error_config (err, jp, "\"%s\": '.' and '..' are not allowed in a cgroup path", p);
      if (n > NAME_MAX)
        return casco_error_config (err, jp, "\"%s\": a component is longer than %d bytes", p, NAME_MAX);
      comp = slash ? slash + 1 : NULL;
    }
  *out = absolute ? xstrdup (p) : xasprintf ("/%s/%s", CGROUP_DEFAULT_PARENT, p);
  return 0;
}

const char *
cgroup_first_limit (const struct spec_resources *r)
{
  if (r == NULL || !r->present)
    return NULL;
  if (r->has_memory)
    {
      const struct spec_memory *m = &r->memory;
      if (m->has_limit && m->limit != 0)
        return "linux.resources.memory.limit";
      if (m->has_reservation && m->reservation != 0)
        return "linux.resources.memory.reservation";
      if (m->has_swap && m->swap != 0)
        return "linux.resources.memory.swap";
    }
  if (r->has_cpu)
    {
      const struct spec_cpu *c = &r->cpu;
      if (c->has_shares && c->shares != 0)
        return "linux.resources.cpu.shares";
      if (c->has_quota && c->quota != 0)
        return "linux.resources.cpu.quota";
      if (c->has_period && c->period != 0)
        return "linux.resources.cpu.period";
      if (c->has_burst && c->burst != 0)
        return "linux.resources.cpu.burst";
      if (c->has_idle && c->idle != 0)
        return "linux.resources.cpu.idle";
      if (c->has_realtime_runtime && c->realtime_runtime != 0)
        return "linux.resources.cpu.realtimeRuntime";
      if (c->has_realtime_period && c->realtime_period != 0)
        return "linux.resources.cpu.realtimePeriod";
      if (c->cpus && *c->cpus)
        return "linux.resources.cpu.cpus";
      if (c->mems && *c->mems)
        return "linux.resources.cpu.mems";
    }
  if (r->has_pids && r->pids_limit > 0)
    return "linux.resources.pids.limit";
  if (r->has_block_io)
    {
      const struct spec_block_io *b = &r->block_io;
      if (b->has_weight && b->weight != 0)
        return "linux.resources.blockIO.weight";
      for (size_t i = 0; i < b->n_weight_device; i++)
        if (b->weight_device[i].has_weight && b->weight_device[i].weight != 0)
          return "linux.resources.blockIO.weightDevice";
      if (b->n_throttle_read_bps)
        return "linux.resources.blockIO.throttleReadBpsDevice";
      if (b->n_throttle_write_bps)
        return "linux.resources.blockIO.throttleWriteBpsDevice";
      if (b->n_throttle_read_iops)
        return "linux.resources.blockIO.throttleReadIOPSDevice";
      if (b->n_throttle_write_iops)
        return "linux.resources.blockIO.throttleWriteIOPSDevice";
    }
  if (r->n_hugepage_limits)
    return "linux.resources.hugepageLimits";
  for (size_t i = 0; i < r->n_rdma; i++)
    if (r->rdma[i].has_hca_handles || r->rdma[i].has_hca_objects)
      return "linux.resources.rdma";
  if (r->n_unified)
    return "linux.resources.unified";
  return NULL;
}

void
cgroup_plan_clear (struct cgroup_plan *p)
{
  free (p->path);
  free (p->devices);
  p->path = NULL;
  p->devices = NULL;
  p->n_devices = 0;
  p->use = false;
}

int
cgroup_plan_decide (const struct spec *s, const char *id, enum cgroup_manager m, bool v2_usable,
                    const char *why_not, struct cgroup_plan *out, struct casco_error **err)
{
  *out = (struct cgroup_plan){ 0 };
  const struct spec_resources *r = s->linux_ ? &s->linux_->resources : NULL;
  const char *limit = cgroup_first_limit (r);
  if (m == CGROUP_MANAGER_DISABLED)
    {
      if (limit)
        casco_warn ("%s: ignored: --cgroup-manager disabled runs the container without resource limits", limit);
      explain (D07, "cgroup: none (--cgroup-manager disabled): no memory, cpu or pids limit applies");
      return 0;
    }
  _cleanup_free_ char *path = NULL;
  if (cgroup_resolve_path (s->linux_ ? s->linux_->cgroups_path : NULL, id, &path, err) < 0)
    return -1;
  if (!v2_usable)
    {
      if (limit)
        return casco_error_config (err, limit, "cgroup v2 is required for resource limits (%s), so this host "
                                   "cannot enforce any. Either run this container without limits: remove "
                                   "them from linux.resources (or pass --cgroup-manager disabled, which ignores "
                                   "them) and use --policy baseline, since strict requires enforced limits; or "
                                   "move the host to cgroup v2 (boot it with systemd.unified_cgroup_hierarchy=1)",
                                   why_not ? why_not : "no usable cgroup v2");
      casco_debug ("no cgroup for the container: %s", why_not ? why_not : "no usable cgroup v2");
      explain (D07, "no cgroup: %s; the config asks for no limit, so none applies (a memory or pids "
                    "limit would be refused here rather than ignored)", why_not ? why_not : "no usable cgroup v2");
      return 0;
    }
  out->use = true;
  out->path = steal_pointer (&path);
  if (s->linux_)
    cgroup_dev_rules_from_devices (s->linux_->devices, s->linux_->n_devices, &out->devices, &out->n_devices);
  return 0;
}

/* Could we create path (its nearest existing ancestor is writable)?  Only
   asked when no limit is wanted: a rootless run then simply goes without. */
static bool
path_creatable (const char *mountpoint, const char *path)
{
  _cleanup_free_ char *full = xasprintf ("%s%s", mountpoint, path);
  for (;;)
    {
      struct stat sb;
      if (stat (full, &sb) == 0)
        return faccessat (AT_FDCWD, full, W_OK, AT_EACCESS) == 0;
      char *slash = strrchr (full, '/');
      if (slash == NULL || slash == full)
        return false;
      *slash = '\0';
    }
}

int
cgroup_plan (const struct spec *s, const char *id, enum cgroup_manager m, struct cgroup_plan *out,
             struct casco_error **err)
{
  const struct host_v2 *h = m == CGROUP_MANAGER_DISABLED ? NULL : probe_host ();
  bool usable = h && h->mountpoint;
  if (cgroup_plan_decide (s, id, m, usable, h ? h->why_not : NULL, out, err) < 0)
    return -1;
  if (out->use && cgroup_first_limit (s->linux_ ? &s->linux_->resources : NULL) == NULL
      && !path_creatable (h->mountpoint, out->path))
    {
      casco_debug ("no cgroup for the container: %s%s is not writable and no limit is asked",
                   h->mountpoint, out->path);
      explain (D07, "no cgroup: %s%s is not writable and the config asks for no limit", h->mountpoint,
               out->path);
      cgroup_plan_clear (out);
    }
  return 0;
}

/* ---- resources -> file writes -------------------------------------------------------- */

struct writes
{
  struct cgroup_write *v;
  size_t n, cap;
};

static struct cgroup_write *
add (struct writes *w, const char *file, const char *jpath, char *value)
{
  if (w->n == w->cap)
    w->v = xrealloc (w->v, (w->cap = w->cap ? w->cap * 2 : 16) * sizeof *w->v);
  struct cgroup_write *x = &w->v[w->n++];
  *x = (struct cgroup_write){ .file = xstrdup (file), .value = value, .jpath = xstrdup (jpath) };
  return x;
}

void
cgroup_writes_free (struct cgroup_write *w, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (w[i].file);
      free (w[i].value);
      free (w[i].jpath);
      free (w[i].alt_file);
      free (w[i].alt_value);
    }
  free (w);
}

uint64_t
cgroup_cpu_shares_to_weight (uint64_t shares)
{
  if (shares == 0)
    return 0;
  /* The kernel clamps v1 shares to [2, 262144]; do the same so the formula
     (runc's) maps onto cpu.weight's [1, 10000]. */
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t
cgroup_blkio_weight_to_io_weight (uint64_t weight)
{
  if (weight == 0)
    return 0;
  if (weight < 10)
    weight = 10;
  if (weight > 1000)
    weight = 1000;
  return 1 + (weight - 10) * 9999 / 990;
}

int
cgroup_swap_to_v2 (int64_t swap, int64_t limit, int64_t *out, struct casco_error **err)
{
  static const char jp[] = "linux.resources.memory.swap";
  /* OCI swap is memory+swap (v1's memsw); v2 limits swap alone. */
  if (limit == -1 && swap == 0)
    *out = -1;   /* unlimited memory, swap unset: unlimited swap too (as v1 did) */
  else if (swap == -1 || swap == 0)
    *out = swap;
  else if (swap < -1)
    return casco_error_config (err, jp, "%" PRId64 " is not a limit: use a byte count (memory+swap), or -1 "
                                        "for no limit", swap);
  else if (limit == -1)
    *out = swap;
  else if (limit == 0)
    return casco_error_config (err, jp, "a swap limit needs a memory limit: swap is memory+swap");
  else if (limit < 0)
    return casco_error_config (err, "linux.resources.memory.limit", "%" PRId64 " is not a limit: use a byte "
                                                                     "count, or -1 for no limit", limit);
  else if (swap < limit)
    return casco_error_config (err, jp, "%" PRId64 " is below memory.limit %" PRId64 ": swap is memory+swap, "
                                        "so it must be >= the memory limit", swap, limit);
  else
    *out = swap - limit;
  return 0;
}

/* A byte limit: > 0 the value, -1 "max", 0 unset (NULL). */
static int
mem_value (int64_t v, const char *jpath, char **out, struct casco_error **err)
{
  *out = NULL;
  if (v < -1)
    return casco_error_config (err, jpath, "%" PRId64 " is not a limit: use a byte count, or -1 for no limit", v);
  if (v == -1)
    *out = xstrdup ("max");
  else if (v > 0)
    *out = xasprintf ("%" PRId64, v);
  return 0;
}

static int
memory_writes (const struct spec_memory *m, struct writes *w, struct casco_error **err)
{
  char *v;
  if (m->has_kernel || m->has_kernel_tcp)
    casco_warn ("linux.resources.memory.kernel/kernelTCP: ignored: cgroup v2 accounts kernel memory with the "
                "rest");
  if (m->has_swappiness && m->swappiness != (uint64_t) -1)
    casco_warn ("linux.resources.memory.swappiness: ignored: cgroup v2 has no per-cgroup swappiness");
  if (m->has_disable_oom_killer && m->disable_oom_killer)
    casco_warn ("linux.resources.memory.disableOOMKiller: ignored: cgroup v2 cannot disable the OOM killer");

  int64_t limit = m->has_limit ? m->limit : 0;
  if (m->has_swap)
    {
      int64_t swap;
      if (cgroup_swap_to_v2 (m->swap, limit, &swap, err) < 0)
        return -1;
      if (swap == -1)
        v = xstrdup ("max");
      else if (swap > 0 || (swap == 0 && m->swap > 0))
        v = xasprintf ("%" PRId64, swap);   /* 0 here: swap == limit, no swap at all */
      else
        v = NULL;
      /* Without swap accounting the file is missing: "max" and "0" are
         then what the kernel does anyway. */
      if (v)
        add (w, "memory.swap.max", "linux.resources.memory.swap", v)->enoent_ok
            = strcmp (v, "max") == 0 || strcmp (v, "0") == 0;
    }
  else if (limit == -1)
    add (w, "memory.swap.max", "linux.resources.memory.limit", xstrdup ("max"))->enoent_ok = true;
  if (m->has_limit)
    {
      if (mem_value (m->limit, "linux.resources.memory.limit", &v, err) < 0)
        return -1;
      if (v)
        add (w, "memory.max", "linux.resources.memory.limit", v);
    }
  if (m->has_reservation)
    {
      if (mem_value (m->reservation, "linux.resources.memory.reservation", &v, err) < 0)
        return -1;
      if (v)
        add (w, "memory.low", "linux.resources.memory.reservation", v);
    }
  return 0;
}

static int
cpu_writes (const struct spec_cpu *c, struct writes *w, struct casco_error **err)
{
  if ((c->has_realtime_runtime && c->realtime_runtime != 0)
      || (c->has_realtime_period && c->realtime_period != 0))
    return casco_error_config (err, c->has_realtime_runtime && c->realtime_runtime != 0
                                        ? "linux.resources.cpu.realtimeRuntime"
                                        : "linux.resources.cpu.realtimePeriod",
                               "not supported on cgroup v2: the kernel has no per-cgroup realtime budget "
                               "there; remove it");
  if (c->has_shares && c->shares != 0)
    add (w, "cpu.weight", "linux.resources.cpu.shares",
         xasprintf ("%" PRIu64, cgroup_cpu_shares_to_weight (c->shares)));

  int64_t quota = c->has_quota ? c->quota : 0;
  uint64_t period = c->has_period ? c->period : 0;
  if (quota < -1)
    return casco_error_config (err, "linux.resources.cpu.quota", "%" PRId64 " is not a quota: use microseconds "
                                                                  "per period, or -1 for no limit", quota);
  /* The kernel's bounds for cpu.max: 1 ms .. 1 s period, quota >= 1 ms. */
  if (period != 0 && (period < 1000 || period > 1000000))
    return casco_error_config (err, "linux.resources.cpu.period",
                               "%" PRIu64 " is out of range: use 1000..1000000 microseconds", period);
  if (quota > 0 && quota < 1000)
    return casco_error_config (err, "linux.resources.cpu.quota",
                               "%" PRId64 " is below the kernel's minimum of 1000 microseconds", quota);
  bool has_max = quota != 0 || period != 0;
  bool has_burst = c->has_burst;
  /* The kernel refuses a burst above the quota: when both change, try the
     burst first (lowering it), set cpu.max, then the burst again. */
  if (has_burst && has_max)
    add (w, "cpu.max.burst", "linux.resources.cpu.burst", xasprintf ("%" PRIu64, c->burst))->soft = true;
  if (has_max)
    {
      char *v = quota > 0 ? xasprintf ("%" PRId64, quota) : xstrdup ("max");
      if (period)
        {
          char *both = xasprintf ("%s %" PRIu64, v, period);
          free (v);
          v = both;
        }
      add (w, "cpu.max", quota != 0 ? "linux.resources.cpu.quota" : "linux.resources.cpu.period", v);
    }
  if (has_burst)
    add (w, "cpu.max.burst", "linux.resources.cpu.burst", xasprintf ("%" PRIu64, c->burst));
  /* After the weight: the kernel refuses cpu.weight on an idle group. */
  if (c->has_idle)
    {
      if (c->idle != 0 && c->idle != 1)
        return casco_error_config (err, "linux.resources.cpu.idle", "%" PRId64 " is not 0 or 1", c->idle);
      add (w, "cpu.idle", "linux.resources.cpu.idle", xasprintf ("%" PRId64, c->idle));
    }
  if (c->cpus && *c->cpus)
    add (w, "cpuset.cpus", "linux.resources.cpu.cpus", xstrdup (c->cpus));
  if (c->mems && *c->mems)
    add (w, "cpuset.mems", "linux.resources.cpu.mems", xstrdup (c->mems));
  return 0;
}

static int
dev_numbers (int64_t major, int64_t minor, const char *jpath, struct casco_error **err)
{
  if (major < 0 || minor < 0 || major > UINT32_MAX || minor > UINT32_MAX)
    return casco_error_config (err, jpath, "%" PRId64 ":%" PRId64 " is not a device number", major, minor);
  return 0;
}

static int
throttle_writes (const struct spec_throttle_device *t, size_t n, const char *key, const char *jname,
                 struct writes *w, struct casco_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      char jpath[96];
      snprintf (jpath, sizeof jpath, "linux.resources.blockIO.%s[%zu]", jname, i);
      if (dev_numbers (t[i].major, t[i].minor, jpath, err) < 0)
        return -1;
      /* v1 took 0 to mean "no limit"; v2 spells it "max". */
      char *v = t[i].rate ? xasprintf ("%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[i].major, t[i].minor, key,
                                       t[i].rate)
                          : xasprintf ("%" PRId64 ":%" PRId64 " %s=max", t[i].major, t[i].minor, key);
      add (w, "io.max", jpath, v);
    }
  return 0;
}

static int
block_io_writes (const struct spec_block_io *b, struct writes *w, struct casco_error **err)
{
  if (b->has_leaf_weight && b->leaf_weight != 0)
    casco_warn ("linux.resources.blockIO.leafWeight: ignored: cgroup v2 has no leaf weight");
  if (b->has_weight && b->weight != 0)
    {
      if (b->weight < 10 || b->weight > 1000)
        return casco_error_config (err, "linux.resources.blockIO.weight", "%u is out of range: use 10..1000",
                                   (unsigned) b->weight);
      struct cgroup_write *x = add (w, "io.weight", "linux.resources.blockIO.weight",
                                    xasprintf ("default %" PRIu64, cgroup_blkio_weight_to_io_weight (b->weight)));
      /* Without io.cost the BFQ scheduler's file takes the v1 scale as is. */
      x->alt_file = xstrdup ("io.bfq.weight");
      x->alt_value = xasprintf ("%u", (unsigned) b->weight);
    }
  for (size_t i = 0; i < b->n_weight_device; i++)
    {
      const struct spec_weight_device *d = &b->weight_device[i];
      char jpath[96];
      snprintf (jpath, sizeof jpath, "linux.resources.blockIO.weightDevice[%zu]", i);
      if (!d->has_weight || d->weight == 0)
        continue;
      if (dev_numbers (d->major, d->minor, jpath, err) < 0)
        return -1;
      if (d->weight < 10 || d->weight > 1000)
        return casco_error_config (err, jpath, "weight %u is out of range: use 10..1000", (unsigned) d->weight);
      struct cgroup_write *x = add (w, "io.weight", jpath,
                                    xasprintf ("%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor,
                                               cgroup_blkio_weight_to_io_weight (d->weight)));
      x->alt_file = xstrdup ("io.bfq.weight");
      x->alt_value = xasprintf ("%" PRId64 ":%" PRId64 " %u", d->major, d->minor, (unsigned) d->weight);
    }
  if (throttle_writes (b->throttle_read_bps, b->n_throttle_read_bps, "rbps", "throttleReadBpsDevice", w, err) < 0
      || throttle_writes (b->throttle_write_bps, b->n_throttle_write_bps, "wbps", "throttleWriteBpsDevice", w,
                          err) < 0
      || throttle_writes (b->throttle_read_iops, b->n_throttle_read_iops, "riops", "throttleReadIOPSDevice", w,
                          err) < 0
      || throttle_writes (b->throttle_write_iops, b->n_throttle_write_iops, "wiops", "throttleWriteIOPSDevice",
                          w, err) < 0)
    return -1;
  return 0;
}

/* Core files a config may set through unified: the limits, never the
   interface (cgroup.procs would move host processes in, cgroup.kill...). */
static const char *const unified_core_ok[] = { "cgroup.max.descendants", "cgroup.max.depth" };

/* The shape of a unified key alone (the controller is checked against the
   cgroup when writing). */
static int
unified_key_shape (const char *key, const char *jpath, struct casco_error **err)
{
  const char *dot = strchr (key, '.');
  if (*key == '\0' || *key == '.' || dot == NULL || dot[1] == '\0' || strchr (key, '/')
      || strstr (key, "..") || strpbrk (key, " \t\n"))
    return casco_error_config (err, jpath, "not a cgroup file name: use \"controller.file\" such as "
                                           "\"memory.high\"");
  if (strncmp (key, "cgroup.", 7) == 0)
    {
      for (size_t i = 0; i < ARRAY_SIZE (unified_core_ok); i++)
        if (strcmp (key, unified_core_ok[i]) == 0)
          return 0;
      return casco_error_config (err, jpath, "only cgroup.max.descendants and cgroup.max.depth of the cgroup.* "
                                             "files may be set: the others control the cgroup itself");
    }
  return 0;
}

int
cgroup_unified_key_check (const char *key, const char *controllers, struct casco_error **err)
{
  _cleanup_free_ char *jpath = xasprintf ("linux.resources.unified[\"%s\"]", key);
  if (unified_key_shape (key, jpath, err) < 0)
    return -1;
  if (strncmp (key, "cgroup.", 7) == 0)
    return 0;
  _cleanup_free_ char *ctrl = xstrndup (key, strcspn (key, "."));
  if (!has_word (controllers, ctrl))
    {
      _cleanup_free_ char *list = xstrndup (controllers ? controllers : "", strcspn (controllers ? controllers : "",
                                                                                    "\n"));
      return casco_error_config (err, jpath, "the \"%s\" controller is not available in this cgroup (it has: %s)",
                                 ctrl, *list ? list : "none");
    }
  return 0;
}

int
cgroup_resources_writes (const struct spec_resources *r, struct cgroup_write **out, size_t *n,
                         struct casco_error **err)
{
  struct writes w = { 0 };
  *out = NULL;
  *n = 0;
  int ret = 0;
  if (r->has_memory)
    ret = memory_writes (&r->memory, &w, err);
  if (ret == 0 && r->has_cpu)
    ret = cpu_writes (&r->cpu, &w, err);
  /* 0 and -1 both mean "no limit" (engines send either); anything lower is
     a mistake, not a limit. */
  if (ret == 0 && r->has_pids && r->pids_limit < -1)
    ret = casco_error_config (err, "linux.resources.pids.limit",
                              "%" PRId64 " is not a limit: use a positive number, or -1 for none",
                              r->pids_limit);
  if (ret == 0 && r->has_pids)
    add (&w, "pids.max", "linux.resources.pids.limit",
         r->pids_limit > 0 ? xasprintf ("%" PRId64, r->pids_limit) : xstrdup ("max"));
  if (ret == 0 && r->has_block_io)
    ret = block_io_writes (&r->block_io, &w, err);
  for (size_t i = 0; ret == 0 && i < r->n_hugepage_limits; i++)
    {
      const struct spec_hugepage_limit *h = &r->hugepage_limits[i];
      char jpath[80];
      snprintf (jpath, sizeof jpath, "linux.resources.hugepageLimits[%zu]", i);
      if (h->page_size == NULL || *h->page_size == '\0' || strchr (h->page_size, '/')
          || strchr (h->page_size, '.'))
        ret = casco_error_config (err, jpath, "\"%s\" is not a page size: use a size such as \"2MB\"",
                                  h->page_size ? h->page_size : "");
      else
        {
          _cleanup_free_ char *file = xasprintf ("hugetlb.%s.max", h->page_size);
          add (&w, file, jpath, xasprintf ("%" PRIu64, h->limit));
        }
    }
  for (size_t i = 0; ret == 0 && i < r->n_rdma; i++)
    {
      const struct spec_rdma_limit *l = &r->rdma[i];
      if (!l->has_hca_handles && !l->has_hca_objects)
        continue;
      _cleanup_free_ char *jpath = xasprintf ("linux.resources.rdma[\"%s\"]", l->device);
      if (*l->device == '\0' || strpbrk (l->device, " \t\n/"))
        {
          ret = casco_error_config (err, jpath, "not a device name");
          break;
        }
      _cleanup_free_ char *handles = l->has_hca_handles ? xasprintf (" hca_handle=%u", l->hca_handles)
                                                         : xstrdup ("");
      _cleanup_free_ char *objects = l->has_hca_objects ? xasprintf (" hca_object=%u", l->hca_objects)
                                                         : xstrdup ("");
      add (&w, "rdma.max", jpath, xasprintf ("%s%s%s", l->device, handles, objects));
    }
  /* Last, so that a unified value overrides the converted one (as in runc). */
  for (size_t i = 0; ret == 0 && i < r->n_unified; i++)
    {
      const struct spec_kv *kv = &r->unified[i];
      _cleanup_free_ char *jpath = xasprintf ("linux.resources.unified[\"%s\"]", kv->key);
      if (unified_key_shape (kv->key, jpath, err) < 0)
        ret = -1;
      else
        add (&w, kv->key, jpath, xstrdup (kv->value ? kv->value : ""));
    }
  if (ret < 0)
    {
      cgroup_writes_free (w.v, w.n);
      return -1;
    }
  *out = w.v;
  *n = w.n;
  return 0;
}

/* "memory.max" -> "memory". */
static char *
controller_of (const char *file)
{
  return xstrndup (file, strcspn (file, "."));
}

/* Apply the writes to the cgroup at dirfd.  controllers: its cgroup.controllers. */
static int
apply_writes (int dirfd, const struct cgroup_write *w, size_t n, const char *controllers,
              struct casco_error **err)
{
  for (size_t i = 0; i < n; i++)
    {
      const struct cgroup_write *x = &w[i];
      _cleanup_free_ char *ctrl = controller_of (x->file);
      bool unified = strncmp (x->jpath, "linux.resources.unified", 23) == 0;
      if (unified && cgroup_unified_key_check (x->file, controllers, err) < 0)
        return -1;
      if (write_at (dirfd, x->file, x->value) == 0)
        continue;
      int saved = errno;
      if (saved == ENOENT && x->alt_file && write_at (dirfd, x->alt_file, x->alt_value) == 0)
        continue;
      if (x->soft)
        {
          casco_debug ("%s: write \"%s\" to %s: %s (retried below)", x->jpath, x->value, x->file,
                       strerror (saved));
          continue;
        }
      if (saved == ENOENT && x->enoent_ok)
        continue;
      if (saved == ENOENT && strcmp (ctrl, "cgroup") != 0 && !has_word (controllers, ctrl))
        return casco_error_config (err, x->jpath, "the %s controller is not available to this cgroup (the "
                                                  "kernel or a parent cgroup does not offer it)", ctrl);
      if (saved == ENOENT)
        return casco_error_config (err, x->jpath, "%s does not exist on this kernel%s", x->file,
                                   strncmp (x->file, "hugetlb.", 8) == 0 ? ": page size not supported" : "");
      casco_error_set (err, saved, "write \"%s\" to %s", x->value, x->file);
      return with_path (err, x->jpath);
    }
  return 0;
}

/* ---- opening a cgroup ------------------------------------------------------------------ */

static int
open_mount (int *fd, struct casco_error **err)
{
  const struct host_v2 *h = probe_host ();
  if (h->mountpoint == NULL)
    return casco_error_set (err, 0, "cgroup v2 is not available: %s", h->why_not);
  *fd = open (h->mountpoint, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return casco_error_set (err, errno, "open the cgroup2 mount `%s`", h->mountpoint);
  return 0;
}

/* Open path (a "/a/b" hierarchy path) beneath the mount: never through a
   symlink, never outside.  With missing_ok a cgroup that does not exist
   gives *fd = -1 and success. */
static int
open_cgroup (const char *path, bool missing_ok, int *fd, struct casco_error **err)
{
  *fd = -1;
  _cleanup_close_ int mfd = -1;
  if (open_mount (&mfd, err) < 0)
    return -1;
  const char *rel = path + strspn (path, "/");
  if (*rel == '\0')
    return casco_error_set (err, EINVAL, "cgroup path `%s` names the root cgroup", path);
  int r = sys_openat2 (mfd, rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                       RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV, 0);
  if (r < 0 && errno == ENOENT && missing_ok)
    return 0;
  if (r < 0)
    return casco_error_set (err, errno, "open cgroup `%s`", path);
  *fd = r;
  return 0;
}

int
cgroup_open (const char *path, int *fd, struct casco_error **err)
{
  return open_cgroup (path, false, fd, err);
}

/* ---- create ---------------------------------------------------------------------------- */

/* Enable, in the cgroup at dirfd, every wanted controller it offers; a
   needed one that fails is an error, others are merely logged. */
static int
enable_controllers (int dirfd, const char *where, const char *needed, struct casco_error **err)
{
  _cleanup_free_ char *available = read_at (dirfd, "cgroup.controllers");
  _cleanup_free_ char *enabled = read_at (dirfd, "cgroup.subtree_control");
  if (available == NULL || enabled == NULL)
    return casco_error_set (err, errno, "read the controllers of cgroup `%s`", where);
  for (size_t i = 0; i < ARRAY_SIZE (wanted_controllers); i++)
    {
      const char *c = wanted_controllers[i];
      if (!has_word (available, c) || has_word (enabled, c))
        continue;
      _cleanup_free_ char *word = xasprintf ("+%s", c);
      if (write_at (dirfd, "cgroup.subtree_control", word) == 0)
        continue;
      int saved = errno;
      if (!has_word (needed, c))
        {
          casco_debug ("cgroup `%s`: enable %s: %s (not needed)", where, c, strerror (saved));
          continue;
        }
      /* v2's no-internal-process rule: a cgroup with processes of its own
         cannot hand controllers to children. */
      if (saved == EBUSY)
        return casco_error_set (err, saved, "enable the %s controller in cgroup `%s`: it has processes of its "
                                            "own, and cgroup v2 forbids controllers below such a cgroup; use a "
                                            "linux.cgroupsPath whose parents hold no processes", c, where);
      return casco_error_set (err, saved, "enable the %s controller in cgroup `%s`", c, where);
    }
  return 0;
}

/* Does the cgroup (or any below it) hold a process? */
static bool
populated (int dirfd)
{
  _cleanup_free_ char *events = read_at (dirfd, "cgroup.events");
  uint64_t v = 0;
  if (events && cgroup_parse_keyed (events, "populated", &v) == 0)
    return v != 0;
  _cleanup_free_ char *procs = read_at (dirfd, "cgroup.procs");
  return procs && procs[strspn (procs, " \n")] != '\0';
}

/* The controllers the writes and the unified keys need. */
static char *
needed_controllers (const struct cgroup_write *w, size_t n)
{
  size_t cap = 1;
  for (size_t i = 0; i < n; i++)
    cap += strlen (w[i].file) + 1;
  char *out = xmalloc0 (cap);
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *c = controller_of (w[i].file);
      if (!has_word (out, c))
        {
          strcat (out, c);
          strcat (out, " ");
        }
    }
  return out;
}

struct created
{
  int fds[64];          /* parent dirfd of each directory we made */
  char *names[64];
  size_t n;
};

static void
created_rollback (struct created *c)
{
  /* Deepest first: a parent is empty only once its child is gone. */
  while (c->n > 0)
    {
      c->n--;
      if (unlinkat (c->fds[c->n], c->names[c->n], AT_REMOVEDIR) < 0)
        casco_warn ("remove cgroup directory `%s` after a failed create: %s", c->names[c->n], strerror (errno));
      close (c->fds[c->n]);
      free (c->names[c->n]);
    }
}

static void
created_release (struct created *c)
{
  for (size_t i = 0; i < c->n; i++)
    {
      close (c->fds[i]);
      free (c->names[i]);
    }
  c->n = 0;
}

/* mkdir along the path, enabling controllers in each ancestor; leaves the
   leaf's dirfd in *leaf. */
static int
make_path (int mfd, const char *path, const char *needed, struct created *made, int *leaf,
           struct casco_error **err)
{
  _cleanup_close_ int cur = dup (mfd);
  if (cur < 0)
    return casco_error_set (err, errno, "dup");
  _cleanup_free_ char *copy = xstrdup (path + strspn (path, "/"));
  _cleanup_free_ char *so_far = xstrdup ("");
  char *save = NULL;
  bool made_leaf = false;
  for (char *comp = strtok_r (copy, "/", &save); comp; comp = strtok_r (NULL, "/", &save))
    {
      if (enable_controllers (cur, *so_far ? so_far : "/", needed, err) < 0)
        return -1;
      char *next_so_far = xasprintf ("%s/%s", so_far, comp);
      free (so_far);
      so_far = next_so_far;
      bool made_it = mkdirat (cur, comp, 0755) == 0;
      made_leaf = made_it;
      if (!made_it && errno != EEXIST)
        {
          int saved = errno;
          if (saved == EACCES || saved == EPERM || saved == EROFS)
            return casco_error_set (err, saved, "create cgroup `%s` (casco needs root, or a writable, "
                                                "delegated cgroup subtree)", so_far);
          return casco_error_set (err, saved, "create cgroup `%s`", so_far);
        }
      if (made_it)
        {
          if (made->n == ARRAY_SIZE (made->fds))
            {
              unlinkat (cur, comp, AT_REMOVEDIR);
              return casco_error_set (err, 0, "cgroup path `%s` is too deep", path);
            }
          made->fds[made->n] = dup (cur);
          made->names[made->n] = xstrdup (comp);
          if (made->fds[made->n] < 0)
            {
              int saved = errno;
              free (made->names[made->n]);
              unlinkat (cur, comp, AT_REMOVEDIR);
              return casco_error_set (err, saved, "dup");
            }
          made->n++;
        }
      int next = openat (cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (next < 0)
        return casco_error_set (err, errno, "open cgroup `%s`", so_far);
      closep (&cur);
      cur = next;
    }
  /* The leaf was there already: reuse it only when nothing runs in it. */
  if (!made_leaf && populated (cur))
    return casco_error_set (err, 0, "cgroup `%s` is already in use: it holds processes (another "
                                        "container with the same linux.cgroupsPath?)", path);
  /* Claimed before anything is written or any process joins; a kernel
     without xattrs on cgroupfs just gets no protection. */
  if (fsetxattr (cur, OWNER_XATTR, path, strlen (path), 0) < 0)
    casco_debug ("cgroup `%s`: set %s: %s", path, OWNER_XATTR, strerror (errno));
  *leaf = steal_fd (&cur);
  return 0;
}

static int
install_devices (int leaf, const struct cgroup_plan *p, const struct spec_resources *r,
                 struct casco_error **err)
{
  _cleanup_free_ struct cgroup_dev_rule *rules = NULL;
  _cleanup_free_ struct bpf_insn *insns = NULL;
  size_t n_rules, n_insns;
  if (cgroup_dev_rules_build (r ? r->devices : NULL, r ? r->n_devices : 0, p->devices, p->n_devices, &rules,
                              &n_rules, err) < 0
      || cgroup_bpf_compile (rules, n_rules, &insns, &n_insns, err) < 0)
    return -1;
  return cgroup_bpf_install (leaf, insns, n_insns, err);
}

/* The kernel charges a cgroup's memory in batches of 64 pages
   (MEMCG_CHARGE_BATCH) and keeps what a CPU charged but did not use yet as
   that CPU's stock.  With a limit of 64 to 127 pages the container's first
   charge can take the whole limit into one CPU's stock; a charge on another
   CPU then finds the cgroup full, and the drain of the stock, queued to run
   on its CPU, can lose against 16 quick reclaim passes and the OOM killer
   (measured in the VM under load: `sleep` OOM-killed at exec in 1 start of
   40 at 256 KiB with 150 KiB really in use; memory.events counted "max"
   in half of the others).  The kernel stocks only while usage + one batch
   fits under memory.max.  So such a limit starts one page below the batch,
   where nothing is stocked, and the real value is written once the init is
   ready: its own charges then keep usage + batch above it. */
int64_t
cgroup_memory_max_during_setup (const struct spec_resources *r, long page_size)
{
  int64_t batch = 64 * (int64_t) page_size;
  if (r == NULL || !r->has_memory || !r->memory.has_limit || page_size <= 0)
    return 0;
  int64_t limit = r->memory.limit;
  return limit >= batch && limit < 2 * batch ? batch - page_size : 0;
}

static int
write_memory_max (int dirfd, const char *path, int64_t value, struct casco_error **err)
{
  char text[24];
  snprintf (text, sizeof text, "%" PRId64, value);
  if (write_at (dirfd, "memory.max", text) == 0)
    return 0;
  casco_error_set (err, errno, "cgroup `%s`: write %s to memory.max", path, text);
  return with_path (err, "linux.resources.memory.limit");
}

int
cgroup_setup_done (int fd, const char *path, const struct spec_resources *r, struct casco_error **err)
{
  if (fd < 0 || cgroup_memory_max_during_setup (r, sysconf (_SC_PAGESIZE)) == 0)
    return 0;
  return write_memory_max (fd, path, r->memory.limit, err);
}

static int
create_steps (int mfd, const struct cgroup_plan *p, const struct spec_resources *r,
              const struct cgroup_write *w, size_t n, struct created *made, int *fd,
              struct casco_error **err)
{
  _cleanup_free_ char *needed = needed_controllers (w, n);
  _cleanup_close_ int leaf = -1;
  if (make_path (mfd, p->path, needed, made, &leaf, err) < 0)
    return -1;
  _cleanup_free_ char *controllers = read_at (leaf, "cgroup.controllers");
  if (controllers == NULL)
    return casco_error_set (err, errno, "read `%s/cgroup.controllers`", p->path);
  if (apply_writes (leaf, w, n, controllers, err) < 0 || install_devices (leaf, p, r, err) < 0)
    return casco_error_wrap (err, "cgroup `%s`", p->path);
  int64_t setup_max = cgroup_memory_max_during_setup (r, sysconf (_SC_PAGESIZE));
  if (setup_max > 0 && write_memory_max (leaf, p->path, setup_max, err) < 0)
    return -1;
  if (casco_explain_enabled)
    {
      _cleanup_free_ char *limits = xstrdup ("");
      for (size_t i = 0; i < n; i++)
        {
          char *longer = xasprintf ("%s %s=%s", limits, w[i].file, w[i].value);
          free (limits);
          limits = longer;
        }
      casco_explain_line (EXPLAIN_D07, "cgroup: %s created with controllers \"%.*s\"; limits:%s; device "
                          "filter: %zu allowed device rules; the init is cloned straight into it",
                          p->path, (int) strcspn (controllers, "\n"), controllers, n ? limits : " none",
                          p->n_devices);
    }
  *fd = steal_fd (&leaf);
  return 0;
}

int
cgroup_create (const struct cgroup_plan *p, const struct spec_resources *r, int *fd,
               struct casco_error **err)
{
  *fd = -1;
  if (!p->use)
    return 0;
  static const struct spec_resources none = { 0 };
  if (r == NULL)
    r = &none;
  /* Every value is checked before anything exists. */
  struct cgroup_write *w = NULL;
  size_t n = 0;
  if (cgroup_resources_writes (r, &w, &n, err) < 0)
    return -1;
  _cleanup_close_ int mfd = -1;
  struct created made = { .n = 0 };
  int ret = open_mount (&mfd, err);
  if (ret == 0)
    ret = create_steps (mfd, p, r, w, n, &made, fd, err);
  if (ret < 0)
    created_rollback (&made);
  else
    created_release (&made);
  cgroup_writes_free (w, n);
  return ret;
}

/* ---- update ---------------------------------------------------------------------------- */

/* checkBeforeUpdate: refuse a memory limit below what is in use now, rather
   than have the kernel reclaim or OOM-kill to get there. */
static int
check_memory_usage (int dirfd, const struct spec_memory *m, struct casco_error **err)
{
  uint64_t cur = 0, swap_cur = 0;
  if (read_u64_at (dirfd, "memory.current", &cur) < 0)
    return 0;   /* no memory controller: nothing to compare */
  if (m->has_limit && m->limit > 0 && (uint64_t) m->limit < cur)
    return casco_error_config (err, "linux.resources.memory.limit",
                               "%" PRId64 " is below the current usage %" PRIu64 " (checkBeforeUpdate)",
                               m->limit, cur);
  if (m->has_swap && m->swap > 0 && read_u64_at (dirfd, "memory.swap.current", &swap_cur) == 0
      && (uint64_t) m->swap < cur + swap_cur)
    return casco_error_config (err, "linux.resources.memory.swap",
                               "%" PRId64 " is below the current memory+swap usage %" PRIu64
                               " (checkBeforeUpdate)", m->swap, cur + swap_cur);
  return 0;
}

int
cgroup_update (const char *path, const struct spec_resources *r, struct casco_error **err)
{
  struct cgroup_write *w = NULL;
  size_t n = 0;
  if (cgroup_resources_writes (r, &w, &n, err) < 0)
    return -1;
  _cleanup_close_ int fd = -1;
  int ret = cgroup_open (path, &fd, err);
  if (ret == 0 && r->n_devices)
    casco_warn ("linux.resources.devices: not changed by update: the device filter stays as created");
  if (ret == 0 && r->has_memory && r->memory.has_check_before_update && r->memory.check_before_update)
    ret = check_memory_usage (fd, &r->memory, err);
  if (ret == 0)
    {
      _cleanup_free_ char *controllers = read_at (fd, "cgroup.controllers");
      ret = apply_writes (fd, w, n, controllers ? controllers : "", err);
      if (ret < 0)
        casco_error_wrap (err, "update cgroup `%s`", path);
    }
  cgroup_writes_free (w, n);
  return ret;
}

/* ---- waiting on cgroup.events ------------------------------------------------------------ */

/* Wait until cgroup.events says key == want, at most timeout_ms.  The
   kernel signals changes of the file with POLLPRI; the periodic re-read
   covers a change that raced the first read. */
static int
wait_event (int dirfd, const char *key, uint64_t want, int timeout_ms)
{
  _cleanup_close_ int fd = openat (dirfd, "cgroup.events", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  int64_t deadline = now_ms () + timeout_ms;
  for (;;)
    {
      char buf[512];
      ssize_t len = pread (fd, buf, sizeof buf - 1, 0);
      if (len < 0)
        return -1;
      buf[len] = '\0';
      uint64_t v;
      if (cgroup_parse_keyed (buf, key, &v) < 0)
        {
          errno = ENOTSUP;
          return -1;
        }
      if (v == want)
        return 0;
      int64_t left = deadline - now_ms ();
      if (left <= 0)
        {
          errno = ETIMEDOUT;
          return -1;
        }
      struct pollfd pfd = { .fd = fd, .events = POLLPRI };
      if (poll (&pfd, 1, left < 100 ? (int) left : 100) < 0 && errno != EINTR)
        return -1;
    }
}

/* ---- pids, signals, freezer ---------------------------------------------------------------- */

struct pid_list
{
  pid_t *v;
  size_t n, cap;
};

static int
collect_pids (int dirfd, const char *path, struct pid_list *l, int depth, struct casco_error **err)
{
  if (depth > 64)
    return casco_error_set (err, ELOOP, "cgroup `%s` is nested too deeply", path);
  _cleanup_free_ char *procs = read_at (dirfd, "cgroup.procs");
  if (procs == NULL)
    {
      if (errno == ENOENT || errno == ENODEV)
        return 0;   /* removed while we walked */
      return casco_error_set (err, errno, "read `%s/cgroup.procs`", path);
    }
  for (char *p = procs; *p;)
    {
      char *end;
      long v = strtol (p, &end, 10);
      if (end == p)
        break;
      if (l->n == l->cap)
        l->v = xrealloc (l->v, (l->cap = l->cap ? l->cap * 2 : 32) * sizeof *l->v);
      l->v[l->n++] = (pid_t) v;
      p = end + strspn (end, "\n");
    }
  int dfd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return casco_error_set (err, errno, "open cgroup `%s`", path);
  DIR *d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return casco_error_set (err, errno, "open cgroup `%s`", path);
    }
  int ret = 0;
  struct dirent *de;
  while (ret == 0 && (de = readdir (d)) != NULL)
    {
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      _cleanup_close_ int child = openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (child < 0)
        continue;   /* removed meanwhile */
      _cleanup_free_ char *sub = xasprintf ("%s/%s", path, de->d_name);
      ret = collect_pids (child, sub, l, depth + 1, err);
    }
  closedir (d);
  return ret;
}

int
cgroup_pids (const char *path, pid_t **pids, size_t *n, struct casco_error **err)
{
  *pids = NULL;
  *n = 0;
  _cleanup_close_ int fd = -1;
  if (cgroup_open (path, &fd, err) < 0)
    return -1;
  struct pid_list l = { 0 };
  if (collect_pids (fd, path, &l, 0, err) < 0)
    {
      free (l.v);
      return -1;
    }
  *pids = l.v;
  *n = l.n;
  return 0;
}

static bool
frozen_at (int fd)
{
  _cleanup_free_ char *events = read_at (fd, "cgroup.events");
  uint64_t v = 0;
  return events && cgroup_parse_keyed (events, "frozen", &v) == 0 && v == 1;
}

bool
cgroup_is_frozen (const char *path)
{
  _cleanup_close_ int fd = -1;
  return open_cgroup (path, true, &fd, NULL) == 0 && fd >= 0 && frozen_at (fd);
}

static int
freeze_at (int fd, const char *path, bool freeze, struct casco_error **err)
{
  if (write_at (fd, "cgroup.freeze", freeze ? "1" : "0") < 0)
    {
      if (errno == ENOENT)
        return casco_error_set (err, ENOTSUP, "%s cgroup `%s`: cgroup.freeze needs Linux 5.2 or newer",
                                freeze ? "freeze" : "thaw", path);
      return casco_error_set (err, errno, "%s cgroup `%s`", freeze ? "freeze" : "thaw", path);
    }
  if (wait_event (fd, "frozen", freeze ? 1 : 0, WAIT_MS) < 0)
    {
      int saved = errno;
      /* Half-frozen is worse than not frozen: undo. */
      if (freeze)
        write_at (fd, "cgroup.freeze", "0");
      return casco_error_set (err, saved, "%s cgroup `%s`: waiting for cgroup.events \"frozen %d\"",
                              freeze ? "freeze" : "thaw", path, freeze ? 1 : 0);
    }
  return 0;
}

int
cgroup_freeze (const char *path, bool freeze, struct casco_error **err)
{
  _cleanup_close_ int fd = -1;
  if (cgroup_open (path, &fd, err) < 0)
    return -1;
  return freeze_at (fd, path, freeze, err);
}

/* Signal every pid once; ESRCH (gone meanwhile) is fine. */
static int
signal_pids (int fd, const char *path, int sig, struct casco_error **err)
{
  struct pid_list l = { 0 };
  if (collect_pids (fd, path, &l, 0, err) < 0)
    {
      free (l.v);
      return -1;
    }
  int ret = 0;
  for (size_t i = 0; i < l.n; i++)
    if (kill (l.v[i], sig) < 0 && errno != ESRCH && ret == 0)
      ret = casco_error_set (err, errno, "signal %d to pid %d in cgroup `%s`", sig, (int) l.v[i], path);
  free (l.v);
  return ret;
}

int
cgroup_signal_all (const char *path, int sig, struct casco_error **err)
{
  _cleanup_close_ int fd = -1;
  if (cgroup_open (path, &fd, err) < 0)
    return -1;
  /* cgroup.kill is atomic against forks. */
  if (sig == SIGKILL && write_at (fd, "cgroup.kill", "1") == 0)
    return 0;
  /* Otherwise freeze first so that no new process escapes the list, then
     thaw (unless it was paused before: it stays paused). */
  bool was_frozen = frozen_at (fd);
  struct casco_error *ferr = NULL;
  bool froze = !was_frozen && freeze_at (fd, path, true, &ferr) == 0;
  if (ferr)
    {
      casco_debug ("kill --all: %s; signalling without freezing", ferr->msg);
      casco_error_free (ferr);
    }
  int ret = signal_pids (fd, path, sig, err);
  if (froze)
    {
      struct casco_error *terr = NULL;
      if (freeze_at (fd, path, false, &terr) < 0 && ret == 0)
        {
          *err = terr;
          ret = -1;
        }
      else
        casco_error_free (terr);
    }
  return ret;
}

/* ---- destroy ------------------------------------------------------------------------------ */

/* rmdir every cgroup below dirfd, deepest first. */
static int
remove_children (int dirfd, int depth)
{
  if (depth > 64)
    {
      errno = ELOOP;
      return -1;
    }
  int dfd = openat (dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return -1;
  DIR *d = fdopendir (dfd);
  if (d == NULL)
    {
      close (dfd);
      return -1;
    }
  int ret = 0;
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_type != DT_DIR || strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      _cleanup_close_ int child = openat (dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (child >= 0 && remove_children (child, depth + 1) < 0)
        ret = -1;
      if (unlinkat (dirfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
        ret = -1;
    }
  closedir (d);
  return ret;
}

/* Does the cgroup carry our mark for this path?  Without xattr support
   (ENOTSUP) there is nothing to go by: assume it is ours, as before. */
static bool
owned (int fd, const char *path)
{
  char buf[PATH_MAX];
  ssize_t n = fgetxattr (fd, OWNER_XATTR, buf, sizeof buf);
  if (n < 0)
    return errno != ENODATA;
  return (size_t) n == strlen (path) && memcmp (buf, path, (size_t) n) == 0;
}

/* Kill everything in the cgroup and wait until it is empty. */
static int
kill_all (int fd, const char *path, struct casco_error **err)
{
  if (!populated (fd))
    return 0;
  bool have_kill = write_at (fd, "cgroup.kill", "1") == 0;
  int64_t deadline = now_ms () + WAIT_MS;
  while (populated (fd))
    {
      /* Before 5.14 there is no cgroup.kill: SIGKILL what we see, again
         and again, until fork races are over. */
      if (!have_kill)
        {
          struct casco_error *ignored = NULL;
          signal_pids (fd, path, SIGKILL, &ignored);
          casco_error_free (ignored);
        }
      int64_t left = deadline - now_ms ();
      if (left <= 0)
        return casco_error_set (err, ETIMEDOUT, "cgroup `%s`: processes still alive %d s after SIGKILL",
                                path, WAIT_MS / 1000);
      if (wait_event (fd, "populated", 0, left < 200 ? (int) left : 200) == 0)
        break;
      if (errno != ETIMEDOUT)
        sleep_ms (20);   /* no cgroup.events to wait on: poll */
    }
  return 0;
}

int
cgroup_destroy (const char *path, struct casco_error **err)
{
  _cleanup_close_ int fd = -1;
  if (open_cgroup (path, true, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return 0;   /* already gone */
  if (!owned (fd, path))
    {
      casco_warn ("cgroup `%s` was not created by casco for this container: left alone", path);
      return 0;
    }
  /* A paused container must be killable: SIGKILL reaches frozen tasks, but
     thawing first makes the fallback path (no cgroup.kill) work too. */
  if (frozen_at (fd))
    write_at (fd, "cgroup.freeze", "0");
  if (kill_all (fd, path, err) < 0)
    return -1;

  const char *rel = path + strspn (path, "/");
  _cleanup_free_ char *parent_rel = xstrdup (rel);
  char *slash = strrchr (parent_rel, '/');
  const char *name = slash ? slash + 1 : rel;
  if (slash)
    *slash = '\0';
  _cleanup_close_ int mfd = -1;
  if (open_mount (&mfd, err) < 0)
    return -1;
  _cleanup_close_ int pfd = slash ? sys_openat2 (mfd, parent_rel, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                                                 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS
                                                     | RESOLVE_NO_XDEV, 0)
                                  : dup (mfd);
  if (pfd < 0)
    return casco_error_set (err, errno, "open the parent of cgroup `%s`", path);

  /* rmdir can fail with EBUSY for a moment after the last process left
     (the kernel frees the css asynchronously): retry, bounded. */
  int64_t deadline = now_ms () + WAIT_MS;
  for (;;)
    {
      remove_children (fd, 0);
      if (unlinkat (pfd, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
        return 0;
      int saved = errno;
      if (saved != EBUSY || now_ms () >= deadline)
        return casco_error_set (err, saved, "remove cgroup `%s`", path);
      sleep_ms (10);
    }
}

/* ---- stats ---------------------------------------------------------------------------------- */

void
cgroup_parse_io_stat (const char *text, struct cgroup_stats *st)
{
  static const char *const keys[] = { "rbytes=", "wbytes=", "rios=", "wios=" };
  uint64_t *dst[] = { &st->io_rbytes, &st->io_wbytes, &st->io_rios, &st->io_wios };
  for (const char *line = text; line && *line;)
    {
      const char *eol = strchr (line, '\n');
      size_t len = eol ? (size_t) (eol - line) : strlen (line);
      for (const char *p = line; p < line + len;)
        {
          p += strspn (p, " ");
          size_t n = strcspn (p, " \n");
          for (size_t k = 0; k < ARRAY_SIZE (keys); k++)
            {
              size_t kl = strlen (keys[k]);
              if (n > kl && strncmp (p, keys[k], kl) == 0)
                *dst[k] += strtoull (p + kl, NULL, 10);
            }
          p += n;
          if (n == 0)
            break;
        }
      line = eol ? eol + 1 : NULL;
    }
}

int
cgroup_oom_read (int fd, struct cgroup_oom *o)
{
  memset (o, 0, sizeof *o);
  _cleanup_free_ char *events = fd < 0 ? NULL : read_at (fd, "memory.events");
  if (events == NULL)
    return -1;
  cgroup_parse_keyed (events, "oom", &o->oom);
  cgroup_parse_keyed (events, "oom_kill", &o->oom_kill);
  if (read_u64_at (fd, "memory.max", &o->max) < 0)
    o->max = UINT64_MAX;
  return 0;
}

int
cgroup_stats (const char *path, struct cgroup_stats *st, struct casco_error **err)
{
  memset (st, 0, sizeof *st);
  _cleanup_close_ int fd = -1;
  if (cgroup_open (path, &fd, err) < 0)
    return -1;
  /* A controller that is not enabled leaves its fields at 0. */
  _cleanup_free_ char *cpu = read_at (fd, "cpu.stat");
  if (cpu)
    {
      cgroup_parse_keyed (cpu, "usage_usec", &st->cpu_usage_usec);
      cgroup_parse_keyed (cpu, "user_usec", &st->cpu_user_usec);
      cgroup_parse_keyed (cpu, "system_usec", &st->cpu_system_usec);
      cgroup_parse_keyed (cpu, "nr_periods", &st->cpu_nr_periods);
      cgroup_parse_keyed (cpu, "nr_throttled", &st->cpu_nr_throttled);
      cgroup_parse_keyed (cpu, "throttled_usec", &st->cpu_throttled_usec);
    }
  read_u64_at (fd, "memory.current", &st->memory_current);
  read_u64_at (fd, "memory.max", &st->memory_max);
  read_u64_at (fd, "memory.swap.current", &st->memory_swap_current);
  read_u64_at (fd, "memory.swap.max", &st->memory_swap_max);
  _cleanup_free_ char *mev = read_at (fd, "memory.events");
  if (mev)
    {
      cgroup_parse_keyed (mev, "oom", &st->memory_events_oom);
      cgroup_parse_keyed (mev, "oom_kill", &st->memory_events_oom_kill);
      cgroup_parse_keyed (mev, "max", &st->memory_events_max);
    }
  read_u64_at (fd, "pids.current", &st->pids_current);
  read_u64_at (fd, "pids.max", &st->pids_max);
  _cleanup_free_ char *io = read_at (fd, "io.stat");
  if (io)
    cgroup_parse_io_stat (io, st);
  return 0;
}

/* The cgroup plan: from the config, the manager and the host, decide
   whether the container gets a cgroup and at which path, and which device
   rules its filter allows.  Decides only: nothing is written here. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "util.h"
#include "cgroup.h"
#include "cgroup_bpf.h"
#include "cgroup_internal.h"

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
        return casco_error_config_kind (err, CASCO_ERR_HOST_UNSUPPORTED, limit, "cgroup v2 is required for resource limits (%s), so this host "
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
  const struct host_v2 *h = m == CGROUP_MANAGER_DISABLED ? NULL : cgroup_probe_host ();
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

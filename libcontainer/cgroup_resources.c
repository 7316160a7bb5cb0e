/* linux.resources -> the cgroup v2 file writes that apply them, with
   runc's value conversions (shares -> weight, swap, blkio weight...).
   Pure: every value is checked and converted without touching a cgroup
   filesystem, so all of it is unit-tested (tests/unit/test_cgroup.c). */
#include <inttypes.h>
#include <string.h>

#include "casco/error.h"
#include "casco/log.h"
#include "util.h"
#include "cgroup.h"
#include "cgroup_internal.h"

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
  if (!cgroup_has_word (controllers, ctrl))
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

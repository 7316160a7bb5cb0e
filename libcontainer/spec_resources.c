/* config.json's "linux.resources" (also `update --resources`'s document):
   memory, cpu, pids, blockIO, hugepages, rdma, unified, device rules. */
#include <string.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"
#include "spec_read.h"

/* ---- linux.resources -------------------------------------------------- */


static int
parse_device_cgroup (const json_node *n, const struct jpath *at, struct spec_device_cgroup *d,
                     struct casco_error **err)
{
  d->type = 'a';
  if (spec_req_bool (n, at, "allow", &d->allow, err) < 0
      || spec_get_type_char (n, at, "type", "acb", "\"a\", \"c\" or \"b\"", &d->type, err) < 0
      || opt_num (n, at, "major", &d->major, &d->has_major, err) < 0
      || opt_num (n, at, "minor", &d->minor, &d->has_minor, err) < 0
      || spec_get_str (n, at, "access", &d->access, err) < 0)
    return -1;
  return 0;
}

static int
parse_memory (const json_node *n, const struct jpath *at, struct spec_memory *m,
              struct casco_error **err)
{
  if (opt_num (n, at, "limit", &m->limit, &m->has_limit, err) < 0
      || opt_num (n, at, "reservation", &m->reservation, &m->has_reservation, err) < 0
      || opt_num (n, at, "swap", &m->swap, &m->has_swap, err) < 0
      || opt_num (n, at, "kernel", &m->kernel, &m->has_kernel, err) < 0
      || opt_num (n, at, "kernelTCP", &m->kernel_tcp, &m->has_kernel_tcp, err) < 0
      || opt_num (n, at, "swappiness", &m->swappiness, &m->has_swappiness, err) < 0
      || spec_get_bool (n, at, "disableOOMKiller", &m->disable_oom_killer, &m->has_disable_oom_killer, err) < 0
      || spec_get_bool (n, at, "useHierarchy", &m->use_hierarchy, &m->has_use_hierarchy, err) < 0
      || spec_get_bool (n, at, "checkBeforeUpdate", &m->check_before_update, &m->has_check_before_update, err) < 0)
    return -1;
  return 0;
}

static int
parse_cpu (const json_node *n, const struct jpath *at, struct spec_cpu *c, struct casco_error **err)
{
  if (opt_num (n, at, "shares", &c->shares, &c->has_shares, err) < 0
      || opt_num (n, at, "quota", &c->quota, &c->has_quota, err) < 0
      || opt_num (n, at, "burst", &c->burst, &c->has_burst, err) < 0
      || opt_num (n, at, "period", &c->period, &c->has_period, err) < 0
      || opt_num (n, at, "realtimeRuntime", &c->realtime_runtime, &c->has_realtime_runtime, err) < 0
      || opt_num (n, at, "realtimePeriod", &c->realtime_period, &c->has_realtime_period, err) < 0
      || opt_num (n, at, "idle", &c->idle, &c->has_idle, err) < 0
      || spec_get_str (n, at, "cpus", &c->cpus, err) < 0
      || spec_get_str (n, at, "mems", &c->mems, err) < 0)
    return -1;
  return 0;
}

static int
parse_weight_device (const json_node *n, const struct jpath *at, struct spec_weight_device *w,
                     struct casco_error **err)
{
  if (req_num (n, at, "major", &w->major, err) < 0
      || req_num (n, at, "minor", &w->minor, err) < 0
      || opt_num (n, at, "weight", &w->weight, &w->has_weight, err) < 0
      || opt_num (n, at, "leafWeight", &w->leaf_weight, &w->has_leaf_weight, err) < 0)
    return -1;
  return 0;
}

static int
parse_throttle_device (const json_node *n, const struct jpath *at, struct spec_throttle_device *t,
                       struct casco_error **err)
{
  if (req_num (n, at, "major", &t->major, err) < 0
      || req_num (n, at, "minor", &t->minor, err) < 0
      || req_num (n, at, "rate", &t->rate, err) < 0)
    return -1;
  return 0;
}

static int
parse_block_io (const json_node *n, const struct jpath *at, struct spec_block_io *b,
                struct casco_error **err)
{
  if (opt_num (n, at, "weight", &b->weight, &b->has_weight, err) < 0
      || opt_num (n, at, "leafWeight", &b->leaf_weight, &b->has_leaf_weight, err) < 0
      || PARSE_ARRAY (n, at, "weightDevice", b->weight_device, b->n_weight_device,
                      parse_weight_device, err) < 0
      || PARSE_ARRAY (n, at, "throttleReadBpsDevice", b->throttle_read_bps,
                      b->n_throttle_read_bps, parse_throttle_device, err) < 0
      || PARSE_ARRAY (n, at, "throttleWriteBpsDevice", b->throttle_write_bps,
                      b->n_throttle_write_bps, parse_throttle_device, err) < 0
      || PARSE_ARRAY (n, at, "throttleReadIOPSDevice", b->throttle_read_iops,
                      b->n_throttle_read_iops, parse_throttle_device, err) < 0
      || PARSE_ARRAY (n, at, "throttleWriteIOPSDevice", b->throttle_write_iops,
                      b->n_throttle_write_iops, parse_throttle_device, err) < 0)
    return -1;
  return 0;
}

static int
parse_hugepage_limit (const json_node *n, const struct jpath *at, struct spec_hugepage_limit *h,
                      struct casco_error **err)
{
  if (spec_get_str (n, at, "pageSize", &h->page_size, err) < 0
      || req_num (n, at, "limit", &h->limit, err) < 0)
    return -1;
  return 0;
}

/* rdma is a map from device name to limits. */
static int
parse_rdma (const json_node *map, const struct jpath *at, struct spec_resources *r,
            struct casco_error **err)
{
  size_t len = json_object_len (map);
  r->rdma = xmalloc0 (len * sizeof *r->rdma);
  for (size_t i = 0; i < len; i++)
    {
      const char *dev = json_object_key (map, i);
      const json_node *v = json_object_value (map, i);
      const struct jpath *at_dev = AT_MAP (at, dev);
      if (json_type_of (v) == JSON_NULL)
        continue;
      struct spec_rdma_limit *l = &r->rdma[r->n_rdma++];
      l->device = xstrdup (dev);
      if (spec_check_object (v, at_dev, err) < 0
          || opt_num (v, at_dev, "hcaHandles", &l->hca_handles, &l->has_hca_handles, err) < 0
          || opt_num (v, at_dev, "hcaObjects", &l->hca_objects, &l->has_hca_objects, err) < 0)
        return -1;
    }
  return 0;
}

int
spec_parse_resources_fields (const json_node *n, const struct jpath *at, struct spec_resources *r,
                             struct casco_error **err)
{
  const json_node *o;
  int k;

  r->present = true;
  if (PARSE_ARRAY (n, at, "devices", r->devices, r->n_devices, parse_device_cgroup, err) < 0)
    return -1;
  if ((k = spec_get_object (n, at, "memory", &o, err)) < 0
      || (k > 0 && parse_memory (o, AT_KEY (at, "memory"), &r->memory, err) < 0))
    return -1;
  r->has_memory = k > 0;
  if ((k = spec_get_object (n, at, "cpu", &o, err)) < 0
      || (k > 0 && parse_cpu (o, AT_KEY (at, "cpu"), &r->cpu, err) < 0))
    return -1;
  r->has_cpu = k > 0;
  if ((k = spec_get_object (n, at, "pids", &o, err)) < 0
      || (k > 0 && req_num (o, AT_KEY (at, "pids"), "limit", &r->pids_limit, err) < 0))
    return -1;
  r->has_pids = k > 0;
  if ((k = spec_get_object (n, at, "blockIO", &o, err)) < 0
      || (k > 0 && parse_block_io (o, AT_KEY (at, "blockIO"), &r->block_io, err) < 0))
    return -1;
  r->has_block_io = k > 0;
  if (PARSE_ARRAY (n, at, "hugepageLimits", r->hugepage_limits, r->n_hugepage_limits,
                   parse_hugepage_limit, err) < 0)
    return -1;
  if ((k = spec_get_object (n, at, "rdma", &o, err)) < 0
      || (k > 0 && parse_rdma (o, AT_KEY (at, "rdma"), r, err) < 0))
    return -1;
  if (spec_get_kv (n, at, "unified", &r->unified, &r->n_unified, err) < 0)
    return -1;
  return 0;
}

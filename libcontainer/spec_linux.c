/* config.json's "linux" apart from resources: namespaces, id mappings,
   devices, seccomp, sysctl, paths to mask, time offsets, network
   devices, personality, intelRdt. */
#include <sched.h>
#include <string.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"
#include "spec_read.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* ---- name tables ------------------------------------------------------ */

static const struct
{
  const char *name;         /* as in config.json */
  const char *proc;         /* as in /proc/PID/ns/ */
  int flag;
} ns_table[SPEC_NS_COUNT] = {
  [SPEC_NS_PID] = { "pid", "pid", CLONE_NEWPID },
  [SPEC_NS_NETWORK] = { "network", "net", CLONE_NEWNET },
  [SPEC_NS_MOUNT] = { "mount", "mnt", CLONE_NEWNS },
  [SPEC_NS_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
  [SPEC_NS_UTS] = { "uts", "uts", CLONE_NEWUTS },
  [SPEC_NS_USER] = { "user", "user", CLONE_NEWUSER },
  [SPEC_NS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
  [SPEC_NS_TIME] = { "time", "time", CLONE_NEWTIME },
};

const char *
spec_ns_name (enum spec_ns_type t)
{
  return (unsigned) t < SPEC_NS_COUNT ? ns_table[t].name : NULL;
}

const char *
spec_ns_proc_name (enum spec_ns_type t)
{
  return (unsigned) t < SPEC_NS_COUNT ? ns_table[t].proc : NULL;
}

int
spec_ns_clone_flag (enum spec_ns_type t)
{
  return (unsigned) t < SPEC_NS_COUNT ? ns_table[t].flag : 0;
}

int
spec_ns_from_name (const char *name)
{
  for (int t = 0; name && t < SPEC_NS_COUNT; t++)
    if (strcmp (ns_table[t].name, name) == 0)
      return t;
  return -1;
}

const struct spec_namespace *
spec_find_namespace (const struct spec *s, enum spec_ns_type t)
{
  if (s == NULL || s->linux_ == NULL)
    return NULL;
  for (size_t i = 0; i < s->linux_->n_namespaces; i++)
    if (s->linux_->namespaces[i].type == t)
      return &s->linux_->namespaces[i];
  return NULL;
}

/* ---- the rest of linux ------------------------------------------------ */

static int
parse_namespace (const json_node *n, const struct jpath *at, struct spec_namespace *ns,
                 struct casco_error **err)
{
  _cleanup_free_ char *type = NULL;
  int r = spec_get_str (n, at, "type", &type, err);
  if (r <= 0)
    return r < 0 ? -1 : spec_missing (err, AT_KEY (at, "type"));
  int t = spec_ns_from_name (type);
  if (t < 0)
    return spec_fail (err, AT_KEY (at, "type"), "unknown namespace \"%s\"", type);
  ns->type = (enum spec_ns_type) t;
  if (spec_get_str (n, at, "path", &ns->path, err) < 0)
    return -1;
  /* Go writers leave "" for "no path"; it means "create", as if absent. */
  if (ns->path && ns->path[0] == '\0')
    {
      free (ns->path);
      ns->path = NULL;
    }
  return 0;
}

static int
parse_device (const json_node *n, const struct jpath *at, struct spec_device *d,
              struct casco_error **err)
{
  int r = spec_get_type_char (n, at, "type", "cbup", "\"c\", \"b\", \"u\" or \"p\"", &d->type,
                              err);
  if (r <= 0)
    return r < 0 ? -1 : spec_missing (err, AT_KEY (at, "type"));
  /* A FIFO has no device number; every other node needs one, and a
     defaulted 0:0 would silently create the wrong device. */
  bool need_numbers = d->type != 'p';
  if (spec_get_str (n, at, "path", &d->path, err) < 0
      || spec_get_num_ (n, at, "major", NUM_I64, &d->major, NULL, need_numbers, err) < 0
      || spec_get_num_ (n, at, "minor", NUM_I64, &d->minor, NULL, need_numbers, err) < 0
      || opt_num (n, at, "fileMode", &d->file_mode, &d->has_file_mode, err) < 0
      || opt_num (n, at, "uid", &d->uid, &d->has_uid, err) < 0
      || opt_num (n, at, "gid", &d->gid, &d->has_gid, err) < 0)
    return -1;
  return 0;
}

static int
parse_seccomp_arg (const json_node *n, const struct jpath *at, struct spec_seccomp_arg *a,
                   struct casco_error **err)
{
  if (req_num (n, at, "index", &a->index, err) < 0
      || req_num (n, at, "value", &a->value, err) < 0
      || opt_num (n, at, "valueTwo", &a->value_two, NULL, err) < 0
      || spec_get_str (n, at, "op", &a->op, err) < 0)
    return -1;
  return 0;
}

static int
parse_syscall (const json_node *n, const struct jpath *at, struct spec_seccomp_syscall *c,
               struct casco_error **err)
{
  if (spec_get_strv (n, at, "names", &c->names, err) < 0
      || spec_get_str (n, at, "action", &c->action, err) < 0
      || opt_num (n, at, "errnoRet", &c->errno_ret, &c->has_errno_ret, err) < 0
      || PARSE_ARRAY (n, at, "args", c->args, c->n_args, parse_seccomp_arg, err) < 0)
    return -1;
  return 0;
}

int
spec_parse_seccomp_fields (const json_node *n, const struct jpath *at, struct spec_seccomp *sc,
                           struct casco_error **err)
{
  if (spec_get_str (n, at, "defaultAction", &sc->default_action, err) < 0
      || opt_num (n, at, "defaultErrnoRet", &sc->default_errno_ret, &sc->has_default_errno_ret, err) < 0
      || spec_get_strv (n, at, "architectures", &sc->architectures, err) < 0
      || spec_get_strv (n, at, "flags", &sc->flags, err) < 0
      || spec_get_str (n, at, "listenerPath", &sc->listener_path, err) < 0
      || spec_get_str (n, at, "listenerMetadata", &sc->listener_metadata, err) < 0
      || PARSE_ARRAY (n, at, "syscalls", sc->syscalls, sc->n_syscalls, parse_syscall, err) < 0)
    return -1;
  return 0;
}

/* timeOffsets maps a clock name to its offset; the kernel can offset only
   these two clocks, so any other name is a config that cannot be honoured. */
static int
parse_time_offsets (const json_node *map, const struct jpath *at, struct spec_linux *l,
                    struct casco_error **err)
{
  for (size_t i = 0; i < json_object_len (map); i++)
    {
      const char *clock = json_object_key (map, i);
      const json_node *v = json_object_value (map, i);
      const struct jpath *at_clock = AT_MAP (at, clock);
      struct spec_time_offset *off;
      if (strcmp (clock, "monotonic") == 0)
        off = &l->time_monotonic;
      else if (strcmp (clock, "boottime") == 0)
        off = &l->time_boottime;
      else
        return spec_fail (err, at_clock,
                          "unknown clock: a time namespace can offset only \"monotonic\" and \"boottime\"");
      if (json_type_of (v) == JSON_NULL)
        continue;
      off->present = true;
      if (spec_check_object (v, at_clock, err) < 0
          || opt_num (v, at_clock, "secs", &off->secs, NULL, err) < 0
          || opt_num (v, at_clock, "nanosecs", &off->nanosecs, NULL, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_net_devices (const json_node *map, const struct jpath *at, struct spec_linux *l,
                   struct casco_error **err)
{
  size_t len = json_object_len (map);
  l->net_devices = xmalloc0 (len * sizeof *l->net_devices);
  for (size_t i = 0; i < len; i++)
    {
      const char *host = json_object_key (map, i);
      const json_node *v = json_object_value (map, i);
      const struct jpath *at_dev = AT_MAP (at, host);
      if (json_type_of (v) == JSON_NULL)
        continue;
      struct spec_net_device *d = &l->net_devices[l->n_net_devices++];
      d->host_name = xstrdup (host);
      if (spec_check_object (v, at_dev, err) < 0 || spec_get_str (v, at_dev, "name", &d->name, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_personality (const json_node *n, const struct jpath *at, struct spec_personality *p,
                   struct casco_error **err)
{
  p->present = true;
  if (spec_get_str (n, at, "domain", &p->domain, err) < 0
      || spec_get_strv (n, at, "flags", &p->flags, err) < 0)
    return -1;
  return 0;
}

static int
parse_intel_rdt (const json_node *n, const struct jpath *at, struct spec_intel_rdt *rdt,
                 struct casco_error **err)
{
  rdt->present = true;
  if (spec_get_str (n, at, "closID", &rdt->clos_id, err) < 0
      || spec_get_str (n, at, "l3CacheSchema", &rdt->l3_cache_schema, err) < 0
      || spec_get_str (n, at, "memBwSchema", &rdt->mem_bw_schema, err) < 0
      || spec_get_bool (n, at, "enableCMT", &rdt->enable_cmt, NULL, err) < 0
      || spec_get_bool (n, at, "enableMBM", &rdt->enable_mbm, NULL, err) < 0)
    return -1;
  return 0;
}

int
spec_parse_linux (const json_node *n, const struct jpath *at, struct spec_linux *l,
                  struct casco_error **err)
{
  const json_node *o;
  int r;

  if (PARSE_ARRAY (n, at, "namespaces", l->namespaces, l->n_namespaces, parse_namespace, err) < 0
      || PARSE_ARRAY (n, at, "uidMappings", l->uid_mappings, l->n_uid_mappings, spec_parse_id_mapping, err) < 0
      || PARSE_ARRAY (n, at, "gidMappings", l->gid_mappings, l->n_gid_mappings, spec_parse_id_mapping, err) < 0)
    return -1;
  if ((r = spec_get_object (n, at, "timeOffsets", &o, err)) < 0
      || (r > 0 && parse_time_offsets (o, AT_KEY (at, "timeOffsets"), l, err) < 0))
    return -1;
  if (PARSE_ARRAY (n, at, "devices", l->devices, l->n_devices, parse_device, err) < 0
      || spec_get_str (n, at, "cgroupsPath", &l->cgroups_path, err) < 0)
    return -1;
  if ((r = spec_get_object (n, at, "resources", &o, err)) < 0
      || (r > 0 && spec_parse_resources_fields (o, AT_KEY (at, "resources"), &l->resources, err) < 0))
    return -1;
  if (spec_get_str (n, at, "rootfsPropagation", &l->rootfs_propagation, err) < 0)
    return -1;
  if ((r = spec_get_object (n, at, "seccomp", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      l->seccomp = xmalloc0 (sizeof *l->seccomp);
      if (spec_parse_seccomp_fields (o, AT_KEY (at, "seccomp"), l->seccomp, err) < 0)
        return -1;
    }
  if (spec_get_kv (n, at, "sysctl", &l->sysctl, &l->n_sysctl, err) < 0
      || spec_get_strv (n, at, "maskedPaths", &l->masked_paths, err) < 0
      || spec_get_strv (n, at, "readonlyPaths", &l->readonly_paths, err) < 0
      || spec_get_str (n, at, "mountLabel", &l->mount_label, err) < 0)
    return -1;
  if ((r = spec_get_object (n, at, "personality", &o, err)) < 0
      || (r > 0 && parse_personality (o, AT_KEY (at, "personality"), &l->personality, err) < 0))
    return -1;
  if ((r = spec_get_object (n, at, "intelRdt", &o, err)) < 0
      || (r > 0 && parse_intel_rdt (o, AT_KEY (at, "intelRdt"), &l->intel_rdt, err) < 0))
    return -1;
  if ((r = spec_get_object (n, at, "netDevices", &o, err)) < 0
      || (r > 0 && parse_net_devices (o, AT_KEY (at, "netDevices"), l, err) < 0))
    return -1;
  return 0;
}

/* casco — the policy rules about namespaces: those shared with the host,
   a joined mount namespace, and user namespaces whose uid/gid mappings
   reach host root.  Also the namespace lookups the other rule families
   share.  Pure: findings only, through add_fix (policy_rules.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casco/policy.h"
#include "util.h"
#include "policy_rules.h"

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
bool
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

/* Index of the namespace entry of type t, or -1 when the config has none. */
ssize_t
ns_index (const struct spec *s, enum spec_ns_type t)
{
  for (size_t i = 0; s->linux_ && i < s->linux_->n_namespaces; i++)
    if (s->linux_->namespaces[i].type == t)
      return (ssize_t) i;
  return -1;
}

/* True when the container stays in the host's namespace of type t. */
bool
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

void
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

void
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

void
check_userns_maps (struct check *c)
{
  const struct spec_linux *l = c->s->linux_;
  if (l == NULL)
    return;
  check_mappings (c, "uidMappings", "uid", l->uid_mappings, l->n_uid_mappings);
  check_mappings (c, "gidMappings", "gid", l->gid_mappings, l->n_gid_mappings);
}

/* The keys the OCI runtime spec (v1.2) defines at each place of a config,
   and the walk that finds a config's other keys.  The spec tells runtimes
   to ignore unknown keys; a reviewer should not: a misspelled
   "noNewPrivilege" is a protection its author believes is on.  Keys the
   spec defines but casco does not act on (vm, solaris, windows, zos,
   intelRdt...) are known here, so real engine configs give no finding;
   free-form maps (annotations, sysctl, unified) are not looked into. */
#include <ctype.h>
#include <string.h>

#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"

enum key_kind
{
  K_LEAF,   /* any value, not looked into */
  K_OBJ,    /* an object with the keys `sub` */
  K_ARR,    /* an array of such objects */
  K_MAP,    /* an object whose values are such objects (free-form names) */
};

struct key
{
  const char *name;
  enum key_kind kind;
  const struct key *sub;
};

#define LEAF(n) { n, K_LEAF, NULL }
#define OBJ(n, s) { n, K_OBJ, s }
#define ARR(n, s) { n, K_ARR, s }
#define MAP(n, s) { n, K_MAP, s }
#define END { NULL, K_LEAF, NULL }

static const struct key id_mapping[] = { LEAF ("containerID"), LEAF ("hostID"), LEAF ("size"), END };

static const struct key mount[] = {
  LEAF ("destination"), LEAF ("source"), LEAF ("options"), LEAF ("type"),
  ARR ("uidMappings", id_mapping), ARR ("gidMappings", id_mapping), END,
};

static const struct key console_size[] = { LEAF ("height"), LEAF ("width"), END };
static const struct key user[] = {
  LEAF ("uid"), LEAF ("gid"), LEAF ("umask"), LEAF ("additionalGids"), LEAF ("username"), END,
};
static const struct key capabilities[] = {
  LEAF ("bounding"), LEAF ("effective"), LEAF ("inheritable"), LEAF ("permitted"), LEAF ("ambient"), END,
};
static const struct key rlimit[] = { LEAF ("type"), LEAF ("soft"), LEAF ("hard"), END };
static const struct key scheduler[] = {
  LEAF ("policy"), LEAF ("nice"), LEAF ("priority"), LEAF ("flags"), LEAF ("runtime"),
  LEAF ("deadline"), LEAF ("period"), END,
};
static const struct key io_priority[] = { LEAF ("class"), LEAF ("priority"), END };
static const struct key cpu_affinity[] = { LEAF ("initial"), LEAF ("final"), END };

static const struct key process[] = {
  LEAF ("terminal"), OBJ ("consoleSize", console_size), LEAF ("cwd"), LEAF ("env"), LEAF ("args"),
  LEAF ("commandLine"), ARR ("rlimits", rlimit), LEAF ("apparmorProfile"),
  OBJ ("capabilities", capabilities), LEAF ("noNewPrivileges"), LEAF ("oomScoreAdj"),
  OBJ ("scheduler", scheduler), LEAF ("selinuxLabel"), OBJ ("ioPriority", io_priority),
  OBJ ("execCPUAffinity", cpu_affinity), OBJ ("user", user), END,
};

static const struct key root_obj[] = { LEAF ("path"), LEAF ("readonly"), END };

static const struct key hook[] = { LEAF ("path"), LEAF ("args"), LEAF ("env"), LEAF ("timeout"), END };
static const struct key hooks[] = {
  ARR ("prestart", hook), ARR ("createRuntime", hook), ARR ("createContainer", hook),
  ARR ("startContainer", hook), ARR ("poststart", hook), ARR ("poststop", hook), END,
};

static const struct key ns[] = { LEAF ("type"), LEAF ("path"), END };
static const struct key time_offset[] = { LEAF ("secs"), LEAF ("nanosecs"), END };
static const struct key device[] = {
  LEAF ("type"), LEAF ("path"), LEAF ("major"), LEAF ("minor"), LEAF ("fileMode"), LEAF ("uid"),
  LEAF ("gid"), END,
};
static const struct key net_device[] = { LEAF ("name"), END };

static const struct key device_rule[] = {
  LEAF ("allow"), LEAF ("type"), LEAF ("major"), LEAF ("minor"), LEAF ("access"), END,
};
static const struct key memory[] = {
  LEAF ("limit"), LEAF ("reservation"), LEAF ("swap"), LEAF ("kernel"), LEAF ("kernelTCP"),
  LEAF ("swappiness"), LEAF ("disableOOMKiller"), LEAF ("useHierarchy"), LEAF ("checkBeforeUpdate"), END,
};
static const struct key cpu[] = {
  LEAF ("shares"), LEAF ("quota"), LEAF ("burst"), LEAF ("period"), LEAF ("realtimeRuntime"),
  LEAF ("realtimePeriod"), LEAF ("cpus"), LEAF ("mems"), LEAF ("idle"), END,
};
static const struct key weight_device[] = {
  LEAF ("major"), LEAF ("minor"), LEAF ("weight"), LEAF ("leafWeight"), END,
};
static const struct key throttle_device[] = { LEAF ("major"), LEAF ("minor"), LEAF ("rate"), END };
static const struct key block_io[] = {
  LEAF ("weight"), LEAF ("leafWeight"), ARR ("weightDevice", weight_device),
  ARR ("throttleReadBpsDevice", throttle_device), ARR ("throttleWriteBpsDevice", throttle_device),
  ARR ("throttleReadIOPSDevice", throttle_device), ARR ("throttleWriteIOPSDevice", throttle_device), END,
};
static const struct key hugepage_limit[] = { LEAF ("pageSize"), LEAF ("limit"), END };
static const struct key net_priority[] = { LEAF ("name"), LEAF ("priority"), END };
static const struct key network[] = { LEAF ("classID"), ARR ("priorities", net_priority), END };
static const struct key pids[] = { LEAF ("limit"), END };
static const struct key rdma[] = { LEAF ("hcaHandles"), LEAF ("hcaObjects"), END };
static const struct key resources[] = {
  ARR ("devices", device_rule), OBJ ("memory", memory), OBJ ("cpu", cpu), OBJ ("blockIO", block_io),
  ARR ("hugepageLimits", hugepage_limit), OBJ ("network", network), OBJ ("pids", pids),
  MAP ("rdma", rdma), LEAF ("unified"), END,
};

static const struct key intel_rdt[] = {
  LEAF ("closID"), LEAF ("l3CacheSchema"), LEAF ("memBwSchema"), LEAF ("schemata"),
  LEAF ("enableMonitoring"), LEAF ("enableCMT"), LEAF ("enableMBM"), END,
};
static const struct key seccomp_arg[] = { LEAF ("index"), LEAF ("value"), LEAF ("valueTwo"), LEAF ("op"), END };
static const struct key seccomp_syscall[] = {
  LEAF ("names"), LEAF ("action"), LEAF ("errnoRet"), ARR ("args", seccomp_arg), END,
};
static const struct key seccomp[] = {
  LEAF ("defaultAction"), LEAF ("defaultErrnoRet"), LEAF ("architectures"), LEAF ("flags"),
  LEAF ("listenerPath"), LEAF ("listenerMetadata"), ARR ("syscalls", seccomp_syscall), END,
};
static const struct key personality[] = { LEAF ("domain"), LEAF ("flags"), END };
static const struct key memory_policy[] = { LEAF ("mode"), LEAF ("nodes"), LEAF ("flags"), END };

static const struct key linux_[] = {
  ARR ("namespaces", ns), ARR ("uidMappings", id_mapping), ARR ("gidMappings", id_mapping),
  MAP ("timeOffsets", time_offset), ARR ("devices", device), MAP ("netDevices", net_device),
  LEAF ("cgroupsPath"), LEAF ("rootfsPropagation"), OBJ ("resources", resources),
  OBJ ("intelRdt", intel_rdt), LEAF ("sysctl"), OBJ ("seccomp", seccomp), LEAF ("maskedPaths"),
  LEAF ("readonlyPaths"), LEAF ("mountLabel"), OBJ ("personality", personality),
  OBJ ("memoryPolicy", memory_policy), END,
};

static const struct key vm_hypervisor[] = { LEAF ("path"), LEAF ("parameters"), END };
static const struct key vm_kernel[] = { LEAF ("path"), LEAF ("parameters"), LEAF ("initrd"), END };
static const struct key vm_image[] = { LEAF ("path"), LEAF ("format"), END };
static const struct key vm[] = {
  OBJ ("hypervisor", vm_hypervisor), OBJ ("kernel", vm_kernel), OBJ ("image", vm_image), END,
};

/* Other platforms' sections are the spec's too; casco runs none of them. */
static const struct key top[] = {
  LEAF ("ociVersion"), OBJ ("process", process), OBJ ("root", root_obj), LEAF ("hostname"),
  LEAF ("domainname"), ARR ("mounts", mount), OBJ ("hooks", hooks), LEAF ("annotations"),
  OBJ ("linux", linux_), LEAF ("solaris"), LEAF ("windows"), OBJ ("vm", vm), LEAF ("zos"), END,
};

/* ---- nearest key ---------------------------------------------------------------------- */

/* Edit distance (insert, delete, substitute; case ignored: "maskedpaths"
   is one typo away from "maskedPaths", not two). */
static size_t
distance (const char *a, const char *b)
{
  size_t la = strlen (a), lb = strlen (b);
  _cleanup_free_ size_t *row = xmalloc0 ((lb + 1) * sizeof *row);
  for (size_t j = 0; j <= lb; j++)
    row[j] = j;
  for (size_t i = 1; i <= la; i++)
    {
      size_t diag = row[0];
      row[0] = i;
      for (size_t j = 1; j <= lb; j++)
        {
          size_t up = row[j];
          size_t cost = tolower ((unsigned char) a[i - 1]) != tolower ((unsigned char) b[j - 1]);
          size_t best = diag + cost;
          if (up + 1 < best)
            best = up + 1;
          if (row[j - 1] + 1 < best)
            best = row[j - 1] + 1;
          row[j] = best;
          diag = up;
        }
    }
  return row[lb];
}

const char *
spec_nearest_key (const char *key, const char *const *known)
{
  const char *best = NULL;
  size_t best_d = (size_t) -1;
  for (size_t i = 0; known && known[i]; i++)
    {
      size_t d = distance (key, known[i]);
      if (d < best_d)
        best = known[i], best_d = d;
    }
  /* near enough to be a typo of it: about one edit in four letters */
  size_t len = best ? strlen (best) : 0;
  return best && best_d <= 1 + len / 4 ? best : NULL;
}

/* ---- the walk ------------------------------------------------------------------------- */

static const struct key *
find (const struct key *keys, const char *name)
{
  for (size_t i = 0; keys[i].name; i++)
    if (strcmp (keys[i].name, name) == 0)
      return &keys[i];
  return NULL;
}

/* Control bytes of a key never reach a terminal through a finding. */
static char *
shown (const char *key)
{
  char *s = xstrdup (key);
  for (char *p = s; *p; p++)
    if ((unsigned char) *p < 0x20 || *p == 0x7f)
      *p = '?';
  return s;
}

static void walk (const json_node *obj, const struct key *keys, const char *path, struct spec *s);

static void
walk_value (const json_node *v, const struct key *k, const char *path, struct spec *s)
{
  if (k->kind == K_OBJ)
    walk (v, k->sub, path, s);
  else if (k->kind == K_ARR && json_type_of (v) == JSON_ARRAY)
    for (size_t i = 0; i < json_array_len (v); i++)
      {
        _cleanup_free_ char *p = xasprintf ("%s[%zu]", path, i);
        walk (json_array_at (v, i), k->sub, p, s);
      }
  else if (k->kind == K_MAP && json_type_of (v) == JSON_OBJECT)
    for (size_t i = 0; i < json_object_len (v); i++)
      {
        _cleanup_free_ char *name = shown (json_object_key (v, i));
        _cleanup_free_ char *p = xasprintf ("%s[\"%s\"]", path, name);
        walk (json_object_value (v, i), k->sub, p, s);
      }
}

/* Wrong types are spec_parse's errors: only objects are looked into. */
static void
walk (const json_node *obj, const struct key *keys, const char *path, struct spec *s)
{
  if (json_type_of (obj) != JSON_OBJECT)
    return;
  for (size_t i = 0; i < json_object_len (obj); i++)
    {
      const char *name = json_object_key (obj, i);
      _cleanup_free_ char *safe = shown (name);
      _cleanup_free_ char *p = path[0] ? xasprintf ("%s.%s", path, safe) : xstrdup (safe);
      const struct key *k = find (keys, name);
      if (k)
        {
          walk_value (json_object_value (obj, i), k, p, s);
          continue;
        }
      size_t n = 0;
      while (keys[n].name)
        n++;
      const char *names[n + 1];
      for (size_t j = 0; j <= n; j++)
        names[j] = keys[j].name;
      s->unknown_keys = xrealloc (s->unknown_keys, (s->n_unknown_keys + 1) * sizeof *s->unknown_keys);
      s->unknown_keys[s->n_unknown_keys++] = (struct spec_unknown_key){
        .path = steal_pointer (&p), .key = steal_pointer (&safe), .nearest = spec_nearest_key (name, names),
      };
    }
}

void
spec_find_unknown_keys (const json_node *tree, struct spec *s)
{
  walk (tree, top, "", s);
}

/* config.json -> struct spec.  The one module that walks a config's JSON
   tree (through json.h); every other module reads the plain structs.

   The split with validate.c: parsing checks JSON types and numeric ranges,
   and requires what a struct cannot represent as absent (numbers, booleans,
   names that become enums or numbers).  Missing strings stay NULL and
   everything semantic (absolute paths, cross-field rules) is validate.c's,
   so both halves see the same data and the same paths. */
#include <sched.h>
#include <stdarg.h>
#include <string.h>
#include <sys/resource.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/spec.h"
#include "casco/util.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* ---- JSON paths ------------------------------------------------------- */

/* The path to the value being parsed, built on the stack as we descend and
   formatted only when an error needs it, so parsing allocates nothing for
   paths on the way to success. */
struct jpath
{
  const struct jpath *up;
  const char *key;          /* member name; NULL for an array element */
  size_t index;
  bool map_key;             /* key of a free-form map, shown as ["key"] */
};

#define AT_KEY(parent, k) (&(const struct jpath){ .up = (parent), .key = (k) })
#define AT_INDEX(parent, i) (&(const struct jpath){ .up = (parent), .index = (i) })
#define AT_MAP(parent, k) (&(const struct jpath){ .up = (parent), .key = (k), .map_key = true })

static char *
jpath_format (const struct jpath *p)
{
  if (p == NULL)
    return xstrdup ("");
  _cleanup_free_ char *head = jpath_format (p->up);
  if (p->key == NULL)
    return xasprintf ("%s[%zu]", head, p->index);
  if (p->map_key)
    return xasprintf ("%s[\"%s\"]", head, p->key);
  return xasprintf ("%s%s%s", head, head[0] ? "." : "", p->key);
}

/* Config text ends up on a terminal: keep control bytes it carries (in map
   keys or quoted values) from reaching it. */
static void
defang (char *s)
{
  for (; *s; s++)
    if ((unsigned char) *s < 0x20 || *s == 0x7f)
      *s = '?';
}

static int __attribute__ ((format (printf, 3, 4)))
fail (struct casco_error **err, const struct jpath *at, const char *fmt, ...)
{
  _cleanup_free_ char *msg = NULL;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  _cleanup_free_ char *path = jpath_format (at);
  defang (msg);
  defang (path);
  return casco_error_config (err, path[0] ? path : NULL, "%s", msg);
}

static int
type_error (struct casco_error **err, const struct jpath *at, const char *expected,
            const json_node *got)
{
  return fail (err, at, "expected %s, got %s", expected, json_type_name (json_type_of (got)));
}

static int
missing (struct casco_error **err, const struct jpath *at)
{
  return fail (err, at, "required field is missing");
}

/* ---- typed member access ---------------------------------------------- */
/* Each get_* returns 1 when OBJ.KEY was present and stored, 0 when absent
   (output untouched), -1 on error.  A JSON null counts as absent, as in
   Go's encoding/json, which is what most engines write configs with. */

static const json_node *
member (const json_node *obj, const char *key)
{
  const json_node *v = json_get (obj, key);
  return json_type_of (v) == JSON_NULL ? NULL : v;
}

static int
cmp_key (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* An object must not repeat a key: parsers disagree on which copy wins,
   so an engine's own checks may have looked at the other one. */
static int
check_object (const json_node *n, const struct jpath *at, struct casco_error **err)
{
  if (json_type_of (n) != JSON_OBJECT)
    return type_error (err, at, "an object", n);
  size_t len = json_object_len (n);
  if (len < 2)
    return 0;
  _cleanup_free_ const char **keys = xmalloc0 (len * sizeof *keys);
  for (size_t i = 0; i < len; i++)
    keys[i] = json_object_key (n, i);
  qsort (keys, len, sizeof *keys, cmp_key);
  for (size_t i = 1; i < len; i++)
    if (strcmp (keys[i - 1], keys[i]) == 0)
      return fail (err, at, "duplicate key \"%s\": JSON parsers disagree on which copy wins; keep one",
                   keys[i]);
  return 0;
}

static int
get_object (const json_node *obj, const struct jpath *at, const char *key, const json_node **out,
            struct casco_error **err)
{
  const json_node *v = member (obj, key);
  if (v == NULL)
    return 0;
  if (check_object (v, AT_KEY (at, key), err) < 0)
    return -1;
  *out = v;
  return 1;
}

static int
get_array (const json_node *obj, const struct jpath *at, const char *key, const json_node **out,
           struct casco_error **err)
{
  const json_node *v = member (obj, key);
  if (v == NULL)
    return 0;
  if (json_type_of (v) != JSON_ARRAY)
    return type_error (err, AT_KEY (at, key), "an array", v);
  *out = v;
  return 1;
}

static int
get_str (const json_node *obj, const struct jpath *at, const char *key, char **out,
         struct casco_error **err)
{
  const json_node *v = member (obj, key);
  if (v == NULL)
    return 0;
  if (json_type_of (v) != JSON_STRING)
    return type_error (err, AT_KEY (at, key), "a string", v);
  *out = xstrdup (json_string (v));
  return 1;
}

static int
get_bool (const json_node *obj, const struct jpath *at, const char *key, bool *out, bool *has,
          struct casco_error **err)
{
  const json_node *v = member (obj, key);
  if (v == NULL)
    return 0;
  if (json_type_of (v) != JSON_BOOL)
    return type_error (err, AT_KEY (at, key), "a boolean", v);
  *out = json_bool (v);
  if (has)
    *has = true;
  return 1;
}

static int
req_bool (const json_node *obj, const struct jpath *at, const char *key, bool *out,
          struct casco_error **err)
{
  int r = get_bool (obj, at, key, out, NULL, err);
  return r == 0 ? missing (err, AT_KEY (at, key)) : r;
}

/* Integers.  The kind comes from the destination's C type (via _Generic),
   so a field and its range cannot drift apart. */
enum num_kind { NUM_U16, NUM_U32, NUM_U64, NUM_I32, NUM_I64 };

#define NUM_KIND(p) \
  _Generic ((p), uint16_t *: NUM_U16, uint32_t *: NUM_U32, uint64_t *: NUM_U64, \
            int32_t *: NUM_I32, int64_t *: NUM_I64)

static const struct
{
  bool is_signed;
  int64_t min;
  uint64_t max;
} num_range[] = {
  [NUM_U16] = { false, 0, UINT16_MAX },
  [NUM_U32] = { false, 0, UINT32_MAX },
  [NUM_U64] = { false, 0, UINT64_MAX },
  [NUM_I32] = { true, INT32_MIN, INT32_MAX },
  [NUM_I64] = { true, INT64_MIN, INT64_MAX },
};

static int
num_value (const json_node *v, const struct jpath *at, enum num_kind kind, void *out,
           struct casco_error **err)
{
  bool is_signed = num_range[kind].is_signed;
  const char *what = is_signed ? "an integer" : "a non-negative integer";
  if (json_type_of (v) != JSON_NUMBER)
    return type_error (err, at, what, v);

  int64_t s;
  uint64_t u;
  bool have_s = json_int64 (v, &s), have_u = json_uint64 (v, &u);
  if (!have_s && !have_u)
    return fail (err, at, "expected %s, got a number with a fraction, an exponent or more than 64 bits",
                 what);
  /* Values that fit neither the signed nor the unsigned reading of the
     type are out of range; say which range applies. */
  bool ok = is_signed ? have_s && s >= num_range[kind].min && s <= (int64_t) num_range[kind].max
                      : have_u && u <= num_range[kind].max;
  if (!ok)
    {
      if (have_s)
        return fail (err, at, "%lld is out of range: must be between %lld and %llu", (long long) s,
                     (long long) num_range[kind].min, (unsigned long long) num_range[kind].max);
      return fail (err, at, "%llu is out of range: must be between %lld and %llu",
                   (unsigned long long) u, (long long) num_range[kind].min,
                   (unsigned long long) num_range[kind].max);
    }
  switch (kind)
    {
    case NUM_U16: *(uint16_t *) out = (uint16_t) u; break;
    case NUM_U32: *(uint32_t *) out = (uint32_t) u; break;
    case NUM_U64: *(uint64_t *) out = u; break;
    case NUM_I32: *(int32_t *) out = (int32_t) s; break;
    case NUM_I64: *(int64_t *) out = s; break;
    }
  return 0;
}

static int
get_num_ (const json_node *obj, const struct jpath *at, const char *key, enum num_kind kind,
          void *out, bool *has, bool required, struct casco_error **err)
{
  const json_node *v = member (obj, key);
  if (v == NULL)
    return required ? missing (err, AT_KEY (at, key)) : 0;
  if (num_value (v, AT_KEY (at, key), kind, out, err) < 0)
    return -1;
  if (has)
    *has = true;
  return 1;
}

/* opt_num: absent leaves *out alone (has may be NULL); req_num: absent is an error. */
#define opt_num(obj, at, key, out, has, err) \
  get_num_ (obj, at, key, NUM_KIND (out), out, has, false, err)
#define req_num(obj, at, key, out, err) get_num_ (obj, at, key, NUM_KIND (out), out, NULL, true, err)

/* A string vector: NULL when absent, an empty vector when present and
   empty (maskedPaths: [] means "mask nothing", absent means "defaults"). */
static int
get_strv (const json_node *obj, const struct jpath *at, const char *key, char ***out,
          struct casco_error **err)
{
  const json_node *arr;
  int r = get_array (obj, at, key, &arr, err);
  if (r <= 0)
    return r;
  size_t n = json_array_len (arr);
  char **v = *out = xmalloc0 ((n + 1) * sizeof *v);
  for (size_t i = 0; i < n; i++)
    {
      const json_node *e = json_array_at (arr, i);
      if (json_type_of (e) != JSON_STRING)
        return type_error (err, AT_INDEX (AT_KEY (at, key), i), "a string", e);
      v[i] = xstrdup (json_string (e));
    }
  return 1;
}

/* A string -> string map; entries whose value is null are skipped. */
static int
get_kv (const json_node *obj, const struct jpath *at, const char *key, struct spec_kv **out,
        size_t *n_out, struct casco_error **err)
{
  const json_node *map;
  int r = get_object (obj, at, key, &map, err);
  if (r <= 0)
    return r;
  size_t len = json_object_len (map);
  struct spec_kv *kv = *out = xmalloc0 (len * sizeof *kv);
  for (size_t i = 0; i < len; i++)
    {
      const json_node *v = json_object_value (map, i);
      if (json_type_of (v) == JSON_NULL)
        continue;
      if (json_type_of (v) != JSON_STRING)
        return type_error (err, AT_MAP (AT_KEY (at, key), json_object_key (map, i)), "a string", v);
      kv[*n_out].key = xstrdup (json_object_key (map, i));
      kv[*n_out].value = xstrdup (json_string (v));
      (*n_out)++;
    }
  return 1;
}

/* OBJ.KEY, an array of objects, into ARR/N: PARSE (elem, path, &ARR[i], err)
   fills each element.  ARR and N are set before any element is parsed, so
   the owner's free function releases a partly parsed array. */
#define PARSE_ARRAY(obj, at, key, arr, n, parse, err)                            \
  ({                                                                             \
    const json_node *a_;                                                         \
    int r_ = get_array ((obj), (at), (key), &a_, (err));                         \
    if (r_ > 0)                                                                  \
      {                                                                          \
        (n) = json_array_len (a_);                                               \
        (arr) = xmalloc0 ((n) * sizeof *(arr));                                  \
        for (size_t i_ = 0; r_ >= 0 && i_ < (n); i_++)                           \
          {                                                                      \
            const struct jpath *at_ = AT_INDEX (AT_KEY ((at), (key)), i_);       \
            const json_node *e_ = json_array_at (a_, i_);                        \
            r_ = check_object (e_, at_, (err));                                  \
            if (r_ >= 0)                                                         \
              r_ = parse (e_, at_, &(arr)[i_], (err));                           \
          }                                                                      \
      }                                                                          \
    r_ < 0 ? -1 : 0;                                                             \
  })

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

#define RLIMIT_ENTRY(r) { #r, r }
static const struct
{
  const char *name;
  int resource;
} rlimit_table[] = {
  RLIMIT_ENTRY (RLIMIT_AS), RLIMIT_ENTRY (RLIMIT_CORE), RLIMIT_ENTRY (RLIMIT_CPU),
  RLIMIT_ENTRY (RLIMIT_DATA), RLIMIT_ENTRY (RLIMIT_FSIZE), RLIMIT_ENTRY (RLIMIT_LOCKS),
  RLIMIT_ENTRY (RLIMIT_MEMLOCK), RLIMIT_ENTRY (RLIMIT_MSGQUEUE), RLIMIT_ENTRY (RLIMIT_NICE),
  RLIMIT_ENTRY (RLIMIT_NOFILE), RLIMIT_ENTRY (RLIMIT_NPROC), RLIMIT_ENTRY (RLIMIT_RSS),
  RLIMIT_ENTRY (RLIMIT_RTPRIO), RLIMIT_ENTRY (RLIMIT_RTTIME), RLIMIT_ENTRY (RLIMIT_SIGPENDING),
  RLIMIT_ENTRY (RLIMIT_STACK),
};

/* ---- freeing ---------------------------------------------------------- */
/* Free functions cope with partly filled structs: parsing fails half way
   and relies on them to leave nothing behind. */

static void
kv_free (struct spec_kv *kv, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}

static void
capabilities_free (struct spec_capabilities *c)
{
  if (c == NULL)
    return;
  strv_free (c->bounding);
  strv_free (c->effective);
  strv_free (c->inheritable);
  strv_free (c->permitted);
  strv_free (c->ambient);
  free (c);
}

void
spec_process_free (struct spec_process *p)
{
  if (p == NULL)
    return;
  free (p->user.additional_gids);
  free (p->user.username);
  strv_free (p->args);
  free (p->command_line);
  strv_free (p->env);
  free (p->cwd);
  capabilities_free (p->capabilities);
  for (size_t i = 0; i < p->n_rlimits; i++)
    free (p->rlimits[i].type);
  free (p->rlimits);
  free (p->apparmor_profile);
  free (p->selinux_label);
  free (p->scheduler.policy);
  strv_free (p->scheduler.flags);
  free (p->io_priority.class_);
  strv_free (p->exec_cpu_affinity_initial);
  free (p->exec_cpu_affinity.initial);
  free (p->exec_cpu_affinity.final);
  free (p);
}

static void
hook_list_free (struct spec_hook *h, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (h[i].path);
      strv_free (h[i].args);
      strv_free (h[i].env);
    }
  free (h);
}

static void
hooks_clear (struct spec_hooks *h)
{
  hook_list_free (h->prestart, h->n_prestart);
  hook_list_free (h->create_runtime, h->n_create_runtime);
  hook_list_free (h->create_container, h->n_create_container);
  hook_list_free (h->start_container, h->n_start_container);
  hook_list_free (h->poststart, h->n_poststart);
  hook_list_free (h->poststop, h->n_poststop);
}

void
spec_resources_clear (struct spec_resources *r)
{
  if (r == NULL)
    return;
  for (size_t i = 0; i < r->n_devices; i++)
    free (r->devices[i].access);
  free (r->devices);
  free (r->cpu.cpus);
  free (r->cpu.mems);
  free (r->block_io.weight_device);
  free (r->block_io.throttle_read_bps);
  free (r->block_io.throttle_write_bps);
  free (r->block_io.throttle_read_iops);
  free (r->block_io.throttle_write_iops);
  for (size_t i = 0; i < r->n_hugepage_limits; i++)
    free (r->hugepage_limits[i].page_size);
  free (r->hugepage_limits);
  for (size_t i = 0; i < r->n_rdma; i++)
    free (r->rdma[i].device);
  free (r->rdma);
  kv_free (r->unified, r->n_unified);
  memset (r, 0, sizeof *r);
}

static void
seccomp_free (struct spec_seccomp *sc)
{
  if (sc == NULL)
    return;
  free (sc->default_action);
  strv_free (sc->architectures);
  strv_free (sc->flags);
  free (sc->listener_path);
  free (sc->listener_metadata);
  for (size_t i = 0; i < sc->n_syscalls; i++)
    {
      struct spec_seccomp_syscall *c = &sc->syscalls[i];
      strv_free (c->names);
      free (c->action);
      for (size_t j = 0; j < c->n_args; j++)
        free (c->args[j].op);
      free (c->args);
    }
  free (sc->syscalls);
  free (sc);
}

static void
linux_free (struct spec_linux *l)
{
  if (l == NULL)
    return;
  for (size_t i = 0; i < l->n_namespaces; i++)
    free (l->namespaces[i].path);
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  for (size_t i = 0; i < l->n_devices; i++)
    free (l->devices[i].path);
  free (l->devices);
  free (l->cgroups_path);
  spec_resources_clear (&l->resources);
  free (l->rootfs_propagation);
  seccomp_free (l->seccomp);
  kv_free (l->sysctl, l->n_sysctl);
  strv_free (l->masked_paths);
  strv_free (l->readonly_paths);
  free (l->mount_label);
  free (l->personality.domain);
  strv_free (l->personality.flags);
  free (l->intel_rdt.clos_id);
  free (l->intel_rdt.l3_cache_schema);
  free (l->intel_rdt.mem_bw_schema);
  for (size_t i = 0; i < l->n_net_devices; i++)
    {
      free (l->net_devices[i].host_name);
      free (l->net_devices[i].name);
    }
  free (l->net_devices);
  free (l);
}

void
spec_free (struct spec *s)
{
  if (s == NULL)
    return;
  free (s->oci_version);
  spec_process_free (s->process);
  if (s->root)
    free (s->root->path);
  free (s->root);
  free (s->hostname);
  free (s->domainname);
  for (size_t i = 0; i < s->n_mounts; i++)
    {
      struct spec_mount *m = &s->mounts[i];
      free (m->destination);
      free (m->source);
      free (m->type);
      strv_free (m->options);
      free (m->uid_mappings);
      free (m->gid_mappings);
    }
  free (s->mounts);
  hooks_clear (&s->hooks);
  kv_free (s->annotations, s->n_annotations);
  linux_free (s->linux_);
  for (size_t i = 0; i < s->n_unknown_keys; i++)
    {
      free (s->unknown_keys[i].path);
      free (s->unknown_keys[i].key);
    }
  free (s->unknown_keys);
  free (s);
}

static void
process_freep (struct spec_process **p)
{
  spec_process_free (*p);
}

static void
resources_clearp (struct spec_resources *r)
{
  spec_resources_clear (r);
}

static void
json_freep (json_node **n)
{
  json_free (*n);
}

/* ---- process ---------------------------------------------------------- */

static int
parse_console_size (const json_node *n, const struct jpath *at, struct spec_console_size *c,
                    struct casco_error **err)
{
  c->present = true;
  if (opt_num (n, at, "height", &c->height, NULL, err) < 0
      || opt_num (n, at, "width", &c->width, NULL, err) < 0)
    return -1;
  return 0;
}

static int
parse_user (const json_node *n, const struct jpath *at, struct spec_user *u,
            struct casco_error **err)
{
  if (opt_num (n, at, "uid", &u->uid, NULL, err) < 0
      || opt_num (n, at, "gid", &u->gid, NULL, err) < 0
      || opt_num (n, at, "umask", &u->umask, &u->has_umask, err) < 0
      || get_str (n, at, "username", &u->username, err) < 0)
    return -1;

  const json_node *gids;
  int r = get_array (n, at, "additionalGids", &gids, err);
  if (r <= 0)
    return r;
  u->n_additional_gids = json_array_len (gids);
  u->additional_gids = xmalloc0 (u->n_additional_gids * sizeof *u->additional_gids);
  for (size_t i = 0; i < u->n_additional_gids; i++)
    if (num_value (json_array_at (gids, i), AT_INDEX (AT_KEY (at, "additionalGids"), i), NUM_U32,
                   &u->additional_gids[i], err) < 0)
      return -1;
  return 0;
}

static int
parse_capabilities (const json_node *n, const struct jpath *at, struct spec_capabilities *c,
                    struct casco_error **err)
{
  if (get_strv (n, at, "bounding", &c->bounding, err) < 0
      || get_strv (n, at, "effective", &c->effective, err) < 0
      || get_strv (n, at, "inheritable", &c->inheritable, err) < 0
      || get_strv (n, at, "permitted", &c->permitted, err) < 0
      || get_strv (n, at, "ambient", &c->ambient, err) < 0)
    return -1;
  return 0;
}

static int
parse_rlimit (const json_node *n, const struct jpath *at, struct spec_rlimit *rl,
              struct casco_error **err)
{
  int r = get_str (n, at, "type", &rl->type, err);
  if (r <= 0)
    return r < 0 ? -1 : missing (err, AT_KEY (at, "type"));
  size_t i = 0;
  while (i < ARRAY_SIZE (rlimit_table) && strcmp (rlimit_table[i].name, rl->type) != 0)
    i++;
  if (i == ARRAY_SIZE (rlimit_table))
    return fail (err, AT_KEY (at, "type"),
                 "unknown resource limit \"%s\": use an RLIMIT_* name from setrlimit(2), such as "
                 "RLIMIT_NOFILE",
                 rl->type);
  rl->resource = rlimit_table[i].resource;
  if (req_num (n, at, "soft", &rl->soft, err) < 0 || req_num (n, at, "hard", &rl->hard, err) < 0)
    return -1;
  return 0;
}

static int
parse_scheduler (const json_node *n, const struct jpath *at, struct spec_scheduler *s,
                 struct casco_error **err)
{
  s->present = true;
  if (get_str (n, at, "policy", &s->policy, err) < 0
      || opt_num (n, at, "nice", &s->nice, NULL, err) < 0
      || opt_num (n, at, "priority", &s->priority, NULL, err) < 0
      || get_strv (n, at, "flags", &s->flags, err) < 0
      || opt_num (n, at, "runtime", &s->runtime, NULL, err) < 0
      || opt_num (n, at, "deadline", &s->deadline, NULL, err) < 0
      || opt_num (n, at, "period", &s->period, NULL, err) < 0)
    return -1;
  return 0;
}

static int
parse_io_priority (const json_node *n, const struct jpath *at, struct spec_io_priority *io,
                   struct casco_error **err)
{
  io->present = true;
  if (get_str (n, at, "class", &io->class_, err) < 0
      || req_num (n, at, "priority", &io->priority, err) < 0)
    return -1;
  return 0;
}

static int
parse_process_fields (const json_node *n, const struct jpath *at, struct spec_process *p,
                      struct casco_error **err)
{
  const json_node *o;
  int r;

  if (get_bool (n, at, "terminal", &p->terminal, NULL, err) < 0)
    return -1;
  if ((r = get_object (n, at, "consoleSize", &o, err)) < 0
      || (r > 0 && parse_console_size (o, AT_KEY (at, "consoleSize"), &p->console_size, err) < 0))
    return -1;
  if ((r = get_object (n, at, "user", &o, err)) < 0
      || (r > 0 && parse_user (o, AT_KEY (at, "user"), &p->user, err) < 0))
    return -1;
  if (get_strv (n, at, "args", &p->args, err) < 0
      || get_str (n, at, "commandLine", &p->command_line, err) < 0
      || get_strv (n, at, "env", &p->env, err) < 0
      || get_str (n, at, "cwd", &p->cwd, err) < 0)
    return -1;
  if ((r = get_object (n, at, "capabilities", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      p->capabilities = xmalloc0 (sizeof *p->capabilities);
      if (parse_capabilities (o, AT_KEY (at, "capabilities"), p->capabilities, err) < 0)
        return -1;
    }
  if (PARSE_ARRAY (n, at, "rlimits", p->rlimits, p->n_rlimits, parse_rlimit, err) < 0)
    return -1;
  if (get_bool (n, at, "noNewPrivileges", &p->no_new_privileges, &p->has_no_new_privileges, err) < 0
      || get_str (n, at, "apparmorProfile", &p->apparmor_profile, err) < 0
      || opt_num (n, at, "oomScoreAdj", &p->oom_score_adj, &p->has_oom_score_adj, err) < 0
      || get_str (n, at, "selinuxLabel", &p->selinux_label, err) < 0)
    return -1;
  if ((r = get_object (n, at, "scheduler", &o, err)) < 0
      || (r > 0 && parse_scheduler (o, AT_KEY (at, "scheduler"), &p->scheduler, err) < 0))
    return -1;
  if ((r = get_object (n, at, "ioPriority", &o, err)) < 0
      || (r > 0 && parse_io_priority (o, AT_KEY (at, "ioPriority"), &p->io_priority, err) < 0))
    return -1;
  if ((r = get_object (n, at, "execCPUAffinity", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      const struct jpath *aff = AT_KEY (at, "execCPUAffinity");
      if (get_str (o, aff, "initial", &p->exec_cpu_affinity.initial, err) < 0
          || get_str (o, aff, "final", &p->exec_cpu_affinity.final, err) < 0)
        return -1;
    }
  return 0;
}

/* ---- root, mounts, hooks ---------------------------------------------- */

static int
parse_id_mapping (const json_node *n, const struct jpath *at, struct spec_id_mapping *m,
                  struct casco_error **err)
{
  if (req_num (n, at, "containerID", &m->container_id, err) < 0
      || req_num (n, at, "hostID", &m->host_id, err) < 0
      || req_num (n, at, "size", &m->size, err) < 0)
    return -1;
  return 0;
}

static int
parse_mount (const json_node *n, const struct jpath *at, struct spec_mount *m,
             struct casco_error **err)
{
  if (get_str (n, at, "destination", &m->destination, err) < 0
      || get_str (n, at, "source", &m->source, err) < 0
      || get_str (n, at, "type", &m->type, err) < 0
      || get_strv (n, at, "options", &m->options, err) < 0
      || PARSE_ARRAY (n, at, "uidMappings", m->uid_mappings, m->n_uid_mappings, parse_id_mapping, err) < 0
      || PARSE_ARRAY (n, at, "gidMappings", m->gid_mappings, m->n_gid_mappings, parse_id_mapping, err) < 0)
    return -1;
  return 0;
}

static int
parse_hook (const json_node *n, const struct jpath *at, struct spec_hook *h,
            struct casco_error **err)
{
  if (get_str (n, at, "path", &h->path, err) < 0
      || get_strv (n, at, "args", &h->args, err) < 0
      || get_strv (n, at, "env", &h->env, err) < 0
      || opt_num (n, at, "timeout", &h->timeout, &h->has_timeout, err) < 0)
    return -1;
  return 0;
}

static int
parse_hooks (const json_node *n, const struct jpath *at, struct spec_hooks *h,
             struct casco_error **err)
{
  if (PARSE_ARRAY (n, at, "prestart", h->prestart, h->n_prestart, parse_hook, err) < 0
      || PARSE_ARRAY (n, at, "createRuntime", h->create_runtime, h->n_create_runtime, parse_hook, err) < 0
      || PARSE_ARRAY (n, at, "createContainer", h->create_container, h->n_create_container, parse_hook, err) < 0
      || PARSE_ARRAY (n, at, "startContainer", h->start_container, h->n_start_container, parse_hook, err) < 0
      || PARSE_ARRAY (n, at, "poststart", h->poststart, h->n_poststart, parse_hook, err) < 0
      || PARSE_ARRAY (n, at, "poststop", h->poststop, h->n_poststop, parse_hook, err) < 0)
    return -1;
  return 0;
}

/* ---- linux.resources -------------------------------------------------- */

/* A one-letter device type ("c") stored as a char; ALLOWED lists the
   letters, HINT spells them out for the message. */
static int
get_type_char (const json_node *n, const struct jpath *at, const char *key, const char *allowed,
               const char *hint, char *out, struct casco_error **err)
{
  _cleanup_free_ char *t = NULL;
  int r = get_str (n, at, key, &t, err);
  if (r <= 0)
    return r;
  if (strlen (t) != 1 || strchr (allowed, t[0]) == NULL)
    return fail (err, AT_KEY (at, key), "unknown device type \"%s\": use %s", t, hint);
  *out = t[0];
  return 1;
}

static int
parse_device_cgroup (const json_node *n, const struct jpath *at, struct spec_device_cgroup *d,
                     struct casco_error **err)
{
  d->type = 'a';
  if (req_bool (n, at, "allow", &d->allow, err) < 0
      || get_type_char (n, at, "type", "acb", "\"a\", \"c\" or \"b\"", &d->type, err) < 0
      || opt_num (n, at, "major", &d->major, &d->has_major, err) < 0
      || opt_num (n, at, "minor", &d->minor, &d->has_minor, err) < 0
      || get_str (n, at, "access", &d->access, err) < 0)
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
      || get_bool (n, at, "disableOOMKiller", &m->disable_oom_killer, &m->has_disable_oom_killer, err) < 0
      || get_bool (n, at, "useHierarchy", &m->use_hierarchy, &m->has_use_hierarchy, err) < 0
      || get_bool (n, at, "checkBeforeUpdate", &m->check_before_update, &m->has_check_before_update, err) < 0)
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
      || get_str (n, at, "cpus", &c->cpus, err) < 0
      || get_str (n, at, "mems", &c->mems, err) < 0)
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
  if (get_str (n, at, "pageSize", &h->page_size, err) < 0
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
      if (check_object (v, at_dev, err) < 0
          || opt_num (v, at_dev, "hcaHandles", &l->hca_handles, &l->has_hca_handles, err) < 0
          || opt_num (v, at_dev, "hcaObjects", &l->hca_objects, &l->has_hca_objects, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_resources_fields (const json_node *n, const struct jpath *at, struct spec_resources *r,
                        struct casco_error **err)
{
  const json_node *o;
  int k;

  r->present = true;
  if (PARSE_ARRAY (n, at, "devices", r->devices, r->n_devices, parse_device_cgroup, err) < 0)
    return -1;
  if ((k = get_object (n, at, "memory", &o, err)) < 0
      || (k > 0 && parse_memory (o, AT_KEY (at, "memory"), &r->memory, err) < 0))
    return -1;
  r->has_memory = k > 0;
  if ((k = get_object (n, at, "cpu", &o, err)) < 0
      || (k > 0 && parse_cpu (o, AT_KEY (at, "cpu"), &r->cpu, err) < 0))
    return -1;
  r->has_cpu = k > 0;
  if ((k = get_object (n, at, "pids", &o, err)) < 0
      || (k > 0 && req_num (o, AT_KEY (at, "pids"), "limit", &r->pids_limit, err) < 0))
    return -1;
  r->has_pids = k > 0;
  if ((k = get_object (n, at, "blockIO", &o, err)) < 0
      || (k > 0 && parse_block_io (o, AT_KEY (at, "blockIO"), &r->block_io, err) < 0))
    return -1;
  r->has_block_io = k > 0;
  if (PARSE_ARRAY (n, at, "hugepageLimits", r->hugepage_limits, r->n_hugepage_limits,
                   parse_hugepage_limit, err) < 0)
    return -1;
  if ((k = get_object (n, at, "rdma", &o, err)) < 0
      || (k > 0 && parse_rdma (o, AT_KEY (at, "rdma"), r, err) < 0))
    return -1;
  if (get_kv (n, at, "unified", &r->unified, &r->n_unified, err) < 0)
    return -1;
  return 0;
}

/* ---- the rest of linux ------------------------------------------------ */

static int
parse_namespace (const json_node *n, const struct jpath *at, struct spec_namespace *ns,
                 struct casco_error **err)
{
  _cleanup_free_ char *type = NULL;
  int r = get_str (n, at, "type", &type, err);
  if (r <= 0)
    return r < 0 ? -1 : missing (err, AT_KEY (at, "type"));
  int t = spec_ns_from_name (type);
  if (t < 0)
    return fail (err, AT_KEY (at, "type"), "unknown namespace \"%s\"", type);
  ns->type = (enum spec_ns_type) t;
  if (get_str (n, at, "path", &ns->path, err) < 0)
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
  int r = get_type_char (n, at, "type", "cbup", "\"c\", \"b\", \"u\" or \"p\"", &d->type,
                         err);
  if (r <= 0)
    return r < 0 ? -1 : missing (err, AT_KEY (at, "type"));
  /* A FIFO has no device number; every other node needs one, and a
     defaulted 0:0 would silently create the wrong device. */
  bool need_numbers = d->type != 'p';
  if (get_str (n, at, "path", &d->path, err) < 0
      || get_num_ (n, at, "major", NUM_I64, &d->major, NULL, need_numbers, err) < 0
      || get_num_ (n, at, "minor", NUM_I64, &d->minor, NULL, need_numbers, err) < 0
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
      || get_str (n, at, "op", &a->op, err) < 0)
    return -1;
  return 0;
}

static int
parse_syscall (const json_node *n, const struct jpath *at, struct spec_seccomp_syscall *c,
               struct casco_error **err)
{
  if (get_strv (n, at, "names", &c->names, err) < 0
      || get_str (n, at, "action", &c->action, err) < 0
      || opt_num (n, at, "errnoRet", &c->errno_ret, &c->has_errno_ret, err) < 0
      || PARSE_ARRAY (n, at, "args", c->args, c->n_args, parse_seccomp_arg, err) < 0)
    return -1;
  return 0;
}

static int
parse_seccomp (const json_node *n, const struct jpath *at, struct spec_seccomp *sc,
               struct casco_error **err)
{
  if (get_str (n, at, "defaultAction", &sc->default_action, err) < 0
      || opt_num (n, at, "defaultErrnoRet", &sc->default_errno_ret, &sc->has_default_errno_ret, err) < 0
      || get_strv (n, at, "architectures", &sc->architectures, err) < 0
      || get_strv (n, at, "flags", &sc->flags, err) < 0
      || get_str (n, at, "listenerPath", &sc->listener_path, err) < 0
      || get_str (n, at, "listenerMetadata", &sc->listener_metadata, err) < 0
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
        return fail (err, at_clock,
                     "unknown clock: a time namespace can offset only \"monotonic\" and \"boottime\"");
      if (json_type_of (v) == JSON_NULL)
        continue;
      off->present = true;
      if (check_object (v, at_clock, err) < 0
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
      if (check_object (v, at_dev, err) < 0 || get_str (v, at_dev, "name", &d->name, err) < 0)
        return -1;
    }
  return 0;
}

static int
parse_personality (const json_node *n, const struct jpath *at, struct spec_personality *p,
                   struct casco_error **err)
{
  p->present = true;
  if (get_str (n, at, "domain", &p->domain, err) < 0
      || get_strv (n, at, "flags", &p->flags, err) < 0)
    return -1;
  return 0;
}

static int
parse_intel_rdt (const json_node *n, const struct jpath *at, struct spec_intel_rdt *rdt,
                 struct casco_error **err)
{
  rdt->present = true;
  if (get_str (n, at, "closID", &rdt->clos_id, err) < 0
      || get_str (n, at, "l3CacheSchema", &rdt->l3_cache_schema, err) < 0
      || get_str (n, at, "memBwSchema", &rdt->mem_bw_schema, err) < 0
      || get_bool (n, at, "enableCMT", &rdt->enable_cmt, NULL, err) < 0
      || get_bool (n, at, "enableMBM", &rdt->enable_mbm, NULL, err) < 0)
    return -1;
  return 0;
}

static int
parse_linux (const json_node *n, const struct jpath *at, struct spec_linux *l,
             struct casco_error **err)
{
  const json_node *o;
  int r;

  if (PARSE_ARRAY (n, at, "namespaces", l->namespaces, l->n_namespaces, parse_namespace, err) < 0
      || PARSE_ARRAY (n, at, "uidMappings", l->uid_mappings, l->n_uid_mappings, parse_id_mapping, err) < 0
      || PARSE_ARRAY (n, at, "gidMappings", l->gid_mappings, l->n_gid_mappings, parse_id_mapping, err) < 0)
    return -1;
  if ((r = get_object (n, at, "timeOffsets", &o, err)) < 0
      || (r > 0 && parse_time_offsets (o, AT_KEY (at, "timeOffsets"), l, err) < 0))
    return -1;
  if (PARSE_ARRAY (n, at, "devices", l->devices, l->n_devices, parse_device, err) < 0
      || get_str (n, at, "cgroupsPath", &l->cgroups_path, err) < 0)
    return -1;
  if ((r = get_object (n, at, "resources", &o, err)) < 0
      || (r > 0 && parse_resources_fields (o, AT_KEY (at, "resources"), &l->resources, err) < 0))
    return -1;
  if (get_str (n, at, "rootfsPropagation", &l->rootfs_propagation, err) < 0)
    return -1;
  if ((r = get_object (n, at, "seccomp", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      l->seccomp = xmalloc0 (sizeof *l->seccomp);
      if (parse_seccomp (o, AT_KEY (at, "seccomp"), l->seccomp, err) < 0)
        return -1;
    }
  if (get_kv (n, at, "sysctl", &l->sysctl, &l->n_sysctl, err) < 0
      || get_strv (n, at, "maskedPaths", &l->masked_paths, err) < 0
      || get_strv (n, at, "readonlyPaths", &l->readonly_paths, err) < 0
      || get_str (n, at, "mountLabel", &l->mount_label, err) < 0)
    return -1;
  if ((r = get_object (n, at, "personality", &o, err)) < 0
      || (r > 0 && parse_personality (o, AT_KEY (at, "personality"), &l->personality, err) < 0))
    return -1;
  if ((r = get_object (n, at, "intelRdt", &o, err)) < 0
      || (r > 0 && parse_intel_rdt (o, AT_KEY (at, "intelRdt"), &l->intel_rdt, err) < 0))
    return -1;
  if ((r = get_object (n, at, "netDevices", &o, err)) < 0
      || (r > 0 && parse_net_devices (o, AT_KEY (at, "netDevices"), l, err) < 0))
    return -1;
  return 0;
}

/* ---- entry points ----------------------------------------------------- */

/* Parse TEXT and check the top level is an object.  WHAT names the document
   in messages that have no JSON path ("config", "process"). */
static int
parse_document (const char *text, size_t len, const char *what, json_node **out,
                struct casco_error **err)
{
  size_t i = 0;
  while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
    i++;
  if (i == len)
    return casco_error_set (err, 0, "%s is empty: expected a JSON object", what);
  json_node *root = NULL;
  if (json_parse (text, len, &root, err) < 0)
    return -1;
  if (json_type_of (root) != JSON_OBJECT)
    {
      enum json_type t = json_type_of (root);
      json_free (root);
      return casco_error_set (err, 0, "%s: expected a JSON object at the top level, got %s", what,
                              json_type_name (t));
    }
  *out = root;
  return 0;
}

int
spec_parse (const char *json, size_t len, struct spec **out, struct casco_error **err)
{
  *out = NULL;
  __attribute__ ((cleanup (json_freep))) json_node *root = NULL;
  if (parse_document (json, len, "config", &root, err) < 0 || check_object (root, NULL, err) < 0)
    return -1;

  __attribute__ ((cleanup (spec_freep))) struct spec *s = xmalloc0 (sizeof *s);
  const json_node *o;
  int r;

  if (get_str (root, NULL, "ociVersion", &s->oci_version, err) < 0)
    return -1;
  if ((r = get_object (root, NULL, "process", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      s->process = xmalloc0 (sizeof *s->process);
      if (parse_process_fields (o, AT_KEY (NULL, "process"), s->process, err) < 0)
        return -1;
    }
  if ((r = get_object (root, NULL, "root", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      s->root = xmalloc0 (sizeof *s->root);
      if (get_str (o, AT_KEY (NULL, "root"), "path", &s->root->path, err) < 0
          || get_bool (o, AT_KEY (NULL, "root"), "readonly", &s->root->readonly, NULL, err) < 0)
        return -1;
    }
  if (get_str (root, NULL, "hostname", &s->hostname, err) < 0
      || get_str (root, NULL, "domainname", &s->domainname, err) < 0
      || PARSE_ARRAY (root, NULL, "mounts", s->mounts, s->n_mounts, parse_mount, err) < 0)
    return -1;
  if ((r = get_object (root, NULL, "hooks", &o, err)) < 0
      || (r > 0 && parse_hooks (o, AT_KEY (NULL, "hooks"), &s->hooks, err) < 0))
    return -1;
  if (get_kv (root, NULL, "annotations", &s->annotations, &s->n_annotations, err) < 0)
    return -1;
  if ((r = get_object (root, NULL, "linux", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      s->linux_ = xmalloc0 (sizeof *s->linux_);
      if (parse_linux (o, AT_KEY (NULL, "linux"), s->linux_, err) < 0)
        return -1;
    }
  spec_find_unknown_keys (root, s);
  *out = steal_pointer (&s);
  return 0;
}

int
spec_load_text (int dirfd, struct spec **out, char **text_out, size_t *len_out,
                 struct casco_error **err)
{
  *out = NULL;
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  _cleanup_error_ struct casco_error *read_err = NULL;
  if (read_file_at (dirfd, "config.json", &text, &len, &read_err) < 0)
    {
      if (read_err->errno_ == ENOENT)
        return casco_error_set (err, ENOENT,
                                "bundle has no config.json (is --bundle right? `casco spec` "
                                "writes a default one)");
      if (err)
        *err = steal_pointer (&read_err);
      return -1;
    }
  if (spec_parse (text, len, out, err) < 0)
    {
      /* Config errors carry their JSON path; syntax errors need the file name. */
      if (err && *err && (*err)->json_path == NULL)
        casco_error_wrap (err, "config.json");
      return -1;
    }
  if (text_out)
    {
      *text_out = steal_pointer (&text);
      *len_out = len;
    }
  return 0;
}

int
spec_load (int bundle_dirfd, struct spec **out, struct casco_error **err)
{
  return spec_load_text (bundle_dirfd, out, NULL, NULL, err);
}

int
spec_parse_process (const char *json, size_t len, struct spec_process **out,
                    struct casco_error **err)
{
  *out = NULL;
  __attribute__ ((cleanup (json_freep))) json_node *root = NULL;
  if (parse_document (json, len, "process", &root, err) < 0 || check_object (root, NULL, err) < 0)
    return -1;
  __attribute__ ((cleanup (process_freep))) struct spec_process *p = xmalloc0 (sizeof *p);
  if (parse_process_fields (root, NULL, p, err) < 0)
    return -1;
  *out = steal_pointer (&p);
  return 0;
}

static void
seccomp_freep (struct spec_seccomp **sc)
{
  seccomp_free (*sc);
  *sc = NULL;
}

void
spec_seccomp_free (struct spec_seccomp *sc)
{
  seccomp_free (sc);
}

int
spec_parse_seccomp (const char *json, size_t len, struct spec_seccomp **out,
                    struct casco_error **err)
{
  *out = NULL;
  __attribute__ ((cleanup (json_freep))) json_node *root = NULL;
  if (parse_document (json, len, "seccomp profile", &root, err) < 0
      || check_object (root, NULL, err) < 0)
    return -1;
  __attribute__ ((cleanup (seccomp_freep))) struct spec_seccomp *sc = xmalloc0 (sizeof *sc);
  if (parse_seccomp (root, NULL, sc, err) < 0)
    return -1;
  *out = steal_pointer (&sc);
  return 0;
}

int
spec_parse_resources (const char *json, size_t len, struct spec_resources *out,
                      struct casco_error **err)
{
  memset (out, 0, sizeof *out);
  __attribute__ ((cleanup (json_freep))) json_node *root = NULL;
  if (parse_document (json, len, "resources", &root, err) < 0 || check_object (root, NULL, err) < 0)
    return -1;
  __attribute__ ((cleanup (resources_clearp))) struct spec_resources r = { 0 };
  if (parse_resources_fields (root, NULL, &r, err) < 0)
    return -1;
  *out = r;
  memset (&r, 0, sizeof r);
  return 0;
}

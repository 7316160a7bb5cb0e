/* config.json -> struct spec.  spec*.c are the one module that walks a config's JSON
   tree (through json.h); every other module reads the plain structs.

   The split with validate.c: parsing checks JSON types and numeric ranges,
   and requires what a struct cannot represent as absent (numbers, booleans,
   names that become enums or numbers).  Missing strings stay NULL and
   everything semantic (absolute paths, cross-field rules) is validate.c's,
   so both halves see the same data and the same paths.

   This file: the entry points (a config, a process, a seccomp profile,
   resources, each as its own document), the namespace name table, and
   freeing.  The sections are parsed in spec_process.c, spec_mounts.c,
   spec_resources.c and spec_linux.c, with the typed member access of
   spec_read.c. */
#include <string.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"
#include "spec_read.h"

void
spec_write_annotations (json_writer *w, const struct spec_kv *a, size_t n)
{
  if (n == 0)
    return;
  jw_key (w, "annotations");
  jw_obj_open (w);
  for (size_t i = 0; i < n; i++)
    jw_kv_str (w, a[i].key, a[i].value);
  jw_obj_close (w);
}

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
  _cleanup_json_ json_node *root = NULL;
  if (parse_document (json, len, "config", &root, err) < 0 || spec_check_object (root, NULL, err) < 0)
    return -1;

  _cleanup_spec_ struct spec *s = xmalloc0 (sizeof *s);
  const json_node *o;
  int r;

  if (spec_get_str (root, NULL, "ociVersion", &s->oci_version, err) < 0)
    return -1;
  if ((r = spec_get_object (root, NULL, "process", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      s->process = xmalloc0 (sizeof *s->process);
      if (spec_parse_process_fields (o, AT_KEY (NULL, "process"), s->process, err) < 0)
        return -1;
    }
  if ((r = spec_get_object (root, NULL, "root", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      s->root = xmalloc0 (sizeof *s->root);
      if (spec_get_str (o, AT_KEY (NULL, "root"), "path", &s->root->path, err) < 0
          || spec_get_bool (o, AT_KEY (NULL, "root"), "readonly", &s->root->readonly, NULL, err) < 0)
        return -1;
    }
  if (spec_get_str (root, NULL, "hostname", &s->hostname, err) < 0
      || spec_get_str (root, NULL, "domainname", &s->domainname, err) < 0
      || PARSE_ARRAY (root, NULL, "mounts", s->mounts, s->n_mounts, spec_parse_mount, err) < 0)
    return -1;
  if ((r = spec_get_object (root, NULL, "hooks", &o, err)) < 0
      || (r > 0 && spec_parse_hooks (o, AT_KEY (NULL, "hooks"), &s->hooks, err) < 0))
    return -1;
  if (spec_get_kv (root, NULL, "annotations", &s->annotations, &s->n_annotations, err) < 0)
    return -1;
  if ((r = spec_get_object (root, NULL, "linux", &o, err)) < 0)
    return -1;
  if (r > 0)
    {
      s->linux_ = xmalloc0 (sizeof *s->linux_);
      if (spec_parse_linux (o, AT_KEY (NULL, "linux"), s->linux_, err) < 0)
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
  _cleanup_json_ json_node *root = NULL;
  if (parse_document (json, len, "process", &root, err) < 0 || spec_check_object (root, NULL, err) < 0)
    return -1;
  _cleanup_spec_process_ struct spec_process *p = xmalloc0 (sizeof *p);
  if (spec_parse_process_fields (root, NULL, p, err) < 0)
    return -1;
  *out = steal_pointer (&p);
  return 0;
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
  _cleanup_json_ json_node *root = NULL;
  if (parse_document (json, len, "seccomp profile", &root, err) < 0
      || spec_check_object (root, NULL, err) < 0)
    return -1;
  _cleanup_spec_seccomp_ struct spec_seccomp *sc = xmalloc0 (sizeof *sc);
  if (spec_parse_seccomp_fields (root, NULL, sc, err) < 0)
    return -1;
  *out = steal_pointer (&sc);
  return 0;
}

int
spec_parse_resources (const char *json, size_t len, struct spec_resources *out,
                      struct casco_error **err)
{
  memset (out, 0, sizeof *out);
  _cleanup_json_ json_node *root = NULL;
  if (parse_document (json, len, "resources", &root, err) < 0 || spec_check_object (root, NULL, err) < 0)
    return -1;
  _cleanup_spec_resources_ struct spec_resources r = { 0 };
  if (spec_parse_resources_fields (root, NULL, &r, err) < 0)
    return -1;
  *out = r;
  memset (&r, 0, sizeof r);
  return 0;
}

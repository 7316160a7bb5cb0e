/* config.json's "mounts" and "hooks" arrays, and the uid/gid mappings
   that both a mount's and linux's idmappings use. */
#include "casco/error.h"
#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"
#include "spec_read.h"

/* ---- root, mounts, hooks ---------------------------------------------- */

int
spec_parse_id_mapping (const json_node *n, const struct jpath *at, struct spec_id_mapping *m,
                       struct casco_error **err)
{
  if (req_num (n, at, "containerID", &m->container_id, err) < 0
      || req_num (n, at, "hostID", &m->host_id, err) < 0
      || req_num (n, at, "size", &m->size, err) < 0)
    return -1;
  return 0;
}

int
spec_parse_mount (const json_node *n, const struct jpath *at, struct spec_mount *m,
                  struct casco_error **err)
{
  if (spec_get_str (n, at, "destination", &m->destination, err) < 0
      || spec_get_str (n, at, "source", &m->source, err) < 0
      || spec_get_str (n, at, "type", &m->type, err) < 0
      || spec_get_strv (n, at, "options", &m->options, err) < 0
      || PARSE_ARRAY (n, at, "uidMappings", m->uid_mappings, m->n_uid_mappings, spec_parse_id_mapping, err) < 0
      || PARSE_ARRAY (n, at, "gidMappings", m->gid_mappings, m->n_gid_mappings, spec_parse_id_mapping, err) < 0)
    return -1;
  return 0;
}

static int
parse_hook (const json_node *n, const struct jpath *at, struct spec_hook *h,
            struct casco_error **err)
{
  if (spec_get_str (n, at, "path", &h->path, err) < 0
      || spec_get_strv (n, at, "args", &h->args, err) < 0
      || spec_get_strv (n, at, "env", &h->env, err) < 0
      || opt_num (n, at, "timeout", &h->timeout, &h->has_timeout, err) < 0)
    return -1;
  return 0;
}

int
spec_parse_hooks (const json_node *n, const struct jpath *at, struct spec_hooks *h,
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

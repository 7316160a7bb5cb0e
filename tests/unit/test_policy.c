/* Unit tests for secure defaults: fill only what the config leaves out. */
#include <stdlib.h>

#include "casco/error.h"
#include "casco/spec.h"
#include "casco/util.h"
#include "policy.h"
#include "unit.h"

static struct spec *
parse (const char *json)
{
  struct spec *s = NULL;
  struct casco_error *err = NULL;
  if (spec_parse (json, strlen (json), &s, &err) < 0)
    {
      printf ("# parse failed: %s\n", err ? err->msg : "?");
      casco_error_free (err);
      return NULL;
    }
  return s;
}

#define MINIMAL "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"

static void
absent_fields_get_secure_values (void)
{
  struct spec *s = parse (MINIMAL "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}},"
                                  "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  policy_apply_defaults (s);
  CHECK (s->process->has_no_new_privileges && s->process->no_new_privileges);
  CHECK (s->process->capabilities != NULL);
  if (s->process->capabilities)
    {
      CHECK (strv_len (s->process->capabilities->bounding) == 3);
      CHECK_STR (s->process->capabilities->effective[0], "CAP_AUDIT_WRITE");
      CHECK (s->process->capabilities->inheritable == NULL);
      CHECK (s->process->capabilities->ambient == NULL);
    }
  CHECK (strv_len (s->linux_->masked_paths) >= 10);
  CHECK (strv_len (s->linux_->readonly_paths) == 5);
  CHECK (!s->linux_->resources.has_pids);
  policy_default_pids (s);
  CHECK (s->linux_->resources.has_pids && s->linux_->resources.pids_limit == POLICY_DEFAULT_PIDS_LIMIT);
  spec_free (s);
}

static void
stated_values_always_win (void)
{
  struct spec *s = parse (MINIMAL "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
                                  "\"noNewPrivileges\":false,\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]}},"
                                  "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"maskedPaths\":[],"
                                  "\"readonlyPaths\":[\"/proc/sys\"],\"resources\":{\"pids\":{\"limit\":7}}}}");
  CHECK (s != NULL);
  if (s == NULL)
    return;
  policy_apply_defaults (s);
  policy_default_pids (s);
  CHECK (!s->process->no_new_privileges);
  CHECK (strv_len (s->process->capabilities->bounding) == 1);
  CHECK (s->process->capabilities->effective == NULL);
  CHECK (s->linux_->masked_paths != NULL && strv_len (s->linux_->masked_paths) == 0);
  CHECK (strv_len (s->linux_->readonly_paths) == 1);
  CHECK (s->linux_->resources.pids_limit == 7);
  spec_free (s);
}

int
main (void)
{
  RUN (absent_fields_get_secure_values);
  RUN (stated_values_always_win);
  return UNIT_DONE ();
}

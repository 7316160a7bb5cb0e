/* The shared judging path (judge.h). */
#include <string.h>

#include "casco/error.h"
#include "casco/util.h"
#include "judge.h"

/* notes non-NULL (audit): what this host lacks — a bind source, a
   namespace path — is said there and left unjudged instead of failing. */
static int
open_all (const struct spec *s, int bundle_fd, struct judge_input *in, char ***notes, struct casco_error **err)
{
  memset (in, 0, sizeof *in);
  in->ns = (struct ns_plan) NS_PLAN_EMPTY;
  if (host_objects_open (s, bundle_fd, notes, &in->sources, err) < 0)
    return -1;
  if (ns_plan_build (s, &in->ns, err) < 0)
    {
      struct casco_error *e = *err;
      if (notes == NULL || e->json_path == NULL || strncmp (e->json_path, "linux.namespaces", 16) != 0)
        {
          judge_close (in);
          return -1;
        }
      _cleanup_free_ char *note = xasprintf ("%s: %s; not judged here (create would fail on it)", e->json_path,
                                             e->msg);
      *notes = strv_append (*notes, note);
      casco_error_free (e);
      *err = NULL;
      in->ns = (struct ns_plan) NS_PLAN_EMPTY;
    }
  if (caps_resolve (s->process ? s->process->capabilities : NULL, &in->caps, err) < 0
      || seccomp_program_for_spec (s, &in->seccomp, err) < 0 || policy_conf_hooks (&in->hooks_allowed, err) < 0)
    {
      judge_close (in);
      return -1;
    }
  return 0;
}

int
judge_open (const struct spec *s, int bundle_fd, struct judge_input *in, struct casco_error **err)
{
  return open_all (s, bundle_fd, in, NULL, err);
}

int
judge_open_lenient (const struct spec *s, int bundle_fd, struct judge_input *in, char ***notes,
                    struct casco_error **err)
{
  return open_all (s, bundle_fd, in, notes, err);
}

void
judge_close (struct judge_input *in)
{
  host_objects_close (&in->sources);
  ns_plan_close (&in->ns);
  seccomp_program_clear (&in->seccomp);
  strv_free (in->hooks_allowed);
  in->hooks_allowed = NULL;
}

void
judge_options (const struct judge_input *in, struct policy_options *o)
{
  o->sources = &in->sources;
  o->caps = &in->caps;
  o->seccomp = &in->seccomp;
  o->hooks_allowed = in->hooks_allowed;
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    o->ns_is_host[t] = ns_plan_joins_host (&in->ns, t);
}

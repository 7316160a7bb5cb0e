/* The shared judging path (judge.h). */
#include <string.h>

#include "casco/error.h"
#include "casco/util.h"
#include "judge.h"

static int
open_all (const struct spec *s, int bundle_fd, struct judge_input *in, char ***missing, struct casco_error **err)
{
  memset (in, 0, sizeof *in);
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    in->ns.join_fd[t] = -1;
  if (host_objects_open (s, bundle_fd, missing, &in->sources, err) < 0)
    return -1;
  if (ns_plan_build (s, &in->ns, err) < 0)
    {
      host_objects_close (&in->sources);
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
  if (open_all (s, bundle_fd, in, notes, err) == 0)
    return 0;
  /* a namespace path of another host: judge the rest */
  struct casco_error *ns_err = *err;
  *err = NULL;
  if (ns_err->json_path == NULL || strncmp (ns_err->json_path, "linux.namespaces", 16) != 0)
    {
      *err = ns_err;
      return -1;
    }
  _cleanup_free_ char *note = xasprintf ("%s: %s; not judged here (create would fail on it)",
                                         ns_err->json_path, ns_err->msg);
  casco_error_free (ns_err);
  *notes = strv_append (*notes, note);
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    in->ns.join_fd[t] = -1;
  return 0;
}

void
judge_close (struct judge_input *in)
{
  host_objects_close (&in->sources);
  ns_plan_close (&in->ns);
}

void
judge_options (const struct judge_input *in, struct policy_options *o)
{
  o->sources = &in->sources;
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    o->ns_is_host[t] = ns_plan_joins_host (&in->ns, t);
}

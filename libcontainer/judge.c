/* The shared judging path (judge.h). */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "casco/error.h"
#include "util.h"
#include "cgroup.h"
#include "judge.h"

/* A host file's text, or NULL (a fact we then do not know). */
static char *
host_text (const char *path)
{
  char *text = NULL;
  struct casco_error *e = NULL;
  if (read_file_at (AT_FDCWD, path, &text, NULL, &e) < 0)
    {
      casco_error_free (e);
      return NULL;
    }
  return text;
}

/* What the host has, for the limits rules: they warn about a limit above it. */
static void
host_facts (struct judge_input *in)
{
  _cleanup_free_ char *meminfo = host_text ("/proc/meminfo");
  const char *m = meminfo ? strstr (meminfo, "MemTotal:") : NULL;
  uint64_t kib;
  if (m && sscanf (m, "MemTotal: %" SCNu64 " kB", &kib) == 1)
    in->mem_total = kib * 1024;
  long n = sysconf (_SC_NPROCESSORS_ONLN);
  in->cpus = n > 0 ? (unsigned) n : 0;
  in->cpus_online = host_text ("/sys/devices/system/cpu/online");
  if (in->cpus_online)
    in->cpus_online[strcspn (in->cpus_online, "\n")] = '\0';
  in->no_cgroup_v2 = cgroup_host_why_not ();
}

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
  host_facts (in);
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
  free (in->cpus_online);
  in->cpus_online = NULL;
}

void
judge_options (const struct judge_input *in, struct policy_options *o)
{
  o->sources = &in->sources;
  o->caps = &in->caps;
  o->seccomp = &in->seccomp;
  o->hooks_allowed = in->hooks_allowed;
  o->host_mem_total = in->mem_total;
  o->host_cpus = in->cpus;
  o->host_cpus_online = in->cpus_online;
  o->host_no_cgroup_v2 = in->no_cgroup_v2;
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    o->ns_is_host[t] = ns_plan_joins_host (&in->ns, t);
}

/* `casco audit`: the policy's rule engine as a report on a config, in text
   for people or JSON for tools.  Judges the config as written plus the
   secure defaults casco fills in (host-independent: bind sources are not
   resolved on this host, and no cgroup is assumed for the pids default). */
#include <stdio.h>
#include <string.h>

#include "casco/audit.h"
#include "casco/error.h"
#include "casco/json.h"
#include "util.h"
#include "cgroup.h"
#include "judge.h"
#include "policy_defaults.h"
#include "seccomp_filter.h"

static void
levels_text (FILE *f, const struct policy_rule *r)
{
  for (int l = 0; l < POLICY_N_LEVELS; l++)
    fprintf (f, "%s%s: %s", l ? ", " : "", policy_level_name (l), policy_action_name (r->action[l]));
}

static char *
report_text (const char *name, enum policy_level level, const struct policy_findings *f,
             size_t refused, char **notes)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&buf, &len);
  if (out == NULL)
    abort ();
  size_t warned = 0;
  for (size_t i = 0; i < f->n; i++)
    warned += f->v[i].action == POLICY_WARN;
  fprintf (out, "%s: policy %s: %s (%zu finding%s: %zu refused, %zu warned)\n", name,
           policy_level_name (level), refused ? "REFUSED" : "passes", f->n, f->n == 1 ? "" : "s",
           refused, warned);
  for (size_t i = 0; i < f->n; i++)
    {
      const struct policy_finding *x = &f->v[i];
      const struct policy_rule *r = x->rule;
      fprintf (out, "\n%-6s %s  %s (%s)\n", policy_action_name (x->action), x->path, r->id, x->value);
      fprintf (out, "       %s: %s\n", policy_severity_name (r->severity), r->risk);
      fprintf (out, "       OWASP %s, CIS %s, PSS %s; ", r->owasp, r->cis, r->pss);
      levels_text (out, r);
      fputc ('\n', out);
      if (x->fix)
        fprintf (out, "       to pass: %s\n", x->fix);
      if (x->action == POLICY_REFUSE)
        {
          const char *allow = policy_allowing_level (r, level);
          fprintf (out, "       an operator allows it with --policy %s or CASCO_POLICY=%s\n", allow, allow);
        }
    }
  if (notes && notes[0])
    {
      fprintf (out, "\nsecure defaults (fields the config leaves out):\n");
      for (size_t i = 0; notes[i]; i++)
        fprintf (out, "  %s\n", notes[i]);
    }
  fclose (out);
  return buf;
}

static char *
report_json (const char *name, enum policy_level level, const struct policy_findings *f,
             size_t refused, char **notes)
{
  json_writer *w = jw_new (true);
  jw_obj_open (w);
  jw_kv_str (w, "config", name);
  jw_kv_str (w, "policy", policy_level_name (level));
  jw_kv_bool (w, "passes", refused == 0);
  jw_key (w, "findings");
  jw_arr_open (w);
  for (size_t i = 0; i < f->n; i++)
    {
      const struct policy_finding *x = &f->v[i];
      const struct policy_rule *r = x->rule;
      jw_obj_open (w);
      jw_kv_str (w, "rule", r->id);
      jw_kv_str (w, "path", x->path);
      jw_kv_str (w, "value", x->value);
      jw_kv_str (w, "action", policy_action_name (x->action));
      jw_kv_str (w, "severity", policy_severity_name (r->severity));
      jw_kv_str (w, "title", r->title);
      jw_kv_str (w, "risk", r->risk);
      jw_kv_str (w, "owasp", r->owasp);
      jw_kv_str (w, "cis", r->cis);
      jw_kv_str (w, "pss", r->pss);
      jw_key (w, "levels");
      jw_obj_open (w);
      for (int l = 0; l < POLICY_N_LEVELS; l++)
        jw_kv_str (w, policy_level_name (l), policy_action_name (r->action[l]));
      jw_obj_close (w);
      jw_key (w, "fix");
      jw_str (w, x->fix);
      jw_key (w, "allowedBy");
      jw_str (w, x->action == POLICY_REFUSE ? policy_allowing_level (r, level) : NULL);
      jw_obj_close (w);
    }
  jw_arr_close (w);
  jw_kv_strv (w, "defaults", (const char *const *) (notes ? notes : (char *[]){ NULL }));
  jw_obj_close (w);
  return jw_finish_line (w);
}

int
audit_config (const char *json, size_t len, const char *name, enum policy_level level, bool as_json,
              const struct audit_host *host, char **report, bool *passes, struct casco_error **err)
{
  struct spec *s = NULL;
  if (spec_parse (json, len, &s, err) < 0)
    return -1;
  _cleanup_spec_ struct spec *spec = s;
  if (spec_validate (spec, err) < 0)
    return -1;
  unsigned off;
  if (policy_conf_defaults_off (&off, err) < 0)
    return -1;
  bool on_host = host && host->bundle_fd >= 0;
  /* create's cgroup decision: no cgroup means stated limits and device
     rules are not enforced (nor the pids default); a plan create refuses
     is said too */
  _cleanup_cgroup_plan_ struct cgroup_plan cg = { 0 };
  _cleanup_free_ char *cg_note = NULL;
  if (on_host)
    {
      struct casco_error *cg_err = NULL;
      if (cgroup_plan (spec, "audit", host->cgroup_disabled ? CGROUP_MANAGER_DISABLED : CGROUP_MANAGER_CGROUPFS,
                       &cg, &cg_err) < 0)
        {
          cg_note = xasprintf ("create would refuse this config here: %s", cg_err->msg);
          casco_error_free (cg_err);
        }
    }
  /* the defaults create would say and apply, at this level (the pids
     default with its condition, so that a report reads the same on every
     host) */
  _cleanup_strv_ char **notes = policy_defaults_notes (spec, level, off, false);
  if (cg_note)
    notes = strv_append (notes, cg_note);
  policy_apply_defaults (spec, level, off);
  if (on_host && cg.use)
    policy_default_pids (spec, level, off);
  /* the objects create would judge, opened the way create opens them */
  _cleanup_judge_input_ struct judge_input in;
  struct policy_options o = { .no_cgroup = on_host && !cg.use };
  memset (&in, 0, sizeof in);
  in.ns = (struct ns_plan) NS_PLAN_EMPTY;
  if (on_host)
    {
      if (judge_open_lenient (spec, host->bundle_fd, &in, &notes, err) < 0)
        return -1;
      judge_options (&in, &o);
    }
  _cleanup_policy_findings_ struct policy_findings f = { 0 };
  size_t refused = policy_check (spec, level, &o, &f);
  *passes = refused == 0;
  *report = as_json ? report_json (name, level, &f, refused, notes)
                    : report_text (name, level, &f, refused, notes);
  return 0;
}

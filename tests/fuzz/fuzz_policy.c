/* The operator policy.  The first input byte picks the level and the host
   facts; the rest is config.json text, run through what create and exec do
   before enforcing (parse, validate, secure defaults, policy_check with
   those options, policy_enforce) and through `casco audit` (text or JSON
   report), and also parsed as policy.conf text.  Besides memory errors,
   the harness checks that the findings, the refusal count, enforce's
   verdict and audit's verdict agree, and that the JSON report parses.

   Selector byte:
     bits 0-1  level: 0 strict, 1 baseline, 2 permissive, 3 strict
     bit 2     opts.exec (only PROCESS rules apply)
     bit 3     opts.no_cgroup (and, when clear, the pids default as with a cgroup)
     bit 4     opts.ns_is_host[] set for every namespace type
     bit 5     pass opts to policy_check (clear: NULL, as audit does)
     bit 6     audit's JSON report instead of text
     bit 7     opts.sources: every bind source judged as reaching everything
               (a system tree, an engine socket, devices, the host's procfs),
               its host path the mount's destination (an arbitrary string) */
#include <string.h>

#include "fuzz.h"
#include "casco/audit.h"
#include "casco/json.h"
#include "casco/policy.h"
#include "casco/spec.h"
#include "util.h"
#include "../../libcontainer/hostobj.h"
#include "../../libcontainer/policy_defaults.h"

/* Every finding names a rule of the table, a path and a value; its action
   is what the level does with that rule; exec sees only PROCESS rules; the
   count returned is the refusals listed. */
static void
check_findings (const struct policy_findings *f, size_t refused, enum policy_level level, bool exec)
{
  size_t n_refused = 0;
  for (size_t i = 0; i < f->n; i++)
    {
      const struct policy_finding *x = &f->v[i];
      if (x->rule == NULL || x->path == NULL || x->value == NULL)
        abort ();
      if (policy_rule_find (x->rule->id) != x->rule)
        abort ();
      if (x->action != x->rule->action[level])
        abort ();
      if (exec && x->rule->scope != POLICY_SCOPE_PROCESS)
        abort ();
      if (x->action == POLICY_REFUSE)
        {
          n_refused++;
          /* what the error message tells the operator to use instead */
          const char *allow = policy_allowing_level (x->rule, level);
          if (allow != NULL && policy_level_from_name (allow) < (int) level)
            abort ();
        }
    }
  if (n_refused != refused)
    abort ();
}

/* The JSON report is valid JSON and says what the check found. */
static void
check_json_report (const char *report, bool passes)
{
  json_node *root = NULL;
  struct casco_error *err = NULL;
  if (json_parse (report, strlen (report), &root, &err) < 0)
    abort ();
  const json_node *p = json_get (root, "passes");
  if (p == NULL || json_type_of (p) != JSON_BOOL || json_bool (p) != passes)
    abort ();
  const json_node *findings = json_get (root, "findings");
  if (findings == NULL || json_type_of (findings) != JSON_ARRAY)
    abort ();
  json_free (root);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  fuzz_init ();
  if (size < 1)
    return 0;
  const uint8_t sel = data[0];
  const char *json = (const char *) data + 1;
  const size_t len = size - 1;
  const enum policy_level level = (enum policy_level) ((sel & 0x03) % POLICY_N_LEVELS);
  const bool use_opts = sel & 0x20, as_json = sel & 0x40;
  struct casco_error *err = NULL;

  /* policy.conf: a C string, read whole */
  char *text = xstrndup (json, len);
  enum policy_level conf_level = POLICY_N_LEVELS;
  bool found = false;
  char **hooks = NULL;
  if (policy_conf_parse (text, "fuzz.conf", &conf_level, &found, &hooks, NULL, &err) < 0)
    fuzz_check_error (&err);
  else if (found && (unsigned) conf_level >= POLICY_N_LEVELS)
    abort ();
  /* every allowed hook path is clean and absolute, as policy_clean_hook_path makes them */
  for (size_t i = 0; hooks && hooks[i]; i++)
    if (hooks[i][0] != '/' || strstr (hooks[i], "//") || strstr (hooks[i], "/./"))
      abort ();
  strv_free (hooks);
  free (text);

  struct spec *s = NULL;
  bool valid = false;
  size_t refused = 0;
  if (spec_parse (json, len, &s, &err) < 0)
    fuzz_check_error (&err);
  else if (spec_validate (s, &err) < 0)
    fuzz_check_error (&err);
  else
    {
      valid = true;
      /* before the defaults, as audit; with host facts the input's last
         byte picks the defaults switched off (without, none are: audit,
         compared below, reads no policy.conf here) */
      const unsigned off = use_opts ? data[size - 1] : 0;
      char **notes = policy_defaults_notes (s, level, off, sel & 0x08);
      for (size_t i = 0; notes && notes[i]; i++)
        if (notes[i][0] == '\0')
          abort ();
      strv_free (notes);
      policy_apply_defaults (s, level, off);
      if (use_opts && !(sel & 0x08))
        policy_default_pids (s, level, off);   /* create with a cgroup */

      struct policy_options opts = { .exec = sel & 0x04, .no_cgroup = sel & 0x08 };
      for (int t = 0; t < SPEC_NS_COUNT; t++)
        opts.ns_is_host[t] = sel & 0x10;
      struct host_objects objs = { 0 };
      if (sel & 0x80)
        {
          objs.n = s->n_mounts;
          objs.v = xmalloc0 ((s->n_mounts + 1) * sizeof *objs.v);
          objs.upper = xmalloc0 ((s->n_mounts + 1) * sizeof *objs.upper);
          objs.work = xmalloc0 ((s->n_mounts + 1) * sizeof *objs.work);
          for (size_t i = 0; i < s->n_mounts; i++)
            {
              char *dest = s->mounts[i].destination ? s->mounts[i].destination : (char *) "";
              objs.v[i] = (struct host_object){ .fd = 1000, .path = dest,
                                                .reach = { dest, dest, dest, i & 1, dest } };
              objs.upper[i] = objs.work[i] = (struct host_object){ .fd = i & 1 ? 1000 : -1, .path = dest,
                                                                   .reach = { .system_tree = dest } };
            }
          opts.sources = &objs;
        }
      const struct policy_options *o = use_opts ? &opts : NULL;

      struct policy_findings f = { 0 };
      refused = policy_check (s, level, o, &f);
      check_findings (&f, refused, level, o && o->exec);
      policy_findings_clear (&f);

      int r = policy_enforce (s, level, o, &err);
      if ((r < 0) != (refused > 0))
        abort ();
      fuzz_check_error (&err);
      free (objs.v);
      free (objs.upper);
      free (objs.work);
    }
  spec_free (s);

  char *report = NULL;
  bool passes = false;
  if (audit_config (json, len, "fuzz", level, as_json, NULL, &report, &passes, &err) < 0)
    {
      if (valid)
        abort ();   /* audit parses and validates as create does */
      fuzz_check_error (&err);
      return 0;
    }
  if (!valid || report == NULL)
    abort ();
  /* audit checks with no host facts: the same verdict as a NULL-opts check */
  if (!use_opts && passes != (refused == 0))
    abort ();
  if (as_json)
    check_json_report (report, passes);
  free (report);
  return 0;
}

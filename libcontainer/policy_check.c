/* policy_check: run every rule family over a parsed config, in the rule
   table's order, so that reports read the same way every time.  The top of
   the policy_rules* files: it calls the families, none calls it. */
#include <stdlib.h>
#include <string.h>

#include "casco/error.h"
#include "casco/policy.h"
#include "util.h"
#include "caps.h"
#include "policy_rules.h"

/* Keys the spec does not define (spec_keys.c found them while parsing). */
static void
check_unknown_keys (struct check *c)
{
  for (size_t i = 0; i < c->s->n_unknown_keys; i++)
    {
      const struct spec_unknown_key *k = &c->s->unknown_keys[i];
      size_t plen = strlen (k->path), klen = strlen (k->key);
      /* the object holding it: the path up to ".key" */
      _cleanup_free_ char *where = plen > klen ? xstrndup (k->path, plen - klen - 1) : NULL;
      add_fix (c, "CASCO-CONFIG-UNKNOWN-KEY", xstrdup (k->path),
               k->nearest ? xasprintf ("unknown key \"%s\"; did you mean \"%s\"?", k->key, k->nearest)
                          : xasprintf ("unknown key \"%s\"", k->key),
               k->nearest ? xasprintf ("rename \"%s\" to \"%s\" in %s", k->key, k->nearest,
                                       where ? where : "the top level")
                          : xasprintf ("remove \"%s\" from %s (the OCI runtime spec defines no such key "
                                       "there)", k->key, where ? where : "the top level"));
    }
}

size_t
policy_check (const struct spec *s, enum policy_level level, const struct policy_options *opts,
              struct policy_findings *out)
{
  static const struct policy_options none;
  if ((unsigned) level >= POLICY_N_LEVELS)
    level = POLICY_STRICT;
  struct check c = { .s = s, .level = level, .opts = opts ? opts : &none, .out = out };
  /* the masks the init applies: given, or made by that same function */
  struct cap_sets caps = { 0 };
  if (opts && opts->caps)
    caps = *opts->caps;
  else if (s->process)
    {
      struct casco_error *e = NULL;
      if (caps_resolve (s->process->capabilities, &caps, &e) < 0)
        casco_error_free (e);   /* spec_validate refuses such a config first */
    }
  /* table order, so reports read the same way every time */
  check_seccomp (&c, &caps);
  check_caps (&c, &caps);
  check_masked_paths (&c);
  check_mounts (&c);
  check_proc_sys_mounts (&c);
  check_devices (&c);
  check_namespaces (&c);
  check_mount_ns (&c);
  check_process (&c);
  check_limits (&c);
  check_userns_maps (&c);
  check_hooks (&c);
  /* the rules added last, in table order */
  check_unknown_keys (&c);
  check_root (&c);
  return c.refused;
}

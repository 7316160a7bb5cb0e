/* casco — the policy rules about what the container's process may do: its
   seccomp filter judged by effect, its capabilities judged on the masks
   caps_resolve made, its user and no_new_privs, and the hooks run for it.
   Pure: findings only, through add_fix (policy_rules.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casco/error.h"
#include "casco/policy.h"
#include "util.h"
#include "caps.h"
#include "policy_rules.h"
#include "seccomp_filter.h"

/* Every set at once: a capability in any of them reaches the process one
   way or another (bounding for uid 0's exec, ambient across exec, ...). */
static uint64_t
caps_union (const struct cap_sets *k)
{
  return k->bounding | k->effective | k->inheritable | k->permitted | k->ambient;
}

static bool
default_lets_through (const char *action)
{
  return action && (strcmp (action, "SCMP_ACT_ALLOW") == 0 || strcmp (action, "SCMP_ACT_LOG") == 0
                    || strcmp (action, "SCMP_ACT_TRACE") == 0);
}

/* Judged by effect: the program the init will install, run over the
   syscalls that lead out, on every ABI; whatever the profile's shape. */
void
check_seccomp (struct check *c, const struct cap_sets *caps)
{
  if (c->opts->exec)
    return;   /* a container-wide rule: create judged it */
  _cleanup_seccomp_program_ struct seccomp_program own = { 0 };
  const struct seccomp_program *p = c->opts->seccomp;
  if (p == NULL)
    {
      struct casco_error *e = NULL;
      if (seccomp_program_for_spec (c->s, &own, &e) < 0)
        {
          casco_error_free (e);   /* create fails on it before installing anything */
          return;
        }
      p = &own;
    }
  _cleanup_seccomp_program_ struct seccomp_program reference = { 0 };
  struct casco_error *e = NULL;
  if (seccomp_default_program (&reference, &e) < 0)
    casco_error_free (e);   /* no default linked in: every escape must be denied */
  bool ptrace = (caps_union (caps) >> caps_from_name ("CAP_SYS_PTRACE")) & 1;
  /* what every engine's default denies too is a way out (refused at
     baseline); what only casco's default denies (Podman's profile lets
     nested user namespaces, their mounts and keyctl through) is weaker */
  const char *rule = "CASCO-SECCOMP-UNCONFINED";
  _cleanup_strv_ char **escapes = seccomp_effect_escapes (p, reference.insns ? &reference : NULL, ptrace, true);
  if (escapes == NULL)
    {
      rule = "CASCO-SECCOMP-WEAKER";
      escapes = seccomp_effect_escapes (p, reference.insns ? &reference : NULL, ptrace, false);
    }
  if (escapes == NULL)
    return;
  _cleanup_free_ char *list = xstrdup ("");
  for (size_t i = 0; escapes[i]; i++)
    {
      char *more = xasprintf ("%s%s%s", list, i ? "; " : "", escapes[i]);
      free (list);
      list = more;
    }
  const struct spec_seccomp *sc = c->s->linux_ ? c->s->linux_->seccomp : NULL;
  bool default_allows = sc && default_lets_through (sc->default_action);
  add_fix (c, rule, xstrdup (default_allows ? "linux.seccomp.defaultAction" : "linux.seccomp.syscalls"),
           xasprintf ("%s: the compiled filter lets through %s", default_allows ? sc->default_action : "rules",
                      list),
           default_allows
               ? xasprintf ("set \"defaultAction\":\"SCMP_ACT_ERRNO\" in linux.seccomp and allow only the "
                            "syscalls the program needs (to deny %s on every ABI), or remove linux.seccomp "
                            "(casco's default profile applies)", list)
               : xasprintf ("deny %s: remove the linux.seccomp.syscalls rules that allow them (on every ABI "
                            "of linux.seccomp.architectures), or remove linux.seccomp (casco's default "
                            "profile applies)", list));
}

/* The first entry of any set that names capability `cap`; the sets as
   written, resolved by the one function that made the masks. */
static char *
cap_path (const struct spec_capabilities *caps, int cap, char **sets_named)
{
  const struct { const char *name; char **v; } sets[] = {
    { "bounding", caps->bounding }, { "permitted", caps->permitted }, { "effective", caps->effective },
    { "inheritable", caps->inheritable }, { "ambient", caps->ambient },
  };
  char *path = NULL;
  *sets_named = NULL;
  for (size_t s = 0; s < ARRAY_SIZE (sets); s++)
    for (size_t i = 0; sets[s].v && sets[s].v[i]; i++)
      if (caps_from_name (sets[s].v[i]) == cap)
        {
          if (path == NULL)
            path = xasprintf ("process.capabilities.%s[%zu]", sets[s].name, i);
          char *more = xasprintf ("%s%s%s", *sets_named ? *sets_named : "", *sets_named ? ", ." : "",
                                  sets[s].name);
          free (*sets_named);
          *sets_named = more;
          break;
        }
  return path ? path : xstrdup ("process.capabilities");
}

/* Judged on the numbers caps_resolve made (what caps_apply will set), so
   no spelling of a name reaches a mask unseen. */
void
check_caps (struct check *c, const struct cap_sets *k)
{
  const struct spec_process *p = c->s->process;
  if (p == NULL || p->capabilities == NULL)
    return;
  uint64_t granted = caps_union (k);
  size_t n_rules;
  const struct policy_rule *all = policy_rules (&n_rules);
  for (size_t r = 0; r < n_rules; r++)
    {
      if (strncmp (all[r].id, "CASCO-CAP-", 10) != 0)
        continue;
      _cleanup_free_ char *name = xasprintf ("CAP_%s", all[r].id + 10);
      int cap = caps_from_name (name);
      if (cap < 0 || cap > 63 || !((granted >> cap) & 1))
        continue;
      const char *id = all[r].id;
      if (strcmp (name, "CAP_SYS_PTRACE") == 0 && private_userns (c->s))
        id = "CASCO-CAP-SYS_PTRACE-USERNS";
      _cleanup_free_ char *sets = NULL;
      char *path = cap_path (p->capabilities, cap, &sets);
      add_fix (c, id, path, xstrdup (name),
               xasprintf ("remove \"%s\" from process.capabilities.%s", name, sets ? sets : "*"));
    }
}

/* A user namespace whose mapping sends container uid 0 to host uid 0 is no
   protection for root: that mapping's index, or -1. */
static ssize_t
maps_to_host_root (const struct spec *s)
{
  for (size_t i = 0; s->linux_ && i < s->linux_->n_uid_mappings; i++)
    {
      const struct spec_id_mapping *m = &s->linux_->uid_mappings[i];
      if (m->container_id == 0 && m->size > 0 && m->host_id == 0)
        return (ssize_t) i;
    }
  return -1;
}

void
check_process (struct check *c)
{
  const struct spec_process *p = c->s->process;
  if (p == NULL)
    return;
  char *path = NULL, *value = NULL;
  ssize_t root_map = -1;
  if (p->user.uid == 0 && shares_host_ns (c, SPEC_NS_USER, &path, &value))
    add_fix (c, "CASCO-USER-ROOT-NO-USERNS", xstrdup ("process.user.uid"), xstrdup ("0 and no user namespace"),
             xstrdup ("set \"uid\":1000 in process.user (any non-zero id), or add {\"type\":\"user\"} to "
                      "linux.namespaces and set \"uidMappings\":[{\"containerID\":0,\"hostID\":100000,"
                      "\"size\":65536}] in linux and set \"gidMappings\":[{\"containerID\":0,\"hostID\":100000,"
                      "\"size\":65536}] in linux"));
  else if (p->user.uid == 0 && (root_map = maps_to_host_root (c->s)) >= 0)
    add_fix (c, "CASCO-USER-ROOT-NO-USERNS", xstrdup ("process.user.uid"), xstrdup ("0, mapped to the host's uid 0"),
             xasprintf ("set \"hostID\":100000 in linux.uidMappings[%zd] (an unprivileged host id)", root_map));
  free (path);
  free (value);
  /* still absent after policy_apply_defaults: the spec's false */
  if (!p->no_new_privileges)
    add_fix (c, "CASCO-NNP-DISABLED", xstrdup ("process.noNewPrivileges"),
             xstrdup (p->has_no_new_privileges ? "false" : "absent: false"),
             xstrdup ("set \"noNewPrivileges\":true in process"));
}

static bool
hook_allowed (const struct check *c, const char *path)
{
  _cleanup_free_ char *clean = policy_clean_hook_path (path);
  for (size_t i = 0; clean && c->opts->hooks_allowed && c->opts->hooks_allowed[i]; i++)
    if (strcmp (clean, c->opts->hooks_allowed[i]) == 0)
      return true;
  return false;
}

void
check_hooks (struct check *c)
{
  const struct spec_hooks *h = &c->s->hooks;
  const struct { const char *kind; const struct spec_hook *v; size_t n; } kinds[] = {
    { "prestart", h->prestart, h->n_prestart },
    { "createRuntime", h->create_runtime, h->n_create_runtime },
    { "createContainer", h->create_container, h->n_create_container },
    { "startContainer", h->start_container, h->n_start_container },
    { "poststart", h->poststart, h->n_poststart },
    { "poststop", h->poststop, h->n_poststop },
  };
  for (size_t k = 0; k < ARRAY_SIZE (kinds); k++)
    for (size_t i = 0; i < kinds[k].n; i++)
      {
        const char *path = kinds[k].v[i].path ? kinds[k].v[i].path : "";
        if (!hook_allowed (c, path))
          add_fix (c, "CASCO-HOOKS", xasprintf ("hooks.%s[%zu].path", kinds[k].kind, i), xstrdup (path),
                   xasprintf ("remove hooks.%s[%zu], or an operator lists \"%s\" in hooks_allowed of "
                              POLICY_CONF_PATH " (or $" POLICY_CONF_ENV ")", kinds[k].kind, i, path));
      }
}

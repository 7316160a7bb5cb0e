/* Secure defaults for fields a config leaves out, the operator's policy
   level, and enforcing the rule table (policy_rules.c) at create and exec. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "casco/log.h"
#include "util.h"
#include "mount_options.h"
#include "policy_defaults.h"

/* The same sets runc's `spec` writes and Docker applies: kernel data that
   leaks host details or allows host-wide effects through /proc and /sys. */
static const char *const default_masked_paths[] = {
  "/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys",
  "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
  "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap", NULL,
};

static const char *const default_readonly_paths[] = {
  "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

/* What a process needs to be an ordinary service; everything else is opt-in. */
static const char *const default_caps[] = {
  "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL,
};

#define STR_(x) #x
#define STR(x) STR_ (x)

/* Each default: its name in defaults_off, the field, what casco fills in,
   and what the spec's meaning of the absent field is. */
static const struct
{
  const char *name, *field, *casco, *spec;
} defaults[POLICY_N_DEFAULTS] = {
  [POLICY_DEFAULT_NNP] = { "noNewPrivileges", "process.noNewPrivileges",
                           "casco sets true (setuid and file-capability binaries cannot raise privileges)",
                           "false" },
  [POLICY_DEFAULT_CAPS] = { "capabilities", "process.capabilities",
                            "casco grants only CAP_AUDIT_WRITE, CAP_KILL and CAP_NET_BIND_SERVICE",
                            "no capabilities at all, as runc gives" },
  [POLICY_DEFAULT_MASKED] = { "maskedPaths", "linux.maskedPaths",
                              "casco masks the standard /proc and /sys paths", "nothing masked" },
  [POLICY_DEFAULT_READONLY] = { "readonlyPaths", "linux.readonlyPaths",
                                "casco makes the standard /proc paths read-only", "nothing made read-only" },
  [POLICY_DEFAULT_SECCOMP] = { "seccomp", "linux.seccomp",
                               "casco applies its default profile (unlisted syscalls fail with EPERM)",
                               "no syscall filter" },
  [POLICY_DEFAULT_SYSFS] = { "sysfs", "options", "casco mounts it read-only", "writable" },
  [POLICY_DEFAULT_PIDS] = { "pids", "linux.resources.pids.limit",
                            "casco sets " STR (POLICY_DEFAULT_PIDS_LIMIT) " when the container has a cgroup",
                            "no limit" },
};

const char *
policy_default_name (enum policy_default d)
{
  return (unsigned) d < POLICY_N_DEFAULTS ? defaults[d].name : "?";
}

int
policy_default_from_name (const char *name)
{
  for (int d = 0; d < POLICY_N_DEFAULTS; d++)
    if (name && strcmp (name, defaults[d].name) == 0)
      return d;
  return -1;
}

unsigned
policy_defaults_in_force (enum policy_level level, unsigned off)
{
  if (level == POLICY_PERMISSIVE)
    return 0;
  return ((1u << POLICY_N_DEFAULTS) - 1) & ~off;
}

static bool
in_force (enum policy_level level, unsigned off, enum policy_default d)
{
  return policy_defaults_in_force (level, off) & POLICY_DEFAULT_BIT (d);
}

void
policy_apply_defaults (struct spec *s, enum policy_level level, unsigned off)
{
  struct spec_process *p = s->process;
  if (p && !p->has_no_new_privileges && in_force (level, off, POLICY_DEFAULT_NNP))
    {
      p->has_no_new_privileges = p->no_new_privileges = true;
      casco_debug ("process.noNewPrivileges absent: defaulting to true");
    }
  /* left absent, the process gets no capabilities (caps_resolve: empty
     sets), which is what runc gives it */
  if (p && p->capabilities == NULL && in_force (level, off, POLICY_DEFAULT_CAPS))
    {
      p->capabilities = xmalloc0 (sizeof *p->capabilities);
      p->capabilities->bounding = strv_dup ((char *const *) default_caps);
      p->capabilities->effective = strv_dup ((char *const *) default_caps);
      p->capabilities->permitted = strv_dup ((char *const *) default_caps);
      casco_debug ("process.capabilities absent: defaulting to AUDIT_WRITE, KILL, NET_BIND_SERVICE");
    }
  if (s->linux_ && s->linux_->masked_paths == NULL && in_force (level, off, POLICY_DEFAULT_MASKED))
    {
      s->linux_->masked_paths = strv_dup ((char *const *) default_masked_paths);
      casco_debug ("linux.maskedPaths absent: defaulting to the standard set");
    }
  if (s->linux_ && s->linux_->readonly_paths == NULL && in_force (level, off, POLICY_DEFAULT_READONLY))
    {
      s->linux_->readonly_paths = strv_dup ((char *const *) default_readonly_paths);
      casco_debug ("linux.readonlyPaths absent: defaulting to the standard set");
    }
  if (s->linux_ && s->linux_->seccomp == NULL && !in_force (level, off, POLICY_DEFAULT_SECCOMP))
    {
      s->linux_->seccomp_absent_unconfined = true;
      casco_debug ("linux.seccomp absent: no filter");
    }
  for (size_t i = 0; i < s->n_mounts && in_force (level, off, POLICY_DEFAULT_SYSFS); i++)
    if (policy_sysfs_says_neither (&s->mounts[i]))
      {
        s->mounts[i].options = strv_append (s->mounts[i].options, "ro");
        casco_debug ("mounts[%zu]: sysfs says neither \"ro\" nor \"rw\": mounted read-only", i);
      }
}

void
policy_default_pids (struct spec *s, enum policy_level level, unsigned off)
{
  if (s->linux_ == NULL || s->linux_->resources.has_pids || !in_force (level, off, POLICY_DEFAULT_PIDS))
    return;
  s->linux_->resources.present = true;
  s->linux_->resources.has_pids = true;
  s->linux_->resources.pids_limit = POLICY_DEFAULT_PIDS_LIMIT;
  casco_debug ("linux.resources.pids absent: defaulting to %d", POLICY_DEFAULT_PIDS_LIMIT);
}

static const char *conf_file (void);

/* field: the JSON path shown (a sysfs mount's options are per mount). */
static char *
default_note (enum policy_default d, const char *field, const char *state, enum policy_level level, unsigned off)
{
  const char *name = defaults[d].name;
  if (in_force (level, off, d))
    return xasprintf ("%s: %s; %s. To keep the spec's meaning (%s): `defaults_off = %s` in %s, or "
                      "--policy permissive", field, state, defaults[d].casco, defaults[d].spec, name, conf_file ());
  if (level == POLICY_PERMISSIVE)
    return xasprintf ("%s: %s; the spec's meaning applies at permissive (%s); at baseline and strict %s",
                      field, state, defaults[d].spec, defaults[d].casco);
  return xasprintf ("%s: %s; the spec's meaning applies (%s): `defaults_off = %s` in %s; without it %s",
                    field, state, defaults[d].spec, name, conf_file (), defaults[d].casco);
}

char **
policy_defaults_notes (const struct spec *s, enum policy_level level, unsigned off, bool no_cgroup)
{
  char **notes = NULL;
  const struct spec_process *p = s->process;
  const struct spec_linux *l = s->linux_;
  bool absent[POLICY_N_DEFAULTS] = {
    [POLICY_DEFAULT_NNP] = p && !p->has_no_new_privileges,
    [POLICY_DEFAULT_CAPS] = p && p->capabilities == NULL,
    [POLICY_DEFAULT_MASKED] = l && l->masked_paths == NULL,
    [POLICY_DEFAULT_READONLY] = l && l->readonly_paths == NULL,
    [POLICY_DEFAULT_SECCOMP] = l && l->seccomp == NULL,
    [POLICY_DEFAULT_PIDS] = l && !l->resources.has_pids && !no_cgroup,
  };
  for (int d = 0; d < POLICY_N_DEFAULTS; d++)
    {
      if (d == POLICY_DEFAULT_SYSFS)
        {
          for (size_t i = 0; i < s->n_mounts; i++)
            if (policy_sysfs_says_neither (&s->mounts[i]))
              {
                _cleanup_free_ char *field = xasprintf ("mounts[%zu].options", i);
                _cleanup_free_ char *n = default_note (d, field, "sysfs says neither \"ro\" nor \"rw\"",
                                                       level, off);
                notes = strv_append (notes, n);
              }
          continue;
        }
      if (!absent[d])
        continue;
      _cleanup_free_ char *n = default_note (d, defaults[d].field, "absent", level, off);
      notes = strv_append (notes, n);
    }
  return notes;
}

/* ---- the operator's level ----------------------------------------------------------------- */

static char *
trim (char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen (s);
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
    s[--n] = '\0';
  return s;
}

static int
parse_hooks_allowed (char *value, const char *file, unsigned lineno, char ***hooks, struct casco_error **err)
{
  char *save = NULL;
  for (char *p = strtok_r (value, " \t", &save); p; p = strtok_r (NULL, " \t", &save))
    {
      _cleanup_free_ char *clean = policy_clean_hook_path (p);
      if (clean == NULL)
        return casco_error_set (err, 0, "%s:%u: hooks_allowed: \"%s\" is not an absolute path without "
                                "\"..\"", file, lineno, p);
      if (hooks)
        *hooks = strv_append (*hooks, clean);
    }
  return 0;
}

static int
parse_defaults_off (char *value, const char *file, unsigned lineno, unsigned *off, struct casco_error **err)
{
  char *save = NULL;
  for (char *p = strtok_r (value, " \t,", &save); p; p = strtok_r (NULL, " \t,", &save))
    {
      int d = policy_default_from_name (p);
      if (d < 0)
        {
          _cleanup_free_ char *names = xstrdup ("");
          for (int k = 0; k < POLICY_N_DEFAULTS; k++)
            {
              char *more = xasprintf ("%s%s%s", names, k ? ", " : "", policy_default_name (k));
              free (names);
              names = more;
            }
          return casco_error_set (err, 0, "%s:%u: defaults_off: unknown default \"%s\" (the defaults are %s)",
                                  file, lineno, p, names);
        }
      if (off)
        *off |= POLICY_DEFAULT_BIT (d);
    }
  return 0;
}

int
policy_conf_parse (const char *text, const char *file, enum policy_level *out, bool *found,
                   char ***hooks_allowed, unsigned *defaults_off, struct casco_error **err)
{
  *found = false;
  _cleanup_free_ char *copy = xstrdup (text);
  char *save = NULL;
  unsigned lineno = 0;
  /* strtok_r would skip empty lines and so miscount: split by hand */
  for (char *line = copy; line; line = save)
    {
      lineno++;
      save = strchr (line, '\n');
      if (save)
        *save++ = '\0';
      char *hash = strchr (line, '#');
      if (hash)
        *hash = '\0';
      char *l = trim (line);
      if (*l == '\0')
        continue;
      char *eq = strchr (l, '=');
      if (eq == NULL)
        return casco_error_set (err, 0, "%s:%u: expected \"level = strict|baseline|permissive\"", file, lineno);
      *eq = '\0';
      char *key = trim (l), *value = trim (eq + 1);
      if (strcmp (key, "hooks_allowed") == 0)
        {
          if (parse_hooks_allowed (value, file, lineno, hooks_allowed, err) < 0)
            return -1;
          continue;
        }
      if (strcmp (key, "defaults_off") == 0)
        {
          if (parse_defaults_off (value, file, lineno, defaults_off, err) < 0)
            return -1;
          continue;
        }
      if (strcmp (key, "level") != 0)
        return casco_error_set (err, 0, "%s:%u: unknown key \"%s\" (the keys are \"level\", "
                                "\"hooks_allowed\" and \"defaults_off\")", file, lineno, key);
      int level = policy_level_from_name (value);
      if (level < 0)
        return casco_error_set (err, 0, "%s:%u: invalid policy level \"%s\" (use strict, baseline or permissive)",
                                file, lineno, value);
      *out = level;
      *found = true;
    }
  return 0;
}

static const char *
conf_file (void)
{
  const char *file = getenv (POLICY_CONF_ENV);
  return file && file[0] ? file : POLICY_CONF_PATH;
}

/* *text stays NULL when the file does not exist. */
static int
read_conf (const char *file, char **text, struct casco_error **err)
{
  struct casco_error *read_err = NULL;
  *text = NULL;
  if (read_file_at (AT_FDCWD, file, text, NULL, &read_err) == 0)
    return 0;
  int e = read_err->errno_;
  casco_error_free (read_err);
  *text = NULL;
  return e == ENOENT ? 0 : casco_error_set (err, e, "policy file %s", file);
}

/* The operator's lists from the conf file, whichever source chose the
   level; either out may be NULL. */
static int
conf_lists (char ***hooks, unsigned *defaults_off, struct casco_error **err)
{
  const char *file = conf_file ();
  _cleanup_free_ char *text = NULL;
  if (read_conf (file, &text, err) < 0)
    return -1;
  bool found;
  enum policy_level l;
  return text ? policy_conf_parse (text, file, &l, &found, hooks, defaults_off, err) : 0;
}

int
policy_conf_hooks (char ***out, struct casco_error **err)
{
  *out = NULL;
  if (conf_lists (out, NULL, err) == 0)
    return 0;
  strv_free (*out);
  *out = NULL;
  return -1;
}

int
policy_conf_defaults_off (unsigned *out, struct casco_error **err)
{
  *out = 0;
  return conf_lists (NULL, out, err);
}

int
policy_level_resolve (const char *flag, enum policy_level *out, const char **source,
                      struct casco_error **err)
{
  int level;
  if (flag)
    {
      if ((level = policy_level_from_name (flag)) < 0)
        return casco_error_set (err, 0, "--policy: invalid level \"%s\" (use strict, baseline or permissive)", flag);
      *out = level;
      *source = "--policy";
      return 0;
    }
  const char *env = getenv (POLICY_ENV);
  if (env && env[0])
    {
      if ((level = policy_level_from_name (env)) < 0)
        return casco_error_set (err, 0, POLICY_ENV ": invalid level \"%s\" (use strict, baseline or permissive)", env);
      *out = level;
      *source = POLICY_ENV;
      return 0;
    }
  const char *file = conf_file ();
  _cleanup_free_ char *text = NULL;
  if (read_conf (file, &text, err) < 0)
    return -1;
  if (text)
    {
      bool found;
      enum policy_level l;
      if (policy_conf_parse (text, file, &l, &found, NULL, NULL, err) < 0)
        return -1;
      if (found)
        {
          *out = l;
          *source = file;
          return 0;
        }
    }
  *out = POLICY_STRICT;
  *source = "default";
  return 0;
}

/* ---- enforcement ------------------------------------------------------------------------- */

int
policy_enforce (const struct spec *s, enum policy_level level, const struct policy_options *opts,
                struct casco_error **err)
{
  _cleanup_policy_findings_ struct policy_findings f = { 0 };
  size_t refused = policy_check (s, level, opts, &f);
  const char *name = policy_level_name (level);
  for (size_t i = 0; i < f.n; i++)
    {
      const struct policy_finding *x = &f.v[i];
      const struct policy_rule *r = x->rule;
      if (x->action == POLICY_REFUSE)
        {
          const char *allow = policy_allowing_level (r, level);
          /* the config change first for the reader, the level last: but
             the level's sentence keeps its wording, which scripts match */
          casco_log (CASCO_LOG_ERROR, "%s (%s): %s (OWASP %s): %s %s%s%sRefused by policy %s; an operator "
                     "allows it with --policy %s or " POLICY_ENV "=%s.",
                     x->path, x->value, r->id, r->owasp, r->risk, x->fix ? "To pass: " : "",
                     x->fix ? x->fix : "", x->fix ? ". " : "", name, allow, allow);
        }
      else if (x->action == POLICY_WARN)
        casco_warn ("%s (%s): %s (OWASP %s): %s Allowed by policy %s.", x->path, x->value, r->id,
                    r->owasp, r->risk, name);
    }
  if (refused == 0)
    return 0;
  /* The rules by name in the error itself: an engine's shim quotes only
     this last line to its user, never the findings logged above it. */
  _cleanup_free_ char *ids = NULL;
  for (size_t i = 0; i < f.n; i++)
    {
      bool named = f.v[i].action != POLICY_REFUSE;
      for (size_t j = 0; j < i && !named; j++)
        named = f.v[j].rule == f.v[i].rule && f.v[j].action == POLICY_REFUSE;
      if (named)
        continue;
      char *more = xasprintf ("%s%s%s", ids ? ids : "", ids ? ", " : "", f.v[i].rule->id);
      free (ids);
      ids = more;
    }
  return casco_error_set_kind (err, CASCO_ERR_POLICY, 0, "config refused by policy %s: %zu finding%s: %s (`casco audit --policy %s` "
                          "explains them)",
                          name, refused, refused == 1 ? "" : "s", ids, name);
}

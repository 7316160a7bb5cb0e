/* Secure defaults for fields a config leaves out, the operator's policy
   level, and enforcing the rule table (policy_rules.c) at create and exec. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "casco/log.h"
#include "casco/util.h"
#include "mount.h"
#include "policy.h"

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

void
policy_apply_defaults (struct spec *s)
{
  struct spec_process *p = s->process;
  if (p && !p->has_no_new_privileges)
    {
      p->has_no_new_privileges = p->no_new_privileges = true;
      casco_debug ("process.noNewPrivileges absent: defaulting to true");
    }
  if (p && p->capabilities == NULL)
    {
      p->capabilities = xmalloc0 (sizeof *p->capabilities);
      p->capabilities->bounding = strv_dup ((char *const *) default_caps);
      p->capabilities->effective = strv_dup ((char *const *) default_caps);
      p->capabilities->permitted = strv_dup ((char *const *) default_caps);
      casco_debug ("process.capabilities absent: defaulting to AUDIT_WRITE, KILL, NET_BIND_SERVICE");
    }
  if (s->linux_ && s->linux_->masked_paths == NULL)
    {
      s->linux_->masked_paths = strv_dup ((char *const *) default_masked_paths);
      casco_debug ("linux.maskedPaths absent: defaulting to the standard set");
    }
  if (s->linux_ && s->linux_->readonly_paths == NULL)
    {
      s->linux_->readonly_paths = strv_dup ((char *const *) default_readonly_paths);
      casco_debug ("linux.readonlyPaths absent: defaulting to the standard set");
    }
}

void
policy_default_pids (struct spec *s)
{
  if (s->linux_ == NULL || s->linux_->resources.has_pids)
    return;
  s->linux_->resources.present = true;
  s->linux_->resources.has_pids = true;
  s->linux_->resources.pids_limit = POLICY_DEFAULT_PIDS_LIMIT;
  casco_debug ("linux.resources.pids absent: defaulting to %d", POLICY_DEFAULT_PIDS_LIMIT);
}

char **
policy_defaults_notes (const struct spec *s)
{
  char **notes = NULL;
  const struct spec_process *p = s->process;
  if (p && !p->has_no_new_privileges)
    notes = strv_append (notes, "process.noNewPrivileges: absent; casco sets true");
  if (p && p->capabilities == NULL)
    notes = strv_append (notes, "process.capabilities: absent; casco grants only CAP_AUDIT_WRITE, "
                                "CAP_KILL and CAP_NET_BIND_SERVICE");
  if (s->linux_ && s->linux_->masked_paths == NULL)
    notes = strv_append (notes, "linux.maskedPaths: absent; casco masks the standard /proc and /sys paths");
  if (s->linux_ && s->linux_->readonly_paths == NULL)
    notes = strv_append (notes, "linux.readonlyPaths: absent; casco makes the standard /proc paths read-only");
  if (s->linux_ && s->linux_->seccomp == NULL)
    notes = strv_append (notes, "linux.seccomp: absent; casco applies its default profile "
                                "(unlisted syscalls fail with EPERM)");
  if (s->linux_ && !s->linux_->resources.has_pids)
    {
      _cleanup_free_ char *n = xasprintf ("linux.resources.pids.limit: absent; casco sets %d when the "
                                          "container gets a cgroup (cgroup v2 hosts)",
                                          POLICY_DEFAULT_PIDS_LIMIT);
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

char *
policy_clean_hook_path (const char *path)
{
  if (path == NULL || path[0] != '/')
    return NULL;
  _cleanup_free_ char *copy = xstrdup (path);
  char *out = xmalloc0 (strlen (path) + 2);
  size_t len = 0;
  char *save = NULL;
  for (char *part = strtok_r (copy, "/", &save); part; part = strtok_r (NULL, "/", &save))
    {
      if (strcmp (part, ".") == 0)
        continue;
      if (strcmp (part, "..") == 0)
        {
          /* where it leads depends on symlinks the hook's runner follows */
          free (out);
          return NULL;
        }
      out[len++] = '/';
      strcpy (out + len, part);
      len += strlen (part);
    }
  if (len == 0)
    out[len++] = '/';
  out[len] = '\0';
  return out;
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

int
policy_conf_parse (const char *text, const char *file, enum policy_level *out, bool *found,
                   char ***hooks_allowed, struct casco_error **err)
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
      if (strcmp (key, "level") != 0)
        return casco_error_set (err, 0, "%s:%u: unknown key \"%s\" (the keys are \"level\" and "
                                "\"hooks_allowed\")", file, lineno, key);
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

int
policy_conf_hooks (char ***out, struct casco_error **err)
{
  *out = NULL;
  const char *file = conf_file ();
  _cleanup_free_ char *text = NULL;
  if (read_conf (file, &text, err) < 0)
    return -1;
  bool found;
  enum policy_level l;
  if (text && policy_conf_parse (text, file, &l, &found, out, err) < 0)
    {
      strv_free (*out);
      *out = NULL;
      return -1;
    }
  return 0;
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
      if (policy_conf_parse (text, file, &l, &found, NULL, err) < 0)
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
  __attribute__ ((cleanup (policy_findings_clear))) struct policy_findings f = { 0 };
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
  return casco_error_set (err, 0, "config refused by policy %s: %zu finding%s: %s (`casco audit --policy %s` "
                          "explains them)",
                          name, refused, refused == 1 ? "" : "s", ids, name);
}

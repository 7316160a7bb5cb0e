/* casco — the operator policy: levels, the rule table, and the check that
   turns a parsed config into findings.  policy_check is a pure function of
   its arguments (no I/O, no globals beyond the constant table), so unit
   tests and fuzzers can drive it directly; reading the level from the
   environment or /etc/casco/policy.conf is policy_level_resolve's job. */
#ifndef CASCO_POLICY_H
#define CASCO_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "casco/spec.h"

struct casco_error;
struct host_objects;
struct cap_sets;
struct seccomp_program;

/* Chosen by the operator only, never by the config (its author is whom the
   policy guards against).  STRICT is 0: a zeroed context is strict. */
enum policy_level { POLICY_STRICT = 0, POLICY_BASELINE, POLICY_PERMISSIVE, POLICY_N_LEVELS };

enum policy_action { POLICY_OK, POLICY_WARN, POLICY_REFUSE };

enum policy_severity { POLICY_LOW, POLICY_MEDIUM, POLICY_HIGH, POLICY_CRITICAL };

/* PROCESS rules look only at the process (exec checks these); CONTAINER
   rules at the rest of the config. */
enum policy_scope { POLICY_SCOPE_CONTAINER, POLICY_SCOPE_PROCESS };

struct policy_rule
{
  const char *id;           /* stable: "CASCO-SECCOMP-UNCONFINED" */
  const char *title;        /* a few words: "seccomp disabled" */
  const char *risk;         /* one sentence */
  const char *owasp;        /* OWASP Docker Top 10: "D04" */
  const char *cis;          /* CIS Docker Benchmark v1.2.0 section 5 item: "5.21" */
  const char *pss;          /* Kubernetes Pod Security Standards level: "baseline", "restricted", "-" */
  enum policy_severity severity;
  enum policy_scope scope;
  enum policy_action action[POLICY_N_LEVELS];   /* indexed by enum policy_level */
};

struct policy_finding
{
  const struct policy_rule *rule;
  char *path;               /* JSON path of the offending field: "process.capabilities.bounding[3]" */
  char *value;              /* what was found there, for the reader: "CAP_SYS_ADMIN" */
  char *fix;                /* the config change that passes, or NULL:
                               "remove \"CAP_SYS_ADMIN\" from process.capabilities" */
  enum policy_action action;/* what the checked level does with it */
};

struct policy_findings
{
  struct policy_finding *v;
  size_t n;
};

/* Facts about the host the caller may know; all-zero (or NULL) is a valid,
   host-independent answer (what `casco audit` uses). */
struct policy_options
{
  bool exec;                /* `exec`: only PROCESS rules apply */
  /* exec: the findings of the container's own process, judged at create
     (policy_check with .exec on the saved config), or NULL.  A finding the
     exec'd process shares with it (same rule, same value) is not reported
     again: exec is judged on what its process adds to the container. */
  const struct policy_findings *judged;
  bool no_cgroup;           /* no cgroup will be used: stated limits are not enforced */
  /* The host objects the mounts name, opened once and judged on the fd
     (hostobj.h), indexed like spec->mounts; the mount is made from the
     same fd.  NULL: not opened (then bind sources are not judged). */
  const struct host_objects *sources;
  /* ns_is_host[t]: the namespace the config joins for type t (judged on
     the fd setns will get) is the host's own. */
  bool ns_is_host[SPEC_NS_COUNT];
  /* The masks caps_resolve made of process.capabilities, which the init
     applies; NULL: policy_check resolves them with that same function. */
  const struct cap_sets *caps;
  /* The program the init installs (seccomp_program_for_spec); NULL:
     policy_check compiles it the same way. */
  const struct seccomp_program *seccomp;
  /* Hook paths the operator allows (policy.conf's hooks_allowed), cleaned;
     NULL-terminated or NULL. */
  char *const *hooks_allowed;
  /* Host facts (judge.c reads them; unit tests give them).  0 / NULL:
     unknown, and the rules that compare with them stay silent. */
  uint64_t host_mem_total;        /* bytes (MemTotal) */
  unsigned host_cpus;             /* online CPUs */
  const char *host_cpus_online;   /* their list, "0-3,6" */
  /* Why this host gives no container a cgroup v2 ("this host has cgroup
     v1/hybrid: ..."), or NULL when it can: no config then meets the
     limits rules, which say so once instead of asking for limits. */
  const char *host_no_cgroup_v2;
};

/* The table, in report order. */
const struct policy_rule *policy_rules (size_t *n);
const struct policy_rule *policy_rule_find (const char *id);

/* Every finding of every rule on s (opts may be NULL), each with what
   level does with it, appended to *out in table order.  Returns how many
   the level refuses.  Run it after policy_apply_defaults: absent fields
   then carry the values casco will really use. */
size_t policy_check (const struct spec *s, enum policy_level level, const struct policy_options *opts,
                     struct policy_findings *out);
void policy_findings_clear (struct policy_findings *f);
#define _cleanup_policy_findings_ __attribute__ ((cleanup (policy_findings_clear)))

const char *policy_level_name (enum policy_level level);        /* "strict" */
int policy_level_from_name (const char *name);                  /* -1 when unknown */
const char *policy_action_name (enum policy_action a);          /* "refuse", "warn", "ok" */
const char *policy_severity_name (enum policy_severity s);      /* "high" */
/* The level nearest to `level` at which r is not refused ("baseline"), or
   NULL when every level refuses it. */
const char *policy_allowing_level (const struct policy_rule *r, enum policy_level level);

/* Default path of the operator's file and the variables that choose the level. */
#define POLICY_CONF_PATH "/etc/casco/policy.conf"
#define POLICY_ENV "CASCO_POLICY"
#define POLICY_CONF_ENV "CASCO_POLICY_CONF"   /* another file (tests, packaging) */

/* The operator's level: flag (--policy, may be NULL), else $CASCO_POLICY,
   else the conf file ($CASCO_POLICY_CONF or /etc/casco/policy.conf, absent
   is fine), else strict.  *source says which ("--policy", "CASCO_POLICY",
   the file's path, "default"); it points to static or environment storage. */
int policy_level_resolve (const char *flag, enum policy_level *out, const char **source,
                          struct casco_error **err);
/* The secure defaults baseline and strict fill in for absent fields, named
   as policy.conf's defaults_off names them (the config's JSON keys). */
enum policy_default
{
  POLICY_DEFAULT_NNP,        /* noNewPrivileges */
  POLICY_DEFAULT_CAPS,       /* capabilities */
  POLICY_DEFAULT_MASKED,     /* maskedPaths */
  POLICY_DEFAULT_READONLY,   /* readonlyPaths */
  POLICY_DEFAULT_SECCOMP,    /* seccomp */
  POLICY_DEFAULT_SYSFS,      /* sysfs: read-only unless it says "rw" */
  POLICY_DEFAULT_PIDS,       /* pids */
  POLICY_N_DEFAULTS
};
#define POLICY_DEFAULT_BIT(d) (1u << (d))
const char *policy_default_name (enum policy_default d);        /* "noNewPrivileges" */
int policy_default_from_name (const char *name);                /* -1 when unknown */
/* The defaults in force (a mask of POLICY_DEFAULT_BIT): none at
   permissive, which keeps the OCI spec's meaning of every absent field;
   at baseline and strict all but those the operator switched off. */
unsigned policy_defaults_in_force (enum policy_level level, unsigned off);

/* Parse policy.conf text: "# comment", blank lines, "level = NAME",
   "hooks_allowed = /abs/path ..." (blank-separated, may repeat; each path
   cleaned of "//" and "." and refused with ".."), appended to
   *hooks_allowed when that is not NULL, and "defaults_off = NAME ..."
   (policy_default_name's names, may repeat), or'ed into *defaults_off
   when that is not NULL. */
int policy_conf_parse (const char *text, const char *file, enum policy_level *out, bool *found,
                       char ***hooks_allowed, unsigned *defaults_off, struct casco_error **err);
/* The operator's defaults_off from $CASCO_POLICY_CONF or
   /etc/casco/policy.conf (absent file: 0). */
int policy_conf_defaults_off (unsigned *out, struct casco_error **err);
/* The operator's hooks_allowed from $CASCO_POLICY_CONF or
   /etc/casco/policy.conf (absent file: none).  Caller frees with strv_free. */
int policy_conf_hooks (char ***out, struct casco_error **err);
/* "/usr//bin/./hook" -> "/usr/bin/hook"; NULL for a relative path or one
   with a ".." component (which no allowlist entry matches). */
char *policy_clean_hook_path (const char *path);

/* Log each finding of a check (error for refusals, warning for warnings)
   and fail when the level refuses any: what create, run and exec call. */
int policy_enforce (const struct spec *s, enum policy_level level, const struct policy_options *opts,
                    struct casco_error **err);

/* One line for each field s leaves out that has a secure default: what
   casco fills in and how to turn it off, or (at permissive, or switched
   off in defaults_off) that the spec's meaning applies and what baseline
   and strict would fill in.  no_cgroup: the pids default is not said (it
   needs a cgroup).  Run it before policy_apply_defaults, with the same
   level and off; NULL-terminated, caller frees with strv_free. */
char **policy_defaults_notes (const struct spec *s, enum policy_level level, unsigned off, bool no_cgroup);

#endif

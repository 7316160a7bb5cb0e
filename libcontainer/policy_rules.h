/* casco — what the rule families of the operator policy share (private to
   policy_rules*.c): the state of one check, add_fix that records a
   finding, the namespace lookups several families need, and each
   family's entry point, which policy_check (policy_check.c) calls in
   table order. */
#ifndef CASCO_POLICY_RULES_H
#define CASCO_POLICY_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include "casco/policy.h"
#include "casco/spec.h"

struct cap_sets;

struct check
{
  const struct spec *s;
  enum policy_level level;
  const struct policy_options *opts;
  struct policy_findings *out;
  size_t refused;
};

/* fix: the config change that passes (malloc'd, may be NULL when only the
   level can help); path and value are taken over too. */
void add_fix (struct check *c, const char *id, char *path, char *value, char *fix);

/* A config's path shown in a finding: the start of it, so that a huge
   destination still gives a one-line error. */
#define SHOWN_MAX 200

/* policy_rules_ns.c */
/* Index of the namespace entry of type t, or -1 when the config has none. */
ssize_t ns_index (const struct spec *s, enum spec_ns_type t);
/* True when the container stays in the host's namespace of type t. */
bool shares_host_ns (struct check *c, enum spec_ns_type t, char **path, char **value);
/* A user namespace of its own (created, not joined) that maps no host id 0:
   its capabilities reach only its own processes. */
bool private_userns (const struct spec *s);
void check_namespaces (struct check *c);
void check_mount_ns (struct check *c);
void check_userns_maps (struct check *c);

/* policy_rules_process.c */
void check_seccomp (struct check *c, const struct cap_sets *caps);
void check_caps (struct check *c, const struct cap_sets *k);
void check_process (struct check *c);
void check_hooks (struct check *c);

/* policy_rules_mounts.c */
void check_masked_paths (struct check *c);
void check_mounts (struct check *c);
void check_proc_sys_mounts (struct check *c);
void check_root (struct check *c);

/* policy_rules_resources.c */
void check_devices (struct check *c);
void check_limits (struct check *c);

#endif

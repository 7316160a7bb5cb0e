/* casco — secure defaults for absent fields (policy.c).  The operator
   policy (levels, rule table, check) is declared in casco/policy.h. */
#ifndef CASCO_POLICY_DEFAULTS_H
#define CASCO_POLICY_DEFAULTS_H

#include <stdbool.h>
#include "casco/policy.h"
#include "casco/spec.h"

/* pids.max casco sets when a cgroup is used and the config gives none:
   enough for real workloads, far below what a fork bomb needs to hurt. */
#define POLICY_DEFAULT_PIDS_LIMIT 4096

/* Fill in what the config leaves out, never overriding a stated value
   (engines state everything): no_new_privs on, the standard masked and
   read-only paths, the three-capability set.  Each default is logged at
   debug level.  The default seccomp filter is chosen by seccomp.c when
   linux.seccomp is absent, and the pids limit by policy_default_pids. */
void policy_apply_defaults (struct spec *s);
/* When a cgroup is used and linux.resources.pids is absent: set it. */
void policy_default_pids (struct spec *s);



#endif

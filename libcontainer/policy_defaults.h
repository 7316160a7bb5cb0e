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
   (engines state everything), with the defaults policy_defaults_in_force
   (level, off) keeps: no_new_privs on, the standard masked and read-only
   paths, the three-capability set, sysfs read-only, casco's seccomp
   profile (chosen by seccomp.c when linux.seccomp is absent).  A default
   not in force leaves the field absent: no capabilities (as runc), no
   filter for linux.seccomp.  The pids limit is policy_default_pids's. */
void policy_apply_defaults (struct spec *s, enum policy_level level, unsigned off);
/* When a cgroup is used and linux.resources.pids is absent: set it (if
   that default is in force). */
void policy_default_pids (struct spec *s, enum policy_level level, unsigned off);
/* A sysfs mount (not a bind, not a remount) that says neither "ro" nor
   "rw": the sysfs default makes it read-only, the kernel writable. */
bool policy_sysfs_says_neither (const struct spec_mount *m);



#endif

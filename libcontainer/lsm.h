/* casco — LSM labels: process.apparmorProfile, process.selinuxLabel,
   linux.mountLabel.  Choice (as runc): a label the host cannot enforce is
   refused, never silently dropped; mountLabel is ignored without SELinux.
   The attr file is opened from the host's /proc before pivot_root, so the
   write just before exec cannot be redirected by the container's /proc
   (CVE-2025-52881 class). */
#ifndef CASCO_LSM_H
#define CASCO_LSM_H

#include "casco/spec.h"

struct casco_error;

struct lsm_plan
{
  int attr_fd;      /* /proc/<self>/attr/... opened for writing, or -1 */
  char *value;      /* what to write there */
};

#define LSM_PLAN_EMPTY { .attr_fd = -1, .value = NULL }

/* Parent: refuse labels the host cannot enforce. */
int lsm_check (const struct spec *s, const struct spec_process *p, struct casco_error **err);
/* Child, before pivot: open the attr file for the process's label. */
int lsm_prepare (const struct spec_process *p, struct lsm_plan *plan, struct casco_error **err);
/* Child, right before exec: the label takes effect at execve. */
int lsm_apply (struct lsm_plan *plan, struct casco_error **err);

#endif

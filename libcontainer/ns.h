/* casco — namespaces: opening the ones to join, creating new ones,
   and the id/time maps the parent writes for the child. */
#ifndef CASCO_NS_H
#define CASCO_NS_H

#include <stdbool.h>
#include <sys/types.h>
#include "casco/spec.h"

struct casco_error;

struct ns_plan
{
  int join_fd[SPEC_NS_COUNT];   /* fd of an existing namespace to setns into, or -1 */
  bool create[SPEC_NS_COUNT];   /* unshare a new namespace of this type */
};

_Static_assert (SPEC_NS_COUNT == 8, "NS_PLAN_EMPTY lists one fd per namespace type");
#define NS_PLAN_EMPTY { .join_fd = { -1, -1, -1, -1, -1, -1, -1, -1 } }

/* Parent side: decide join/create per linux.namespaces and open every
   path, checking it really is a namespace of the stated type. */
int ns_plan_build (const struct spec *s, struct ns_plan *plan, struct casco_error **err);
void ns_plan_close (struct ns_plan *plan);
/* Is the namespace the plan joins for type t the host's own (ours, or
   PID 1's)?  Judged on the fd setns will get, not on the path. */
bool ns_plan_joins_host (const struct ns_plan *plan, enum spec_ns_type t);

/* Child side, in order: join the user ns (if any), join the rest, then
   unshare the user ns, then the rest.  The user ns is created alone so the
   parent can write its maps before the others are created under it. */
int ns_join_user (const struct ns_plan *plan, struct casco_error **err);
int ns_join_others (const struct ns_plan *plan, struct casco_error **err);
int ns_unshare_user (const struct ns_plan *plan, struct casco_error **err);
int ns_unshare_others (const struct ns_plan *plan, struct casco_error **err);
/* --explain: name the namespace types neither created nor joined. */
void ns_explain_shared (const struct ns_plan *plan);
/* --explain, in the init: the pid and time namespaces it was born into. */
void ns_explain_entered (const struct ns_plan *plan);
/* Can the parent clone the init straight into its new namespaces, with
   no stage 1?  Only when nothing is joined (setns comes before the fork
   that enters a pid namespace) and there is no time namespace (its
   offsets are written before its first process exists). */
bool ns_plan_direct (const struct ns_plan *plan);
/* The clone flags for such an init: every new namespace but the cgroup
   one, which the init unshares itself once in its cgroup (a cgroup
   namespace's root is the cgroup of the process that creates it). */
unsigned long ns_plan_clone_flags (const struct ns_plan *plan);
/* --explain, in such an init: the namespaces it was cloned into. */
void ns_explain_cloned (const struct ns_plan *plan);

/* After unshare(CLONE_NEWTIME), before the first child: clock offsets. */
int ns_write_time_offsets (const struct spec *s, struct casco_error **err);

/* Parent side: write /proc/PID/{uid_map,gid_map} for a new user ns. */
int ns_write_id_maps (pid_t pid, const struct spec *s, struct casco_error **err);

#endif

/* casco — the one path from a parsed config to the policy's verdict, taken
   by create, run and audit alike: the config in the form the kernel will
   get it is built once — the host objects it names opened (bind sources,
   overlay directories, namespaces to join), capabilities as numbers, the
   seccomp program compiled — the policy judges that form, and create then
   acts on the very same objects (mount.c clones the bind trees from those
   fds, setns gets those namespace fds, the init installs that program and
   applies those masks).  Nothing judged is looked up or parsed again. */
#ifndef CASCO_JUDGE_H
#define CASCO_JUDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "casco/policy.h"
#include "caps.h"
#include "hostobj.h"
#include "ns.h"
#include "seccomp_filter.h"

struct casco_error;

struct judge_input
{
  struct host_objects sources;  /* indexed like spec->mounts */
  struct ns_plan ns;            /* the namespace fds setns will get */
  struct cap_sets caps;         /* process.capabilities as numbers (caps_resolve) */
  struct seccomp_program seccomp; /* the program the init installs */
  char **hooks_allowed;         /* the operator's hooks_allowed (policy.conf) */
  /* host facts the limits are compared with (0 / NULL: unknown) */
  uint64_t mem_total;           /* /proc/meminfo MemTotal, bytes */
  unsigned cpus;                /* online CPUs */
  char *cpus_online;            /* /sys/devices/system/cpu/online */
  const char *no_cgroup_v2;     /* cgroup_host_why_not () */
};

/* Open what s names on this host (relative bind sources from bundle_fd). */
int judge_open (const struct spec *s, int bundle_fd, struct judge_input *in, struct casco_error **err);
void judge_close (struct judge_input *in);
#define _cleanup_judge_input_ __attribute__ ((cleanup (judge_close)))
/* audit: the same, but a bind source or namespace path missing on this
   host is not an error: it is left unjudged and said in *notes. */
int judge_open_lenient (const struct spec *s, int bundle_fd, struct judge_input *in, char ***notes,
                        struct casco_error **err);

/* The policy's options for these objects (points into in). */
void judge_options (const struct judge_input *in, struct policy_options *o);

#endif

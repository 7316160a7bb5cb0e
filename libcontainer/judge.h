/* casco — the one path from a parsed config to the policy's verdict, taken
   by create, run, exec and audit alike: the host objects the config names
   are opened once (bind sources, overlay directories, namespaces to join),
   the policy judges those objects, and create then acts on the very same
   fds (mount.c clones the bind trees from them, setns gets the namespace
   fds).  Nothing judged is looked up again. */
#ifndef CASCO_JUDGE_H
#define CASCO_JUDGE_H

#include <stdbool.h>

#include "casco/policy.h"
#include "hostobj.h"
#include "ns.h"

struct casco_error;

struct judge_input
{
  struct host_objects sources;  /* indexed like spec->mounts */
  struct ns_plan ns;            /* the namespace fds setns will get */
};

/* Open what s names on this host (relative bind sources from bundle_fd). */
int judge_open (const struct spec *s, int bundle_fd, struct judge_input *in, struct casco_error **err);
void judge_close (struct judge_input *in);
/* audit: the same, but a bind source or namespace path missing on this
   host is not an error: it is left unjudged and said in *notes. */
int judge_open_lenient (const struct spec *s, int bundle_fd, struct judge_input *in, char ***notes,
                        struct casco_error **err);

/* The policy's options for these objects (points into in). */
void judge_options (const struct judge_input *in, struct policy_options *o);

#endif

/* casco — OCI hooks.  Where each kind runs (runtime-spec "Lifecycle"):
     prestart, createRuntime   parent, runtime namespaces, after the mounts, before pivot_root
     createContainer           init, container namespaces, before pivot_root
     startContainer            init, container namespaces, after `start`, before exec
     poststart                 `start`, runtime namespaces, after the process started (failure warns)
     poststop                  `delete`, runtime namespaces, after it stopped (failure warns) */
#ifndef CASCO_HOOKS_H
#define CASCO_HOOKS_H

#include <stddef.h>
#include <sys/types.h>
#include "casco/spec.h"

struct casco_error;

/* The state object a hook reads on stdin. */
char *hooks_state_json (const struct spec *s, const char *id, const char *bundle, pid_t pid,
                        const char *status);
/* Run hooks in order; the first failure (exit != 0, signal, timeout)
   stops the list and is returned, naming the kind and index. */
int hooks_run (const struct spec_hook *hooks, size_t n, const char *kind, const char *state_json,
               struct casco_error **err);
/* Same, but failures only warn (poststart, poststop). */
void hooks_run_warn (const struct spec_hook *hooks, size_t n, const char *kind,
                     const char *state_json);

#endif

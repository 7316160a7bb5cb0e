/* casco — the lifecycle API the CLI (or an embedding engine) calls.
   Each function returns 0, or -1 with *err set; none prints or exits. */
#ifndef CASCO_CONTAINER_H
#define CASCO_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>

#include "casco/state.h"

struct casco_error;

struct casco_context
{
  const char *root;          /* state root, default /run/casco */
  bool systemd_cgroup;
};

struct create_options
{
  const char *bundle;        /* default: current directory */
  const char *console_socket;
  const char *pid_file;
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
};

int container_create (const struct casco_context *ctx, const char *id,
                      const struct create_options *opts, struct casco_error **err);
int container_start (const struct casco_context *ctx, const char *id, struct casco_error **err);
/* create + start; in the foreground forwards signals, waits, deletes, and
   sets *exit_code to the container's status (128+N when killed by N). */
int container_run (const struct casco_context *ctx, const char *id,
                   const struct create_options *opts, bool detach, int *exit_code,
                   struct casco_error **err);
int container_state (const struct casco_context *ctx, const char *id,
                     struct container_state *out, struct casco_error **err);
int container_list (const struct casco_context *ctx, struct container_state **out, size_t *n,
                    struct casco_error **err);
int container_kill (const struct casco_context *ctx, const char *id, int sig, bool all,
                    struct casco_error **err);
int container_delete (const struct casco_context *ctx, const char *id, bool force,
                      struct casco_error **err);

#endif

/* casco — the lifecycle API the CLI (or an embedding engine) calls.
   Each function returns 0, or -1 with *err set; none prints or exits. */
#ifndef CASCO_CONTAINER_H
#define CASCO_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

struct exec_options
{
  const char *process_file;  /* --process: a whole OCI process object */
  char **args;               /* the command, when no --process */
  bool tty;
  const char *console_socket;
  bool detach;
  const char *pid_file;
  const char *cwd;
  char **env;                /* KEY=VALUE entries added to the config's env */
  const char *user;          /* "user[:group]", names from the container's files */
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char **caps;               /* added to bounding, effective and permitted */
  bool no_new_privs;
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
/* Run another process in a running (or created) container, with its
   namespaces, capabilities, seccomp and user; exit status as for run. */
int container_exec (const struct casco_context *ctx, const char *id,
                    const struct exec_options *opts, int *exit_code, struct casco_error **err);
int container_state (const struct casco_context *ctx, const char *id,
                     struct container_state *out, struct casco_error **err);
int container_list (const struct casco_context *ctx, struct container_state **out, size_t *n,
                    struct casco_error **err);
int container_kill (const struct casco_context *ctx, const char *id, int sig, bool all,
                    struct casco_error **err);
int container_delete (const struct casco_context *ctx, const char *id, bool force,
                      struct casco_error **err);

#endif

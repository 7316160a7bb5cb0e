/* casco — the lifecycle API the CLI (or an embedding engine) calls.
   Each function returns 0, or -1 with *err set; none prints or exits. */
#ifndef CASCO_CONTAINER_H
#define CASCO_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sys/types.h>

#include "casco/policy.h"
#include "casco/spec.h"
#include "casco/state.h"

struct casco_error;

struct casco_context
{
  const char *root;          /* state root, default /run/casco */
  bool systemd_cgroup;
  bool cgroup_disabled;      /* --cgroup-manager disabled: run without a cgroup */
  enum policy_level policy;  /* the operator's; 0 (strict) when the caller says nothing */
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
/* Also finishes a start that casco_entry began before the C library
   started (libcontainer/early/lifecycle.c) and left for main(). */
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
/* Operations on a running container's cgroup (cgroup v2 only). */
int container_pause (const struct casco_context *ctx, const char *id, struct casco_error **err);
int container_resume (const struct casco_context *ctx, const char *id, struct casco_error **err);
/* The container's pids, as the host sees them; caller frees *pids. */
int container_pids (const struct casco_context *ctx, const char *id, pid_t **pids, size_t *n,
                    struct casco_error **err);
/* Apply new limits (`update`); r holds only what changes. */
int container_update (const struct casco_context *ctx, const char *id,
                      const struct spec_resources *r, struct casco_error **err);
/* One JSON object in runc's events shape: {"type":"stats","id":..,"data":{..}}. */
int container_stats_json (const struct casco_context *ctx, const char *id, char **json,
                          struct casco_error **err);
/* OOM kills so far (memory.events oom_kill), for `events` to report new ones. */
int container_oom_count (const struct casco_context *ctx, const char *id, uint64_t *count,
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

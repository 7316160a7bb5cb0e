/* What the container*.c files share (private to them): the launch a
   create leaves for start/run, the targets of a seccomp notify fd and of
   the init's pid, the terminal proxy, and the steps one file does for
   another. */
#ifndef CASCO_CONTAINER_INTERNAL_H
#define CASCO_CONTAINER_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>
#include <termios.h>

#include "casco/container.h"
#include "casco/spec.h"
#include "cgroup.h"
#include "judge.h"
#include "process.h"
#include "seccomp_filter.h"

struct casco_error;
struct policy_findings;

/* What a successful create leaves for start/run to use. */
struct launch
{
  int rootfd;
  int dirfd;          /* state dir, locked */
  pid_t init_pid;
  int console_peer;   /* run's end of its private console socket, or -1 */
  char *bundle;       /* absolute bundle path, for the late hooks */
  char *cgroup_path;  /* NULL when the container has no cgroup */
  char *config;       /* the config's text, as saved in the state */
  bool has_oom;       /* the cgroup's OOM record when the init was created: */
  struct cgroup_oom oom_before;   /* run says when the OOM killer ended it */
  unsigned config_uses;  /* STATE_USES_*: what run's start and end need of it */
};

/* Where a seccomp notify fd from the process goes, and what state it carries. */
struct notify_target
{
  const struct spec *spec;
  const char *id;
  const char *bundle;
  pid_t pid;
  const char *status;
};

/* What the parent does as soon as it knows the init's pid, while the init
   is still setting itself up (create saves the state then). */
struct on_init_pid
{
  int (*fn) (void *arg, struct casco_error **err);
  void *arg;
};

/* run and exec with a terminal: the caller's terminal, raw while the
   container has it, and the pty master its bytes go to. */
struct tty_proxy
{
  int master;
  bool stdin_open;
  bool raw;
  struct termios saved;
};

/* container.c */
const char *container_root (const struct casco_context *ctx);
void launch_close (struct launch *l);
int container_signal_start (int dirfd, const struct notify_target *t, bool *not_waiting, struct casco_error **err);
int container_saved_spec (int dirfd, const char *config, struct spec **out, struct casco_error **err);
struct spec *container_load_saved_spec (int dirfd, const char *id, const char *config);
void container_run_late_hooks (const struct spec *spec, const char *bundle, const char *id, pid_t pid, bool poststart);
int container_open_init_pidfd (const struct container_state *st);

/* container_create.c */
int container_seccomp_for (const struct spec *spec, struct seccomp_program *out, struct casco_error **err);
int container_enforce_policy (const struct casco_context *ctx, const struct spec *spec, const struct judge_input *in, bool exec, const struct policy_findings *judged, bool no_cgroup, struct casco_error **err);
int container_create_internal (const struct casco_context *ctx, const char *id, const struct create_options *opts, bool foreground, struct launch *l, struct casco_error **err);

/* container_launch.c */
int launch_exec_socket_listen (int dirfd, struct casco_error **err);
char **launch_process_env (const struct spec_process *p, int *extra_fds);
int launch_write_pid_file (const char *path, pid_t pid, struct casco_error **err);
int launch_await_report (int fd, const struct notify_target *t, struct casco_error **err);
char *launch_oom_reason (const struct spec *s, int cgroup_fd, const struct cgroup_oom *before);
bool launch_reap_dying (pid_t pid, int *status);
char *launch_death_text (int status, const struct spec *s, int cgroup_fd, const struct cgroup_oom *oom_before);
void launch_kill_and_reap (pid_t pid);
int launch_spawn (struct init_config *c, pid_t *init_pid, const struct on_init_pid *on_pid, struct casco_error **err);
int launch_commit (int sync_fd, struct casco_error **err);
int launch_open_console (const struct spec_process *p, const char *console_socket, bool foreground, int *console_fd, int *peer, struct casco_error **err);

/* container_run.c */
int run_exit_code_of (int status);
void tty_proxy_begin (struct tty_proxy *t, int master);
void tty_proxy_end (struct tty_proxy *t);
int run_wait_foreground (pid_t init_pid, int sigfd, struct tty_proxy *tty, int *wstatus, struct casco_error **err);
void run_block_forwarded_signals (sigset_t *old);

#endif

/* exec: a new process in a running container, joining the init's
   namespaces and cgroup, judged on what it adds to the container's config. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#include "casco/container.h"
#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "signals.h"
#include "casco/spec.h"
#include "syscalls.h"
#include "util.h"
#include "weaken.h"
#include "console.h"
#include "cgroup.h"
#include "early/early.h"
#include "hooks.h"
#include "judge.h"
#include "mount.h"
#include "lifecycle.h"
#include "policy_defaults.h"
#include "process.h"
#include "user.h"
#include "container_internal.h"

/* ---- exec ------------------------------------------------------------------ */

/* Join every namespace of the init that differs from ours, opened while a
   pidfd pins the init so the pid cannot be recycled under us. */
static int
ns_plan_for_exec (pid_t pid, int pidfd, struct ns_plan *plan, struct casco_error **err)
{
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    {
      char theirs[64], ours[64];
      snprintf (theirs, sizeof theirs, "/proc/%d/ns/%s", (int) pid, spec_ns_proc_name (t));
      snprintf (ours, sizeof ours, "/proc/self/ns/%s", spec_ns_proc_name (t));
      struct stat a, b;
      if (stat (theirs, &a) < 0)
        {
          if (errno == ENOENT)
            continue;   /* a namespace type this kernel lacks */
          return casco_error_set (err, errno, "stat %s", theirs);
        }
      if (stat (ours, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev)
        continue;
      plan->join_fd[t] = open (theirs, O_RDONLY | O_CLOEXEC);
      if (plan->join_fd[t] < 0)
        return casco_error_set (err, errno, "open %s", theirs);
    }
  if (sys_pidfd_send_signal (pidfd, 0, NULL, 0) < 0)
    return casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "container not running");
  return 0;
}

static char **
strv_concat (char **a, char *const *b)
{
  size_t na = strv_len (a), nb = strv_len (b);
  a = xrealloc (a, (na + nb + 1) * sizeof *a);
  for (size_t i = 0; i < nb; i++)
    a[na + i] = xstrdup (b[i]);
  a[na + nb] = NULL;
  return a;
}

/* The process exec runs: the --process file as is, or the container's own
   process with the command-line overrides, as runc builds it. */
static int
exec_process_build (const struct exec_options *o, struct spec *spec, int root_fd,
                    struct spec_process **out, struct casco_error **err)
{
  if (o->process_file)
    {
      _cleanup_free_ char *text = NULL;
      size_t len;
      if (read_file_at (AT_FDCWD, o->process_file, &text, &len, err) < 0)
        return casco_error_wrap (err, "--process");
      if (spec_parse_process (text, len, out, err) < 0)
        return casco_error_wrap (err, "--process %s", o->process_file);
      return 0;
    }
  struct spec_process *p = spec->process;
  spec->process = NULL;   /* ours now */
  if (strv_len (o->args) == 0)
    {
      spec_process_free (p);
      return casco_error_set (err, 0, "exec: a command is required (or --process FILE)");
    }
  strv_free (p->args);
  p->args = strv_dup (o->args);
  p->env = strv_concat (p->env, o->env);
  p->terminal = o->tty;
  if (o->cwd)
    {
      free (p->cwd);
      p->cwd = xstrdup (o->cwd);
    }
  if (o->user && user_resolve_in_root (root_fd, o->user, &p->user.uid, &p->user.gid, err) < 0)
    {
      spec_process_free (p);
      return -1;
    }
  if (o->n_additional_gids)
    {
      free (p->user.additional_gids);
      p->user.additional_gids = xmalloc0 (o->n_additional_gids * sizeof (uint32_t));
      memcpy (p->user.additional_gids, o->additional_gids, o->n_additional_gids * sizeof (uint32_t));
      p->user.n_additional_gids = o->n_additional_gids;
    }
  if (strv_len (o->caps))
    {
      /* Never inheritable or ambient from the command line (CVE-2022-29162). */
      if (p->capabilities == NULL)
        p->capabilities = xmalloc0 (sizeof *p->capabilities);
      p->capabilities->bounding = strv_concat (p->capabilities->bounding, o->caps);
      p->capabilities->effective = strv_concat (p->capabilities->effective, o->caps);
      p->capabilities->permitted = strv_concat (p->capabilities->permitted, o->caps);
    }
  if (o->no_new_privs)
    p->no_new_privileges = true;
  *out = p;
  return 0;
}

static int
exec_in (const struct casco_context *ctx, int dirfd, const struct container_state *st, int pidfd,
         const struct exec_options *o, pid_t *pid, int *console_peer, struct casco_error **err)
{
  /* the config saved at create: editing the bundle since changes nothing */
  struct spec *s = NULL;
  if (container_saved_spec (dirfd, st->config, &s, err) < 0)
    return casco_error_wrap (err, "container %s: saved config", st->id);
  _cleanup_spec_ struct spec *spec = s;
  explain (D00, "exec: a new process in container %s (init pid %d), with the container's namespaces, "
                "cgroup and restrictions; [Dnn] is the OWASP Docker Top 10 item the step defends against",
           st->id, (int) st->pid);
  /* the container's process got these defaults at create: so does exec */
  unsigned defaults_off;
  if (policy_conf_defaults_off (&defaults_off, err) < 0)
    return -1;
  policy_apply_defaults (spec, ctx->policy, defaults_off);
  char root_path[64];
  snprintf (root_path, sizeof root_path, "/proc/%d/root", (int) st->pid);
  _cleanup_close_ int root_fd = open (root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return casco_error_set (err, errno, "open the container's root");
  /* what create judged in the container's own process: not repeated for
     each exec (an engine's exec asks for that same process every time) */
  _cleanup_policy_findings_ struct policy_findings judged = { 0 };
  policy_check (spec, ctx->policy, &(struct policy_options){ .exec = true }, &judged);
  struct spec_process *proc = NULL;
  if (exec_process_build (o, spec, root_fd, &proc, err) < 0)
    return -1;
  /* hand the process to the spec so spec_free releases it on every path */
  spec_process_free (spec->process);
  spec->process = proc;
  /* A --process file silent on no_new_privs gets it where create's process
     does (its absent capabilities stay none: tighter than the default set).
     Then the operator's policy judges the process exec will really start. */
  if (!proc->has_no_new_privileges
      && (policy_defaults_in_force (ctx->policy, defaults_off) & POLICY_DEFAULT_BIT (POLICY_DEFAULT_NNP)))
    {
      proc->has_no_new_privileges = proc->no_new_privileges = true;
      casco_debug ("exec: process.noNewPrivileges absent: defaulting to true");
    }
  if (container_enforce_policy (ctx, spec, NULL, true, &judged, false, err) < 0)
    return -1;

  int extra_fds = 0;
  _cleanup_init_config_ struct init_config c = {
    .spec = spec,
    .process = proc,
    .is_exec = true,
    .id = st->id,
    .exec_listen_fd = -1,
    .console_fd = -1,
    .ns = NS_PLAN_EMPTY,
    .lsm = LSM_PLAN_EMPTY,
    .cgroup_fd = -1,
  };
  _cleanup_close_ int console_fd = -1;
  _cleanup_close_ int cgroup_fd = -1;
  /* the exec'd process counts against the container's limits */
  if (st->cgroup_path[0] && cgroup_open (st->cgroup_path, &cgroup_fd, err) < 0)
    return -1;
  c.cgroup_fd = cgroup_fd;
  if (launch_open_console (proc, o->console_socket, !o->detach, &console_fd, console_peer, err) < 0
      || caps_resolve (proc->capabilities, &c.caps, err) < 0
      || lsm_check (spec, proc, err) < 0
      || container_seccomp_for (spec, &c.seccomp, err) < 0
      || ns_plan_for_exec (st->pid, pidfd, &c.ns, err) < 0)
    return -1;
  c.console_fd = console_fd;
  c.env = launch_process_env (proc, &extra_fds);
  c.preserve_fds = o->preserve_fds + extra_fds;

  _cleanup_close_ int sync_fd = launch_spawn (&c, pid, NULL, err);
  if (sync_fd < 0)
    return -1;
  if ((o->pid_file && launch_write_pid_file (o->pid_file, *pid, err) < 0)
      || launch_commit (sync_fd, err) < 0
      || launch_await_report (sync_fd, &(struct notify_target){ spec, st->id, st->bundle, *pid, "running" }, err) < 0)
    {
      launch_kill_and_reap (*pid);
      return -1;
    }
  return 0;
}

int
container_exec (const struct casco_context *ctx, const char *id, const struct exec_options *o,
                int *exit_code, struct casco_error **err)
{
  /* Not dumpable from the start: every child (the helper that joins the
     container) inherits it at birth, with no window before it sets it. */
#ifndef CASCO_WEAKEN_DUMPABLE   /* prove-red: stay dumpable (CVE-2016-9962) */
  prctl (PR_SET_DUMPABLE, 0);
#endif
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  struct container_state st = { 0 };
  if (container_open (ctx, id, &rootfd, &dirfd, &st, err) < 0)
    {
      container_state_clear (&st);
      return -1;
    }
  _cleanup_close_ int pidfd = st.status == CONTAINER_STOPPED || st.status == CONTAINER_CREATING
                                  ? -1 : container_open_init_pidfd (&st);
  if (pidfd < 0)
    {
      container_state_clear (&st);
      return casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "cannot exec in a stopped container");
    }
  if (st.status == CONTAINER_PAUSED)
    {
      container_state_clear (&st);
      return casco_error_set_kind (err, CASCO_ERR_WRONG_STATE, 0, "cannot exec in a paused container (resume it first)");
    }
  sigset_t old_mask;
  if (!o->detach)
    run_block_forwarded_signals (&old_mask);
  pid_t pid = 0;
  int console_peer = -1;
  int rc = exec_in (ctx, dirfd, &st, pidfd, o, &pid, &console_peer, err);
  container_state_clear (&st);
  if (rc == 0 && !o->detach)
    {
      struct tty_proxy tty = { .master = -1 };
      bool have_tty = false;
      if (console_peer >= 0)
        {
          int master;
          if (console_recv_fd (console_peer, &master, err) < 0)
            rc = -1;
          else
            {
              tty_proxy_begin (&tty, master);
              have_tty = true;
            }
        }
      sigset_t all;
      sigfillset (&all);
      _cleanup_close_ int sigfd = signalfd (-1, &all, SFD_CLOEXEC);
      int status = 0;
      if (rc == 0)
        {
          rc = run_wait_foreground (pid, sigfd, have_tty ? &tty : NULL, &status, err);
          *exit_code = run_exit_code_of (status);
        }
      else
        launch_kill_and_reap (pid);
      if (have_tty)
        tty_proxy_end (&tty);
    }
  closep (&console_peer);
  if (!o->detach)
    sigprocmask (SIG_SETMASK, &old_mask, NULL);
  return rc;
}

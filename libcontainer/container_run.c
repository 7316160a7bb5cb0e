/* run in the foreground: create, start, then forward signals and shuttle
   terminal bytes until the init exits, and return its exit status. */
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

/* ---- run ------------------------------------------------------------------- */

int
run_exit_code_of (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 255;
}

/* Copy one chunk from -> to; false at EOF or error. */
static bool
pump (int from, int to)
{
  char buf[8192];
  ssize_t n = read (from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  return write_all (to, buf, (size_t) n) == 0;
}

void
tty_proxy_begin (struct tty_proxy *t, int master)
{
  t->master = master;
  t->stdin_open = true;
  t->raw = false;
  if (isatty (STDIN_FILENO) && tcgetattr (STDIN_FILENO, &t->saved) == 0)
    {
      /* Forward what the terminal already holds while it is still canonical:
         an EOF queued now (script(1) sends one when its stdin ends) is kept
         by the line discipline as a NUL byte, which raw mode would hand to
         the container as a real ^@. */
      while (t->stdin_open && poll (&(struct pollfd){ .fd = STDIN_FILENO, .events = POLLIN }, 1, 0) > 0)
        t->stdin_open = pump (STDIN_FILENO, master);
      /* Keys go to the container's terminal untouched (^C included). */
      struct termios raw = t->saved;
      cfmakeraw (&raw);
      t->raw = tcsetattr (STDIN_FILENO, TCSANOW, &raw) == 0;
      struct winsize ws;
      if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
        ioctl (master, TIOCSWINSZ, &ws);
    }
}

void
tty_proxy_end (struct tty_proxy *t)
{
  if (t->raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &t->saved);
  closep (&t->master);
}

/* Forward signals to the init, shuttle terminal bytes, until it exits. */
int
run_wait_foreground (pid_t init_pid, int sigfd, struct tty_proxy *tty, int *wstatus,
                 struct casco_error **err)
{
  _cleanup_close_ int pidfd = sys_pidfd_open (init_pid, 0);
  if (pidfd < 0)
    return casco_error_set (err, errno, "pidfd_open %d", (int) init_pid);
  for (;;)
    {
      struct pollfd fds[4] = {
        { .fd = pidfd, .events = POLLIN },
        { .fd = sigfd, .events = POLLIN },
        { .fd = tty && tty->stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
        { .fd = tty ? tty->master : -1, .events = POLLIN },
      };
      if (poll (fds, 4, -1) < 0)
        {
          if (errno == EINTR)
            continue;
          return casco_error_set (err, errno, "poll");
        }
      if (fds[3].revents & POLLIN)
        pump (tty->master, STDOUT_FILENO);
      if (fds[2].revents & (POLLIN | POLLHUP))
        tty->stdin_open = pump (STDIN_FILENO, tty->master);
      if (fds[1].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sigfd, &si, sizeof si) == sizeof si)
            {
              if ((int) si.ssi_signo == SIGWINCH && tty)
                {
                  struct winsize ws;
                  if (ioctl (STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
                    ioctl (tty->master, TIOCSWINSZ, &ws);
                }
              else if ((int) si.ssi_signo != SIGCHLD)
                sys_pidfd_send_signal (pidfd, (int) si.ssi_signo, NULL, 0);
            }
        }
      if (fds[0].revents & POLLIN)
        {
          /* Drain what the container printed last before reporting. */
          while (tty && poll (&(struct pollfd){ .fd = tty->master, .events = POLLIN }, 1, 0) > 0
                 && pump (tty->master, STDOUT_FILENO))
            ;
          while (waitpid (init_pid, wstatus, 0) < 0)
            if (errno != EINTR)
              return casco_error_set (err, errno, "wait for container init");
          return 0;
        }
    }
}

/* After a foreground run: the OOM killer's part in the end, if it had one
   (an engine would report OOMKilled; a user at a terminal sees only 137). */
static void
warn_oom_kill (const struct launch *l, const char *id, bool init_killed)
{
  _cleanup_close_ int fd = -1;
  struct casco_error *ignored = NULL;
  if (l->cgroup_path == NULL || cgroup_open (l->cgroup_path, &fd, &ignored) < 0)
    {
      casco_error_free (ignored);
      return;
    }
  _cleanup_spec_ struct spec *spec = container_load_saved_spec (l->dirfd, id, l->config);
  _cleanup_free_ char *why = launch_oom_reason (spec, fd, &l->oom_before);
  if (why && init_killed)
    casco_warn ("container init was %s", why);
  else if (why)
    casco_warn ("a process of the container was %s", why);
}

/* run's init was ready but is not waiting for start: if it died (our
   child, so its wait status is ours to read), say of what instead.  True
   when it was reaped. */
static bool
died_before_start (const struct launch *l, const char *id, const struct spec *s, struct casco_error **err)
{
  int status;
  if (!launch_reap_dying (l->init_pid, &status))
    return false;
  /* (run loads the saved config only when it has a use for it) */
  _cleanup_spec_ struct spec *loaded = s ? NULL : container_load_saved_spec (l->dirfd, id, l->config);
  _cleanup_close_ int fd = -1;
  struct casco_error *ignored = NULL;
  if (l->cgroup_path && cgroup_open (l->cgroup_path, &fd, &ignored) < 0)
    casco_error_free (ignored);
  _cleanup_free_ char *how = launch_death_text (status, s ? s : loaded, fd, l->has_oom ? &l->oom_before : NULL);
  casco_error_free (*err);
  *err = NULL;
  casco_error_set (err, 0, "container init %s while it waited for start", how);
  return true;
}

void
run_block_forwarded_signals (sigset_t *old)
{
  sigset_t all;
  sigfillset (&all);
  sigprocmask (SIG_BLOCK, &all, old);
}

int
container_run (const struct casco_context *ctx, const char *id, const struct create_options *opts,
               bool detach, int *exit_code, struct casco_error **err)
{
  sigset_t old_mask;
  /* Block before create so no signal meant for the container is lost
     between fork and the forwarding loop; the init unblocks its own. */
  if (!detach)
    run_block_forwarded_signals (&old_mask);
  struct launch l;
  int rc = container_create_internal (ctx, id, opts, !detach, &l, err);
  if (rc == 0)
    {
      struct tty_proxy tty = { .master = -1 };
      bool have_tty = false;
      if (l.console_peer >= 0)
        {
          int master;
          if (console_recv_fd (l.console_peer, &master, err) < 0)
            rc = -1;
          else
            {
              tty_proxy_begin (&tty, master);
              have_tty = true;
            }
        }
      _cleanup_spec_ struct spec *spec
          = rc == 0 && l.config_uses ? container_load_saved_spec (l.dirfd, id, l.config) : NULL;
      struct notify_target t = { spec, id, l.bundle, l.init_pid, "creating" };
      bool not_waiting = false, reaped = false;
      if (rc == 0 && (rc = container_signal_start (l.dirfd, &t, &not_waiting, err)) == 0)
        container_run_late_hooks (spec, l.bundle, id, l.init_pid, true);
      else if (not_waiting)
        reaped = died_before_start (&l, id, spec, err);
      if (rc == 0 && !detach)
        {
          sigset_t all;
          sigfillset (&all);
          _cleanup_close_ int sigfd = signalfd (-1, &all, SFD_CLOEXEC);
          int status = 0;
          rc = run_wait_foreground (l.init_pid, sigfd, have_tty ? &tty : NULL, &status, err);
          *exit_code = run_exit_code_of (status);
          if (rc == 0 && l.has_oom)
            warn_oom_kill (&l, id, WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
        }
      if (have_tty)
        tty_proxy_end (&tty);
      if (rc < 0 || !detach)
        {
          /* run owns the container in the foreground: it goes when its init goes. */
          if (rc < 0 && !reaped)
            {
              kill (l.init_pid, SIGKILL);
              waitpid (l.init_pid, NULL, 0);
            }
          struct casco_error *ignored = NULL;
          if (l.cgroup_path)
            cgroup_destroy (l.cgroup_path, &ignored);
          casco_error_free (ignored);
          ignored = NULL;
          container_run_late_hooks (spec, l.bundle, id, 0, false);
          state_dir_remove (l.rootfd, id, &ignored);
          casco_error_free (ignored);
        }
      launch_close (&l);
    }
  if (!detach)
    sigprocmask (SIG_SETMASK, &old_mask, NULL);
  return rc;
}

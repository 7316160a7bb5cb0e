/* The parent's half of launching a process into a container, shared by
   create and exec: the console and pid file, forking stage 1 or cloning
   the init directly, serving the sync protocol (id maps, hooks, READY,
   errors, a seccomp notify fd) and saying why a child died early. */
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

/* exec.sock: the init blocks in accept() on it until `start`.  Bound via
   /proc/self/fd so long --root paths do not hit the 108-byte sun_path limit. */
int
launch_exec_socket_listen (int dirfd, struct casco_error **err)
{
  /* SEQPACKET: start and the init exchange framed sync messages */
  _cleanup_close_ int fd = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return casco_error_set (err, errno, "create exec socket");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dirfd, EXEC_SOCK_CREATING_NAME);
  if (bind (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return casco_error_set (err, errno, "bind exec socket");
  fchmodat (dirfd, EXEC_SOCK_CREATING_NAME, 0600, 0);
  if (listen (fd, 1) < 0)
    return casco_error_set (err, errno, "listen on exec socket");
  return steal_fd (&fd);
}

static int
unix_connect (const char *path, int dirfd, int type, struct casco_error **err)
{
  _cleanup_close_ int fd = socket (AF_UNIX, type | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return casco_error_set (err, errno, "socket");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  if (dirfd >= 0)
    snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", dirfd, path);
  else if (strlen (path) >= sizeof addr.sun_path)
    return casco_error_set (err, ENAMETOOLONG, "connect to `%s`", path);
  else
    snprintf (addr.sun_path, sizeof addr.sun_path, "%s", path);
  if (connect (fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    return casco_error_set (err, errno, "connect to `%s`", path);
  return steal_fd (&fd);
}

/* LISTEN_FDS from systemd socket activation pass through, as runc does:
   the fds follow stdio and the process sees LISTEN_PID=1. */
char **
launch_process_env (const struct spec_process *p, int *extra_fds)
{
  char **env = strv_dup (p->env);
  if (env == NULL)
    env = xmalloc0 (sizeof *env);
  const char *listen = getenv ("LISTEN_FDS");
  const char *listen_pid = getenv ("LISTEN_PID");
  long n, for_pid;
  *extra_fds = 0;
  /* The fds are ours only when systemd addressed them to this process. */
  if (listen && parse_long (listen, &n) == 0 && n > 0 && n < 1024
      && listen_pid && parse_long (listen_pid, &for_pid) == 0 && for_pid == getpid ())
    {
      size_t len = strv_len (env);
      env = xrealloc (env, (len + 3) * sizeof *env);
      env[len] = xasprintf ("LISTEN_FDS=%ld", n);
      env[len + 1] = xstrdup ("LISTEN_PID=1");
      env[len + 2] = NULL;
      *extra_fds = (int) n;
    }
  return env;
}

int
launch_write_pid_file (const char *path, pid_t pid, struct casco_error **err)
{
  _cleanup_free_ char *copy = xstrdup (path);
  _cleanup_free_ char *copy2 = xstrdup (path);
  const char *dir = dirname (copy);
  const char *base = basename (copy2);
  _cleanup_close_ int dfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return casco_error_set (err, errno, "--pid-file `%s`", path);
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%d", (int) pid);
  return write_file_atomic_at (dfd, base, buf, (size_t) n, 0644, err);
}

static int
forward_notify_fd (const struct notify_target *t, int fd, struct casco_error **err)
{
  _cleanup_close_ int owned = fd;
  const struct spec_seccomp *sc = t->spec && t->spec->linux_ ? t->spec->linux_->seccomp : NULL;
  if (sc == NULL || sc->listener_path == NULL)
    return casco_error_set (err, 0, "got a seccomp notify fd but the config has no listenerPath");
  _cleanup_free_ char *state = hooks_state_json (t->spec, t->id, t->bundle, t->pid, t->status);
  return seccomp_send_listener (sc, owned, t->pid, state, err);
}

/* After the process was told to go (start, exec): EOF means it exec'd
   (the socket is close-on-exec), SYNC_ERROR says why not, and a seccomp
   notify fd on the way is forwarded to the listener. */
int
launch_await_report (int fd, const struct notify_target *t, struct casco_error **err)
{
  for (;;)
    {
      struct sync_received r;
      if (sync_recv_fd (fd, &r, err) < 0)
        return -1;
      switch (r.m.type)
        {
        case 0:
          return 0;
        case SYNC_SECCOMP_FD:
          if (forward_notify_fd (t, r.fd, err) < 0)
            return -1;
          break;
        case SYNC_ERROR:
          casco_error_set (err, 0, "%s", r.m.text);
          (*err)->errno_ = r.m.errno_;
          (*err)->kind = casco_error_kind_from_int (r.m.value);
          return -1;
        default:
          if (r.fd >= 0)
            close (r.fd);
          return casco_error_set (err, 0, "container process: unexpected message %d", r.m.type);
        }
    }
}

static int
run_runtime_hooks (const struct init_config *c, pid_t init_pid, struct casco_error **err)
{
  const struct spec_hooks *h = &c->spec->hooks;
  _cleanup_free_ char *state = hooks_state_json (c->spec, c->id, c->rootfs.bundle_path, init_pid,
                                                 "creating");
  /* prestart is deprecated but still first, as the spec orders them */
  if (hooks_run (h->prestart, h->n_prestart, "prestart", state, err) < 0
      || hooks_run (h->create_runtime, h->n_create_runtime, "createRuntime", state, err) < 0)
    return -1;
  return 0;
}

/* What the OOM killer's record says of a process killed by SIGKILL since
   `before` was read: NULL when it killed no one in the cgroup. */
char *
launch_oom_reason (const struct spec *s, int cgroup_fd, const struct cgroup_oom *before)
{
  if (before == NULL)
    return NULL;
  struct cgroup_oom now;
  if (cgroup_oom_read (cgroup_fd, &now) < 0 || now.oom_kill <= before->oom_kill)
    return NULL;
  uint64_t kills = now.oom_kill - before->oom_kill;
  /* "oom" counts only where a limit was met: ours, or one below it */
  if (now.oom == before->oom)
    return xasprintf ("killed by the OOM killer (memory.events: oom_kill +%" PRIu64 ") while the container's "
                      "own limit was not met: a parent cgroup or the host ran out of memory", kills);
  const struct spec_resources *r = s && s->linux_ ? &s->linux_->resources : NULL;
  int64_t limit = r && r->has_memory && r->memory.has_limit ? r->memory.limit : 0;
  int64_t during_setup = cgroup_memory_max_during_setup (r, sysconf (_SC_PAGESIZE));
  if (limit > 0 && (now.max == (uint64_t) limit || (during_setup > 0 && now.max == (uint64_t) during_setup)))
    return xasprintf ("killed by the OOM killer (memory.events: oom_kill +%" PRIu64 "): "
                      "linux.resources.memory.limit %" PRId64 " bytes is too small for it; raise it", kills, limit);
  /* someone (a hook, `update`) changed the limit: say the one that held */
  return xasprintf ("killed by the OOM killer (memory.events: oom_kill +%" PRIu64 "): its cgroup's memory.max, "
                    "%" PRIu64 " bytes, is too small for it", kills, now.max);
}

/* The sync socket's EOF says the child's last holder is gone, but the
   kernel closes a dying process's files before the process can be reaped:
   wait for that, briefly.  False if it still runs (the caller kills it). */
bool
launch_reap_dying (pid_t pid, int *status)
{
  for (int i = 0; i < 2000; i++)
    {
      pid_t r = waitpid (pid, status, WNOHANG);
      if (r == pid)
        return true;
      if (r < 0 && errno != EINTR)
        return false;
      usleep (500);
    }
  return false;
}

/* How a reaped child ended: "exited with status N", "was killed by signal
   SIGX", or what the cgroup's OOM record says of a SIGKILL. */
char *
launch_death_text (int status, const struct spec *s, int cgroup_fd, const struct cgroup_oom *oom_before)
{
  if (WIFEXITED (status))
    return xasprintf ("exited with status %d", WEXITSTATUS (status));
  int sig = WTERMSIG (status);
  char *oom = sig == SIGKILL ? launch_oom_reason (s, cgroup_fd, oom_before) : NULL;
  if (oom)
    {
      char *text = xasprintf ("was %s", oom);
      free (oom);
      return text;
    }
  const char *name = signal_name (sig);
  return name ? xasprintf ("was killed by signal %s", name) : xasprintf ("was killed by signal %d", sig);
}

/* EOF before READY, with no error sent: the child died.  Reap it and say
   of what, from its wait status and the cgroup's OOM record. */
static int
died_before_ready (const struct init_config *c, pid_t *c1, pid_t *init_pid, const struct cgroup_oom *oom_before,
                   struct casco_error **err)
{
  pid_t *who = *init_pid > 0 ? init_pid : c1;
  const char *what = who == c1 ? "container setup process" : c->is_exec ? "exec process" : "container init";
  int status;
  if (*who <= 0 || !launch_reap_dying (*who, &status))
    return casco_error_set (err, 0, "%s exited before it was ready", what);
  *who = 0;
  _cleanup_free_ char *how = launch_death_text (status, c->spec, c->cgroup_fd, oom_before);
  /* without no_new_privs the filter goes in before the setup ends */
  bool early_filter = c->seccomp.insns && !(c->process && c->process->no_new_privileges);
  bool sigsys = WIFSIGNALED (status) && WTERMSIG (status) == SIGSYS;
  return casco_error_set (err, 0, "%s %s before it was ready%s", what, how,
                          WIFEXITED (status) ? ", without reporting an error"
                          : sigsys && early_filter
                              ? ": linux.seccomp kills a syscall it makes while setting up (without "
                                "noNewPrivileges the filter is loaded before that ends); allow that syscall, or "
                                "set process.noNewPrivileges to true"
                              : "");
}

/* Parent half of the sync protocol: serve map requests, learn the init's
   pid, wait for READY.  Any child error arrives as SYNC_ERROR.  *c1 is
   zeroed once stage 1 is reaped. */
static int
drive_init (int sync_fd, pid_t *c1, const struct init_config *c, pid_t *init_pid,
            const struct on_init_pid *on_pid, const struct cgroup_oom *oom_before, struct casco_error **err)
{
  const struct spec *s = c->spec;
  bool pid_reported = on_pid == NULL;
  /* The init's SYNC_HOOKS may overtake stage 1's SYNC_INIT_PID: hooks
     need the pid, so they wait until both have arrived. */
  bool hooks_pending = false;
  /* Likewise READY may overtake it: done only when both have arrived. */
  bool ready = false;
  _cleanup_close_ int notify_fd = -1;
  for (;;)
    {
      /* A direct init's pid is known before the first message: this runs
         while the init works, not after it. */
      if (!pid_reported && *init_pid > 0)
        {
          if (on_pid->fn (on_pid->arg, err) < 0)
            return -1;
          pid_reported = true;
        }
      if (hooks_pending && *init_pid > 0)
        {
          if (run_runtime_hooks (c, *init_pid, err) < 0)
            return -1;
          sync_send (sync_fd, SYNC_HOOKS_DONE, *init_pid, 0, NULL);
          hooks_pending = false;
        }
      if (notify_fd >= 0 && *init_pid > 0)
        {
          struct notify_target t = { c->spec, c->id, c->rootfs.bundle_path, *init_pid,
                                     c->is_exec ? "running" : "creating" };
          if (forward_notify_fd (&t, steal_fd (&notify_fd), err) < 0)
            return -1;
        }
      if (ready && *init_pid > 0 && pid_reported && !hooks_pending && notify_fd < 0)
        return 0;
      struct sync_received r;
      if (sync_recv_fd (sync_fd, &r, err) < 0)
        return -1;
      struct sync_msg m = r.m;
      if (m.type == 0)
        return died_before_ready (c, c1, init_pid, oom_before, err);
      if (m.type == SYNC_SECCOMP_FD)
        {
          notify_fd = r.fd;
          continue;
        }
      if (r.fd >= 0)
        close (r.fd);
      switch (m.type)
        {
        case SYNC_MAP_REQUEST:
          /* from stage 1, or from a direct init (then there is no stage 1) */
          if (ns_write_id_maps (*c1 > 0 ? *c1 : *init_pid, s, err) < 0)
            return -1;
          sync_send (sync_fd, SYNC_MAP_DONE, 0, 0, NULL);
          break;
        case SYNC_INIT_PID:
          *init_pid = m.value;
          /* stage 1 exits right after sending this */
          waitpid (*c1, NULL, 0);
          *c1 = 0;
          break;
        case SYNC_HOOKS:
          hooks_pending = true;
          break;
        case SYNC_READY:
          ready = true;
          break;
        case SYNC_ERROR:
          casco_error_set (err, 0, "%s", m.text);
          (*err)->errno_ = m.errno_;
          (*err)->kind = casco_error_kind_from_int (m.value);
          return -1;
        default:
          return casco_error_set (err, 0, "container init: unexpected message %d", m.type);
        }
    }
}

void
launch_kill_and_reap (pid_t pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

/* Fork stage 1 with c and serve it until the process is READY.  Returns
   the parent's end of the sync socket (for COMMIT), or -1 with nothing
   left running. */
int
launch_spawn (struct init_config *c, pid_t *init_pid, const struct on_init_pid *on_pid,
       struct casco_error **err)
{
  int sync[2];
  *init_pid = 0;
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) < 0)
    return casco_error_set (err, errno, "socketpair");
  _cleanup_close_ int parent_end = sync[0];
  _cleanup_close_ int child_end = sync[1];
  c->sync_fd = child_end;
  c->ignored_signals = signals_ignored ();
  /* the cgroup's OOM kills so far: one more by the time the child died
     before READY is why it died */
  struct cgroup_oom oom_before;
  bool have_oom = cgroup_oom_read (c->cgroup_fd, &oom_before) == 0;
  pid_t c1;
  if (!c->is_exec && ns_plan_direct (&c->ns))
    {
      /* The common case: one process, the init, born in its namespaces and
         its cgroup.  No stage 1 to fork and reap, and a pids.max of 1 is
         enough for the container. */
      pid_t pid = sys_clone_into (ns_plan_clone_flags (&c->ns), c->cgroup_fd);
      if (pid == 0)
        {
          close (parent_end);
          init_direct (c);
        }
      if (pid < 0)
        return casco_error_set (err, errno, "clone container init");
      *init_pid = pid;
      c1 = 0;
    }
  else
    {
      /* Born inside the cgroup: no window in which it runs unlimited, and it
         is there before it unshares its cgroup namespace (whose root this
         becomes). */
      c1 = sys_fork_into_cgroup (c->cgroup_fd);
      if (c1 == 0)
        {
          close (parent_end);
          init_stage1 (c);
        }
      if (c1 < 0)
        return casco_error_set (err, errno, "fork");
    }
  /* Only the children hold the other end now: EOF means they died. */
  closep (&child_end);
  if (drive_init (parent_end, &c1, c, init_pid, on_pid, have_oom ? &oom_before : NULL, err) < 0)
    {
      launch_kill_and_reap (c1);
      launch_kill_and_reap (*init_pid);
      *init_pid = 0;
      return -1;
    }
  return steal_fd (&parent_end);
}

/* Let the process outlive us.  No answer to wait for: it dropped its
   parent-death signal before READY and watches this socket instead, and
   the message is queued before our end can close. */
int
launch_commit (int sync_fd, struct casco_error **err)
{
  if (sync_send (sync_fd, SYNC_COMMIT, 0, 0, NULL) < 0)
    return casco_error_set (err, errno, "commit container init");
  return 0;
}

/* The terminal end the process gets: a connection to --console-socket, or,
   when casco itself is in the foreground, one end of a private pair whose
   other end (*peer) receives the pty master. */
int
launch_open_console (const struct spec_process *p, const char *console_socket, bool foreground,
              int *console_fd, int *peer, struct casco_error **err)
{
  *console_fd = *peer = -1;
  if (!p->terminal)
    {
      if (console_socket)
        return casco_error_config (err, "process.terminal",
                                   "cannot use console socket if casco will not detach or allocate "
                                   "tty: set process.terminal to true or drop --console-socket");
      return 0;
    }
  if (console_socket)
    {
      *console_fd = unix_connect (console_socket, -1, SOCK_STREAM, err);
      return *console_fd < 0 ? casco_error_wrap (err, "--console-socket") : 0;
    }
  if (!foreground)
    return casco_error_config (err, "process.terminal",
                               "cannot allocate tty if casco will detach without setting console "
                               "socket: pass --console-socket or set process.terminal to false");
  int pair[2];
  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
    return casco_error_set (err, errno, "socketpair");
  *console_fd = pair[0];
  *peer = pair[1];
  return 0;
}

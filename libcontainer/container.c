/* Lifecycle orchestration, the parent side: create, start, run, state,
   list, kill, delete.  The child side lives in process.c. */
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
#include "casco/signals.h"
#include "casco/spec.h"
#include "casco/syscalls.h"
#include "casco/util.h"
#include "casco/weaken.h"
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

static const char *
root_of (const struct casco_context *ctx)
{
  return ctx->root ? ctx->root : CASCO_DEFAULT_ROOT;
}

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

static void
launch_close (struct launch *l)
{
  closep (&l->rootfd);
  closep (&l->dirfd);
  closep (&l->console_peer);
  free (l->bundle);
  l->bundle = NULL;
  free (l->cgroup_path);
  l->cgroup_path = NULL;
  free (l->config);
  l->config = NULL;
}

/* ---- create ---------------------------------------------------------------- */

static int
resolve_bundle (const char *bundle, char **abs, int *fd, struct casco_error **err)
{
  const char *b = bundle ? bundle : ".";
  char *real = realpath (b, NULL);
  if (real == NULL && errno == ENOENT)
    return casco_error_set (err, 0, "bundle \"%s\" does not exist", b);
  if (real == NULL)
    return casco_error_set (err, errno, "bundle `%s`", b);
  *abs = real;
  *fd = open (real, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*fd < 0)
    return casco_error_set (err, errno, "bundle `%s`", b);
  return 0;
}

static int
resolve_rootfs (const struct spec *s, const char *bundle, char **out, struct casco_error **err)
{
  _cleanup_free_ char *joined = s->root->path[0] == '/' ? xstrdup (s->root->path)
                                                        : xasprintf ("%s/%s", bundle, s->root->path);
  char *real = realpath (joined, NULL);
  if (real == NULL)
    return casco_error_config (err, "root.path", "rootfs `%s` does not exist: %s", joined,
                               strerror (errno));
  struct stat sb;
  if (stat (real, &sb) < 0 || !S_ISDIR (sb.st_mode))
    {
      free (real);
      return casco_error_config (err, "root.path", "rootfs `%s` is not a directory", joined);
    }
  *out = real;
  return 0;
}

/* The config's filter, or casco's built-in default when it names none: a
   config that forgets seccomp still runs confined (precompiled, so the
   default costs no libseccomp work at run time). */
static int
seccomp_for (const struct spec *spec, struct seccomp_program *out, struct casco_error **err)
{
  return seccomp_program_for_spec (spec, out, err);
}

/* exec: `judged` are the findings of the container's own process, which
   create judged; exec is judged on what its process adds.  in: the host
   objects the config names, opened once (judge.h); NULL for exec, whose
   rules look at the process only. */
static int
enforce_policy (const struct casco_context *ctx, const struct spec *spec, const struct judge_input *in, bool exec,
                const struct policy_findings *judged, bool no_cgroup, struct casco_error **err)
{
  struct policy_options o = { .exec = exec, .judged = judged, .no_cgroup = no_cgroup };
  if (in)
    {
      judge_options (in, &o);
      return policy_enforce (spec, ctx->policy, &o, err);
    }
  /* exec: its process's capabilities as they will be applied (the
     container's program and mounts were judged at create) */
  struct cap_sets caps;
  _cleanup_strv_ char **hooks_allowed = NULL;
  if (caps_resolve (spec->process ? spec->process->capabilities : NULL, &caps, err) < 0
      || policy_conf_hooks (&hooks_allowed, err) < 0)
    return -1;
  o.caps = &caps;
  o.hooks_allowed = hooks_allowed;
  return policy_enforce (spec, ctx->policy, &o, err);
}

/* casco needs what the rest of the code assumes; say so before anything is created. */
static int
check_supported (const struct spec *s, struct casco_error **err)
{
  if (s->process == NULL)
    return casco_error_config (err, "process", "a process is required to create a container");
  if (s->linux_ == NULL)
    return casco_error_config (err, "linux", "a linux section is required");
  /* the one deviation from the spec at every level: casco mounts the
     rootfs in the container's mount namespace and pivots into it */
  if (spec_find_namespace (s, SPEC_NS_MOUNT) == NULL)
    return casco_error_config (err, "linux.namespaces",
                               "a mount namespace is required: without one the container would share the "
                               "host's mount tree, which casco's rootfs setup changes; add {\"type\":\"mount\"} "
                               "to linux.namespaces");
  return 0;
}

/* A mount namespace joined by path, judged on the fd setns will get: never
   the host's (casco's own or PID 1's), at any level. */
static int
check_mount_ns_joined (const struct spec *s, const struct judge_input *in, struct casco_error **err)
{
  if (!ns_plan_joins_host (&in->ns, SPEC_NS_MOUNT))
    return 0;
  size_t i = 0;
  while (s->linux_->namespaces[i].type != SPEC_NS_MOUNT)
    i++;
  _cleanup_free_ char *jpath = xasprintf ("linux.namespaces[%zu].path", i);
  return casco_error_config (err, jpath,
                             "`%s` is the host's mount namespace (the one casco runs in, or PID 1's): the "
                             "rootfs setup would change the host's mount tree and the root of every process "
                             "in it; drop the \"path\" (a new mount namespace), or name a mount namespace of "
                             "the container's own (one a pod sandbox holds)",
                             s->linux_->namespaces[i].path);
}

/* exec.sock: the init blocks in accept() on it until `start`.  Bound via
   /proc/self/fd so long --root paths do not hit the 108-byte sun_path limit. */
static int
exec_socket_listen (int dirfd, struct casco_error **err)
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
static char **
process_env (const struct spec_process *p, int *extra_fds)
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

static int
write_pid_file (const char *path, pid_t pid, struct casco_error **err)
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

/* Parent half of the sync protocol: serve map requests, learn the init's
   pid, wait for READY.  Any child error arrives as SYNC_ERROR.  *c1 is
   zeroed once stage 1 is reaped. */
/* Where a seccomp notify fd from the process goes, and what state it carries. */
struct notify_target
{
  const struct spec *spec;
  const char *id;
  const char *bundle;
  pid_t pid;
  const char *status;
};

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
static int
await_report (int fd, const struct notify_target *t, struct casco_error **err)
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

/* What the parent does as soon as it knows the init's pid, while the init
   is still setting itself up (create saves the state then). */
struct on_init_pid
{
  int (*fn) (void *arg, struct casco_error **err);
  void *arg;
};

/* What the OOM killer's record says of a process killed by SIGKILL since
   `before` was read: NULL when it killed no one in the cgroup. */
static char *
oom_reason (const struct spec *s, int cgroup_fd, const struct cgroup_oom *before)
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
static bool
reap_dying (pid_t pid, int *status)
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
static char *
death_text (int status, const struct spec *s, int cgroup_fd, const struct cgroup_oom *oom_before)
{
  if (WIFEXITED (status))
    return xasprintf ("exited with status %d", WEXITSTATUS (status));
  int sig = WTERMSIG (status);
  char *oom = sig == SIGKILL ? oom_reason (s, cgroup_fd, oom_before) : NULL;
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
  if (*who <= 0 || !reap_dying (*who, &status))
    return casco_error_set (err, 0, "%s exited before it was ready", what);
  *who = 0;
  _cleanup_free_ char *how = death_text (status, c->spec, c->cgroup_fd, oom_before);
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

static void
kill_and_reap (pid_t pid)
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
static int
spawn (struct init_config *c, pid_t *init_pid, const struct on_init_pid *on_pid,
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
      kill_and_reap (c1);
      kill_and_reap (*init_pid);
      *init_pid = 0;
      return -1;
    }
  return steal_fd (&parent_end);
}

/* Let the process outlive us.  No answer to wait for: it dropped its
   parent-death signal before READY and watches this socket instead, and
   the message is queued before our end can close. */
static int
commit (int sync_fd, struct casco_error **err)
{
  if (sync_send (sync_fd, SYNC_COMMIT, 0, 0, NULL) < 0)
    return casco_error_set (err, errno, "commit container init");
  return 0;
}

/* The terminal end the process gets: a connection to --console-socket, or,
   when casco itself is in the foreground, one end of a private pair whose
   other end (*peer) receives the pty master. */
static int
open_console (const struct spec_process *p, const char *console_socket, bool foreground,
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

static int
record_state (struct launch *l, const char *id, const struct spec *s, const char *bundle,
              const char *rootfs, const char *cgroup_path, struct casco_error **err)
{
  /* start, exec and delete work from the config saved here: hooks, the
     seccomp listener and exec's defaults are those the container was
     created with, whatever happens to the bundle afterwards. */
  struct container_state st = {
    .oci_version = s->oci_version,
    .id = (char *) id,
    .pid = l->init_pid,
    .pid_start_time = l->init_pid > 0 ? proc_start_time (l->init_pid) : 0,
    .bundle = (char *) bundle,
    .rootfs = (char *) rootfs,
    .owner = (char *) "",
    .annotations = s->annotations,
    .n_annotations = s->n_annotations,
    .own_pid_ns = spec_find_namespace (s, SPEC_NS_PID) != NULL
                  && spec_find_namespace (s, SPEC_NS_PID)->path == NULL,
    .cgroup_path = (char *) (cgroup_path ? cgroup_path : ""),
    .config = l->config,
    .config_uses = l->config_uses,
  };
  _cleanup_free_ char *created = rfc3339_now ();
  st.created = created;
  /* Dead already (a zombie has no start time): nothing to record, and what
     it sent on the sync socket before dying is create's error. */
  if (l->init_pid > 0 && st.pid_start_time == 0)
    return 0;
  return state_write (l->dirfd, &st, err);
}

/* What record_state needs, for spawn to call it once the pid is known. */
struct state_record
{
  struct launch *l;
  const char *id;
  const struct spec *spec;
  const char *bundle;
  const char *rootfs;
  const char *cgroup_path;
};

static int
record_state_with_pid (void *arg, struct casco_error **err)
{
  struct state_record *r = arg;
  return record_state (r->l, r->id, r->spec, r->bundle, r->rootfs, r->cgroup_path, err);
}

/* The init is READY: its socket takes the name start connects to, which is
   also what makes the state read "created" rather than "creating". */
static int
mark_created (int dirfd, struct casco_error **err)
{
  if (renameat (dirfd, EXEC_SOCK_CREATING_NAME, dirfd, EXEC_SOCK_NAME) < 0)
    return casco_error_set (err, errno, "rename %s to %s", EXEC_SOCK_CREATING_NAME, EXEC_SOCK_NAME);
  return 0;
}

/* What start and delete will need the saved config for. */
static unsigned
config_uses_of (const struct spec *s)
{
  unsigned uses = 0;
  if (s->hooks.n_poststart)
    uses |= STATE_USES_POSTSTART;
  if (s->hooks.n_poststop)
    uses |= STATE_USES_POSTSTOP;
  if (s->linux_ && s->linux_->seccomp && s->linux_->seccomp->listener_path)
    uses |= STATE_USES_LISTENER;
  return uses;
}

/* Everything create does once the state directory exists; on failure the
   caller removes the directory (and this has killed what it started). */
static int
create_in_state_dir (struct launch *l, const char *id, const struct spec *spec, const char *bundle,
                     const char *rootfs, const struct cgroup_plan *cg, struct judge_input *in,
                     const struct create_options *opts, bool foreground, struct casco_error **err)
{
  if (state_lock (l->dirfd, true, err) < 0)
    return -1;
  _cleanup_close_ int listen_fd = exec_socket_listen (l->dirfd, err);
  if (listen_fd < 0)
    return -1;
  int extra_fds = 0;
  _cleanup_init_config_ struct init_config c = {
    .spec = spec,
    .process = spec->process,
    .id = id,
    .rootfs = { .spec = spec, .bundle_path = bundle, .rootfs_path = rootfs,
                .no_pivot = opts->no_pivot },
    .exec_listen_fd = listen_fd,
    .no_new_keyring = opts->no_new_keyring,
    .ns = NS_PLAN_EMPTY,
    .console_fd = -1,
    .cgroup_fd = -1,
    .lsm = LSM_PLAN_EMPTY,
  };
  _cleanup_close_ int console_fd = -1;
  _cleanup_close_ int cgroup_fd = -1;
  if (open_console (spec->process, opts->console_socket, foreground, &console_fd, &l->console_peer, err) < 0
      || lsm_check (spec, spec->process, err) < 0)
    return -1;
  /* What the policy judged is what the init gets: the capability masks,
     the seccomp program, the namespaces as the fds it judged, and the bind
     trees cloned from the sources it judged (before any container exists). */
  c.caps = in->caps;
  c.seccomp = in->seccomp;
  in->seccomp = (struct seccomp_program){ 0 };
  c.ns = in->ns;
  in->ns = (struct ns_plan) NS_PLAN_EMPTY;
  _cleanup_bind_trees_ int *bind_trees = NULL;
  if (mount_bind_trees (spec, &in->sources, !cg->use, &bind_trees, err) < 0)
    return -1;
  c.rootfs.bind_trees = bind_trees;
  /* With a cgroup, a first state (no pid yet) names it before it exists, so
     that `delete --force` can clean up after a create killed half-way.
     Without one, nothing outside this directory needs cleaning up: the
     state is written once, when the init's pid is known. */
  const char *cgroup_path = cg->use ? cg->path : NULL;
  if (cg->use && record_state (l, id, spec, bundle, rootfs, cgroup_path, err) < 0)
    return -1;
  /* Limits are in place before the first process of the container exists. */
  if (cg->use && cgroup_create (cg, &spec->linux_->resources, &cgroup_fd, err) < 0)
    return -1;
  c.cgroup_fd = cgroup_fd;
  l->has_oom = cgroup_oom_read (cgroup_fd, &l->oom_before) == 0;
  c.console_fd = console_fd;
  c.rootfs.new_userns = c.ns.create[SPEC_NS_USER];
  c.rootfs.new_netns = c.ns.create[SPEC_NS_NETWORK];
  c.rootfs.new_ipcns = c.ns.create[SPEC_NS_IPC];
  c.rootfs.new_utsns = c.ns.create[SPEC_NS_UTS];
  c.rootfs.nodev = !cg->use;
  c.env = process_env (spec->process, &extra_fds);
  c.preserve_fds = opts->preserve_fds + extra_fds;

  /* The state with the pid is written while the init sets itself up (it
     reads "creating" until mark_created), when the parent would only be
     waiting for READY. */
  struct state_record rec = { l, id, spec, bundle, rootfs, cgroup_path };
  const struct on_init_pid on_pid = { record_state_with_pid, &rec };
  _cleanup_close_ int sync_fd = spawn (&c, &l->init_pid, &on_pid, err);
  if (sync_fd < 0)
    return -1;
  if ((cgroup_fd >= 0 && cgroup_setup_done (cgroup_fd, cgroup_path, &spec->linux_->resources, err) < 0)
      || mark_created (l->dirfd, err) < 0
      || (opts->pid_file && write_pid_file (opts->pid_file, l->init_pid, err) < 0)
      || commit (sync_fd, err) < 0)
    {
      kill_and_reap (l->init_pid);
      l->init_pid = 0;
      return -1;
    }
  return 0;
}

static int
create_internal (const struct casco_context *ctx, const char *id, const struct create_options *opts,
                 bool foreground, struct launch *l, struct casco_error **err)
{
  l->rootfd = l->dirfd = l->console_peer = -1;
  l->init_pid = 0;
  l->bundle = NULL;
  l->cgroup_path = NULL;
  l->config = NULL;
  if (!state_id_valid (id))
    return casco_error_set_kind (err, CASCO_ERR_INVALID_ARGUMENT, 0, "invalid container id format \"%s\": use letters, digits, "
                                    "'_', '+', '-' and '.'", id ? id : "");
  _cleanup_free_ char *bundle = NULL;
  _cleanup_close_ int bundle_fd = -1;
  if (resolve_bundle (opts->bundle, &bundle, &bundle_fd, err) < 0)
    return -1;
  struct spec *s = NULL;
  _cleanup_free_ char *config_text = NULL;
  size_t config_len = 0;
  if (spec_load_text (bundle_fd, &s, &config_text, &config_len, err) < 0)
    return -1;
  _cleanup_spec_ struct spec *spec = s;
  _cleanup_free_ char *rootfs = NULL;
  _cleanup_cgroup_plan_ struct cgroup_plan cg = { 0 };
  explain (D00, "creating container %s from bundle %s; [Dnn] is the OWASP Docker Top 10 item the "
                "step defends against", id, bundle);
  if (spec_validate (spec, err) < 0
      || check_supported (spec, err) < 0
      || resolve_rootfs (spec, bundle, &rootfs, err) < 0
      /* decided before anything exists: a v1 host refuses limits here */
      || cgroup_plan (spec, id, ctx->cgroup_disabled ? CGROUP_MANAGER_DISABLED : CGROUP_MANAGER_CGROUPFS,
                      &cg, err) < 0)
    return -1;
  /* Secure values for what the config left out (a stated value wins), as
     the level and the operator's defaults_off keep them; each said once,
     so a config that left a field out to mean the spec's value (Docker's
     seccomp=unconfined) learns what applies instead. */
  unsigned defaults_off;
  if (policy_conf_defaults_off (&defaults_off, err) < 0)
    return -1;
  {
    _cleanup_strv_ char **notes = policy_defaults_notes (spec, ctx->policy, defaults_off, !cg.use);
    for (size_t i = 0; notes && notes[i]; i++)
      casco_warn ("%s", notes[i]);
  }
  policy_apply_defaults (spec, ctx->policy, defaults_off);
  if (cg.use)
    policy_default_pids (spec, ctx->policy, defaults_off);
  /* The operator's policy sees the values casco will use, on the host
     objects create will use (opened here, once), and runs before anything
     exists: a refused config leaves no trace. */
  _cleanup_judge_input_ struct judge_input in;
  if (judge_open (spec, bundle_fd, &in, err) < 0
      || check_mount_ns_joined (spec, &in, err) < 0
      || enforce_policy (ctx, spec, &in, false, NULL, !cg.use, err) < 0)
    return -1;

  if (state_root_open (root_of (ctx), true, &l->rootfd, err) < 0
      || state_dir_create (l->rootfd, id, &l->dirfd, err) < 0)
    {
      launch_close (l);
      return -1;
    }
  l->bundle = xstrdup (bundle);
  l->cgroup_path = cg.use ? xstrdup (cg.path) : NULL;
  l->config = steal_pointer (&config_text);
  l->config_uses = config_uses_of (spec);
  if (create_in_state_dir (l, id, spec, bundle, rootfs, &cg, &in, opts, foreground, err) < 0)
    {
      /* Nothing is left behind: the process was reaped, now the cgroup and
         the directory. */
      struct casco_error *ignored = NULL;
      if (cg.use)
        cgroup_destroy (cg.path, &ignored);
      casco_error_free (ignored);
      ignored = NULL;
      state_dir_remove (l->rootfd, id, &ignored);
      casco_error_free (ignored);
      launch_close (l);
      return -1;
    }
  return 0;
}

int
container_create (const struct casco_context *ctx, const char *id, const struct create_options *opts,
                  struct casco_error **err)
{
  struct launch l;
  if (create_internal (ctx, id, opts, false, &l, err) < 0)
    return -1;
  launch_close (&l);
  return 0;
}

/* ---- start ----------------------------------------------------------------- */

int
container_open (const struct casco_context *ctx, const char *id, int *rootfd, int *dirfd,
                struct container_state *st, struct casco_error **err)
{
  if (!state_id_valid (id))
    return casco_error_set_kind (err, CASCO_ERR_INVALID_ARGUMENT, 0, "invalid container id format \"%s\"", id ? id : "");
  *rootfd = open (root_of (ctx), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (*rootfd < 0)
    {
      if (errno == ENOENT)
        return state_error_no_container (err, id);
      return casco_error_set (err, errno, "open state root `%s`", root_of (ctx));
    }
  if (state_dir_open (*rootfd, id, dirfd, err) < 0)
    return -1;
  if (state_read (*dirfd, st, err) < 0)
    {
      /* No state.json: a create is in progress (it holds the lock) or died. */
      if (*err && (*err)->errno_ == ENOENT)
        {
          casco_error_free (*err);
          *err = NULL;
          return casco_error_set_kind (err, CASCO_ERR_UNFINISHED, 0, "container \"%s\" does not exist (creation did not finish)", id);
        }
      return -1;
    }
  state_probe (*dirfd, st);
  return 0;
}

/* Connect to exec.sock and wait: EOF means the init exec'd (the socket is
   close-on-exec); text means exec failed and says why. */
static int
signal_start (int dirfd, const struct notify_target *t, bool *not_waiting, struct casco_error **err)
{
  /* the step casco_entry's start takes too (early/state_steps.c) */
  enum early_start_failure failed;
  _cleanup_close_ int conn = early_send_start (dirfd, &failed);
  if (not_waiting)
    *not_waiting = conn < 0 && failed != EARLY_START_SEND;
  if (conn < 0 && failed == EARLY_START_SEND)
    return casco_error_set (err, -conn, "signal container init");
  if (conn < 0 && failed == EARLY_START_SOCKET)
    casco_error_set (err, -conn, "socket");
  else if (conn < 0)
    casco_error_set (err, -conn, "connect to `%s`", EXEC_SOCK_NAME);
  if (conn < 0)
    return casco_error_wrap (err, "container init is not waiting for start");
  /* From now on the container counts as running. */
  unlinkat (dirfd, EXEC_SOCK_NAME, 0);
  return await_report (conn, t, err);
}

/* The config as it was at create: in the state, or, for a container
   created by an older casco, in config.json beside it. */
static int
saved_spec (int dirfd, const char *config, struct spec **out, struct casco_error **err)
{
  if (config)
    return spec_parse (config, strlen (config), out, err);
  return spec_load_text (dirfd, out, NULL, NULL, err);
}

/* The same where a missing config only means no hooks or listener. */
static struct spec *
load_saved_spec (int dirfd, const char *id, const char *config)
{
  struct spec *s = NULL;
  struct casco_error *err = NULL;
  if (saved_spec (dirfd, config, &s, &err) < 0)
    {
      casco_debug ("container %s: saved config unreadable (%s): no hooks or seccomp listener",
                   id, err ? err->msg : "?");
      casco_error_free (err);
      return NULL;
    }
  return s;
}

/* poststart and poststop only warn on failure, and take their hooks from
   the config saved at create. */
static void
run_late_hooks (const struct spec *spec, const char *bundle, const char *id, pid_t pid, bool poststart)
{
  if (spec == NULL)
    return;
  const struct spec_hooks *h = &spec->hooks;
  if (poststart ? h->n_poststart == 0 : h->n_poststop == 0)
    return;
  _cleanup_free_ char *state = hooks_state_json (spec, id, bundle, poststart ? pid : 0,
                                                 poststart ? "running" : "stopped");
  if (poststart)
    hooks_run_warn (h->poststart, h->n_poststart, "poststart", state);
  else
    hooks_run_warn (h->poststop, h->n_poststop, "poststop", state);
}

static int
start_locked (int dirfd, const struct container_state *st, struct casco_error **err)
{
  switch (st->status)
    {
    case CONTAINER_CREATED:
      {
        /* Most configs have no poststart hook and no seccomp listener:
           then start has no use for the config and does not parse it. */
        _cleanup_spec_ struct spec *spec
            = st->config_uses & (STATE_USES_POSTSTART | STATE_USES_LISTENER)
                  ? load_saved_spec (dirfd, st->id, st->config) : NULL;
        struct notify_target t = { spec, st->id, st->bundle, st->pid, "creating" };
        if (signal_start (dirfd, &t, NULL, err) < 0)
          return -1;
        run_late_hooks (spec, st->bundle, st->id, st->pid, true);
        return 0;
      }
    case CONTAINER_STOPPED:
      return casco_error_set_kind (err, CASCO_ERR_WRONG_STATE, 0, "cannot start a container that has stopped");
    case CONTAINER_CREATING:
      return casco_error_set_kind (err, CASCO_ERR_UNFINISHED, 0, "cannot start container %s: its creation did not finish "
                                      "(delete --force removes it)", st->id);
    default:
      return casco_error_set_kind (err, CASCO_ERR_WRONG_STATE, 0, "cannot start an already running container");
    }
}

/* Finish a start that casco_entry began (early/lifecycle.c): the init's
   answer is unread in conn, and dirfd holds the lock. */
static int
start_resume (const char *id, int conn, int dirfd, struct casco_error **err)
{
  _cleanup_close_ int owned_conn = conn;
  _cleanup_close_ int locked_dir = dirfd;
  (void) locked_dir;   /* held for its lock, closed on return */
  /* Handed over only for a config without a seccomp listener or
     poststart hooks: no spec is needed to read what follows. */
  struct notify_target t = { NULL, id, "", 0, "creating" };
  return await_report (owned_conn, &t, err);
}

int
container_start (const struct casco_context *ctx, const char *id, struct casco_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  int conn;
  if (early_start_take_over (id, &conn, &dirfd))
    return start_resume (id, conn, dirfd, err);
  struct container_state st = { 0 };
  int rc = -1;
  if (container_open (ctx, id, &rootfd, &dirfd, &st, err) == 0 && state_lock (dirfd, true, err) == 0)
    {
      state_probe (dirfd, &st);   /* again, under the lock */
      rc = start_locked (dirfd, &st, err);
    }
  container_state_clear (&st);
  return rc;
}

/* ---- run ------------------------------------------------------------------- */

static int
exit_code_of (int status)
{
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  if (WIFSIGNALED (status))
    return 128 + WTERMSIG (status);
  return 255;
}

struct tty_proxy
{
  int master;
  bool stdin_open;
  bool raw;
  struct termios saved;
};

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

static void
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

static void
tty_proxy_end (struct tty_proxy *t)
{
  if (t->raw)
    tcsetattr (STDIN_FILENO, TCSANOW, &t->saved);
  closep (&t->master);
}

/* Forward signals to the init, shuttle terminal bytes, until it exits. */
static int
wait_foreground (pid_t init_pid, int sigfd, struct tty_proxy *tty, int *wstatus,
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
  _cleanup_spec_ struct spec *spec = load_saved_spec (l->dirfd, id, l->config);
  _cleanup_free_ char *why = oom_reason (spec, fd, &l->oom_before);
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
  if (!reap_dying (l->init_pid, &status))
    return false;
  /* (run loads the saved config only when it has a use for it) */
  _cleanup_spec_ struct spec *loaded = s ? NULL : load_saved_spec (l->dirfd, id, l->config);
  _cleanup_close_ int fd = -1;
  struct casco_error *ignored = NULL;
  if (l->cgroup_path && cgroup_open (l->cgroup_path, &fd, &ignored) < 0)
    casco_error_free (ignored);
  _cleanup_free_ char *how = death_text (status, s ? s : loaded, fd, l->has_oom ? &l->oom_before : NULL);
  casco_error_free (*err);
  *err = NULL;
  casco_error_set (err, 0, "container init %s while it waited for start", how);
  return true;
}

static void
block_forwarded_signals (sigset_t *old)
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
    block_forwarded_signals (&old_mask);
  struct launch l;
  int rc = create_internal (ctx, id, opts, !detach, &l, err);
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
          = rc == 0 && l.config_uses ? load_saved_spec (l.dirfd, id, l.config) : NULL;
      struct notify_target t = { spec, id, l.bundle, l.init_pid, "creating" };
      bool not_waiting = false, reaped = false;
      if (rc == 0 && (rc = signal_start (l.dirfd, &t, &not_waiting, err)) == 0)
        run_late_hooks (spec, l.bundle, id, l.init_pid, true);
      else if (not_waiting)
        reaped = died_before_start (&l, id, spec, err);
      if (rc == 0 && !detach)
        {
          sigset_t all;
          sigfillset (&all);
          _cleanup_close_ int sigfd = signalfd (-1, &all, SFD_CLOEXEC);
          int status = 0;
          rc = wait_foreground (l.init_pid, sigfd, have_tty ? &tty : NULL, &status, err);
          *exit_code = exit_code_of (status);
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
          run_late_hooks (spec, l.bundle, id, 0, false);
          state_dir_remove (l.rootfd, id, &ignored);
          casco_error_free (ignored);
        }
      launch_close (&l);
    }
  if (!detach)
    sigprocmask (SIG_SETMASK, &old_mask, NULL);
  return rc;
}

/* ---- state and list -------------------------------------------------------- */

int
container_state (const struct casco_context *ctx, const char *id, struct container_state *out,
                 struct casco_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  if (container_open (ctx, id, &rootfd, &dirfd, out, err) < 0)
    {
      container_state_clear (out);
      return -1;
    }
  return 0;
}

int
container_list (const struct casco_context *ctx, struct container_state **out, size_t *n,
                struct casco_error **err)
{
  *out = NULL;
  *n = 0;
  DIR *d = opendir (root_of (ctx));
  if (d == NULL)
    {
      if (errno == ENOENT)
        return 0;   /* nothing was ever created */
      return casco_error_set (err, errno, "open state root `%s`", root_of (ctx));
    }
  struct dirent *de;
  size_t cap = 0;
  while ((de = readdir (d)) != NULL)
    {
      if (de->d_name[0] == '.' || !state_id_valid (de->d_name))
        continue;
      _cleanup_close_ int cdirfd = openat (dirfd (d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      struct container_state st = { 0 };
      struct casco_error *ignored = NULL;
      if (cdirfd < 0 || state_read (cdirfd, &st, &ignored) < 0)
        {
          /* being created right now, or debris: not a container yet */
          casco_error_free (ignored);
          container_state_clear (&st);
          continue;
        }
      state_probe (cdirfd, &st);
      /* list shows who owns the container (the state dir's owner), as runc does */
      struct stat sb;
      if (fstat (cdirfd, &sb) == 0)
        {
          free (st.owner);
          st.owner = host_user_name (sb.st_uid);
          if (st.owner == NULL)
            st.owner = xasprintf ("#%u", sb.st_uid);
        }
      if (*n == cap)
        *out = xrealloc (*out, (cap = cap ? cap * 2 : 8) * sizeof **out);
      (*out)[(*n)++] = st;
    }
  closedir (d);
  return 0;
}

/* ---- kill ------------------------------------------------------------------ */

/* A pidfd for the init, or -1 when it is gone or its pid was reused. */
static int
open_init_pidfd (const struct container_state *st)
{
  int fd = sys_pidfd_open (st->pid, 0);
  if (fd < 0)
    return -1;
  /* Checked after opening: the pidfd pins this process, so a match now
     cannot be undone by pid reuse. */
  if (proc_start_time (st->pid) != st->pid_start_time)
    {
      close (fd);
      return -1;
    }
  return fd;
}

static ino_t
ns_inode (pid_t pid, const char *ns)
{
  char path[64];
  struct stat sb;
  snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, ns);
  return stat (path, &sb) == 0 ? sb.st_ino : 0;
}

/* --all without a cgroup: every process in the container's namespace ns
   (its pid namespace when it has one; else its mount namespace, which
   casco always makes, and which its processes and exec's share). */
static void
signal_namespace_members (pid_t init_pid, const char *ns, int sig)
{
  ino_t target = ns_inode (init_pid, ns);
  DIR *d = opendir ("/proc");
  if (d == NULL || target == 0)
    {
      if (d)
        closedir (d);
      return;
    }
  struct dirent *de;
  while ((de = readdir (d)) != NULL)
    {
      long pid;
      if (parse_long (de->d_name, &pid) < 0 || pid == init_pid)
        continue;
      if (ns_inode ((pid_t) pid, ns) == target)
        kill ((pid_t) pid, sig);
    }
  closedir (d);
}

static int
kill_state (const struct container_state *st, int sig, bool all, struct casco_error **err)
{
  _cleanup_close_ int pidfd = open_init_pidfd (st);
  if (pidfd < 0)
    return casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "container not running");
  /* --all: the cgroup knows every process; without one, the pid namespace */
  if (all && st->cgroup_path[0])
    {
      if (cgroup_signal_all (st->cgroup_path, sig, err) < 0)
        return -1;
    }
  else if (all)
    signal_namespace_members (st->pid, st->own_pid_ns ? "pid" : "mnt", sig);
  if (sys_pidfd_send_signal (pidfd, sig, NULL, 0) < 0)
    {
      /* The init was alive when the pidfd was opened: with --all, the
         cgroup's or namespace's signal may have ended it already. */
      if (errno == ESRCH && all)
        return 0;
      if (errno == ESRCH)
        return casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "container not running");
      return casco_error_set (err, errno, "send signal %d to container init", sig);
    }
  return 0;
}

int
container_kill (const struct casco_context *ctx, const char *id, int sig, bool all,
                struct casco_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  struct container_state st = { 0 };
  int rc = -1;
  if (container_open (ctx, id, &rootfd, &dirfd, &st, err) == 0)
    {
      if (st.status == CONTAINER_STOPPED || st.status == CONTAINER_CREATING)
        casco_error_set_kind (err, CASCO_ERR_NOT_RUNNING, 0, "container not running");
      else
        rc = kill_state (&st, sig, all, err);
    }
  container_state_clear (&st);
  return rc;
}

/* ---- delete ---------------------------------------------------------------- */

/* early_kill_and_wait's hook: the cgroup's other processes get SIGKILL
   just before the init.  With its own pid namespace, SIGKILL to the init
   is enough: the kernel kills everything else in the namespace when its
   init dies. */
static void
kill_cgroup_members (void *data)
{
  const struct container_state *st = data;
  struct casco_error *ignored = NULL;
  if (st->cgroup_path[0])
    cgroup_signal_all (st->cgroup_path, SIGKILL, &ignored);
  casco_error_free (ignored);
}

static int
kill_and_wait (const struct container_state *st, struct casco_error **err)
{
  /* the step casco_entry's delete takes too (early/state_steps.c) */
  if (early_kill_and_wait (st->pid, st->pid_start_time, CASCO_KILL_WAIT_MS, kill_cgroup_members,
                           (void *) st) == -ETIMEDOUT)
    return casco_error_set (err, 0, "container init %d did not die within %d s after SIGKILL",
                            (int) st->pid, CASCO_KILL_WAIT_MS / 1000);
  return 0;   /* ended, or already gone */
}

int
container_delete (const struct casco_context *ctx, const char *id, bool force,
                  struct casco_error **err)
{
  _cleanup_close_ int rootfd = -1;
  _cleanup_close_ int dirfd = -1;
  struct container_state st = { 0 };
  if (container_open (ctx, id, &rootfd, &dirfd, &st, err) < 0)
    {
      container_state_clear (&st);
      /* A create that died before writing state leaves only a directory:
         delete --force clears it. */
      if (force && dirfd >= 0 && *err && casco_error_is (*err, CASCO_ERR_UNFINISHED))
        {
          casco_error_free (*err);
          *err = NULL;
          return state_dir_remove (rootfd, id, err);
        }
      /* As runc: an engine cleaning up after a failed or finished run
         force-deletes whatever may be left; nothing left is success. */
      if (force && casco_error_is (*err, CASCO_ERR_NOT_FOUND))
        {
          casco_error_free (*err);
          *err = NULL;
          return 0;
        }
      return -1;
    }
  int rc = -1;
  if (state_lock (dirfd, true, err) == 0)
    {
      state_probe (dirfd, &st);
      bool must_kill = st.status != CONTAINER_STOPPED && st.status != CONTAINER_CREATING;
      if (must_kill && st.status != CONTAINER_CREATED && !force)
        casco_error_set_kind (err, CASCO_ERR_WRONG_STATE, 0, "cannot delete container %s that is not stopped: %s", id,
                         container_status_name (st.status));
      else if (!must_kill || kill_and_wait (&st, err) == 0)
        {
          /* the cgroup goes first: it also ends processes that escaped the init */
          if (st.cgroup_path[0] == '\0' || cgroup_destroy (st.cgroup_path, err) == 0)
            {
              _cleanup_spec_ struct spec *spec
                  = st.config_uses & STATE_USES_POSTSTOP ? load_saved_spec (dirfd, id, st.config) : NULL;
              run_late_hooks (spec, st.bundle, id, 0, false);
              rc = state_dir_remove (rootfd, id, err);
            }
        }
    }
  container_state_clear (&st);
  return rc;
}

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
  if (saved_spec (dirfd, st->config, &s, err) < 0)
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
  if (enforce_policy (ctx, spec, NULL, true, &judged, false, err) < 0)
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
  if (open_console (proc, o->console_socket, !o->detach, &console_fd, console_peer, err) < 0
      || caps_resolve (proc->capabilities, &c.caps, err) < 0
      || lsm_check (spec, proc, err) < 0
      || seccomp_for (spec, &c.seccomp, err) < 0
      || ns_plan_for_exec (st->pid, pidfd, &c.ns, err) < 0)
    return -1;
  c.console_fd = console_fd;
  c.env = process_env (proc, &extra_fds);
  c.preserve_fds = o->preserve_fds + extra_fds;

  _cleanup_close_ int sync_fd = spawn (&c, pid, NULL, err);
  if (sync_fd < 0)
    return -1;
  if ((o->pid_file && write_pid_file (o->pid_file, *pid, err) < 0)
      || commit (sync_fd, err) < 0
      || await_report (sync_fd, &(struct notify_target){ spec, st->id, st->bundle, *pid, "running" }, err) < 0)
    {
      kill_and_reap (*pid);
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
                                  ? -1 : open_init_pidfd (&st);
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
    block_forwarded_signals (&old_mask);
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
          rc = wait_foreground (pid, sigfd, have_tty ? &tty : NULL, &status, err);
          *exit_code = exit_code_of (status);
        }
      else
        kill_and_reap (pid);
      if (have_tty)
        tty_proxy_end (&tty);
    }
  closep (&console_peer);
  if (!o->detach)
    sigprocmask (SIG_SETMASK, &old_mask, NULL);
  return rc;
}

/* The child side of create: namespaces, rootfs, identity, wait, exec.
   Every step is a small function; the order in init_stage2 is the order
   the kernel needs, with the reason next to each call. */
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "casco/error.h"
#include "casco/explain.h"
#include "casco/log.h"
#include "selfexe.h"
#include "syscalls.h"
#include "util.h"
#include "weaken.h"
#include "console.h"
#include "hooks.h"
#include "process.h"
#include "user.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* Report err to the parent and die: the parent turns it into its error. */
_Noreturn static void
child_fail (int sync_fd, struct casco_error *err)
{
  _cleanup_free_ char *text = casco_error_text (err);
  sync_send (sync_fd, SYNC_ERROR, err ? (int) err->kind : 0, err ? err->errno_ : 0, text);
  _exit (1);
}

/* ---- stage 2: the init ---------------------------------------------------- */

uint64_t
signals_ignored (void)
{
  _cleanup_free_ char *text = NULL;
  if (read_file_at (AT_FDCWD, "/proc/self/status", &text, NULL, NULL) < 0)
    return UINT64_MAX;
  const char *line = strstr (text, "\nSigIgn:");
  unsigned long long mask;
  if (line == NULL || sscanf (line + strlen ("\nSigIgn:"), "%llx", &mask) != 1)
    return UINT64_MAX;
  return mask;
}

static int
reset_signals (const struct init_config *c, struct casco_error **err)
{
  /* The parent blocks signals to forward them; ignored dispositions would
     survive exec and surprise the container's process. */
  sigset_t none;
  sigemptyset (&none);
  if (sigprocmask (SIG_SETMASK, &none, NULL) < 0)
    return casco_error_set (err, errno, "reset signal mask");
  /* execve resets caught signals, not ignored ones: what can differ from
     the default here is only what casco inherited as ignored (casco sets
     no disposition of its own).  Resetting just those spares some sixty
     syscalls. */
  for (int sig = 1; sig < _NSIG && sig <= 64; sig++)
    if (sig != SIGKILL && sig != SIGSTOP && (c->ignored_signals & (UINT64_C (1) << (sig - 1))))
      signal (sig, SIG_DFL);
  return 0;
}

static int
set_hostname (const struct spec *s, const struct ns_plan *ns, struct casco_error **err)
{
  if (!ns->create[SPEC_NS_UTS])
    return 0;
  if (s->hostname && sethostname (s->hostname, strlen (s->hostname)) < 0)
    return casco_error_config (err, "hostname", "sethostname: %s", strerror (errno));
  if (s->domainname && setdomainname (s->domainname, strlen (s->domainname)) < 0)
    return casco_error_config (err, "domainname", "setdomainname: %s", strerror (errno));
  if (s->hostname)
    explain (D04, "hostname: set to \"%s\" in the container's own uts namespace", s->hostname);
  return 0;
}

static void
join_session_keyring (const char *id, bool no_new_keyring)
{
  /* Keys of the host session must not be reachable from the container. */
  if (no_new_keyring)
    return;
  _cleanup_free_ char *name = xasprintf ("_ses.%s", id);
  if (syscall (SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name) < 0)
    casco_debug ("join session keyring: %s (continuing)", strerror (errno));
}

static int
set_oom_score_adj (const struct spec_process *p, struct casco_error **err)
{
  if (p == NULL || !p->has_oom_score_adj)
    return 0;
  /* Still the host's /proc here: before pivot_root. */
  _cleanup_close_ int fd = open ("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  char buf[16];
  int n = snprintf (buf, sizeof buf, "%d", p->oom_score_adj);
  if (fd < 0 || write (fd, buf, (size_t) n) != n)
    return casco_error_config (err, "process.oomScoreAdj", "set to %d: %s", p->oom_score_adj,
                               strerror (errno));
  return 0;
}

static int
set_rlimits (const struct spec_process *p, struct casco_error **err)
{
  for (size_t i = 0; p && i < p->n_rlimits; i++)
    {
      struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
      if (setrlimit (p->rlimits[i].resource, &rl) < 0)
        {
          char jpath[48];
          snprintf (jpath, sizeof jpath, "process.rlimits[%zu]", i);
          return casco_error_config (err, jpath, "setrlimit %s: %s", p->rlimits[i].type,
                                     strerror (errno));
        }
    }
  return 0;
}

static int
setup_terminal (struct init_config *c, struct casco_error **err)
{
  const struct spec_process *p = c->process;
  if (!p->terminal)
    return 0;
  if (c->console_fd < 0)
    return casco_error_config (err, "process.terminal",
                               "a terminal was requested but no --console-socket was given");
  _cleanup_close_ int master = -1;
  _cleanup_close_ int slave = -1;
  if (console_open_pty (&p->console_size, &master, &slave, err) < 0)
    return -1;
  /* exec'd processes get their own pty; /dev/console is the init's. */
  if (!c->is_exec && rootfs_bind_console (slave, err) < 0)
    return -1;
  if (console_send_fd (c->console_fd, master, "/dev/ptmx", err) < 0)
    return -1;
  closep (&c->console_fd);
  return console_attach (slave, err);
}

static int
set_user (const struct spec_process *p, struct casco_error **err)
{
  if (p == NULL)
    return 0;
  const struct spec_user *u = &p->user;
  /* Groups first: after setuid to a non-root user we may no longer set them. */
  if (setgroups (u->n_additional_gids, (const gid_t *) u->additional_gids) < 0 && errno != EPERM)
    return casco_error_config (err, "process.user.additionalGids", "setgroups: %s", strerror (errno));
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return casco_error_config (err, "process.user.gid", "setresgid %u: %s", u->gid, strerror (errno));
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return casco_error_config (err, "process.user.uid", "setresuid %u: %s", u->uid, strerror (errno));
  explain (D01, "user: now uid %u, gid %u, %zu additional groups%s", u->uid, u->gid,
           u->n_additional_gids, u->uid == 0 ? " (root: run as a non-zero process.user.uid where you can)"
                                             : "");
  return 0;
}

/* CVE-2024-21626: a leaked fd (e.g. a host directory) used as cwd escapes
   the rootfs.  Close what the process must not inherit before chdir, and
   refuse a cwd the kernel cannot name from our root.
   The check reads the directory chdir entered, as the user, so it cannot
   move before a filter loaded early (filtered: noNewPrivileges false, see
   become_process): checking an earlier chdir would let the path resolve
   anew in between.  When that filter denies getcwd the check fails closed,
   saying so rather than blaming the cwd. */
static int
enter_cwd (const struct spec_process *p, bool filtered, struct casco_error **err)
{
  const char *cwd = p && p->cwd ? p->cwd : "/";
  if (chdir (cwd) < 0)
    return casco_error_config (err, "process.cwd", "chdir to `%s`: %s", cwd, strerror (errno));
#ifdef CASCO_WEAKEN_CWD_CHECK
  return 0;   /* prove-red: accept a cwd outside the root (CVE-2024-21626) */
#endif
  char buf[4096];
  errno = 0;
  if (getcwd (buf, sizeof buf) != NULL && buf[0] == '/')
    return 0;
  /* glibc says ENOENT for a cwd the kernel names "(unreachable)/..." */
  if (errno == 0 || errno == ENOENT)
    return casco_error_config (err, "process.cwd", "`%s` is outside the container root", cwd);
  int e = errno;
  return casco_error_config (err, "process.cwd", "cannot verify that `%s` is inside the container root "
                             "(CVE-2024-21626): getcwd: %s%s", cwd, strerror (e),
                             filtered ? " (linux.seccomp denies getcwd, and without noNewPrivileges "
                                        "its filter is loaded before this check: allow getcwd in "
                                        "linux.seccomp, or set process.noNewPrivileges to true)"
                                      : "");
}

static const char *
env_get (char **env, const char *key)
{
  size_t n = strlen (key);
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp (env[i], key, n) == 0 && env[i][n] == '=')
      return env[i] + n + 1;
  return NULL;
}

/* HOME from the container's /etc/passwd (never the host's), as runc does. */
static char **
env_complete (char **env, const struct spec_process *p)
{
  if (env_get (env, "HOME") == NULL && p)
    {
      /* We stand in the container's root: its passwd is the container's
         to shape (a FIFO, /dev/zero), so it is read with the same care the
         host side takes (never blocking, bounded, regular files only). */
      _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
      _cleanup_free_ char *home = root < 0 ? NULL : user_home_in_root (root, p->user.uid);
      _cleanup_free_ char *entry = xasprintf ("HOME=%s", home ? home : "/");
      env = strv_append (env, entry);
    }
  if (p && p->terminal && env_get (env, "TERM") == NULL)
    env = strv_append (env, "TERM=xterm");
  return env;
}

/* Resolve args[0] the way execvp would, but now, so that a missing binary
   fails `create` (as runc does) instead of a later `start`. */
static int
find_executable (const char *name, char **env, char **out, struct casco_error **err)
{
  if (strchr (name, '/'))
    {
      if (access (name, X_OK) < 0)
        return casco_error_set (err, errno, "exec: \"%s\"", name);
      *out = xstrdup (name);
      return 0;
    }
  const char *path = env_get (env, "PATH");
  _cleanup_free_ char *dirs = xstrdup (path ? path : DEFAULT_PATH);
  char *save = NULL;
  for (char *dir = strtok_r (dirs, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      _cleanup_free_ char *candidate = xasprintf ("%s/%s", *dir ? dir : ".", name);
      struct stat sb;
      if (stat (candidate, &sb) == 0 && S_ISREG (sb.st_mode) && access (candidate, X_OK) == 0)
        {
          *out = steal_pointer (&candidate);
          return 0;
        }
    }
  return casco_error_set (err, 0, "exec: \"%s\": executable file not found in $PATH", name);
}

static int
set_no_new_privs (const struct spec_process *p, struct casco_error **err)
{
  if (p && p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return casco_error_set (err, errno, "set no_new_privs");
  if (p && p->no_new_privileges)
    explain (D04, "no_new_privs: set: setuid binaries and file capabilities cannot raise this "
                  "process's privileges across exec");
  else
    explain (D04, "no_new_privs: NOT set (process.noNewPrivileges is false): a setuid binary in the "
                  "image could gain privileges");
  return 0;
}

static void
explain_seccomp (const struct init_config *c)
{
  if (c->seccomp.insns)
    explain (D04, "seccomp: filter installed: %s, %u syscall rules, %u BPF instructions; "
                  "syscalls outside it fail before the kernel runs them",
             c->seccomp.is_default ? "casco's default profile (linux.seccomp is absent)"
                                   : "the config's profile (linux.seccomp)",
             c->seccomp.n_rules, (unsigned) c->seccomp.len);
  else
    explain (D04, "seccomp: no filter: every syscall reaches the kernel");
}

/* Install the filter; a notify listener fd goes to whoever reads report_fd
   (create's parent, `start` or `exec`), which forwards it to listenerPath. */
static int
install_seccomp (const struct init_config *c, int report_fd, struct casco_error **err)
{
  int listener = -1;
  if (seccomp_install (&c->seccomp, &listener, err) < 0)
    return -1;
  explain_seccomp (c);
  if (listener >= 0)
    {
      int rc = sync_send_fd (report_fd, SYNC_SECCOMP_FD, listener);
      close (listener);
      if (rc < 0)
        return casco_error_set (err, errno, "hand the seccomp notify fd to casco");
    }
  return 0;
}

/* Report a failure after READY to whoever waits on report_fd, and die. */
_Noreturn static void
report_fail (int report_fd, struct casco_error *err)
{
  _cleanup_free_ char *text = casco_error_text (err);
  sync_send (report_fd, SYNC_ERROR, err ? (int) err->kind : 0, err ? err->errno_ : 0, text);
  _exit (127);
}

/* Tell the parent we are ready, and wait until it has saved the state:
   only then may the init outlive casco.  From READY on the sync socket,
   not the parent-death signal, ties us to casco: EOF instead of COMMIT
   means casco died first, and we follow it (child_fail exits).  Dropping
   the signal before READY, while we still wait, spares the parent waiting
   for an acknowledgement before it may exit: one round trip less. */
static int
handshake_ready (int sync_fd, struct casco_error **err)
{
  struct sync_msg m;
  prctl (PR_SET_PDEATHSIG, 0);
  if (sync_send (sync_fd, SYNC_READY, 0, 0, NULL) < 0)
    return casco_error_set (err, errno, "report ready");
  return sync_expect (sync_fd, SYNC_COMMIT, &m, err);
}

/* Block until `casco start` connects; returns the connection. */
static int
wait_for_start (int listen_fd)
{
  for (;;)
    {
      int conn = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);
      if (conn < 0)
        {
          if (errno == EINTR)
            continue;
          _exit (1);
        }
      struct sync_msg m;
      if (sync_recv (conn, &m, NULL) == 0 && m.type == SYNC_START)
        return conn;
      close (conn);   /* a probe, not start: keep waiting */
    }
}

/* Everything casco had open (state and bundle dirs, the caller's fds) is
   inherited by fork.  Keep only what the init needs, so no host directory
   can be reached through /proc/self/fd (CVE-2024-21626). */
static void
close_inherited_fds (const struct init_config *c)
{
#ifdef CASCO_WEAKEN_CLOSE_FDS
  return;   /* prove-red: keep every inherited fd until exec (CVE-2024-21626) */
#endif
  /* ours: the sync socket, start's socket, the console, and the bind trees
     the parent cloned for mounts[] (closed once mounted, rootfs.c) */
  size_t n_mounts = c->rootfs.bind_trees ? c->spec->n_mounts : 0, n = 0;
  int keep[3 + n_mounts];
  keep[n++] = c->sync_fd;
  keep[n++] = c->exec_listen_fd;
  keep[n++] = c->console_fd;
  for (size_t i = 0; i < n_mounts; i++)
    keep[n++] = c->rootfs.bind_trees[i];
  close_fds_except (3 + (unsigned) c->preserve_fds, keep, n);
}

/* exec's stage 1, before it joins anything: from the first namespace on, a
   process in the container holding CAP_SYS_PTRACE can open what we hold
   through /proc/PID/fd (non-dumpable does not stop that capability), so
   only the fds the process is given (stdio, --preserve-fds), the sync and
   console sockets and the namespaces still to join survive: the state
   dir, the caller's other fds and everything else casco held close here. */
static void
close_fds_before_join (const struct init_config *c)
{
#ifdef CASCO_WEAKEN_CLOSE_FDS
  return;   /* prove-red: keep every inherited fd until exec (CVE-2024-21626) */
#endif
  int keep[3 + SPEC_NS_COUNT] = { c->sync_fd, c->exec_listen_fd, c->console_fd };
  for (int t = 0; t < SPEC_NS_COUNT; t++)
    keep[3 + t] = c->ns.join_fd[t];
  close_fds_except (3 + (unsigned) c->preserve_fds, keep, ARRAY_SIZE (keep));
}

/* The environment casco was started with stays in our memory (the block
   /proc/PID/environ shows) until execve replaces it; the process gets its
   own copy (c->env).  Wipe the block before joining, for the same reason as
   close_fds_before_join: the caller's environment is host data. */
static void
scrub_environ_block (void)
{
  char buf[2048];
  _cleanup_close_ int fd = open ("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read_all (fd, buf, sizeof buf - 1);
  /* the strings themselves first: always ours to write */
  const char *first = environ && environ[0] ? environ[0] : NULL;
  for (size_t i = 0; environ && environ[i]; i++)
    memset (environ[i], 0, strlen (environ[i]));
  clearenv ();
  if (n <= 0 || first == NULL)
    return;
  buf[n] = '\0';
  /* fields after "(comm)": state is field 3; env_start 50, env_end 51 */
  char *p = strrchr (buf, ')');
  unsigned long long start = 0, end = 0;
  for (int field = 2; p && field < 51; field++)
    {
      p = strchr (p + 1, ' ');
      if (p && field + 1 == 50)
        start = strtoull (p + 1, NULL, 10);
      if (p && field + 1 == 51)
        end = strtoull (p + 1, NULL, 10);
    }
  /* then the whole block, when the kernel's range is the one our environ
     came from (under valgrind /proc describes valgrind, not us) */
  uintptr_t f = (uintptr_t) first;
  if (start && end > start && end - start < (64u << 20) && f >= start && f < end)
    memset ((void *) (uintptr_t) start, 0, (size_t) (end - start));
}

/* When the filter goes in: before the capabilities are dropped (without
   no_new_privs only CAP_SYS_ADMIN may install one), just before exec, or
   while the init waits for start. */
enum seccomp_when
{
  SECCOMP_BEFORE_CAPS,
  SECCOMP_AT_EXEC,
  SECCOMP_WHILE_WAITING,
};

/* Whether the filter lets the init do everything it still does between
   COMMIT and exec: wait for start (accept4, recvmsg, close), report
   through that connection (sendto, sendmsg, write; malloc may grow the
   heap), mark fds close-on-exec, write the LSM label, exec, or exit.  Each
   call runs through the program with the arguments the init will pass
   where it knows them (fds and flags; pointers are what they will be or
   0).  A startContainer hook would run under the filter, and a listener
   fd has no reader after create: both keep the filter at exec. */
static bool
seccomp_allows_waiting (const struct init_config *c, const char *exe)
{
  if (c->seccomp.insns == NULL || c->seccomp.wants_listener || c->spec->hooks.n_start_container)
    return false;
  const uint64_t listen = (unsigned) c->exec_listen_fd, conn = listen + 1;
  const uint64_t attr = c->lsm.attr_fd >= 0 ? (unsigned) c->lsm.attr_fd : conn;
  const struct
  {
    long nr;
    uint64_t args[6];
  } calls[] = {
    { SYS_close, { (unsigned) c->sync_fd } },
    { SYS_accept4, { listen, 0, 0, SOCK_CLOEXEC } },
    { SYS_recvmsg, { conn, 0, MSG_CMSG_CLOEXEC } },
    { SYS_sendto, { conn, 0, 0, MSG_NOSIGNAL } },
    { SYS_sendmsg, { conn, 0, MSG_NOSIGNAL } },
    { SYS_write, { conn } },
    { SYS_write, { attr } },
    { SYS_close, { conn } },
    { SYS_getpid, { 0 } },
    { SYS_brk, { 0 } },
    { SYS_close_range, { 3 + (unsigned) c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC } },
    { SYS_execve, { (uintptr_t) exe, (uintptr_t) c->process->args, (uintptr_t) c->env } },
    { SYS_exit_group, { 127 } },
  };
  for (size_t i = 0; i < ARRAY_SIZE (calls); i++)
    if (!seccomp_program_allows (&c->seccomp, calls[i].nr, calls[i].args))
      return false;
  return true;
}

/* The steps that turn the set-up child into the configured process, shared
   by the container's init and by exec: environment, umask, seccomp (early
   when no_new_privs is off), capabilities around the uid switch, cwd, and
   the executable looked up now so that a missing one fails early. */
static int
become_process (struct init_config *c, char **exe, enum seccomp_when *seccomp, struct casco_error **err)
{
  const struct spec_process *p = c->process;
  c->env = env_complete (c->env, p);
  umask (p->user.has_umask ? p->user.umask : 0022);
  /* Without no_new_privs the kernel only lets CAP_SYS_ADMIN install a
     filter: then it must go in now, before the capabilities are dropped. */
  *seccomp = p->no_new_privileges ? SECCOMP_AT_EXEC : SECCOMP_BEFORE_CAPS;
  if (*seccomp == SECCOMP_BEFORE_CAPS && install_seccomp (c, c->sync_fd, err) < 0)
    return -1;
  /* Bounding set while we still hold CAP_SETPCAP; permitted kept across
     setuid, then the exact sets: nothing of casco's privilege survives. */
  if (caps_drop_bounding (&c->caps, err) < 0
      || caps_keep_across_setuid (err) < 0
      || set_user (p, err) < 0
      || caps_apply (&c->caps, err) < 0
      /* cwd as the user, so its permissions apply. */
      || enter_cwd (p, *seccomp == SECCOMP_BEFORE_CAPS && c->seccomp.insns, err) < 0
      || find_executable (p->args[0], c->env, exe, err) < 0
      || set_no_new_privs (p, err) < 0)
    return -1;
  return 0;
}

/* The last steps before the container's code runs; failures are written
   to report_fd, where `start` (or `exec`) waits for EOF or this text. */
_Noreturn static void
exec_process (struct init_config *c, const char *exe, enum seccomp_when seccomp, int report_fd)
{
  struct casco_error *err = NULL;
  /* Nothing of casco's may cross exec: mark every fd past the preserved
     ones close-on-exec (report_fd is already). */
  close_range (3 + (unsigned) c->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
  /* The label takes effect at execve, like the filter below. */
  if (lsm_apply (&c->lsm, &err) < 0)
    report_fail (report_fd, err);
  /* seccomp last: the filter may deny syscalls the setup still needed. */
  if (seccomp == SECCOMP_AT_EXEC && install_seccomp (c, report_fd, &err) < 0)
    report_fail (report_fd, err);
  /* told here, where it counts, whenever it went in */
  if (seccomp == SECCOMP_WHILE_WAITING)
    explain_seccomp (c);
  explain (D04, "exec: %s%s as pid %d of the container; every step above is now in force",
           exe, c->process->args[1] ? " ..." : "", (int) getpid ());
  sync_explain_to (-1);
  execve (exe, c->process->args, c->env);
  casco_error_set (&err, errno, "exec: \"%s\"", c->process->args[0]);
  report_fail (report_fd, err);
}

static bool
has_create_hooks (const struct spec_hooks *h)
{
  return h->n_prestart || h->n_create_runtime || h->n_create_container || h->n_start_container;
}

/* After the mounts, before pivot_root: the parent runs prestart and
   createRuntime in the runtime's namespaces, then we run createContainer
   in ours (paths still resolve in the host's filesystem here). */
static int
run_create_hooks (struct init_config *c, pid_t *host_pid, struct casco_error **err)
{
  const struct spec_hooks *h = &c->spec->hooks;
  if (!has_create_hooks (h))
    return 0;
  struct sync_msg m;
  if (sync_send (c->sync_fd, SYNC_HOOKS, 0, 0, NULL) < 0)
    return casco_error_set (err, errno, "ask for createRuntime hooks");
  if (sync_expect (c->sync_fd, SYNC_HOOKS_DONE, &m, err) < 0)
    return -1;
  *host_pid = m.value;
  _cleanup_free_ char *state = hooks_state_json (c->spec, c->id, c->rootfs.bundle_path, *host_pid,
                                                 "creating");
  return hooks_run (h->create_container, h->n_create_container, "createContainer", state, err);
}

/* After `start`, before exec, inside the container (paths resolve there). */
static void
run_start_hooks (struct init_config *c, pid_t host_pid, int report_fd)
{
  const struct spec_hooks *h = &c->spec->hooks;
  if (h->n_start_container == 0)
    return;
  struct casco_error *err = NULL;
  _cleanup_free_ char *state = hooks_state_json (c->spec, c->id, c->rootfs.bundle_path, host_pid,
                                                 "created");
  if (hooks_run (h->start_container, h->n_start_container, "startContainer", state, &err) < 0)
    report_fail (report_fd, err);
}

_Noreturn static void
init_stage2 (struct init_config *c)
{
  struct casco_error *err = NULL;
  const struct spec *s = c->spec;
  int sync_fd = c->sync_fd;

  /* Die with casco until it commits the state: no orphans from a failed create. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  close_inherited_fds (c);
  ns_explain_entered (&c->ns);
  if (reset_signals (c, &err) < 0
      /* the host's /proc is still ours here: open the LSM attr file now */
      || lsm_prepare (c->process, &c->lsm, &err) < 0
      || set_hostname (s, &c->ns, &err) < 0
      || set_oom_score_adj (c->process, &err) < 0)
    child_fail (sync_fd, err);
  join_session_keyring (c->id, c->no_new_keyring);
  pid_t host_pid = 0;
  /* Mounts while the host's paths (bind sources) are still reachable. */
  if (rootfs_prepare (&c->rootfs, &err) < 0
      || run_create_hooks (c, &host_pid, &err) < 0
      || rootfs_pivot (&c->rootfs, &err) < 0
      /* The pty must come from the container's devpts: after pivot. */
      || setup_terminal (c, &err) < 0
      /* Masks and read-only remounts last: they may cover what came before. */
      || rootfs_finalize (&c->rootfs, &err) < 0
      /* Limits need privilege to raise: before giving it up. */
      || set_rlimits (c->process, &err) < 0)
    child_fail (sync_fd, err);

  _cleanup_free_ char *exe = NULL;
  enum seccomp_when seccomp;
  if (become_process (c, &exe, &seccomp, &err) < 0)
    child_fail (sync_fd, err);
  explain (D00, "set up: the process waits to be started");
  if (handshake_ready (sync_fd, &err) < 0)
    child_fail (sync_fd, err);
  sync_explain_to (-1);
  /* Loading a filter takes a while (the kernel checks, translates and
     compiles it).  Done now, while we wait for start anyway, it is off the
     path from `casco start` to exec, as long as it denies nothing we still
     do; otherwise it waits until just before exec. */
  if (seccomp == SECCOMP_AT_EXEC && seccomp_allows_waiting (c, exe))
    {
      if (install_seccomp (c, sync_fd, &err) < 0)
        child_fail (sync_fd, err);
      seccomp = SECCOMP_WHILE_WAITING;
    }
  close (sync_fd);

  int conn = wait_for_start (c->exec_listen_fd);
  /* the rest of the story goes to whoever started us */
  sync_explain_to (conn);
  run_start_hooks (c, host_pid, conn);
  exec_process (c, exe, seccomp, conn);
}

/* exec's stage 2: already in every namespace of the container (the mount
   namespace's root is the container's root), so no rootfs work. */
_Noreturn static void
exec_stage2 (struct init_config *c)
{
  struct casco_error *err = NULL;
  int sync_fd = c->sync_fd;

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  close_inherited_fds (c);
  ns_explain_entered (&c->ns);
  _cleanup_free_ char *exe = NULL;
  enum seccomp_when seccomp;
  if (reset_signals (c, &err) < 0
      || lsm_prepare (c->process, &c->lsm, &err) < 0
      || setup_terminal (c, &err) < 0
      || set_rlimits (c->process, &err) < 0
      || become_process (c, &exe, &seccomp, &err) < 0
      || handshake_ready (sync_fd, &err) < 0)
    child_fail (sync_fd, err);
  /* The sync socket stays open (close-on-exec): EOF tells casco exec succeeded. */
  exec_process (c, exe, seccomp, sync_fd);
}

void
init_config_release (struct init_config *c)
{
  ns_plan_close (&c->ns);
  strv_free (c->env);
  c->env = NULL;
  closep (&c->lsm.attr_fd);
  free (c->lsm.value);
  c->lsm.value = NULL;
  seccomp_program_clear (&c->seccomp);
}

/* ---- stage 1: namespaces -------------------------------------------------- */

static int
become_root_in_userns (int sync_fd, const struct ns_plan *ns, struct casco_error **err)
{
  if (!ns->create[SPEC_NS_USER])
    return 0;
  struct sync_msg m;
  /* Only the parent, outside the namespace, may write our maps. */
  if (sync_send (sync_fd, SYNC_MAP_REQUEST, 0, 0, NULL) < 0)
    return casco_error_set (err, errno, "request id maps");
  if (sync_expect (sync_fd, SYNC_MAP_DONE, &m, err) < 0)
    return -1;
  /* Root of the new namespace, so files we create belong to the mapped root. */
  if (setresgid (0, 0, 0) < 0 || setresuid (0, 0, 0) < 0)
    return casco_error_set (err, errno, "become root in the user namespace (is 0 mapped?)");
  return 0;
}

void
init_direct (struct init_config *c)
{
  struct casco_error *err = NULL;
  /* fork left our code unmapped: map it in one go rather than by faults */
  selfexe_prefault_image ();
  /* Narration from here on goes to the parent, never to our stdio. */
  sync_explain_to (c->sync_fd);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* As in stage 1: not dumpable until exec (CVE-2016-9962). */
#ifndef CASCO_WEAKEN_DUMPABLE   /* prove-red: stay dumpable (CVE-2016-9962) */
  prctl (PR_SET_DUMPABLE, 0);
#endif
  if (become_root_in_userns (c->sync_fd, &c->ns, &err) < 0)
    child_fail (c->sync_fd, err);
  /* Born in the container's cgroup, so that is the new namespace's root. */
  if (c->ns.create[SPEC_NS_CGROUP] && unshare (CLONE_NEWCGROUP) < 0)
    {
      casco_error_set (&err, errno, "create cgroup namespace");
      child_fail (c->sync_fd, err);
    }
  ns_explain_cloned (&c->ns);
  ns_explain_shared (&c->ns);
  ns_plan_close (&c->ns);
  init_stage2 (c);
}

void
init_stage1 (struct init_config *c)
{
  struct casco_error *err = NULL;
  int sync_fd = c->sync_fd;

  /* Narration from here on goes to the parent, never to our stdio. */
  sync_explain_to (sync_fd);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  /* Not dumpable until exec: no ptrace or /proc/PID/mem access to a process
     that still holds casco's memory and fds (CVE-2016-9962). */
#ifndef CASCO_WEAKEN_DUMPABLE   /* prove-red: stay dumpable (CVE-2016-9962) */
  prctl (PR_SET_DUMPABLE, 0);
#endif
  if (c->is_exec)
    {
      close_fds_before_join (c);
      scrub_environ_block ();
    }
  /* Join before create: joining needs our privileges in the host user ns,
     and new namespaces must be owned by the new user ns, so order is:
     join user, join others, create user (+ maps), create others. */
  if (ns_join_user (&c->ns, &err) < 0
      || ns_join_others (&c->ns, &err) < 0
      || ns_unshare_user (&c->ns, &err) < 0
      || become_root_in_userns (sync_fd, &c->ns, &err) < 0
      || ns_unshare_others (&c->ns, &err) < 0)
    child_fail (sync_fd, err);
  if (!c->is_exec)
    ns_explain_shared (&c->ns);
  if (c->ns.create[SPEC_NS_TIME] && ns_write_time_offsets (c->spec, &err) < 0)
    child_fail (sync_fd, err);
  ns_plan_close (&c->ns);

  /* The init must be a child (new pid ns: PID 1), and casco's child so
     `run` can wait for it: fork it as our sibling. */
  pid_t pid = sys_clone_parent ();
  if (pid < 0)
    {
      casco_error_set (&err, errno, "fork container init");
      child_fail (sync_fd, err);
    }
  if (pid == 0)
    {
      if (c->is_exec)
        exec_stage2 (c);
      init_stage2 (c);
    }
  sync_send (sync_fd, SYNC_INIT_PID, pid, 0, NULL);
  _exit (0);
}

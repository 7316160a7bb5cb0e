/* `casco start ID` and `casco delete [-f] ID` before the C library starts.

   Both are a handful of system calls on files casco wrote itself, yet a
   static glibc binary pays its whole start-up first: CPU feature probing
   with dozens of `cpuid`s (each a trap to the hypervisor on a virtual
   machine), self-relocation, TLS, malloc.  On the bench machine that is
   about 1.2 ms of a 4 ms command, twice per container.  casco_entry calls
   lifecycle_early first; in the plain cases it does the command and exits.

   The steps are not written twice: reading the state's fields, the probe,
   kill-and-wait and emptying the state directory are state_steps.c's,
   which state.c and container.c call too; the options are read by the
   list main() parses (options.c).  What is here is only the choice of
   steps for the plain cases, in container_start's and container_delete's
   order.

   What keeps this safe is one rule: whenever anything is not plain, it
   returns to main() before it has changed anything, closing what it
   opened, and main() does the whole command as always and words any error.
   Not plain: an option other than the ones read below or --debug; a state
   that is not "created" (start), or not created, running with --force, or
   stopped (delete); a container with a cgroup (delete) or whose config
   has poststart or poststop hooks or a seccomp listener (a non-empty
   configUses: main() parses the config for those); a state file this
   reader does not follow; any failed call.  The one hand-over after a
   change: once start has told the init to go, whatever the init answers
   (an exec error, --explain's story) is left unread in the socket for
   main()'s container_start (early_start_take_over), which reads it as its
   own start would have.  The rules of early.h apply. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include "global_options.h"
#include "casco/state.h"
#include "early.h"
#include "../process.h"

/* ---- the two commands -------------------------------------------------------- */

/* A start handed to main(): in .bss, written at run time (a pointer
   stored then needs no relocation). */
static struct
{
  bool set;
  const char *id;   /* into argv, which outlives main() */
  int conn;
  int dirfd;
} start_handover;

/* state_probe's answer where the fast paths can act on it: running only
   without a cgroup (paused is told by the cgroup). */
enum fast_status { FAST_OTHER, FAST_CREATED, FAST_RUNNING, FAST_STOPPED };

NO_CANARY static enum fast_status
probe (int dirfd, const struct early_state *st)
{
  switch (early_probe (dirfd, st->pid, st->pid_start_time))
    {
    case EARLY_GONE: return FAST_STOPPED;
    case EARLY_CREATED: return FAST_CREATED;
    case EARLY_LIVE: return st->cgroup_empty ? FAST_RUNNING : FAST_OTHER;
    default: return FAST_OTHER;   /* still being created */
    }
}

/* Read and parse DIRFD's state.json.  Read, not mapped: a file cut short
   under a mapping would end the process with SIGBUS instead of an error. */
NO_CANARY static bool
read_state (int dirfd, struct early_state *st)
{
  /* as read_file_at: a symlink or a FIFO planted as state.json is not
     followed or waited on (main() then refuses it in words) */
  int fd = (int) raw_syscall (SYS_openat, dirfd, (long) STATE_FILE_NAME,
                              O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0, 0);
  if (fd < 0)
    return false;
  struct stat sb;
  bool ok = false;
  if (raw_syscall (SYS_fstat, fd, (long) &sb, 0, 0, 0) == 0 && S_ISREG (sb.st_mode) && sb.st_size > 0
      && sb.st_size < (1L << 24))
    {
      long size = sb.st_size;
      long map = raw_syscall6 (SYS_mmap, 0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if ((unsigned long) map < (unsigned long) -4095L)
        {
          long done = 0, n;
          while (done < size
                 && ((n = raw_syscall (SYS_read, fd, map + done, size - done, 0, 0)) > 0 || n == -EINTR))
            if (n > 0)
              done += n;
          ok = done == size && lifecycle_early_parse_state ((const char *) map, size, st);
          raw_syscall (SYS_munmap, map, size, 0, 0, 0);
        }
    }
  early_close (fd);
  return ok;
}

NO_CANARY static bool
lock_exclusive (int dirfd)
{
  long r;
  while ((r = raw_syscall (SYS_flock, dirfd, LOCK_EX, 0, 0, 0)) == -EINTR)
    ;
  return r == 0;
}

NO_CANARY static _Noreturn void
exit_now (int code)
{
  for (;;)
    raw_syscall (SYS_exit_group, code, 0, 0, 0, 0);
}

/* Exits when the init exec'd; true when its answer is handed to main()
   (dirfd, locked, goes with it); false when main() must do it all. */
NO_CANARY static bool
start_plain (int dirfd, const char *id)
{
  struct early_state st;
  if (!read_state (dirfd, &st) || !st.uses_empty || !lock_exclusive (dirfd)
      || probe (dirfd, &st) != FAST_CREATED)
    return false;
  enum early_start_failure failed;
  int conn = early_send_start (dirfd, &failed);
  if (conn < 0)
    return false;   /* the init takes a connection without START for a probe and waits on */
  /* From now on the container counts as running. */
  raw_syscall (SYS_unlinkat, dirfd, (long) EXEC_SOCK_NAME, 0, 0, 0);
  /* EOF: the init exec'd (the socket is close-on-exec).  Anything else is
     main()'s to read and tell. */
  char byte;
  long n;
  while ((n = raw_syscall (SYS_recvfrom, conn, (long) &byte, 1, MSG_PEEK, 0)) == -EINTR)
    ;
  if (n == 0)
    exit_now (0);
  start_handover.id = id;
  start_handover.conn = conn;
  start_handover.dirfd = dirfd;
  start_handover.set = true;
  return true;
}

NO_CANARY static void
delete_plain (int rootfd, int dirfd, const char *id, bool force)
{
  struct early_state st;
  if (!read_state (dirfd, &st) || !st.uses_empty || !st.cgroup_empty || !lock_exclusive (dirfd))
    return;
  enum fast_status status = probe (dirfd, &st);
  if (status == FAST_OTHER || (status == FAST_RUNNING && !force))
    return;
  if (status != FAST_STOPPED
      && early_kill_and_wait (st.pid, st.pid_start_time, CASCO_KILL_WAIT_MS, NULL, NULL) != 0)
    return;   /* main() tries again and reports a process that will not die */
  /* A failure here has removed some files: main() then finds no state and,
     as for any create that died half-way, --force removes the rest and
     reports what stands in the way. */
  long r;
  if (early_unlink_all (dirfd) == 0
      && ((r = raw_syscall (SYS_unlinkat, rootfd, (long) id, AT_REMOVEDIR, 0, 0)) == 0 || r == -ENOENT))
    exit_now (0);
}

/* The command's own arguments: [-f|--force] (delete only), then the id. */
NO_CANARY static const char *
plain_id (int argc, char **argv, int i, bool is_delete, bool *force)
{
  *force = false;
  if (is_delete && i < argc
      && (early_same_string (argv[i], "-f") || early_same_string (argv[i], "--force")
          || early_same_string (argv[i], "-force")))
    {
      *force = true;
      i++;
    }
  if (i != argc - 1 || argv[i][0] == '-')
    return NULL;   /* options main() knows better, or the wrong count */
  return early_id_valid (argv[i]) ? argv[i] : NULL;
}

NO_CANARY void
lifecycle_early (int argc, char **argv)
{
  struct early_args a;
  if (!selfexe_early_parse (argc, argv, &a) || a.debug)
    return;
  const char *command = argv[a.command];
  bool is_start = early_same_string (command, "start");
  if (!is_start && !early_same_string (command, "delete"))
    return;
  /* the values main() refuses: let it say so */
  if ((a.log_format && !casco_log_format_valid (a.log_format))
      || (a.cgroup_manager && !casco_cgroup_manager_valid (a.cgroup_manager)))
    return;
  bool force;
  const char *id = plain_id (argc, argv, a.command + 1, !is_start, &force);
  const char *root = a.root ? a.root : CASCO_DEFAULT_ROOT;
  if (id == NULL || root[0] != '/')
    return;
  /* main() creates the log file whether or not it writes to it */
  if (a.log && !early_same_string (a.log, "/dev/stderr"))
    {
      int log = (int) raw_syscall (SYS_openat, AT_FDCWD, (long) a.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
                                 0640, 0);
      if (log < 0)
        return;
      early_close (log);
    }
  int rootfd = (int) raw_syscall (SYS_openat, AT_FDCWD, (long) root, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, 0);
  if (rootfd < 0)
    return;
  int dirfd = (int) raw_syscall (SYS_openat, rootfd, (long) id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW,
                                 0, 0);
  bool handed_over = false;
  if (dirfd >= 0 && is_start)
    handed_over = start_plain (dirfd, id);
  else if (dirfd >= 0)
    delete_plain (rootfd, dirfd, id, force);
  early_close (rootfd);
  if (!handed_over)
    early_close (dirfd);   /* and with it the lock */
}

bool
early_start_take_over (const char *id, int *conn, int *dirfd)
{
  if (!start_handover.set || !early_same_string (start_handover.id, id))
    return false;
  *conn = start_handover.conn;
  *dirfd = start_handover.dirfd;
  start_handover.set = false;
  return true;
}

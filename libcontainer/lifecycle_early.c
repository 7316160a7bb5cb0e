/* `casco start ID` and `casco delete [-f] ID` before the C library starts.

   Both are a handful of system calls on files casco wrote itself, yet a
   static glibc binary pays its whole start-up first: CPU feature probing
   with dozens of `cpuid`s (each a trap to the hypervisor on a virtual
   machine), self-relocation, TLS, malloc.  On the bench machine that is
   about 1.2 ms of a 4 ms command, twice per container.  casco_entry calls
   lifecycle_early first; in the plain cases it does the command with raw
   system calls and exits.

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
   main() (container_start_handed_over), which reads it as its own start
   would have.

   The order of steps and the checks are those of container_open,
   state_probe, start_locked and container_delete (container.c, state.c):
   change one, change the other.  The rules of early.h apply. */
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

#include "casco/container.h"
#include "casco/state.h"
#include "early.h"
#include "process.h"

/* ---- readers (pure; proc_start_time and the unit tests use them too) -------- */

NO_CANARY static const char *
skip_ws (const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r'))
    p++;
  return p;
}

/* p at a '"': just past the closing one, or NULL. */
NO_CANARY static const char *
skip_string (const char *p, const char *end)
{
  for (p++; p < end; p++)
    {
      if (*p == '"')
        return p + 1;
      if ((unsigned char) *p < 0x20)
        return NULL;   /* JSON has no raw control characters in strings */
      if (*p == '\\')
        p++;
    }
  return NULL;
}

NO_CANARY static bool
delimiter (const char *p, const char *end)
{
  return p == end || *p == ',' || *p == '}' || *p == ']' || *p == ' ' || *p == '\n' || *p == '\t'
         || *p == '\r';
}

/* Past one JSON value, or NULL when it does not hold together. */
NO_CANARY static const char *
skip_value (const char *p, const char *end)
{
  if (p >= end)
    return NULL;
  if (*p == '"')
    return skip_string (p, end);
  if (*p != '{' && *p != '[')
    {
      const char *start = p;
      while (!delimiter (p, end))
        p++;
      return p > start ? p : NULL;
    }
  char closers[64];   /* what each open bracket expects */
  int depth = 0;
  while (p < end)
    {
      if (*p == '"')
        {
          p = skip_string (p, end);
          if (p == NULL)
            return NULL;
          continue;
        }
      if (*p == '{' || *p == '[')
        {
          if (depth == (int) sizeof closers)
            return NULL;
          closers[depth++] = *p == '{' ? '}' : ']';
        }
      else if (*p == '}' || *p == ']')
        {
          if (closers[--depth] != *p)
            return NULL;
          if (depth == 0)
            return p + 1;
        }
      p++;
    }
  return NULL;
}

/* Decimal digits up to a delimiter: no sign, fraction or exponent. */
NO_CANARY static const char *
parse_digits (const char *p, const char *end, unsigned long long *out)
{
  unsigned long long v = 0;
  const char *start = p;
  while (p < end && *p >= '0' && *p <= '9' && p - start < 19)
    v = v * 10 + (unsigned long long) (*p++ - '0');
  if (p == start || !delimiter (p, end))
    return NULL;
  *out = v;
  return p;
}

NO_CANARY static bool
key_is (const char *key, long len, const char *name)
{
  long i = 0;
  while (i < len && name[i] && key[i] == name[i])
    i++;
  return i == len && name[i] == '\0';
}

NO_CANARY bool
lifecycle_early_parse_state (const char *text, long len, struct early_state *st)
{
  const char *p = text, *end = text + len;
  bool pid = false, start_time = false, cgroup = false, uses = false;
  p = skip_ws (p, end);
  if (p == end || *p != '{')
    return false;
  p = skip_ws (p + 1, end);
  while (p < end && *p == '"')
    {
      const char *key = p + 1;
      p = skip_string (p, end);
      if (p == NULL)
        return false;
      long key_len = (long) (p - 1 - key);
      p = skip_ws (p, end);
      if (p == end || *p != ':')
        return false;
      p = skip_ws (p + 1, end);
      unsigned long long v;
      if (key_is (key, key_len, "pid"))
        {
          /* a negative or zero pid is a state start and delete leave to main() */
          p = parse_digits (p, end, &v);
          st->pid = (long) v;
          pid = p != NULL && v > 0 && v < (1ULL << 31);
        }
      else if (key_is (key, key_len, "pidStartTime"))
        {
          p = parse_digits (p, end, &v);
          st->pid_start_time = v;
          start_time = true;
        }
      else if (key_is (key, key_len, "cgroupPath") && p < end && *p == '"')
        {
          const char *value = p;
          p = skip_string (p, end);
          st->cgroup_empty = p == value + 2;
          cgroup = true;
        }
      else if (key_is (key, key_len, "configUses") && p < end && *p == '[')
        {
          const char *q = skip_ws (p + 1, end);
          st->uses_empty = q < end && *q == ']';
          p = st->uses_empty ? q + 1 : skip_value (p, end);
          uses = true;
        }
      else
        p = skip_value (p, end);
      if (p == NULL)
        return false;
      p = skip_ws (p, end);
      if (p < end && *p == ',')
        p = skip_ws (p + 1, end);
      else if (p < end && *p == '}')
        return pid && start_time && cgroup && uses;
      else
        return false;
    }
  return false;
}

NO_CANARY unsigned long long
lifecycle_early_parse_stat (const char *text, long len)
{
  /* comm (field 2) may hold spaces and parens: read after the last ')'. */
  const char *end = text + len, *p = NULL;
  for (const char *q = text; q < end; q++)
    if (*q == ')')
      p = q;
  if (p == NULL || end - p < 4 || p[1] != ' ')
    return 0;
  char state = p[2];
  if (state == 'Z' || state == 'X')
    return 0;
  p += 3;
  /* fields 4 to 21, then starttime */
  for (int field = 4; field <= 22; field++)
    {
      if (p == end || *p != ' ')
        return 0;
      p++;
      if (field == 22)
        break;
      while (p < end && *p != ' ')
        p++;
    }
  unsigned long long start = 0;
  return parse_digits (p, end, &start) ? start : 0;
}

/* ---- the two commands -------------------------------------------------------- */

static struct
{
  bool set;
  int conn;
  int dirfd;
} start_handover;

#if defined(CASCO_EARLY_ENTRY) && defined(__x86_64__)

/* Writes the decimal n at to; returns the end.  Through a volatile
   pointer, so no call to a libc function can come of it. */
NO_CANARY static char *
put_number (char *to, unsigned long n)
{
  char digits[24];
  int k = 0;
  do
    digits[k++] = (char) ('0' + n % 10);
  while ((n /= 10) != 0);
  volatile char *t = to;
  while (k > 0)
    *t++ = digits[--k];
  return (char *) t;
}

NO_CANARY static unsigned long long
early_proc_start_time (long pid)
{
  char path[48], text[1024];
  early_put_string (put_number (early_put_string (path, "/proc/"), (unsigned long) pid), "/stat");
  int fd = (int) raw_syscall (SYS_open, (long) path, O_RDONLY | O_CLOEXEC, 0, 0, 0);
  if (fd < 0)
    return 0;
  long n = raw_syscall (SYS_read, fd, (long) text, sizeof text, 0, 0);
  early_close (fd);
  return n > 0 ? lifecycle_early_parse_stat (text, n) : 0;
}

NO_CANARY static bool
exists_at (int dirfd, const char *name)
{
  struct stat sb;
  return raw_syscall (SYS_newfstatat, dirfd, (long) name, (long) &sb, AT_SYMLINK_NOFOLLOW, 0) == 0;
}

enum early_status { EARLY_OTHER, EARLY_CREATED, EARLY_RUNNING, EARLY_STOPPED };

/* state_probe's answer, where the fast paths can act on it. */
NO_CANARY static enum early_status
probe (int dirfd, const struct early_state *st)
{
  unsigned long long start = early_proc_start_time (st->pid);
  if (start == 0 || start != st->pid_start_time)
    return EARLY_STOPPED;
  if (exists_at (dirfd, EXEC_SOCK_NAME))
    return EARLY_CREATED;
  if (exists_at (dirfd, EXEC_SOCK_CREATING_NAME))
    return EARLY_OTHER;   /* still being created */
  /* paused is told by the cgroup: with one, the caller already left */
  return st->cgroup_empty ? EARLY_RUNNING : EARLY_OTHER;
}

/* Read and parse DIRFD's state.json.  Read, not mapped: a file cut short
   under a mapping would end the process with SIGBUS instead of an error. */
NO_CANARY static bool
read_state (int dirfd, struct early_state *st)
{
  int fd = (int) raw_syscall (SYS_openat, dirfd, (long) STATE_FILE_NAME, O_RDONLY | O_CLOEXEC, 0, 0);
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

/* signal_start's first half: connect to the waiting init and tell it to go.
   The connection, or -1 with nothing sent. */
NO_CANARY static int
send_start (int dirfd)
{
  int conn = (int) raw_syscall (SYS_socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, 0, 0);
  if (conn < 0)
    return -1;
  /* through /proc/self/fd, as unix_connect: long --root paths fit */
  struct sockaddr_un addr;
  addr.sun_family = AF_UNIX;
  char *end = early_put_string (addr.sun_path, "/proc/self/fd/");
  end = early_put_string (put_number (end, (unsigned long) dirfd), "/" EXEC_SOCK_NAME);
  long addr_len = (long) (end + 1 - (char *) &addr);
  /* sync_send's SYNC_START: type, value, errno_ and an empty text */
  _Static_assert (offsetof (struct sync_msg, text) == 3 * sizeof (int), "sync_msg's header");
  int msg[4] = { SYNC_START, 0, 0, 0 };
  long r = raw_syscall (SYS_connect, conn, (long) &addr, addr_len, 0, 0);
  if (r == 0)
    while ((r = raw_syscall (SYS_sendto, conn, (long) msg, 3 * sizeof (int) + 1, MSG_NOSIGNAL, 0)) == -EINTR)
      ;
  if (r < 0)
    {
      /* the init takes a connection without START for a probe and waits on */
      early_close (conn);
      return -1;
    }
  return conn;
}

/* Exits when the init exec'd; true when its answer is handed to main()
   (dirfd, locked, goes with it); false when main() must do it all. */
NO_CANARY static bool
start_plain (int dirfd)
{
  struct early_state st;
  if (!read_state (dirfd, &st) || !st.uses_empty || !lock_exclusive (dirfd)
      || probe (dirfd, &st) != EARLY_CREATED)
    return false;
  int conn = send_start (dirfd);
  if (conn < 0)
    return false;
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
  start_handover.conn = conn;
  start_handover.dirfd = dirfd;
  start_handover.set = true;
  return true;
}

/* container.c's kill_and_wait: SIGKILL through a pidfd, then wait for the end. */
NO_CANARY static bool
kill_and_wait (const struct early_state *st)
{
  int pidfd = (int) raw_syscall (SYS_pidfd_open, st->pid, 0, 0, 0, 0);
  if (pidfd < 0)
    return pidfd == -ESRCH;   /* already gone */
  /* checked after opening: the pidfd pins the process against pid reuse */
  bool ok = true;
  if (early_proc_start_time (st->pid) == st->pid_start_time)
    {
      raw_syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, 0, 0, 0);
      struct pollfd p;
      p.fd = pidfd;
      p.events = POLLIN;
      p.revents = 0;
      long n;
      while ((n = raw_syscall (SYS_poll, (long) &p, 1, CASCO_KILL_WAIT_MS, 0, 0)) == -EINTR)
        ;
      ok = n > 0;   /* main() tries again and reports a process that will not die */
    }
  early_close (pidfd);
  return ok;
}

/* state_dir_remove: every file, then the directory. */
NO_CANARY static bool
remove_state_dir (int rootfd, int dirfd, const char *id)
{
  struct dirent64_head   /* the kernel's struct linux_dirent64 */
  {
    uint64_t ino;
    int64_t off;
    unsigned short reclen;
    unsigned char type;
    char name[];
  };
  _Alignas (8) char buf[2048];
  long n;
  while ((n = raw_syscall (SYS_getdents64, dirfd, (long) buf, sizeof buf, 0, 0)) > 0)
    for (long off = 0; off < n;)
      {
        const struct dirent64_head *d = (const struct dirent64_head *) (buf + off);
        if (!early_same_string (d->name, ".") && !early_same_string (d->name, ".."))
          raw_syscall (SYS_unlinkat, dirfd, (long) d->name, 0, 0, 0);
        off += d->reclen;
      }
  if (n < 0)
    return false;
  long r = raw_syscall (SYS_unlinkat, rootfd, (long) id, AT_REMOVEDIR, 0, 0);
  return r == 0 || r == -ENOENT;
}

NO_CANARY static void
delete_plain (int rootfd, int dirfd, const char *id, bool force)
{
  struct early_state st;
  if (!read_state (dirfd, &st) || !st.uses_empty || !st.cgroup_empty || !lock_exclusive (dirfd))
    return;
  enum early_status status = probe (dirfd, &st);
  if (status == EARLY_OTHER || (status == EARLY_RUNNING && !force))
    return;
  if (status != EARLY_STOPPED && !kill_and_wait (&st))
    return;
  /* A failure here has removed some files: main() then finds no state and,
     as for any create that died half-way, --force removes the rest and
     reports what stands in the way. */
  if (remove_state_dir (rootfd, dirfd, id))
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
  if ((a.log_format && !early_same_string (a.log_format, "text") && !early_same_string (a.log_format, "json"))
      || (a.cgroup_manager && !early_same_string (a.cgroup_manager, "cgroupfs")
          && !early_same_string (a.cgroup_manager, "disabled")))
    return;
  bool force;
  const char *id = plain_id (argc, argv, a.command + 1, !is_start, &force);
  const char *root = a.root ? a.root : CASCO_DEFAULT_ROOT;
  if (id == NULL || root[0] != '/')
    return;
  /* main() creates the log file whether or not it writes to it */
  if (a.log && !early_same_string (a.log, "/dev/stderr"))
    {
      int log = (int) raw_syscall (SYS_open, (long) a.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640, 0, 0);
      if (log < 0)
        return;
      early_close (log);
    }
  int rootfd = (int) raw_syscall (SYS_open, (long) root, O_PATH | O_DIRECTORY | O_CLOEXEC, 0, 0, 0);
  if (rootfd < 0)
    return;
  int dirfd = (int) raw_syscall (SYS_openat, rootfd, (long) id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW,
                                 0, 0);
  bool handed_over = false;
  if (dirfd >= 0 && is_start)
    handed_over = start_plain (dirfd);
  else if (dirfd >= 0)
    delete_plain (rootfd, dirfd, id, force);
  early_close (rootfd);
  if (!handed_over)
    early_close (dirfd);   /* and with it the lock */
}

#else

void
lifecycle_early (int argc, char **argv)
{
  (void) argc, (void) argv;
}

#endif

bool
container_start_handed_over (int *conn, int *dirfd)
{
  if (!start_handover.set)
    return false;
  *conn = start_handover.conn;
  *dirfd = start_handover.dirfd;
  start_handover.set = false;
  return true;
}

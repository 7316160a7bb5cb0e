/* The steps of start and delete on a container's state, in system calls
   only: reading the fields of state.json they act on and the init's start
   time, telling whether the init lives (probe), killing it and waiting
   for its end, telling a waiting init to start, and emptying the state
   directory.  The one implementation:
   casco_entry's start and delete call them before libc starts
   (lifecycle.c), state.c and container.c after.  The rules of early.h
   apply. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#include "casco/state.h"
#include "early.h"
#include "../process.h"

/* ---- readers (pure: the unit tests call them on text) ----------------------- */

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

/* ---- the steps --------------------------------------------------------------- */

NO_CANARY unsigned long long
early_proc_start_time (long pid)
{
  char path[48], text[1024];
  early_put_string (early_put_number (early_put_string (path, "/proc/"), (unsigned long) pid), "/stat");
  int fd = (int) raw_syscall (SYS_openat, AT_FDCWD, (long) path, O_RDONLY | O_CLOEXEC, 0, 0);
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

NO_CANARY enum early_liveness
early_probe (int dirfd, long pid, unsigned long long pid_start_time)
{
  unsigned long long start = early_proc_start_time (pid);
  if (start == 0 || start != pid_start_time)
    return EARLY_GONE;
  if (exists_at (dirfd, EXEC_SOCK_NAME))
    return EARLY_CREATED;
  /* create saved the pid and the init is still setting itself up */
  if (exists_at (dirfd, EXEC_SOCK_CREATING_NAME))
    return EARLY_CREATING;
  return EARLY_LIVE;
}

NO_CANARY int
early_kill_and_wait (long pid, unsigned long long pid_start_time, int timeout_ms,
                     void (*before_kill) (void *), void *data)
{
  int pidfd = (int) raw_syscall (SYS_pidfd_open, pid, 0, 0, 0, 0);
  if (pidfd < 0)
    return pidfd == -ESRCH ? 0 : pidfd;   /* ESRCH: already gone */
  /* checked after opening: the pidfd pins the process against pid reuse */
  int rc = 0;
  if (early_proc_start_time (pid) == pid_start_time)
    {
      if (before_kill)
        before_kill (data);
      raw_syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, 0, 0, 0);
      struct pollfd p;
      p.fd = pidfd;
      p.events = POLLIN;
      p.revents = 0;
      struct timespec ts;
      ts.tv_sec = timeout_ms / 1000;
      ts.tv_nsec = (long) (timeout_ms % 1000) * 1000000L;
      long n;
      /* ppoll, not poll: the one every architecture has */
      while ((n = raw_syscall (SYS_ppoll, (long) &p, 1, (long) &ts, 0, 0)) == -EINTR)
        ;
      rc = n == 0 ? -ETIMEDOUT : n < 0 ? (int) n : 0;
    }
  early_close (pidfd);
  return rc;
}

NO_CANARY int
early_unlink_all (int dirfd)
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
  return n < 0 ? (int) n : 0;
}

NO_CANARY int
early_send_start (int dirfd, enum early_start_failure *failed)
{
  *failed = EARLY_START_SOCKET;
  int conn = (int) raw_syscall (SYS_socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, 0, 0);
  if (conn < 0)
    return conn;
  /* through /proc/self/fd: long --root paths fit */
  struct sockaddr_un addr;
  addr.sun_family = AF_UNIX;
  char *end = early_put_string (addr.sun_path, "/proc/self/fd/");
  end = early_put_string (early_put_number (end, (unsigned long) dirfd), "/" EXEC_SOCK_NAME);
  long addr_len = (long) (end + 1 - (char *) &addr);
  /* sync_send's SYNC_START: type, value, errno_ and an empty text */
  _Static_assert (offsetof (struct sync_msg, text) == 3 * sizeof (int), "sync_msg's header");
  int msg[4] = { SYNC_START, 0, 0, 0 };
  long r = raw_syscall (SYS_connect, conn, (long) &addr, addr_len, 0, 0);
  if (r < 0)
    *failed = EARLY_START_CONNECT;
  else
    {
      *failed = EARLY_START_SEND;
      while ((r = raw_syscall (SYS_sendto, conn, (long) msg, 3 * sizeof (int) + 1, MSG_NOSIGNAL, 0)) == -EINTR)
        ;
    }
  if (r < 0)
    {
      early_close (conn);
      return (int) r;
    }
  return conn;
}

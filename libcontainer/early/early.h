/* The pre-libc layer's interface (README.md beside it): the system-call
   seam, the string helpers, and the steps of start and delete that both
   casco_entry and, after libc's start, state.c and container.c call.

   Rules for code in this folder, because casco_entry runs it before the
   binary is relocated and before TLS exists: no libc calls, no global data
   holding pointers at start (not relocated yet), no stack protector (its
   canary lives in TLS), no sanitizer, nothing the compiler could turn into
   a memset/memcpy call. */
#ifndef CASCO_EARLY_H
#define CASCO_EARLY_H

#include <stdbool.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__has_attribute) && __has_attribute(no_stack_protector)
#define NO_CANARY __attribute__ ((no_stack_protector))
#else
#define NO_CANARY
#endif

/* A system call that touches neither errno nor anything else of libc's:
   returns -errno on failure.  Raw where casco_entry calls it before libc
   exists; in every other build (sanitizers, valgrind, dynamic, not x86-64)
   nothing runs before main() and libc's syscall() does it, so that these
   functions are compiled, tested and checked there too. */
#if defined(CASCO_EARLY_ENTRY) && defined(__x86_64__)
NO_CANARY static inline long
raw_syscall6 (long nr, long a, long b, long c, long d, long e, long f)
{
  long ret;
  register long r10 __asm__ ("r10") = d;
  register long r8 __asm__ ("r8") = e;
  register long r9 __asm__ ("r9") = f;
  __asm__ volatile ("syscall"
                    : "=a"(ret)
                    : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                    : "rcx", "r11", "memory");
  return ret;
}
#else
#include <errno.h>
static inline long
raw_syscall6 (long nr, long a, long b, long c, long d, long e, long f)
{
  long ret = syscall (nr, a, b, c, d, e, f);
  return ret < 0 ? -errno : ret;
}
#endif

NO_CANARY static inline long
raw_syscall (long nr, long a, long b, long c, long d, long e)
{
  return raw_syscall6 (nr, a, b, c, d, e, 0);
}

NO_CANARY static inline bool
early_same_string (const char *a, const char *b)
{
  while (*a && *a == *b)
    a++, b++;
  return *a == *b;
}

/* Closes fd unless it is negative. */
NO_CANARY static inline void
early_close (int fd)
{
  if (fd >= 0)
    raw_syscall (SYS_close, fd, 0, 0, 0, 0);
}

/* Copies the string from to to, with its NUL; returns where that NUL went.
   A byte at a time through a volatile pointer: the compiler must not make
   this a call to memcpy, which does not work before libc's start. */
NO_CANARY static inline char *
early_put_string (char *to, const char *from)
{
  volatile char *t = to;
  while ((*t = *from++) != '\0')
    t++;
  return (char *) t;
}

/* Writes the decimal n at to; returns the end.  Through a volatile
   pointer, so no call to a libc function can come of it. */
NO_CANARY static inline char *
early_put_number (char *to, unsigned long n)
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

/* runc's container id rule, ^[\w+-.]+$ and not "." or "..", at most 1024
   bytes: ids stay usable as file names and out of path tricks.  One copy
   for state_id_valid and casco_entry. */
NO_CANARY static inline bool
early_id_valid (const char *id)
{
  if (id[0] == '\0' || early_same_string (id, ".") || early_same_string (id, ".."))
    return false;
  long n = 0;
  for (const char *p = id; *p; p++, n++)
    {
      char c = *p;
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
            || c == '+' || c == '-' || c == '.'))
        return false;
    }
  return n <= 1024;
}

/* ---- options.c: main()'s global options (include/casco/options.h) ---------- */

/* main()'s global options as casco_entry reads them.  Values point into argv. */
struct early_args
{
  int command;                  /* argv index of the command word */
  const char *root;             /* --root, or NULL */
  const char *log;              /* --log, or NULL */
  const char *log_format;       /* --log-format, or NULL */
  const char *cgroup_manager;   /* --cgroup-manager, or NULL */
  bool debug;                   /* --debug */
};

/* Fill *a from argv; false when unsure (an option it does not know or
   abbreviated, -h, -v, no command): then main() decides everything. */
bool selfexe_early_parse (int argc, char **argv, struct early_args *a);
/* The command word, or NULL when selfexe_early_parse is unsure. */
const char *selfexe_early_command (int argc, char **argv);

/* ---- state_steps.c: the steps start and delete take on a container ---------- */

/* The fields of a state.json (as state_write writes it) that casco_entry's
   start and delete act on: false unless every one was found and understood. */
struct early_state
{
  long pid;
  unsigned long long pid_start_time;
  bool cgroup_empty;   /* "cgroupPath": "" */
  bool uses_empty;     /* "configUses": [] */
};
bool lifecycle_early_parse_state (const char *text, long len, struct early_state *st);
/* Field 22 (starttime) of a /proc/PID/stat line, or 0 for a zombie, a
   dead process, or a line it cannot read. */
unsigned long long lifecycle_early_parse_stat (const char *text, long len);
/* The same read from /proc/PID/stat (proc_start_time). */
unsigned long long early_proc_start_time (long pid);

/* What the state directory and /proc say of an init (state_probe's core). */
enum early_liveness
{
  EARLY_GONE,       /* dead, a zombie, or its pid reused */
  EARLY_CREATED,    /* alive and waiting for start (exec.sock) */
  EARLY_CREATING,   /* alive and still setting itself up */
  EARLY_LIVE,       /* alive and started: running, or paused (the cgroup tells) */
};
enum early_liveness early_probe (int dirfd, long pid, unsigned long long pid_start_time);

/* SIGKILL the init through a pidfd and wait up to timeout_ms for its end;
   before_kill (may be NULL) runs once the pidfd pins the right process,
   just before the signal.  0 when it ended or was already gone, -ETIMEDOUT
   when it did not end, or another -errno (pidfd_open's, ppoll's) when it
   cannot tell. */
int early_kill_and_wait (long pid, unsigned long long pid_start_time, int timeout_ms,
                         void (*before_kill) (void *), void *data);

/* Connect to the init waiting on DIRFD's exec.sock and send it SYNC_START:
   the connection (its answer unread), or -errno with *failed saying which
   call failed (nothing was sent). */
enum early_start_failure { EARLY_START_SOCKET, EARLY_START_CONNECT, EARLY_START_SEND };
int early_send_start (int dirfd, enum early_start_failure *failed);

/* Unlink every entry of a state directory (it holds only files casco wrote:
   no recursion); 0 or getdents' -errno. */
int early_unlink_all (int dirfd);

/* ---- lifecycle.c: start and delete before libc ------------------------------- */

/* casco start ID and casco delete [-f] ID in their plain cases, before the
   C library: exits the process when done, returns when main() must do the
   command. */
void lifecycle_early (int argc, char **argv);

/* A start that casco_entry began for id and left for main() to finish: the
   connection to the init (whose answer is unread) and the locked state
   directory, both main()'s to close.  False when there is none (once true,
   false ever after). */
bool early_start_take_over (const char *id, int *conn, int *dirfd);

#endif

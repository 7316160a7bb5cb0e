/* What code that runs before the C library starts may use (casco_entry:
   selfexe_early.c, lifecycle_early.c).  Rules for such code: no libc
   calls, no global data holding pointers (not relocated yet), no stack
   protector (its canary lives in TLS, which does not exist yet), no
   sanitizer, nothing the compiler could turn into a memset/memcpy call. */
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
   returns -errno on failure.  Raw on x86-64, where casco_entry calls it
   before libc exists; elsewhere only main()'s path gets here, after libc's
   start, and libc's syscall() does. */
#ifdef __x86_64__
NO_CANARY static inline long
raw_syscall (long nr, long a, long b, long c, long d, long e)
{
  long ret;
  register long r10 __asm__ ("r10") = d;
  register long r8 __asm__ ("r8") = e;
  __asm__ volatile ("syscall"
                    : "=a"(ret)
                    : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                    : "rcx", "r11", "memory");
  return ret;
}

/* The same with a sixth argument (mmap's offset). */
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
raw_syscall (long nr, long a, long b, long c, long d, long e)
{
  long ret = syscall (nr, a, b, c, d, e);
  return ret < 0 ? -errno : ret;
}
#endif

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

/* main()'s global options as casco_entry reads them (selfexe_early_parse).
   Values point into argv. */
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

/* casco start ID and casco delete [-f] ID in their plain cases, without
   the C library: exits the process when done, returns when main() must
   do the command (lifecycle_early.c). */
void lifecycle_early (int argc, char **argv);

/* lifecycle_early.c's readers, also used by proc_start_time (state.c) and
   the unit tests.  A state.json
   as state_write writes it: false unless every field below was found and
   understood. */
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

#endif

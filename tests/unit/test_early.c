/* Unit tests for libcontainer/early/: the steps of start and delete that
   casco_entry and main()'s start and delete share (state_steps.c), and the
   global-option list both parse by (options.c).  They run in every build,
   the sanitizer one included, where raw_syscall is libc's syscall(2). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "global_options.h"
#include "casco/state.h"
#include "early.h"
#include "unit.h"

static int
make_dir (char *tmpl)
{
  if (mkdtemp (tmpl) == NULL)
    return -1;
  return open (tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void
touch (int dirfd, const char *name)
{
  int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0)
    close (fd);
}

/* A child that waits to be killed. */
static pid_t
sleeper (void)
{
  pid_t pid = fork ();
  if (pid == 0)
    {
      for (;;)
        pause ();
    }
  return pid;
}

static void
proc_start_time_of_self_and_of_the_dead (void)
{
  unsigned long long me = early_proc_start_time (getpid ());
  CHECK (me != 0);
  CHECK (me == proc_start_time (getpid ()));
  pid_t pid = fork ();
  if (pid == 0)
    _exit (0);
  waitpid (pid, NULL, 0);
  CHECK (early_proc_start_time (pid) == 0);
}

/* state_probe's core: gone, created (exec.sock), creating, live. */
static void
probe_reads_the_directory_and_proc (void)
{
  char tmpl[] = "/tmp/casco-unit-early-XXXXXX";
  int dirfd = make_dir (tmpl);
  CHECK (dirfd >= 0);
  if (dirfd < 0)
    return;
  unsigned long long start = early_proc_start_time (getpid ());
  CHECK (early_probe (dirfd, getpid (), start) == EARLY_LIVE);
  CHECK (early_probe (dirfd, getpid (), start + 1) == EARLY_GONE);   /* pid reused */
  touch (dirfd, EXEC_SOCK_CREATING_NAME);
  CHECK (early_probe (dirfd, getpid (), start) == EARLY_CREATING);
  touch (dirfd, EXEC_SOCK_NAME);
  CHECK (early_probe (dirfd, getpid (), start) == EARLY_CREATED);
  CHECK (early_unlink_all (dirfd) == 0);
  CHECK (rmdir (tmpl) == 0);   /* empty: every file went */
  close (dirfd);
}

static void
hook (void *data)
{
  ++*(int *) data;
}

static void
kill_and_wait_ends_the_init_or_finds_it_gone (void)
{
  pid_t pid = sleeper ();
  CHECK (pid > 0);
  if (pid <= 0)
    return;
  unsigned long long start = early_proc_start_time (pid);
  /* a reused pid is left alone */
  CHECK (early_kill_and_wait (pid, start + 1, 1000, NULL, NULL) == 0);
  CHECK (kill (pid, 0) == 0);
  int hooked = 0;
  CHECK (early_kill_and_wait (pid, start, 10000, hook, &hooked) == 0);
  CHECK (hooked == 1);
  int status = 0;
  CHECK (waitpid (pid, &status, 0) == pid);
  CHECK (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);
  /* reaped: gone */
  CHECK (early_kill_and_wait (pid, start, 1000, hook, &hooked) == 0);
  CHECK (hooked == 1);
}

static void
unlink_all_empties_a_directory_of_many_files (void)
{
  char tmpl[] = "/tmp/casco-unit-early-XXXXXX";
  int dirfd = make_dir (tmpl);
  CHECK (dirfd >= 0);
  if (dirfd < 0)
    return;
  /* more than one getdents64 buffer of names */
  for (int i = 0; i < 200; i++)
    {
      char name[64];
      snprintf (name, sizeof name, "file-with-a-longish-name-%03d", i);
      touch (dirfd, name);
    }
  CHECK (early_unlink_all (dirfd) == 0);
  CHECK (rmdir (tmpl) == 0);
  close (dirfd);
  CHECK (early_unlink_all (-1) == -EBADF);
}

/* main()'s getopt table and the early parser read one list. */
static void
global_option_list_and_values (void)
{
  int n = 0;
#define COUNT(name, id, takes_value) n++;
  CASCO_GLOBAL_OPTIONS (COUNT)
#undef COUNT
  CHECK (n == 9);
#define PARSES(name, id, takes_value)                                                    \
  {                                                                                      \
    char *argv[] = { (char *) "casco", (char *) "--" name, (char *) "v", (char *) "start", NULL }; \
    struct early_args a;                                                                 \
    CHECK (selfexe_early_parse (4, argv, &a));                                           \
    CHECK (a.command == (takes_value ? 3 : 2));                                          \
  }
  CASCO_GLOBAL_OPTIONS (PARSES)
#undef PARSES
  CHECK (casco_log_format_valid ("text") && casco_log_format_valid ("json"));
  CHECK (!casco_log_format_valid ("JSON") && !casco_log_format_valid (""));
  CHECK (casco_cgroup_manager_valid ("cgroupfs") && casco_cgroup_manager_valid ("disabled"));
  CHECK (!casco_cgroup_manager_valid ("systemd"));
}

int
main (void)
{
  RUN (proc_start_time_of_self_and_of_the_dead);
  RUN (probe_reads_the_directory_and_proc);
  RUN (kill_and_wait_ends_the_init_or_finds_it_gone);
  RUN (unlink_all_empties_a_directory_of_many_files);
  RUN (global_option_list_and_values);
  return UNIT_DONE ();
}

/* bench/skeleton.c — the least a runtime with runc's command-line contract
   can do, for bench/run to measure beside casco and the floor.

   The contract makes a lifecycle three processes of the runtime (create,
   start, delete) plus an init that outlives create and waits for start.
   This skeleton does exactly that and nothing else: no config, no state
   file beyond a pid, no mounts, no capabilities, no seccomp, no sealed
   copy of itself.

     skeleton create DIR   clone an init into new mount, uts, ipc, pid and
                           net namespaces (the floor's five); it waits on
                           DIR/fifo, then execs /bin/true.  Writes DIR/pid.
     skeleton start DIR    open DIR/fifo and read until EOF: the init's end
                           is close-on-exec, so start returns once the init
                           has exec'd (as runc's start does with its
                           exec.fifo).
     skeleton delete DIR   SIGKILL the init through a pidfd, wait until it
                           is gone, remove DIR/pid and DIR/fifo.

   Exit status 0 on success, 1 on failure (with a message), 2 on usage. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int
fail (const char *what)
{
  fprintf (stderr, "skeleton: %s: %s\n", what, strerror (errno));
  return 1;
}

static int
create (const char *fifo, const char *pidfile)
{
  if (mkfifo (fifo, 0600) < 0)
    return fail ("mkfifo");
  struct clone_args args = {
    .flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET,
    .exit_signal = SIGCHLD,
  };
  long pid = syscall (SYS_clone3, &args, sizeof args);
  if (pid < 0)
    return fail ("clone3");
  if (pid == 0)
    {
      /* The init: blocks in open() until start opens the other end. */
      int fd = open (fifo, O_WRONLY | O_CLOEXEC);
      if (fd < 0 || write (fd, "0", 1) != 1)
        _exit (1);
      execl ("/bin/true", "true", (char *) NULL);
      _exit (127);
    }
  FILE *f = fopen (pidfile, "we");
  if (f == NULL || fprintf (f, "%ld\n", pid) < 0 || fclose (f) != 0)
    return fail ("write pid file");
  return 0;
}

static int
start (const char *fifo)
{
  int fd = open (fifo, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return fail ("open the fifo");
  char buf[8];
  ssize_t n, total = 0;
  while ((n = read (fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    total += n > 0 ? n : 0;
  close (fd);
  if (n < 0 || total != 1)
    return fail ("the init did not take the start");
  return 0;
}

static int
delete (const char *fifo, const char *pidfile)
{
  FILE *f = fopen (pidfile, "re");
  int pid = 0;
  if (f == NULL || fscanf (f, "%d", &pid) != 1 || pid <= 0)
    return fail ("read pid file");
  fclose (f);
  int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd >= 0)   /* else it is gone already */
    {
      syscall (SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
      struct pollfd p = { .fd = pidfd, .events = POLLIN };
      while (poll (&p, 1, -1) < 0 && errno == EINTR)
        ;
      close (pidfd);
    }
  if (unlink (pidfile) < 0 || unlink (fifo) < 0)
    return fail ("remove pid file and fifo");
  return 0;
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: skeleton create|start|delete DIR\n");
      return 2;
    }
  char fifo[4096], pidfile[4096];
  snprintf (fifo, sizeof fifo, "%s/fifo", argv[2]);
  snprintf (pidfile, sizeof pidfile, "%s/pid", argv[2]);
  if (strcmp (argv[1], "create") == 0)
    return create (fifo, pidfile);
  if (strcmp (argv[1], "start") == 0)
    return start (fifo);
  if (strcmp (argv[1], "delete") == 0)
    return delete (fifo, pidfile);
  fprintf (stderr, "usage: skeleton create|start|delete DIR\n");
  return 2;
}

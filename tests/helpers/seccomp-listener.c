/* seccomp-listener — the receiving end of linux.seccomp.listenerPath, for tests.

   usage: seccomp-listener [-t SECONDS] [-a] SOCKET JSONFILE

   Listens on the unix socket SOCKET, accepts one connection and receives
   what the runtime sends to a seccomp agent: the notify fd (SCM_RIGHTS)
   and the container process state as JSON.  Writes the JSON to JSONFILE
   and prints on stdout

     fd: <target of /proc/self/fd/N for the received fd>

   With -a it then answers every notification (SECCOMP_IOCTL_NOTIF_RECV /
   SECCOMP_IOCTL_NOTIF_SEND) with success, return value 0, without running
   the syscall, printing "notify: syscall <nr>" for each, until no process
   uses the filter any more (the fd reports POLLHUP).

   The socket is bound under a temporary name and renamed into place once it
   listens, so `test -S SOCKET` means a connect() will succeed.

   Exit: 0 on success, 1 on error, 124 on timeout. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int timeout_ms = 10000;
static struct timespec deadline;

static void
die (const char *what)
{
  fprintf (stderr, "seccomp-listener: %s: %s\n", what, strerror (errno));
  exit (1);
}

static int
remaining_ms (void)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  long ms = (deadline.tv_sec - now.tv_sec) * 1000 + (deadline.tv_nsec - now.tv_nsec) / 1000000;
  return ms < 0 ? 0 : (int) ms;
}

/* Wait for events on fd; returns revents, exits 124 at the deadline. */
static short
wait_for (int fd, short events)
{
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = events };
      int r = poll (&p, 1, remaining_ms ());
      if (r > 0)
        return p.revents;
      if (r == 0)
        {
          fflush (stdout);
          fprintf (stderr, "seccomp-listener: timed out\n");
          exit (124);
        }
      if (errno != EINTR)
        die ("poll");
    }
}

/* The first message carries the fd; the JSON may span more reads: read
   until the runtime closes the connection. */
static int
receive (int conn, char *json, size_t size)
{
  union { char buf[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } control;
  struct iovec iov = { .iov_base = json, .iov_len = size - 1 };
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf,
  };
  wait_for (conn, POLLIN);
  ssize_t r = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  if (r < 0)
    die ("recvmsg");
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
    {
      fprintf (stderr, "seccomp-listener: message carried no SCM_RIGHTS fd\n");
      exit (1);
    }
  int fd;
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  size_t used = (size_t) r;
  while (r > 0 && used < size - 1)
    {
      wait_for (conn, POLLIN);
      r = read (conn, json + used, size - 1 - used);
      if (r < 0 && errno != EINTR)
        die ("read state");
      if (r > 0)
        used += (size_t) r;
    }
  json[used] = '\0';
  return fd;
}

/* Answer each notification with success until the filter has no users. */
static void
answer (int notify_fd)
{
  struct seccomp_notif_sizes sizes;
  if (syscall (SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) < 0)
    die ("SECCOMP_GET_NOTIF_SIZES");
  struct seccomp_notif *req = calloc (1, sizes.seccomp_notif > sizeof *req ? sizes.seccomp_notif : sizeof *req);
  struct seccomp_notif_resp *resp
      = calloc (1, sizes.seccomp_notif_resp > sizeof *resp ? sizes.seccomp_notif_resp : sizeof *resp);
  if (req == NULL || resp == NULL)
    die ("calloc");
  for (;;)
    {
      short ev = wait_for (notify_fd, POLLIN);
      if (!(ev & POLLIN) && (ev & (POLLHUP | POLLERR)))
        return;
      memset (req, 0, sizes.seccomp_notif);
      if (ioctl (notify_fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
        {
          if (errno == EINTR || errno == ENOENT)
            continue;
          die ("SECCOMP_IOCTL_NOTIF_RECV");
        }
      memset (resp, 0, sizes.seccomp_notif_resp);
      resp->id = req->id;
      resp->error = 0;
      resp->val = 0;
      /* ENOENT: the caller died (or was interrupted) meanwhile. */
      if (ioctl (notify_fd, SECCOMP_IOCTL_NOTIF_SEND, resp) < 0 && errno != ENOENT)
        die ("SECCOMP_IOCTL_NOTIF_SEND");
      printf ("notify: syscall %d\n", req->data.nr);
      fflush (stdout);
    }
}

static void
usage (void)
{
  fprintf (stderr, "usage: seccomp-listener [-t SECONDS] [-a] SOCKET JSONFILE\n");
  exit (1);
}

int
main (int argc, char **argv)
{
  int opt, answer_notifications = 0;
  while ((opt = getopt (argc, argv, "t:a")) != -1)
    switch (opt)
      {
      case 't': timeout_ms = atoi (optarg) * 1000; break;
      case 'a': answer_notifications = 1; break;
      default: usage ();
      }
  if (optind != argc - 2)
    usage ();
  const char *path = argv[optind], *json_path = argv[optind + 1];
  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_ms / 1000;

  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char tmp[sizeof addr.sun_path];
  if (snprintf (tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp)
    {
      fprintf (stderr, "seccomp-listener: socket path too long\n");
      return 1;
    }
  strcpy (addr.sun_path, tmp);
  unlink (tmp);
  int srv = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (srv < 0)
    die ("socket");
  if (bind (srv, (struct sockaddr *) &addr, sizeof addr) < 0)
    die ("bind");
  if (listen (srv, 1) < 0)
    die ("listen");
  if (rename (tmp, path) < 0)
    die ("rename");

  wait_for (srv, POLLIN);
  int conn = accept4 (srv, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    die ("accept");
  static char json[65536];
  int notify_fd = receive (conn, json, sizeof json);
  close (conn);
  close (srv);
  unlink (path);

  FILE *f = fopen (json_path, "we");
  if (f == NULL || fputs (json, f) < 0 || fclose (f) != 0)
    die (json_path);

  char link[64], target[256];
  snprintf (link, sizeof link, "/proc/self/fd/%d", notify_fd);
  ssize_t n = readlink (link, target, sizeof target - 1);
  if (n < 0)
    die ("readlink received fd");
  target[n] = '\0';
  printf ("fd: %s\n", target);
  fflush (stdout);

  if (answer_notifications)
    answer (notify_fd);
  return 0;
}

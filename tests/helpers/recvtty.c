/* recvtty — the receiving end of `--console-socket`, for tests.

   usage: recvtty [-t SECONDS] [-w READY] [-i INPUT] [-n] SOCKET

   Listens on the unix socket SOCKET, accepts one connection, receives the
   pty master sent with SCM_RIGHTS (as runc and casco do), writes INPUT to it
   (backslash escapes \n \r \t \\ \004 style are decoded), then copies
   everything the container writes to stdout until the slave side is closed
   (read gives EIO) or the timeout expires.

   -w    before writing INPUT, wait until the output contains READY.
   -n    report the received fd first: a line "fd: <name> (tty)".

   The socket is bound under a temporary name and renamed into place once it
   listens, so `test -S SOCKET` means a connect() will succeed.

   Exit: 0 on success, 1 on error, 124 on timeout. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static int timeout_ms = 10000;
static struct timespec deadline;
static char seen[65536];
static size_t seen_len;

static void
die (const char *what)
{
  fprintf (stderr, "recvtty: %s: %s\n", what, strerror (errno));
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

/* Wait until fd is readable; exit 124 when the deadline passes first. */
static void
wait_readable (int fd)
{
  for (;;)
    {
      struct pollfd p = { .fd = fd, .events = POLLIN };
      int r = poll (&p, 1, remaining_ms ());
      if (r > 0)
        return;
      if (r == 0)
        {
          fflush (stdout);
          fprintf (stderr, "recvtty: timed out\n");
          exit (124);
        }
      if (errno != EINTR)
        die ("poll");
    }
}

static size_t
decode_escapes (const char *in, char *out)
{
  size_t n = 0;
  for (const char *p = in; *p; p++)
    {
      if (*p != '\\' || p[1] == '\0')
        {
          out[n++] = *p;
          continue;
        }
      p++;
      switch (*p)
        {
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case '0':
          {
            int v = 0, i;
            for (i = 0; i < 3 && p[1] >= '0' && p[1] <= '7'; i++)
              v = v * 8 + (*++p - '0');
            out[n++] = (char) v;
            break;
          }
        default: out[n++] = *p; break;
        }
    }
  return n;
}

static int
receive_fd (int conn, char *name, size_t name_len)
{
  char cbuf[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = name, .iov_len = name_len - 1 };
  struct msghdr msg = {
    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf,
  };
  wait_readable (conn);
  ssize_t r = recvmsg (conn, &msg, MSG_CMSG_CLOEXEC);
  if (r < 0)
    die ("recvmsg");
  name[r] = '\0';
  struct cmsghdr *c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
    {
      fprintf (stderr, "recvtty: message carried no SCM_RIGHTS fd\n");
      exit (1);
    }
  int fd;
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  return fd;
}

/* Copy the pty's output to stdout until `until` has been seen (when not
   NULL) or the last slave fd is closed: then read() fails with EIO. */
static void
copy_output (int master, const char *until)
{
  char buf[4096];
  for (;;)
    {
      if (until != NULL && memmem (seen, seen_len, until, strlen (until)) != NULL)
        return;
      wait_readable (master);
      ssize_t r = read (master, buf, sizeof buf);
      if (r == 0 || (r < 0 && errno == EIO))
        {
          if (until != NULL)
            {
              fprintf (stderr, "recvtty: pty closed before \"%s\" was seen\n", until);
              exit (1);
            }
          return;
        }
      if (r < 0)
        {
          if (errno == EINTR || errno == EAGAIN)
            continue;
          die ("read from pty");
        }
      if (fwrite (buf, 1, (size_t) r, stdout) != (size_t) r)
        die ("write to stdout");
      fflush (stdout);
      size_t keep = (size_t) r;
      if (seen_len + keep > sizeof seen)
        seen_len = 0; /* only a marker split across a reset can be missed */
      if (keep <= sizeof seen)
        {
          memcpy (seen + seen_len, buf, keep);
          seen_len += keep;
        }
    }
}

int
main (int argc, char **argv)
{
  const char *input = NULL, *ready = NULL;
  int report_fd = 0, opt;
  while ((opt = getopt (argc, argv, "t:i:w:n")) != -1)
    switch (opt)
      {
      case 't': timeout_ms = atoi (optarg) * 1000; break;
      case 'i': input = optarg; break;
      case 'w': ready = optarg; break;
      case 'n': report_fd = 1; break;
      default:
        fprintf (stderr, "usage: recvtty [-t SECONDS] [-w READY] [-i INPUT] [-n] SOCKET\n");
        return 1;
      }
  if (optind != argc - 1)
    {
      fprintf (stderr, "usage: recvtty [-t SECONDS] [-w READY] [-i INPUT] [-n] SOCKET\n");
      return 1;
    }
  const char *path = argv[optind];
  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += timeout_ms / 1000;

  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char tmp[sizeof addr.sun_path];
  if (snprintf (tmp, sizeof tmp, "%s.tmp", path) >= (int) sizeof tmp)
    {
      fprintf (stderr, "recvtty: socket path too long\n");
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

  wait_readable (srv);
  int conn = accept4 (srv, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    die ("accept");
  char name[4096];
  int master = receive_fd (conn, name, sizeof name);
  close (conn);
  close (srv);
  unlink (path);

  if (report_fd)
    {
      struct stat st;
      if (fstat (master, &st) < 0)
        die ("fstat");
      printf ("fd: %s%s\n", name, S_ISCHR (st.st_mode) && isatty (master) ? " (tty)" : "");
      fflush (stdout);
    }

  if (ready != NULL)
    copy_output (master, ready);
  if (input != NULL)
    {
      char *buf = malloc (strlen (input) + 1);
      size_t n = decode_escapes (input, buf);
      for (size_t off = 0; off < n;)
        {
          ssize_t w = write (master, buf + off, n - off);
          if (w < 0 && errno != EINTR)
            die ("write to pty");
          if (w > 0)
            off += (size_t) w;
        }
      free (buf);
    }
  copy_output (master, NULL);
  return 0;
}

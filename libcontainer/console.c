/* Terminal for the container: pty pair, fd passing, controlling tty. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>

#include "casco/error.h"
#include "util.h"
#include "console.h"

int
console_open_pty (const struct spec_console_size *size, int *master, int *slave,
                  struct casco_error **err)
{
  /* /dev/ptmx after pivot is the container's (a link to pts/ptmx), so the
     slave lives in the container's devpts instance, not the host's.  A
     process in the container (exec) or the image may have put a FIFO or
     another device there: it is looked at first and opened only when it is
     the ptmx (char 5:2), whether the node or devpts's own ptmx. */
  _cleanup_close_ int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return casco_error_set (err, errno, "open the container's root");
  _cleanup_close_ int m = open_container_device (root, "/dev/ptmx", 5, 2, O_RDWR | O_NOCTTY, err);
  if (m < 0)
    return casco_error_wrap (err, "terminal (is /dev/pts mounted?)");
  if (unlockpt (m) < 0)
    return casco_error_set (err, errno, "unlockpt");
  /* TIOCGPTPEER opens the slave from the master without a path lookup. */
  int s = ioctl (m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (s < 0)
    return casco_error_set (err, errno, "open pty slave");
  if (size && size->present)
    {
      struct winsize ws = { .ws_row = (unsigned short) size->height,
                            .ws_col = (unsigned short) size->width };
      ioctl (s, TIOCSWINSZ, &ws);
    }
  *master = steal_fd (&m);
  *slave = s;
  return 0;
}

int
console_send_fd (int sock, int fd, const char *name, struct casco_error **err)
{
  if (send_with_fd (sock, name, strlen (name), fd) < 0)
    return casco_error_set (err, errno, "send terminal to --console-socket");
  return 0;
}

int
console_recv_fd (int sock, int *fd, struct casco_error **err)
{
  char name[256];
  union { char buf[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } control;
  struct iovec iov = { .iov_base = name, .iov_len = sizeof name };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  ssize_t n;
  while ((n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC)) < 0)
    if (errno != EINTR)
      return casco_error_set (err, errno, "receive terminal");
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  if (n == 0 || cmsg == NULL || cmsg->cmsg_type != SCM_RIGHTS)
    return casco_error_set (err, 0, "receive terminal: no file descriptor in message");
  memcpy (fd, CMSG_DATA (cmsg), sizeof (int));
  return 0;
}

int
console_attach (int slave, struct casco_error **err)
{
  /* A controlling terminal belongs to a session leader. */
  if (setsid () < 0)
    return casco_error_set (err, errno, "setsid");
  if (ioctl (slave, TIOCSCTTY, 0) < 0)
    return casco_error_set (err, errno, "set controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (slave, fd) < 0)
      return casco_error_set (err, errno, "dup2 terminal to fd %d", fd);
  return 0;
}

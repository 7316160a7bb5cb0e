/* The parent/child protocol (sync.h): one message per SEQPACKET send,
   --explain lines passed on to the parent's sink as they arrive. */
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "casco/error.h"
#include "casco/explain.h"
#include "util.h"
#include "sync.h"

/* A narrated line must fit one message: explain cuts it there. */
_Static_assert (sizeof ((struct sync_msg *) 0)->text == CASCO_EXPLAIN_LINE_MAX,
                "an --explain line is one sync message");

int
sync_send (int fd, int type, int value, int errno_, const char *text)
{
  struct sync_msg m = { .type = type, .value = value, .errno_ = errno_ };
  if (text)
    snprintf (m.text, sizeof m.text, "%s", text);
  /* SEQPACKET: one message per send, never split or merged. */
  size_t len = offsetof (struct sync_msg, text) + strlen (m.text) + 1;
  while (send (fd, &m, len, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

int
sync_send_fd (int fd, int type, int passed_fd)
{
  struct sync_msg m = { .type = type };
  return send_with_fd (fd, &m, offsetof (struct sync_msg, text) + 1, passed_fd);
}

int
sync_recv_fd (int fd, struct sync_received *r, struct casco_error **err)
{
  memset (&r->m, 0, sizeof r->m);
  r->fd = -1;
  union { char buf[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } control;
  struct iovec iov = { .iov_base = &r->m, .iov_len = sizeof r->m - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  ssize_t n;
  for (;;)
    {
      while ((n = recvmsg (fd, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno != ECONNRESET)
        if (errno != EINTR)
          return casco_error_set (err, errno, "read from container process");
      /* EOF: r->m.type stays 0.  A peer that died with our message unread
         resets the connection instead: the same end. */
      if (n <= 0)
        return 0;
      /* --explain lines are not part of the protocol: print and read on. */
      if (r->m.type != SYNC_EXPLAIN)
        break;
      r->m.text[sizeof r->m.text - 1] = '\0';
      casco_explain_deliver (r->m.text);
      memset (&r->m, 0, sizeof r->m);
      msg.msg_controllen = sizeof control.buf;
    }
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS)
    memcpy (&r->fd, CMSG_DATA (cmsg), sizeof (int));
  r->m.text[sizeof r->m.text - 1] = '\0';
  return 0;
}

int
sync_recv (int fd, struct sync_msg *m, struct casco_error **err)
{
  struct sync_received r;
  if (sync_recv_fd (fd, &r, err) < 0)
    return -1;
  /* an fd nobody asked for is closed, never leaked */
  if (r.fd >= 0)
    close (r.fd);
  *m = r.m;
  if (m->type == 0)
    return casco_error_set (err, 0, "container init exited before it was ready");
  return 0;
}

int
sync_expect (int fd, int type, struct sync_msg *m, struct casco_error **err)
{
  if (sync_recv (fd, m, err) < 0)
    return -1;
  if (m->type == SYNC_ERROR)
    {
      /* The child already formatted "what: strerror"; keep errno for callers. */
      casco_error_set (err, 0, "%s", m->text);
      (*err)->errno_ = m->errno_;
      (*err)->kind = casco_error_kind_from_int (m->value);
      return -1;
    }
  if (m->type != type)
    return casco_error_set (err, 0, "container init: unexpected message %d (wanted %d)", m->type, type);
  return 0;
}

static int explain_fd = -1;

static void
send_explain_line (const char *line)
{
  sync_send (explain_fd, SYNC_EXPLAIN, 0, 0, line);
}

void
sync_explain_to (int fd)
{
  explain_fd = fd;
  casco_explain_to_sender (fd >= 0 ? send_explain_line : NULL);
}

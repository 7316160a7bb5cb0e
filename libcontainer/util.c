/* Small helpers: cleanup functions, allocation, whole-buffer I/O. */
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "casco/error.h"
#include "casco/util.h"

void
freep (void *p)
{
  free (*(void **) p);
}

void
closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;   /* close in a cleanup must not clobber the caller's errno */
      close (*fd);
      errno = saved;
    }
  *fd = -1;
}

void
fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
  *f = NULL;
}

void
strv_freep (char ***v)
{
  strv_free (*v);
  *v = NULL;
}

void *
xmalloc0 (size_t n)
{
  void *p = calloc (1, n ? n : 1);
  if (p == NULL)
    abort ();
  return p;
}

void *
xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (p == NULL)
    abort ();
  return p;
}

char *
xstrdup (const char *s)
{
  if (s == NULL)
    return NULL;
  char *r = strdup (s);
  if (r == NULL)
    abort ();
  return r;
}

char *
xstrndup (const char *s, size_t n)
{
  char *r = strndup (s, n);
  if (r == NULL)
    abort ();
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  char *r;
  va_list ap;
  va_start (ap, fmt);
  if (vasprintf (&r, fmt, ap) < 0)
    abort ();
  va_end (ap);
  return r;
}

size_t
strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

void
strv_free (char **v)
{
  for (size_t i = 0; v && v[i]; i++)
    free (v[i]);
  free (v);
}

char **
strv_dup (char *const *v)
{
  if (v == NULL)
    return NULL;
  size_t n = strv_len (v);
  char **r = xmalloc0 ((n + 1) * sizeof *r);
  for (size_t i = 0; i < n; i++)
    r[i] = xstrdup (v[i]);
  return r;
}

char **
strv_append (char **v, const char *s)
{
  size_t n = strv_len (v);
  v = xrealloc (v, (n + 2) * sizeof *v);
  v[n] = xstrdup (s);
  v[n + 1] = NULL;
  return v;
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

ssize_t
read_all (int fd, void *buf, size_t len)
{
  size_t got = 0;
  while (got < len)
    {
      ssize_t n = read (fd, (char *) buf + got, len - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      got += (size_t) n;
    }
  return (ssize_t) got;
}

int
read_fd_all (int fd, const char *what, char **out, size_t *len, struct casco_error **err)
{
  size_t cap = 4096, used = 0;
  _cleanup_free_ char *buf = xmalloc0 (cap);
  for (;;)
    {
      if (used + 1 >= cap)
        buf = xrealloc (buf, cap *= 2);
      ssize_t n = read (fd, buf + used, cap - used - 1);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return casco_error_set (err, errno, "read `%s`", what);
      if (n == 0)
        break;
      used += (size_t) n;
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_pointer (&buf);
  return 0;
}

int
read_file_at (int dirfd, const char *path, char **out, size_t *len, struct casco_error **err)
{
  _cleanup_close_ int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return casco_error_set (err, errno, "open `%s`", path);
  return read_fd_all (fd, path, out, len, err);
}

int
write_file_atomic_at (int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                      struct casco_error **err)
{
  _cleanup_free_ char *tmp = xasprintf (".%s.tmp.%d", name, (int) getpid ());
  _cleanup_close_ int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return casco_error_set (err, errno, "create `%s`", tmp);
  /* A reader must see either the old file or the complete new one: the
     rename gives that.  No fsync: state lives in /run (gone at reboot
     anyway), and a flush to disk costs more than the rest of a create. */
  if (write_all (fd, data, len) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return casco_error_set (err, saved, "write `%s`", name);
    }
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return casco_error_set (err, saved, "rename `%s` to `%s`", tmp, name);
    }
  return 0;
}

int
send_with_fd (int sock, const void *data, size_t len, int fd)
{
  union { char buf[CMSG_SPACE (sizeof (int))]; struct cmsghdr align; } control;
  memset (&control, 0, sizeof control);
  struct iovec iov = { .iov_base = (void *) data, .iov_len = len };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = control.buf, .msg_controllen = sizeof control.buf };
  struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
  while (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return -1;
  return 0;
}

int
parse_long (const char *s, long *out)
{
  if (s == NULL || *s == '\0')
    return -1;
  char *end;
  errno = 0;
  long v = strtol (s, &end, 10);
  if (errno || *end)
    return -1;
  *out = v;
  return 0;
}

char *
host_user_name (unsigned uid)
{
  FILE *f = fopen ("/etc/passwd", "re");
  if (f == NULL)
    return NULL;
  char *name = NULL;
  struct passwd *pw;
  while (name == NULL && (pw = fgetpwent (f)) != NULL)
    if (pw->pw_uid == uid)
      name = xstrdup (pw->pw_name);
  fclose (f);
  return name;
}

/* Small helpers: cleanup functions, allocation, string vectors, fds.
   (File I/O is in fileio.c: it reports errors, and error.c uses these.) */
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "syscalls.h"
#include "util.h"

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
xvasprintf (const char *fmt, va_list ap)
{
  char *r;
  if (vasprintf (&r, fmt, ap) < 0)
    abort ();
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  char *r = xvasprintf (fmt, ap);
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

/* ---- fds ------------------------------------------------------------------- */

void
close_fds_except (unsigned lo, int *keep, size_t n)
{
  /* the kept fds in ascending order (insertion sort: a handful); the gaps
     between them close */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && keep[j - 1] > keep[j]; j--)
      {
        int t = keep[j];
        keep[j] = keep[j - 1];
        keep[j - 1] = t;
      }
  for (size_t i = 0; i < n; i++)
    {
      if (keep[i] < 0 || (unsigned) keep[i] < lo)
        continue;
      if ((unsigned) keep[i] > lo)
        close_range (lo, (unsigned) keep[i] - 1, 0);
      lo = (unsigned) keep[i] + 1;
    }
  close_range (lo, ~0U, 0);
}

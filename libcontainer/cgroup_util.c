/* Small helpers the cgroup files share: a monotonic clock, word lists,
   and reading/writing one cgroup file relative to its cgroup's dirfd. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "casco/error.h"
#include "util.h"
#include "cgroup.h"
#include "cgroup_internal.h"

int64_t
cgroup_now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
cgroup_sleep_ms (int ms)
{
  struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000L };
  nanosleep (&ts, NULL);
}

/* Is word one of the space/newline separated words of list? */
bool
cgroup_has_word (const char *list, const char *word)
{
  size_t len = strlen (word);
  for (const char *p = list; p && *p;)
    {
      p += strspn (p, " \t\n");
      size_t n = strcspn (p, " \t\n");
      if (n == len && strncmp (p, word, len) == 0)
        return true;
      p += n;
    }
  return false;
}

/* Attach a JSON path to an error made with casco_error_set (for a write
   that failed with an errno because of one config value). */
int
cgroup_with_path (struct casco_error **err, const char *jpath)
{
  if (err && *err && jpath && (*err)->json_path == NULL)
    (*err)->json_path = xstrdup (jpath);
  return -1;
}

/* Write a cgroup file in one write(2): the kernel parses each write whole. */
int
cgroup_write_at (int dirfd, const char *file, const char *value)
{
  _cleanup_close_ int fd = openat (dirfd, file, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return -1;
  size_t len = strlen (value);
  ssize_t n;
  do
    n = write (fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  if ((size_t) n != len)
    {
      errno = EIO;
      return -1;
    }
  return 0;
}

/* Read a cgroup file; NULL (errno set) when it cannot be read. */
char *
cgroup_read_at (int dirfd, const char *file)
{
  char *text = NULL;
  struct casco_error *ignored = NULL;
  if (read_file_at (dirfd, file, &text, NULL, &ignored) < 0)
    {
      int saved = ignored ? ignored->errno_ : EIO;
      casco_error_free (ignored);
      errno = saved;
      return NULL;
    }
  return text;
}

/* A single-value file: a number or "max" (UINT64_MAX). */
int
cgroup_read_u64_at (int dirfd, const char *file, uint64_t *out)
{
  _cleanup_free_ char *text = cgroup_read_at (dirfd, file);
  if (text == NULL)
    return -1;
  text[strcspn (text, "\n")] = '\0';
  if (strcmp (text, "max") == 0)
    {
      *out = UINT64_MAX;
      return 0;
    }
  char *end;
  errno = 0;
  unsigned long long v = strtoull (text, &end, 10);
  if (errno || end == text || *end)
    {
      errno = EINVAL;
      return -1;
    }
  *out = v;
  return 0;
}

int
cgroup_parse_keyed (const char *text, const char *key, uint64_t *out)
{
  size_t klen = strlen (key);
  for (const char *p = text; p && *p; p = strchr (p, '\n'), p = p ? p + 1 : NULL)
    {
      if (strncmp (p, key, klen) != 0 || p[klen] != ' ')
        continue;
      char *end;
      errno = 0;
      unsigned long long v = strtoull (p + klen + 1, &end, 10);
      if (errno || end == p + klen + 1)
        return -1;
      *out = v;
      return 0;
    }
  return -1;
}

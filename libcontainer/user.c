/* --user resolution against the container's files. */
#include <fcntl.h>
#include <string.h>

#include "casco/error.h"
#include "casco/log.h"
#include "syscalls.h"
#include "util.h"
#include "weaken.h"
#include "user.h"

static bool
parse_id (const char *s, uint32_t *out)
{
  if (*s == '\0' || strspn (s, "0123456789") != strlen (s) || strlen (s) > 10)
    return false;
  unsigned long long v = strtoull (s, NULL, 10);
  if (v > UINT32_MAX - 1)   /* (uint32_t)-1 means "no id" to the kernel */
    return false;
  *out = (uint32_t) v;
  return true;
}

/* Find the line whose first field is name; return its field `want` (0-based)
   parsed as an id.  Lines are "name:x:id:..."; malformed ones are skipped. */
static bool
db_lookup (const char *text, const char *name, int want, uint32_t *out)
{
  size_t nlen = strlen (name);
  for (const char *line = text; line && *line; )
    {
      const char *end = strchr (line, '\n');
      size_t len = end ? (size_t) (end - line) : strlen (line);
      if (len > nlen && strncmp (line, name, nlen) == 0 && line[nlen] == ':')
        {
          _cleanup_free_ char *copy = xstrndup (line, len);
          char *save = NULL, *field = strtok_r (copy, ":", &save);
          for (int i = 0; field && i < want; i++)
            field = strtok_r (NULL, ":", &save);
          if (field && parse_id (field, out))
            return true;
        }
      line = end ? end + 1 : NULL;
    }
  return false;
}

/* Primary gid of the passwd entry with this uid. */
static bool
primary_gid (const char *passwd, uint32_t uid, uint32_t *gid)
{
  for (const char *line = passwd; line && *line; )
    {
      const char *end = strchr (line, '\n');
      size_t len = end ? (size_t) (end - line) : strlen (line);
      _cleanup_free_ char *copy = xstrndup (line, len);
      char *f[4] = { 0 };
      char *save = NULL;
      f[0] = strtok_r (copy, ":", &save);
      for (int i = 1; i < 4 && f[i - 1]; i++)
        f[i] = strtok_r (NULL, ":", &save);
      uint32_t u;
      if (f[3] && parse_id (f[2], &u) && u == uid && parse_id (f[3], gid))
        return true;
      line = end ? end + 1 : NULL;
    }
  return false;
}

int
user_parse (const char *spec, const char *passwd, const char *group, uint32_t *uid, uint32_t *gid,
            struct casco_error **err)
{
  _cleanup_free_ char *copy = xstrdup (spec);
  char *colon = strchr (copy, ':');
  if (colon)
    *colon = '\0';
  const char *user = copy, *grp = colon ? colon + 1 : NULL;
  if (*user == '\0' || (grp && *grp == '\0'))
    return casco_error_set (err, 0, "--user \"%s\": expected user[:group]", spec);
  if (!parse_id (user, uid) && !(passwd && db_lookup (passwd, user, 2, uid)))
    return casco_error_set (err, 0, "--user \"%s\": no user \"%s\" in the container's /etc/passwd",
                            spec, user);
  if (grp == NULL)
    {
      if (!(passwd && primary_gid (passwd, *uid, gid)))
        *gid = 0;
      return 0;
    }
  if (!parse_id (grp, gid) && !(group && db_lookup (group, grp, 2, gid)))
    return casco_error_set (err, 0, "--user \"%s\": no group \"%s\" in the container's /etc/group",
                            spec, grp);
  return 0;
}

/* Read one of the container's account files, never a host file (CVE-2026-30892
   class) and never something that blocks, never ends or reads host state
   (a FIFO, /dev/zero, /proc/kmsg): util.c read_container_file. */
static int
read_in_root (int root_fd, const char *path, char **out, struct casco_error **err)
{
#ifdef CASCO_WEAKEN_USER_INROOT
  /* prove-red: the container's symlinks lead to host files (CVE-2026-30892 class) */
  *out = NULL;
  _cleanup_close_ int fd = openat (root_fd, path + (path[0] == '/'), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? 0 : casco_error_set (err, errno, "open the container's %s", path);
  return read_fd_all (fd, path, out, NULL, err);
#else
  return read_container_file (root_fd, path, CONTAINER_FILE_MAX, out, err);
#endif
}

int
user_resolve_in_root (int root_fd, const char *spec, uint32_t *uid, uint32_t *gid,
                      struct casco_error **err)
{
  _cleanup_free_ char *passwd = NULL;
  _cleanup_free_ char *group = NULL;
  if (read_in_root (root_fd, "/etc/passwd", &passwd, err) < 0
      || read_in_root (root_fd, "/etc/group", &group, err) < 0)
    return casco_error_wrap (err, "--user \"%s\"", spec);
  return user_parse (spec, passwd, group, uid, gid, err);
}

char *
user_home (const char *passwd, uint32_t uid)
{
  /* "name:pw:uid:gid:gecos:home:shell"; the first line with this uid wins */
  for (const char *line = passwd; line && *line; )
    {
      const char *end = strchr (line, '\n');
      size_t len = end ? (size_t) (end - line) : strlen (line);
      _cleanup_free_ char *copy = xstrndup (line, len);
      char *f[7] = { 0 };
      char *p = copy;
      for (int i = 0; i < 7 && p; i++)
        {
          f[i] = p;
          p = strchr (p, ':');
          if (p)
            *p++ = '\0';
        }
      uint32_t u;
      if (f[5] && parse_id (f[2], &u) && u == uid && f[5][0] == '/')
        return xstrdup (f[5]);
      line = end ? end + 1 : NULL;
    }
  return NULL;
}

char *
user_home_in_root (int root_fd, uint32_t uid)
{
  _cleanup_free_ char *passwd = NULL;
  struct casco_error *err = NULL;
  if (read_container_file (root_fd, "/etc/passwd", CONTAINER_FILE_MAX, &passwd, &err) < 0)
    {
      /* as runc: an unreadable passwd means HOME=/, not a failed exec */
      casco_debug ("HOME: %s; using /", err->msg);
      casco_error_free (err);
      return NULL;
    }
  return passwd ? user_home (passwd, uid) : NULL;
}

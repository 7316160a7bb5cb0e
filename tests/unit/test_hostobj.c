/* Property tests of the canonical form of bind sources (hostobj.c) and of
   the verdict built on it: however a host object is spelled — "//", "/./",
   "dir/../", trailing "/", a chain of symlinks, a path relative to another
   directory, merged-/usr's /lib — the facts judged, and so the policy's
   findings, are those of the plain spelling.  Spellings come from a seeded
   generator (the seed is printed, so a failure can be replayed with
   CASCO_SEED=N).  Reads the host's trees only; its scratch symlinks live in
   a temporary directory it removes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "casco/error.h"
#include "casco/policy.h"
#include "casco/spec.h"
#include "util.h"
#include "hostobj.h"
#include "unit.h"

static char scratch[] = "/tmp/casco-unit-hostobj.XXXXXX";
static unsigned long seed;

static unsigned
rnd (unsigned n)
{
  seed = seed * 6364136223846793005UL + 1442695040888963407UL;
  return (unsigned) (seed >> 33) % n;
}

/* The facts, as one string: what the rules read. */
static char *
facts_of (int dirfd, const char *path, bool recursive)
{
  struct host_object o;
  struct casco_error *err = NULL;
  if (host_object_open (dirfd, path, recursive, "mounts[0].source", &o, &err) < 0)
    {
      char *s = xasprintf ("error: %s", err->msg);
      casco_error_free (err);
      return s;
    }
  char *s = xasprintf ("dev=%ju ino=%ju tree=%s socket=%s devices=%s below=%d proc=%s", (uintmax_t) o.st.st_dev,
                       (uintmax_t) o.st.st_ino, o.reach.system_tree ? o.reach.system_tree : "-",
                       o.reach.engine_socket ? o.reach.engine_socket : "-", o.reach.devices ? o.reach.devices : "-",
                       o.reach.devices_below, o.reach.host_proc ? o.reach.host_proc : "-");
  host_object_clear (&o);
  return s;
}

/* One random respelling of the absolute path p (no trailing slash unless "/"). */
static char *
respell (const char *p, int step)
{
  char *out = xstrdup ("");
  const char *c = p;
  while (*c)
    {
      /* one component: "/name" */
      const char *next = strchr (c + 1, '/');
      size_t n = next ? (size_t) (next - c) : strlen (c);
      char *more;
      switch (rnd (6))
        {
        case 0:   /* doubled slash */
          more = xasprintf ("%s/%.*s", out, (int) n, c);
          break;
        case 1:   /* a "." after it */
          more = xasprintf ("%s%.*s/.", out, (int) n, c);
          break;
        case 2:   /* into it, back up, and into it again */
          more = xasprintf ("%s%.*s/..%.*s", out, (int) n, c, (int) n, c);
          break;
        case 3:   /* through a symlink to the prefix so far, when there is one */
          if (out[0] && strcmp (out, "/") != 0)
            {
              char *link = xasprintf ("%s/l%d-%u", scratch, step, rnd (1000000));
              _cleanup_free_ char *target = xasprintf ("%s%.*s", out, (int) n, c);
              if (symlink (target, link) == 0)
                {
                  free (out);
                  out = link;
                  c += n;
                  continue;
                }
              free (link);
            }
          more = xasprintf ("%s%.*s", out, (int) n, c);
          break;
        default:
          more = xasprintf ("%s%.*s", out, (int) n, c);
          break;
        }
      free (out);
      out = more;
      c += n;
    }
  if (rnd (4) == 0)
    {
      char *more = xasprintf ("%s/", out);
      free (out);
      out = more;
    }
  if (out[0] == '\0')
    {
      free (out);
      out = xstrdup ("/");
    }
  return out;
}

static void
respellings_of_host_trees_are_the_same_object (void)
{
  const char *const targets[] = { "/etc", "/etc/ssh", "/usr/lib", "/var/lib", "/proc/sys", "/dev", "/", "/tmp",
                                  "/var/tmp", "/usr/share/doc" };
  for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++)
    {
      if (access (targets[t], F_OK) < 0)
        continue;
      for (int recursive = 0; recursive < 2; recursive++)
        {
          _cleanup_free_ char *want = facts_of (AT_FDCWD, targets[t], recursive);
          for (int i = 0; i < 60; i++)
            {
              _cleanup_free_ char *spelled = respell (targets[t], i);
              _cleanup_free_ char *got = facts_of (AT_FDCWD, spelled, recursive);
              if (strcmp (got, want) != 0)
                printf ("#   %s as %s (rbind %d): %s, want %s\n", targets[t], spelled, recursive, got, want);
              CHECK_STR (got, want);
            }
        }
    }
}

static void
relative_spellings_from_a_bundle_are_the_same_object (void)
{
  _cleanup_free_ char *bundle = xasprintf ("%s/a/b", scratch);
  _cleanup_free_ char *a = xasprintf ("%s/a", scratch);
  CHECK (mkdir (a, 0755) == 0 && mkdir (bundle, 0755) == 0);
  _cleanup_close_ int dirfd = open (bundle, O_PATH | O_DIRECTORY | O_CLOEXEC);
  CHECK (dirfd >= 0);
  _cleanup_free_ char *want = facts_of (AT_FDCWD, "/etc", false);
  /* as many ".." as it takes, and more: ".." stops at / */
  for (int ups = 4; ups < 12; ups++)
    {
      _cleanup_free_ char *rel = xstrdup ("");
      for (int i = 0; i < ups; i++)
        {
          char *more = xasprintf ("%s../", rel);
          free (rel);
          rel = more;
        }
      char *more = xasprintf ("%setc", rel);
      free (rel);
      rel = more;
      _cleanup_free_ char *got = facts_of (dirfd, rel, false);
      CHECK_STR (got, want);
    }
}

/* /lib is usr/lib on a merged-/usr system: one object, one verdict. */
static void
merged_usr_aliases_are_the_same_object (void)
{
  struct stat a, b;
  if (lstat ("/lib", &a) < 0 || !S_ISLNK (a.st_mode) || stat ("/lib", &a) < 0 || stat ("/usr/lib", &b) < 0
      || a.st_ino != b.st_ino)
    {
      printf ("# skip: /lib is not an alias of /usr/lib here\n");
      return;
    }
  _cleanup_free_ char *want = facts_of (AT_FDCWD, "/usr/lib", true);
  _cleanup_free_ char *got = facts_of (AT_FDCWD, "/lib", true);
  CHECK_STR (got, want);
  _cleanup_free_ char *want2 = facts_of (AT_FDCWD, "/usr/lib/os-release", false);
  _cleanup_free_ char *got2 = facts_of (AT_FDCWD, "/lib/os-release", false);
  if (access ("/usr/lib/os-release", F_OK) == 0)
    CHECK_STR (got2, want2);
}

/* The verdict, not only the facts: a writable bind of each respelling is
   refused by the same rule with the same value. */
static void
respelled_writable_binds_get_the_same_verdict (void)
{
  _cleanup_free_ char *want = NULL;
  for (int i = 0; i < 40; i++)
    {
      _cleanup_free_ char *spelled = i ? respell ("/etc/default", 100 + i) : xstrdup ("/etc/default");
      struct host_object v[1];
      struct host_object none[1] = { { .fd = -1 } };
      struct casco_error *err = NULL;
      CHECK (host_object_open (AT_FDCWD, spelled, true, "mounts[0].source", &v[0], &err) == 0);
      if (err)
        {
          casco_error_free (err);
          continue;
        }
      struct host_objects objs = { .v = v, .upper = none, .work = none, .n = 1 };
      _cleanup_free_ char *json = xasprintf (
          "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},\"process\":{\"cwd\":\"/\",\"args\":[\"true\"],"
          "\"user\":{\"uid\":0,\"gid\":0}},\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"%s\","
          "\"options\":[\"rbind\"]}],\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}",
          spelled);
      struct spec *s = NULL;
      CHECK (spec_parse (json, strlen (json), &s, NULL) == 0);
      struct policy_options o = { .sources = &objs };
      struct policy_findings f = { 0 };
      if (s)
        policy_check (s, POLICY_BASELINE, &o, &f);
      _cleanup_free_ char *got = xstrdup ("");
      for (size_t k = 0; k < f.n; k++)
        {
          /* the value names the kernel's path, the same for every spelling */
          char *more = xasprintf ("%s%s %s %s|", got, f.v[k].rule->id, policy_action_name (f.v[k].action), f.v[k].value);
          free (got);
          got = more;
        }
      CHECK_CONTAINS (got, "CASCO-MOUNT-HOST-PATH refuse");
      if (want == NULL)
        want = xstrdup (got);
      CHECK_STR (got, want);
      policy_findings_clear (&f);
      spec_free (s);
      host_object_clear (&v[0]);
    }
}

static void
remove_scratch (void)
{
  _cleanup_free_ char *a = xasprintf ("%s/a/b", scratch), *b = xasprintf ("%s/a", scratch);
  _cleanup_close_ int fd = open (scratch, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  rmdir (a);
  rmdir (b);
  if (fd >= 0)
    {
      DIR *d = fdopendir (dup (fd));
      struct dirent *e;
      while (d && (e = readdir (d)))
        if (e->d_name[0] != '.')
          unlinkat (fd, e->d_name, 0);
      if (d)
        closedir (d);
    }
  rmdir (scratch);
}

int
main (void)
{
  const char *env = getenv ("CASCO_SEED");
  seed = env ? strtoul (env, NULL, 10) : (unsigned long) time (NULL);
  printf ("# seed %lu (CASCO_SEED=%lu replays it)\n", seed, seed);
  if (mkdtemp (scratch) == NULL)
    {
      printf ("Bail out! mkdtemp: %s\n", strerror (errno));
      return 1;
    }
  RUN (respellings_of_host_trees_are_the_same_object);
  RUN (relative_spellings_from_a_bundle_are_the_same_object);
  RUN (merged_usr_aliases_are_the_same_object);
  RUN (respelled_writable_binds_get_the_same_verdict);
  remove_scratch ();
  return UNIT_DONE ();
}

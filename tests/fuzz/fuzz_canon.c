/* casco — libFuzzer harness: the canonical form against a slow reference.

   The canonical form judges a bind source by inode on one O_PATH fd
   (hostobj.c), a capability by its exact kernel name (caps.c) and a mount
   by the attributes its options compile to (mount.c), and the policy
   (policy_rules.c) turns those into findings.  Here each is checked
   against a reference written independently, deliberately simple and
   string-based:

   - paths: realpath(), then string prefixes against the realpath() of
     each host tree of hostobj.h's lists; "no mount point in between"
     read from /proc/self/mountinfo; the filesystem of a path is the
     deepest mount point above it; sockets by S_ISSOCK and basename;
   - capabilities: the kernel's names, typed from <linux/capability.h>;
   - mount options: one left-to-right scan of the words.

   Any disagreement prints both verdicts and aborts.  What a string cannot
   know is modelled explicitly (see ref_*): a hard-linked file, an object
   reached through a procfs magic link that has no path.

   Input:  byte 0     flags: bit 0 rbind (when the options say nothing),
                      bits 1-2 mount type (bind, none, absent, tmpfs),
                      bit 3 the path is relative to the sandbox directory
           path       token bytes up to a 0x00: the first (absolute mode)
                      picks a prefix, each further one a component (bit 7:
                      "//" before it); byte n picks prefixes[n - 1] and
                      components[(n & 0x7f) - 1] (0x80: the last component)
           caps       names separated by 0x01, up to a 0x00 (raw bytes)
           options    token bytes: option words (0xf0+n: the next n raw
                      bytes are one word)

   The sandbox is made once per process under /tmp and removed at exit. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz.h"
#include "casco/policy.h"
#include "casco/spec.h"
#include "util.h"
#include "../../libcontainer/caps.h"
#include "../../libcontainer/hostobj.h"
#include "../../libcontainer/mount_options.h"

/* ---------------------------------------------------------------- */
/* The sandbox                                                       */
/* ---------------------------------------------------------------- */

static char sandbox[64];
static int sandbox_fd = -1;

static void
remove_tree (int dirfd, const char *name)
{
  int fd = openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0)
    {
      DIR *d = fdopendir (fd);
      struct dirent *e;
      while (d && (e = readdir (d)))
        if (strcmp (e->d_name, ".") && strcmp (e->d_name, ".."))
          remove_tree (fd, e->d_name);
      if (d)
        closedir (d);
      else
        close (fd);
      unlinkat (dirfd, name, AT_REMOVEDIR);
      return;
    }
  unlinkat (dirfd, name, 0);
}

static void
sandbox_remove (void)
{
  if (sandbox[0])
    remove_tree (AT_FDCWD, sandbox);
}

/* A finding: the sandbox goes first (libFuzzer's crash handler does not
   run atexit), then abort() for libFuzzer to save the input. */
static void __attribute__ ((noreturn))
fail (void)
{
  sandbox_remove ();
  abort ();
}

static void
must (int rc, const char *what)
{
  if (rc < 0)
    {
      fprintf (stderr, "fuzz_canon: sandbox: %s: %s\n", what, strerror (errno));
      fail ();
    }
}

static void
make_socket (const char *name)
{
  struct sockaddr_un a = { .sun_family = AF_UNIX };
  snprintf (a.sun_path, sizeof a.sun_path, "%s/%s", sandbox, name);
  int s = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  must (s, "socket");
  must (bind (s, (struct sockaddr *) &a, sizeof a), name);
  close (s);   /* the socket file stays: an inode of type socket is all that is judged */
}

static void
sandbox_make (void)
{
  strcpy (sandbox, "/tmp/casco-canon.XXXXXX");
  if (mkdtemp (sandbox) == NULL)
    must (-1, "mkdtemp");
  atexit (sandbox_remove);
  must (sandbox_fd = open (sandbox, O_PATH | O_DIRECTORY | O_CLOEXEC), "open");
  int S = sandbox_fd;
  must (mkdirat (S, "d", 0755), "d");
  must (mkdirat (S, "d/sub", 0755), "d/sub");
  int f = openat (S, "d/file", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  must (f, "d/file");
  close (f);
  must (linkat (S, "d/file", S, "hard", 0), "hard");   /* a hard link to a file of its own */
  must (mkfifoat (S, "fifo", 0600), "fifo");
  make_socket ("docker.sock");
  make_socket ("d/containerd.sock");
  make_socket ("d/other.sock");
  static const char *const links[][2] = {
    { "/etc", "etc" },           { "/usr", "usr" },              { "/", "root" },
    { "/proc", "proc" },         { "/dev", "dev" },              { "/var/lib", "varlib" },
    { "../../etc", "rel_etc" },  { "../..", "rel_root" },        { "..", "d/up" },
    { "loop2", "loop1" },        { "loop1", "loop2" },           { ".", "dot" },
    { "d", "link_d" },           { "docker.sock", "sock_link" }, { "missing", "dangling" },
    { "../link_d/sub", "d/chain" }, { "sub/../file", "d/weird" }, { "up/rel_etc", "d/via_up" },
    { "/proc/self/root/etc", "magic_etc" }, { "/run", "run" },  { "../hard", "d/hard_link" },
    { "/dev/null", "null" },     { "/proc/self/fd", "fds" },
  };
  for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
    must (symlinkat (links[i][0], S, links[i][1]), links[i][1]);
  char abs[128];
  snprintf (abs, sizeof abs, "%s/d", sandbox);
  must (symlinkat (abs, S, "abs_d"), "abs_d");
}

/* ---------------------------------------------------------------- */
/* The reference: paths                                              */
/* ---------------------------------------------------------------- */

struct mnt
{
  char *point;
  char *fstype;
};
static struct mnt *mounts;
static size_t n_mounts;

/* mountinfo escapes blanks and backslashes as \ooo */
static char *
unescape (const char *s)
{
  char *out = xmalloc0 (strlen (s) + 1), *o = out;
  for (; *s; s++)
    if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] && s[3])
      {
        *o++ = (char) ((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
        s += 3;
      }
    else
      *o++ = *s;
  return out;
}

static void
read_mountinfo (void)
{
  FILE *f = fopen ("/proc/self/mountinfo", "re");
  char line[4096];
  if (f == NULL)
    must (-1, "mountinfo");
  while (fgets (line, sizeof line, f))
    {
      /* id parent maj:min root POINT opts... - FSTYPE source superopts */
      char root[4096], point[4096], fstype[256];
      const char *dash = strstr (line, " - ");
      if (dash == NULL || sscanf (line, "%*s %*s %*s %4095s %4095s", root, point) != 2
          || sscanf (dash + 3, "%255s", fstype) != 1)
        continue;
      mounts = xrealloc (mounts, (n_mounts + 1) * sizeof *mounts);
      mounts[n_mounts].point = unescape (point);
      mounts[n_mounts].fstype = xstrdup (fstype);
      n_mounts++;
    }
  fclose (f);
}

/* a is b or a directory above it, by name */
static bool
at_or_above (const char *a, const char *b)
{
  size_t n = strlen (a);
  if (strcmp (a, "/") == 0)
    return b[0] == '/';
  return strncmp (a, b, n) == 0 && (b[n] == '\0' || b[n] == '/');
}

static bool
strictly_above (const char *a, const char *b)
{
  return strcmp (a, b) != 0 && at_or_above (a, b);
}

/* Is there a mount point strictly below `top` and at or above `p`?
   (Then a non-recursive bind of `top` does not show p.) */
static bool
mount_between (const char *top, const char *p)
{
  for (size_t i = 0; i < n_mounts; i++)
    if (strictly_above (top, mounts[i].point) && at_or_above (mounts[i].point, p))
      return true;
  return false;
}

/* The filesystem type of path p: the deepest mount point above it (the
   last listed of those on one point: it is on top). */
static const char *
fstype_of (const char *p)
{
  const char *best = NULL;
  size_t best_len = 0;
  for (size_t i = 0; i < n_mounts; i++)
    if (at_or_above (mounts[i].point, p) && (best == NULL || strlen (mounts[i].point) >= best_len))
      {
        best = mounts[i].fstype;
        best_len = strlen (mounts[i].point);
      }
  return best ? best : "?";
}

/* A host tree of hostobj.h's lists, by name: its realpath, type and device. */
struct ref_tree
{
  const char *name;
  char *real;       /* NULL: not on this host */
  bool dir;
  dev_t dev;
};

struct ref_list
{
  struct ref_tree *v;
  size_t n;
};
static struct ref_list whole, top, sockets;

static void
ref_list_make (struct ref_list *l, const char *const *names)
{
  for (l->n = 0; names[l->n]; l->n++)
    ;
  l->v = xmalloc0 (l->n * sizeof *l->v);
  for (size_t i = 0; i < l->n; i++)
    {
      struct stat st;
      l->v[i].name = names[i];
      l->v[i].real = realpath (names[i], NULL);
      if (l->v[i].real && stat (l->v[i].real, &st) == 0)
        {
          l->v[i].dir = S_ISDIR (st.st_mode);
          l->v[i].dev = st.st_dev;
        }
      else
        {
          free (l->v[i].real);
          l->v[i].real = NULL;
        }
    }
}

static struct ref_tree *
ref_find (struct ref_list *l, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->v[i].name, name) == 0)
      return &l->v[i];
  fail ();
}

/* What the reference knows of the object a path names. */
struct ref_obj
{
  bool exists;
  bool named;       /* realpath() gave its name (else: a procfs magic link to an object without one) */
  char *real;
  struct stat st;   /* stat() of the path: the object itself */
  bool on_proc;
};

struct ref_reach
{
  char *system_tree, *engine_socket, *devices, *host_proc;
  bool devices_below;
};

static void
ref_reach_clear (struct ref_reach *r)
{
  free (r->system_tree);
  free (r->engine_socket);
  free (r->devices);
  free (r->host_proc);
  memset (r, 0, sizeof *r);
}

/* Does the object R (a directory, unless it is the tree) show tree t:
   R is t, or lies above it with no mount point in between (rbind: any). */
static bool
ref_contains (const struct ref_obj *o, const struct ref_tree *t, bool recursive)
{
  if (t->real == NULL || !o->named)
    return false;
  if (strcmp (o->real, t->real) == 0)
    return true;
  if (!S_ISDIR (o->st.st_mode))
    return false;
  /* a socket is reached through the directory holding it */
  _cleanup_free_ char *dir = xstrdup (t->real);
  if (!t->dir)
    {
      char *slash = strrchr (dir, '/');
      slash[slash == dir ? 1 : 0] = '\0';
    }
  if (!at_or_above (o->real, dir))
    return false;
  return recursive || !mount_between (o->real, t->real);
}

static void
ref_system_tree (const struct ref_obj *o, bool recursive, struct ref_reach *r)
{
  bool dir = S_ISDIR (o->st.st_mode);
  if (dir && !o->named)
    {
      /* a directory always has a name: none means the model is incomplete */
      fprintf (stderr, "fuzz_canon: reference: a directory without a name; not modelled\n");
      fail ();
    }
  if (!dir)
    {
      /* a non-directory is judged from the directory holding it: the
         reference can only check that directory when it has a name, and
         holds that very file under that name */
      struct stat lst;
      if (!o->named || o->real[0] != '/' || lstat (o->real, &lst) < 0 || lst.st_dev != o->st.st_dev
          || lst.st_ino != o->st.st_ino)
        {
          r->system_tree = xstrdup ("a file whose directory on the host cannot be verified");
          return;
        }
    }
  /* the object itself or a directory above it is a whole tree: the
     deepest such directory, the first tree of the list on it */
  _cleanup_free_ char *p = xstrdup (o->real);
  if (!dir)
    {
      char *slash = strrchr (p, '/');
      slash[slash == p ? 1 : 0] = '\0';
    }
  for (;;)
    {
      for (size_t i = 0; i < whole.n; i++)
        if (whole.v[i].real && strcmp (whole.v[i].real, p) == 0)
          {
            r->system_tree = xasprintf ("%s the host's %s", strcmp (p, o->real) == 0 ? "is" : "inside",
                                        whole.v[i].name);
            return;
          }
      if (strcmp (p, "/") == 0)
        break;
      char *slash = strrchr (p, '/');
      slash[slash == p ? 1 : 0] = '\0';
    }
  /* Hard links: another name of this file may lie in a system tree, and
     no name tells which.  Modelled as the canonical form's rule: a
     non-directory with more than one link, on the filesystem of a tree. */
  if (!dir && o->st.st_nlink > 1)
    for (size_t i = 0; i < whole.n; i++)
      if (whole.v[i].real && whole.v[i].dev == o->st.st_dev)
        {
          r->system_tree = xasprintf ("a file with %ju hard links on the filesystem of the host's %s",
                                      (uintmax_t) o->st.st_nlink, whole.v[i].name);
          return;
        }
  struct ref_list *lists[] = { &whole, &top };
  /* a listed tree itself, in either list, before any directory above one */
  for (size_t l = 0; l < 2; l++)
    for (size_t i = 0; i < lists[l]->n; i++)
      if (lists[l]->v[i].real && strcmp (o->real, lists[l]->v[i].real) == 0)
        {
          r->system_tree = xasprintf ("is the host's %s", lists[l]->v[i].name);
          return;
        }
  for (size_t l = 0; l < 2; l++)
    for (size_t i = 0; i < lists[l]->n; i++)
      if (ref_contains (o, &lists[l]->v[i], recursive))
        {
          r->system_tree = xasprintf ("%s the host's %s", strcmp (o->real, lists[l]->v[i].real) == 0 ? "is" : "contains",
                                      lists[l]->v[i].name);
          return;
        }
}

static const char *const engine_socket_names[] = {
  "docker.sock", "containerd.sock", "podman.sock", "crio.sock", "dockershim.sock", "buildkitd.sock", NULL,
};

static void
ref_engine_socket (const struct ref_obj *o, bool recursive, struct ref_reach *r)
{
  if (S_ISSOCK (o->st.st_mode) && o->named)
    {
      const char *base = strrchr (o->real, '/') + 1;
      for (size_t i = 0; engine_socket_names[i]; i++)
        if (strcmp (base, engine_socket_names[i]) == 0)
          {
            r->engine_socket = xasprintf ("an engine socket (%s)", engine_socket_names[i]);
            return;
          }
    }
  for (size_t i = 0; i < sockets.n; i++)
    if (ref_contains (o, &sockets.v[i], recursive))
      {
        r->engine_socket = xasprintf ("%s the host's %s", S_ISSOCK (o->st.st_mode) ? "is" : "contains",
                                      sockets.v[i].name);
        return;
      }
}

static void
ref_devices (const struct ref_obj *o, bool recursive, struct ref_reach *r)
{
  const struct stat *st = &o->st;
  unsigned mi = minor (st->st_rdev);
  if (S_ISBLK (st->st_mode) || (S_ISCHR (st->st_mode) && major (st->st_rdev) == 1 && (mi == 1 || mi == 2 || mi == 4)))
    {
      r->devices = xasprintf ("the %s device %u:%u", S_ISBLK (st->st_mode) ? "block" : "memory",
                              major (st->st_rdev), minor (st->st_rdev));
      return;
    }
  struct ref_tree *dev = ref_find (&whole, "/dev");
  if (dev->real == NULL || !S_ISDIR (st->st_mode) || !o->named)
    return;
  /* on the /dev mount itself, not on a filesystem mounted inside it */
  if (at_or_above (dev->real, o->real) && !mount_between (dev->real, o->real))
    {
      r->devices = xstrdup ("a directory of the host's /dev");
      return;
    }
  if (ref_contains (o, dev, recursive))
    {
      r->devices = xstrdup ("contains the host's /dev");
      r->devices_below = mount_between (o->real, dev->real);
    }
}

static void
ref_proc (const struct ref_obj *o, bool recursive, struct ref_reach *r)
{
  if (o->on_proc)
    {
      r->host_proc = xstrdup ("on the host's procfs");
      return;
    }
  if (S_ISDIR (o->st.st_mode) && ref_contains (o, ref_find (&whole, "/proc"), recursive))
    r->host_proc = xstrdup ("contains the host's /proc");
}

static void
ref_judge (const struct ref_obj *o, bool recursive, struct ref_reach *r)
{
  memset (r, 0, sizeof *r);
  ref_system_tree (o, recursive, r);
  ref_engine_socket (o, recursive, r);
  ref_devices (o, recursive, r);
  ref_proc (o, recursive, r);
}

static void
ref_open (const char *full, struct ref_obj *o)
{
  memset (o, 0, sizeof *o);
  if (stat (full, &o->st) < 0)
    return;
  o->exists = true;
  o->real = realpath (full, NULL);
  if (o->real)
    {
      o->named = true;
      o->on_proc = strcmp (fstype_of (o->real), "proc") == 0;
      return;
    }
  /* stat() found it but it has no name: the path went through a procfs
     magic link (/proc/self/fd/N) to a pipe, a socket, an anonymous inode.
     The reference knows its type and filesystem, nothing of where it is. */
  struct statfs sfs;
  o->on_proc = statfs (full, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
}

/* ---------------------------------------------------------------- */
/* The reference: capabilities and mount options                     */
/* ---------------------------------------------------------------- */

/* Typed from the kernel's uapi <linux/capability.h>. */
static const struct { const char *name; int nr; } kernel_caps[] = {
  { "CAP_CHOWN", 0 },             { "CAP_DAC_OVERRIDE", 1 },     { "CAP_DAC_READ_SEARCH", 2 },
  { "CAP_FOWNER", 3 },            { "CAP_FSETID", 4 },           { "CAP_KILL", 5 },
  { "CAP_SETGID", 6 },            { "CAP_SETUID", 7 },           { "CAP_SETPCAP", 8 },
  { "CAP_LINUX_IMMUTABLE", 9 },   { "CAP_NET_BIND_SERVICE", 10 }, { "CAP_NET_BROADCAST", 11 },
  { "CAP_NET_ADMIN", 12 },        { "CAP_NET_RAW", 13 },         { "CAP_IPC_LOCK", 14 },
  { "CAP_IPC_OWNER", 15 },        { "CAP_SYS_MODULE", 16 },      { "CAP_SYS_RAWIO", 17 },
  { "CAP_SYS_CHROOT", 18 },       { "CAP_SYS_PTRACE", 19 },      { "CAP_SYS_PACCT", 20 },
  { "CAP_SYS_ADMIN", 21 },        { "CAP_SYS_BOOT", 22 },        { "CAP_SYS_NICE", 23 },
  { "CAP_SYS_RESOURCE", 24 },     { "CAP_SYS_TIME", 25 },        { "CAP_SYS_TTY_CONFIG", 26 },
  { "CAP_MKNOD", 27 },            { "CAP_LEASE", 28 },           { "CAP_AUDIT_WRITE", 29 },
  { "CAP_AUDIT_CONTROL", 30 },    { "CAP_SETFCAP", 31 },         { "CAP_MAC_OVERRIDE", 32 },
  { "CAP_MAC_ADMIN", 33 },        { "CAP_SYSLOG", 34 },          { "CAP_WAKE_ALARM", 35 },
  { "CAP_BLOCK_SUSPEND", 36 },    { "CAP_AUDIT_READ", 37 },      { "CAP_PERFMON", 38 },
  { "CAP_BPF", 39 },              { "CAP_CHECKPOINT_RESTORE", 40 },
};
_Static_assert (CAP_SYS_ADMIN == 21 && CAP_AUDIT_READ == 37, "typed from linux/capability.h");

static int kernel_last_cap = -1;

static int
ref_cap (const char *name)
{
  for (size_t i = 0; i < sizeof kernel_caps / sizeof kernel_caps[0]; i++)
    if (strcmp (name, kernel_caps[i].name) == 0)
      return kernel_caps[i].nr;
  return -1;
}

/* What a bind's options make of it, read left to right as the words
   come, then composed in the order the mount applies them (mount.c
   apply_attrs): the top-level words, then the recursive ones over the
   whole tree, so an "rrw" anywhere undoes "ro". */
struct ref_mount
{
  bool error, remount, bind, recursive;
  int top_ro, rec_ro, top_nodev, rec_nodev;   /* 0 unsaid, 1 set, -1 cleared */
  bool readonly;        /* the mount as a whole ends read-only */
  bool nodev_top;       /* its top mount ends nodev */
  bool nodev_below;     /* its submounts end nodev */
};

static void
ref_mount_scan (const char *type, char **words, bool rbind_default, struct ref_mount *m)
{
  (void) rbind_default;
  memset (m, 0, sizeof *m);
  m->bind = type && strcmp (type, "bind") == 0;
  for (size_t i = 0; words[i]; i++)
    {
      const char *w = words[i];
      if (!strcmp (w, "ro"))
        m->top_ro = 1;
      else if (!strcmp (w, "rw"))
        m->top_ro = -1;
      else if (!strcmp (w, "rro"))
        m->rec_ro = 1;
      else if (!strcmp (w, "rrw"))
        m->rec_ro = -1;
      else if (!strcmp (w, "nodev"))
        m->top_nodev = 1;
      else if (!strcmp (w, "dev"))
        m->top_nodev = -1;
      else if (!strcmp (w, "rnodev"))
        m->rec_nodev = 1;
      else if (!strcmp (w, "rdev"))
        m->rec_nodev = -1;
      else if (!strcmp (w, "bind"))
        m->bind = true;
      else if (!strcmp (w, "rbind"))
        m->bind = m->recursive = true;
      else if (!strcmp (w, "remount"))
        m->remount = true;
      else if (!strcmp (w, "idmap") || !strcmp (w, "ridmap"))
        m->error = true;
    }
  if (m->remount)
    m->bind = false;
  /* a new filesystem needs a type */
  if (!m->remount && !m->bind && (type == NULL || type[0] == '\0'))
    m->error = true;
  m->recursive = m->bind && m->recursive;
  /* tmpfs without bind is a new filesystem: no bind source to judge */
  m->readonly = m->rec_ro == 1 || (m->rec_ro == 0 && m->top_ro == 1);
  m->nodev_top = m->rec_nodev == 1 || (m->rec_nodev == 0 && m->top_nodev == 1);
  m->nodev_below = m->rec_nodev == 1;
}

/* ---------------------------------------------------------------- */
/* Input decoding                                                    */
/* ---------------------------------------------------------------- */

static const char *const prefixes[] = {
  "S", "/etc", "/usr/lib", "/lib", "/proc/sys", "/dev", "/var/lib", "/", "/proc", "/run", "/tmp", "/sys",
};

static const char *const components[] = {
  "d", "sub", "file", "hard", "etc", "usr", "root", "proc", "dev", "varlib", "rel_etc", "rel_root",
  "up", "loop1", "loop2", "dot", "link_d", "abs_d", "docker.sock", "sock_link", "other.sock",
  "containerd.sock", "..", ".", "", "missing", "dangling", "chain", "weird", "via_up", "magic_etc",
  "run", "hard_link", "null", "fds", "fifo", "passwd", "lib", "bin", "sys", "kernel", "self", "fd",
  "0", "1", "2", "3", "cwd", "pts", "shm", "mqueue", "dpkg", "apt", "systemd", "docker", "var", "tmp",
  "SANDBOX", "hosts", "net", "ptmx", "mem", "kmsg", "fs", "cgroup", "os-release", "x86_64-linux-gnu",
  "sbin", "boot", "lib64", "usr", "zero", "full", "random", "loop0", "sda", "vda", "kcore", "sysrq-trigger",
  "ns", "mnt", "exe", "lib32", "cron", "spool", "dbus", "containerd", "home",
};

static const char *const option_words[] = {
  "ro", "rw", "rro", "rrw", "nodev", "dev", "rnodev", "rdev", "bind", "rbind", "remount", "defaults",
  "nosuid", "noexec", "rnosuid", "rnoexec", "rnoatime", "rstrictatime", "strictatime", "private",
  "rprivate", "rec", "tmpcopyup", "", "RO", "ro ", "ro,nodev", "idmap", "suid", "exec", "rexec",
  "relatime", "rrelatime", "ratime", "nosymfollow", "rnosymfollow",
};

#define N(a) (sizeof (a) / sizeof (a)[0])

static void
append (char *buf, size_t *len, const char *s)
{
  size_t n = strlen (s);
  if (*len + n >= PATH_MAX - 1)
    return;
  memcpy (buf + *len, s, n + 1);
  *len += n;
}

static void
show_reach (const char *who, const char *sys, const char *sock, const char *dev, bool below, const char *proc)
{
  fprintf (stderr, "  %-9s system_tree=%s\n            engine_socket=%s\n            devices=%s%s\n"
                   "            host_proc=%s\n",
           who, sys ? sys : "-", sock ? sock : "-", dev ? dev : "-", below ? " (below)" : "", proc ? proc : "-");
}

static bool
same_text (const char *a, const char *b)
{
  return (a == NULL && b == NULL) || (a && b && strcmp (a, b) == 0);
}

static bool
has_finding (const struct policy_findings *f, const char *id)
{
  for (size_t i = 0; i < f->n; i++)
    if (strcmp (f->v[i].rule->id, id) == 0 && strcmp (f->v[i].path, "mounts[0].source") == 0)
      return true;
  return false;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static bool ready;
  if (!ready)
    {
      fuzz_init ();
      sandbox_make ();
      read_mountinfo ();
      ref_list_make (&whole, host_whole_trees);
      ref_list_make (&top, host_top_trees);
      ref_list_make (&sockets, host_api_sockets);
      FILE *f = fopen ("/proc/sys/kernel/cap_last_cap", "re");
      if (f == NULL || fscanf (f, "%d", &kernel_last_cap) != 1)
        kernel_last_cap = CAP_LAST_CAP;
      if (f)
        fclose (f);
      ready = true;
    }
  if (size < 1)
    return 0;
  const uint8_t flags = data[0];
  size_t i = 1;

  /* ---- (a) the path ---- */
  char path[PATH_MAX];
  size_t len = 0;
  path[0] = '\0';
  const bool relative = flags & 0x08;
  bool first = true;
  size_t tokens = 0;
  for (; i < size && data[i] != 0; i++)
    {
      if (tokens++ >= 64)
        continue;
      uint8_t b = data[i];
      if (first && !relative)
        {
          const char *p = prefixes[(b + N (prefixes) - 1) % N (prefixes)];
          append (path, &len, strcmp (p, "S") == 0 ? sandbox : p);
          first = false;
          continue;
        }
      if (!first)
        append (path, &len, b & 0x80 ? "//" : "/");
      first = false;
      const char *c = components[((b & 0x7f) + N (components) - 1) % N (components)];
      append (path, &len, strcmp (c, "SANDBOX") == 0 ? strrchr (sandbox, '/') + 1 : c);
    }
  i++;
  if (len == 0)
    append (path, &len, relative ? "." : "/");

  /* ---- (b) capability names ---- */
  char **caps = NULL;
  size_t start = i;
  for (; i <= size; i++)
    if (i == size || data[i] == 0 || data[i] == 1)
      {
        if (i > start || (i < size && data[i] == 1))
          {
            _cleanup_free_ char *name = xstrndup ((const char *) data + start, i - start);
            caps = strv_append (caps, name);
          }
        start = i + 1;
        if (i == size || data[i] == 0)
          break;
      }
  i++;

  /* ---- (c) option words ---- */
  char **words = xmalloc0 (sizeof *words);
  for (; i < size; i++)
    {
      uint8_t b = data[i];
      if (b >= 0xf0)
        {
          size_t n = b & 0x0f;
          if (n > size - i - 1)
            n = size - i - 1;
          _cleanup_free_ char *w = xstrndup ((const char *) data + i + 1, n);
          words = strv_append (words, w);
          i += n;
        }
      else
        words = strv_append (words, option_words[b % N (option_words)]);
    }

  /* ---- capabilities: caps_from_name and caps_resolve ---- */
  uint64_t ref_mask = 0;
  bool ref_unknown = false;
  for (size_t k = 0; caps && caps[k]; k++)
    {
      int c = caps_from_name (caps[k]), r = ref_cap (caps[k]);
      if (c != r)
        {
          fprintf (stderr, "fuzz_canon: caps_from_name(\"%s\") = %d, reference %d\n", caps[k], c, r);
          fail ();
        }
      if (r < 0)
        ref_unknown = true;
      else if (r <= kernel_last_cap && r < 64)
        ref_mask |= UINT64_C (1) << r;
    }
  struct spec_capabilities sc = { .bounding = caps, .permitted = caps };
  struct cap_sets sets;
  struct casco_error *err = NULL;
  int rc = caps_resolve (&sc, &sets, &err);
  if ((rc < 0) != ref_unknown || (rc == 0 && (sets.bounding != ref_mask || sets.permitted != ref_mask
                                               || sets.effective || sets.ambient || sets.inheritable)))
    {
      fprintf (stderr, "fuzz_canon: caps_resolve rc %d mask %#jx, reference %s mask %#jx\n", rc,
               (uintmax_t) sets.bounding, ref_unknown ? "unknown name" : "ok", (uintmax_t) ref_mask);
      fail ();
    }
  fuzz_check_error (&err);

  /* ---- the mount plan ---- */
  static const char *const types[] = { "bind", "none", NULL, "tmpfs" };
  const char *type = types[(flags >> 1) & 3];
  struct spec_mount m = { .destination = (char *) "/mnt", .source = path, .type = (char *) type, .options = words };
  struct mount_plan plan;
  struct ref_mount rm;
  ref_mount_scan (type, words, flags & 1, &rm);
  bool plan_ok = mount_plan_build (&m, 0, &plan, &err) == 0;
  fuzz_check_error (&err);
  bool plan_bind = plan_ok && plan.kind == MOUNT_KIND_BIND;
  if (plan_ok == rm.error || plan_bind != (rm.bind && !rm.error)
      || (plan_bind && plan.recursive != rm.recursive))
    {
      fprintf (stderr, "fuzz_canon: mount_plan_build ok=%d bind=%d recursive=%d, reference error=%d "
                       "bind=%d recursive=%d\n", plan_ok, plan_bind, plan_ok && plan.recursive, rm.error,
               rm.bind, rm.recursive);
      fail ();
    }
  bool recursive = plan_bind ? plan.recursive : (flags & 1);
  if (plan_ok)
    mount_plan_clear (&plan);

  /* ---- (a) the host object ---- */
  struct host_object o;
  rc = host_object_open (relative ? sandbox_fd : AT_FDCWD, path, recursive, "mounts[0].source", &o, &err);
  fuzz_check_error (&err);
  /* a relative path that begins with "/" (an empty first component) is absolute for openat too */
  const bool from_sandbox = relative && path[0] != '/';
  char full[2 * PATH_MAX];
  snprintf (full, sizeof full, "%s%s%s", from_sandbox ? sandbox : "", from_sandbox ? "/" : "", path);
  struct ref_obj ro;
  ref_open (full, &ro);
  if (getenv ("FUZZ_CANON_DEBUG"))
    {
      fprintf (stderr, "fuzz_canon: `%s` %s%s, options", full, rc == 0 ? "opened as " : "not opened",
               rc == 0 ? o.path : "");
      for (size_t k = 0; words[k]; k++)
        fprintf (stderr, " \"%s\"", words[k]);
      fprintf (stderr, " (plan: %s%s)\n", plan_bind ? "bind" : plan_ok ? "not a bind" : "error",
               recursive ? ", recursive" : "");
      if (rc == 0)
        show_reach ("", o.reach.system_tree, o.reach.engine_socket, o.reach.devices, o.reach.devices_below,
                    o.reach.host_proc);
    }
  if ((rc == 0) != ro.exists)
    {
      fprintf (stderr, "fuzz_canon: `%s`: host_object_open %s, reference: %s\n", full,
               rc == 0 ? "opened it" : "failed", ro.exists ? "exists" : "does not exist");
      fail ();
    }
  if (rc == 0)
    {
      struct ref_reach rr;
      ref_judge (&ro, recursive, &rr);
      const struct host_reach *cr = &o.reach;
      bool same_obj = o.st.st_dev == ro.st.st_dev && o.st.st_ino == ro.st.st_ino;
      bool same_name = !ro.named || strcmp (o.path, ro.real) == 0;
      if (!same_obj || !same_name || !same_text (cr->system_tree, rr.system_tree)
          || !same_text (cr->engine_socket, rr.engine_socket) || !same_text (cr->devices, rr.devices)
          || (cr->devices && cr->devices_below != rr.devices_below) || !same_text (cr->host_proc, rr.host_proc))
        {
          fprintf (stderr, "fuzz_canon: `%s` (%s, %s): canonical and reference disagree\n", full,
                   recursive ? "rbind" : "bind", S_ISDIR (o.st.st_mode) ? "directory" : "not a directory");
          fprintf (stderr, "  canonical %s (%ju:%ju ino %ju)\n", o.path, (uintmax_t) major (o.st.st_dev),
                   (uintmax_t) minor (o.st.st_dev), (uintmax_t) o.st.st_ino);
          show_reach ("", cr->system_tree, cr->engine_socket, cr->devices, cr->devices_below, cr->host_proc);
          fprintf (stderr, "  reference %s (%ju:%ju ino %ju)\n", ro.named ? ro.real : "(no name)",
                   (uintmax_t) major (ro.st.st_dev), (uintmax_t) minor (ro.st.st_dev), (uintmax_t) ro.st.st_ino);
          show_reach ("", rr.system_tree, rr.engine_socket, rr.devices, rr.devices_below, rr.host_proc);
          fail ();
        }

      /* ---- the verdict: the policy on this object with these options ---- */
      if (plan_bind)
        {
          struct spec s = { .mounts = &m, .n_mounts = 1 };
          struct host_objects objs = { .v = &o, .n = 1 };
          struct host_object none[1] = { { .fd = -1 } };
          objs.upper = objs.work = none;
          struct policy_options opts = { .sources = &objs };
          struct policy_findings f = { 0 };
          policy_check (&s, POLICY_BASELINE, &opts, &f);
          bool want_path = rr.system_tree && !rm.readonly;
          bool want_dev = rr.devices && !(rr.devices_below ? rm.nodev_below : rm.nodev_top);
          bool want_sock = rr.engine_socket, want_proc = rr.host_proc;
          bool got_path = has_finding (&f, "CASCO-MOUNT-HOST-PATH"), got_dev = has_finding (&f, "CASCO-DEVICE-HOST");
          bool got_sock = has_finding (&f, "CASCO-MOUNT-ENGINE-SOCKET"), got_proc = has_finding (&f, "CASCO-MOUNT-HOST-PROC");
          if (want_path != got_path || want_dev != got_dev || want_sock != got_sock || want_proc != got_proc)
            {
              fprintf (stderr, "fuzz_canon: `%s`, options", full);
              for (size_t k = 0; words[k]; k++)
                fprintf (stderr, " \"%s\"", words[k]);
              fprintf (stderr, "\n  policy:    host-path %d device %d socket %d proc %d\n"
                               "  reference: host-path %d device %d socket %d proc %d (read-only %d, nodev %d, "
                               "nodev below %d)\n", got_path, got_dev, got_sock, got_proc, want_path, want_dev,
                       want_sock, want_proc, rm.readonly, rm.nodev_top, rm.nodev_below);
              show_reach ("reach", rr.system_tree, rr.engine_socket, rr.devices, rr.devices_below, rr.host_proc);
              fail ();
            }
          policy_findings_clear (&f);
        }
      ref_reach_clear (&rr);
      host_object_clear (&o);
    }
  free (ro.real);
  strv_free (caps);
  strv_free (words);
  return 0;
}

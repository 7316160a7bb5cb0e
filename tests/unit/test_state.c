/* Unit tests for the state directory (state.c), through casco/state.h only:
   ids, root and directory creation, the state.json write/read round trip,
   atomic and symlink-safe writes, locking, status probing, and reading
   malformed or hostile state files (wrong types, huge values, missing
   fields, symlinks).  Everything happens in a private temp dir. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casco/error.h"
#include "casco/state.h"
#include "util.h"
#include "unit.h"

/* ---- helpers ---------------------------------------------------------- */

static char tmpdir[] = "/tmp/casco-unit-state.XXXXXX";
static int rootfd = -1;

/* A fresh state dir <tmp>/<id>, opened. */
static int
new_dir (const char *id)
{
  int dirfd = -1;
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (state_dir_create (rootfd, id, &dirfd, &err) == 0);
  return dirfd;
}

static void
put_file (int dirfd, const char *name, const char *text)
{
  _cleanup_close_ int fd = openat (dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  CHECK (fd >= 0);
  CHECK (write (fd, text, strlen (text)) == (ssize_t) strlen (text));
}

/* state_read of the given state.json text into st: its return value. */
static int
read_text (const char *id, const char *text, struct container_state *st, char **errtext)
{
  _cleanup_close_ int dirfd = new_dir (id);
  put_file (dirfd, STATE_FILE_NAME, text);
  _cleanup_error_ struct casco_error *err = NULL;
  int r = state_read (dirfd, st, &err);
  if (errtext)
    *errtext = r < 0 ? casco_error_text (err) : NULL;
  return r;
}

static size_t
count_entries (int dirfd)
{
  int dup = fcntl (dirfd, F_DUPFD_CLOEXEC, 0);
  DIR *d = fdopendir (dup);
  size_t n = 0;
  for (struct dirent *de; d && (de = readdir (d)) != NULL;)
    if (strcmp (de->d_name, ".") != 0 && strcmp (de->d_name, "..") != 0)
      n++;
  if (d)
    closedir (d);
  return n;
}

static struct container_state
sample_state (void)
{
  static struct spec_kv ann[] = { { (char *) "org.example.a", (char *) "1" },
                                  { (char *) "org.example.quote", (char *) "say \"hi\"\n" } };
  struct container_state st = {
    .oci_version = (char *) "1.2.0",
    .id = (char *) "c1",
    .pid = 4242,
    .pid_start_time = 18446744073709551615u,
    .bundle = (char *) "/srv/bundle",
    .rootfs = (char *) "/srv/bundle/rootfs",
    .created = (char *) "2026-12-08T00:00:00.000000001Z",
    .owner = (char *) "root",
    .annotations = ann,
    .n_annotations = 2,
    .own_pid_ns = true,
    .cgroup_path = (char *) "/sys/fs/cgroup/casco/c1",
    .config = (char *) "{\"ociVersion\": \"1.2.0\"}",
    .config_uses = STATE_USES_POSTSTOP,
  };
  return st;
}

/* ---- ids, root, directories ------------------------------------------- */

static void
test_id_valid (void)
{
  CHECK (state_id_valid ("abc"));
  CHECK (state_id_valid ("A-b_c.d+e9"));
  CHECK (state_id_valid ("..."));
  CHECK (!state_id_valid (NULL));
  CHECK (!state_id_valid (""));
  CHECK (!state_id_valid ("."));
  CHECK (!state_id_valid (".."));
  CHECK (!state_id_valid ("a/b"));
  CHECK (!state_id_valid ("../x"));
  CHECK (!state_id_valid ("a b"));
  CHECK (!state_id_valid ("a\nb"));
  char longid[1026];
  memset (longid, 'a', sizeof longid - 1);
  longid[1025] = '\0';
  CHECK (!state_id_valid (longid));
  longid[1024] = '\0';
  CHECK (state_id_valid (longid));
}

static void
test_root_open (void)
{
  _cleanup_error_ struct casco_error *err = NULL;
  int fd = -1;
  CHECK (state_root_open ("relative/root", true, &fd, &err) < 0);
  _cleanup_free_ char *t = casco_error_text (err);
  CHECK_CONTAINS (t, "must be an absolute path");

  /* created with its parents, each private (state holds pids and sockets) */
  _cleanup_free_ char *deep = xasprintf ("%s/r1/r2", tmpdir);
  _cleanup_error_ struct casco_error *err2 = NULL;
  CHECK (state_root_open (deep, false, &fd, &err2) < 0);
  casco_error_free (err2);
  err2 = NULL;
  CHECK (state_root_open (deep, true, &fd, &err2) == 0);
  struct stat sb;
  CHECK (fstat (fd, &sb) == 0 && S_ISDIR (sb.st_mode) && (sb.st_mode & 07777) == 0700);
  close (fd);
  /* an existing root is fine */
  CHECK (state_root_open (deep, true, &fd, &err2) == 0);
  close (fd);
}

static void
test_dir_create_open (void)
{
  _cleanup_error_ struct casco_error *err = NULL;
  _cleanup_close_ int d1 = new_dir ("dco");
  struct stat sb;
  CHECK (fstat (d1, &sb) == 0 && (sb.st_mode & 07777) == 0700);
  int d2 = -1;
  CHECK (state_dir_create (rootfd, "dco", &d2, &err) < 0);
  CHECK_STR (err->msg, "container \"dco\" already exists");
  casco_error_free (err);
  err = NULL;

  _cleanup_close_ int d3 = -1;
  CHECK (state_dir_open (rootfd, "dco", &d3, &err) == 0);
  int d4 = -1;
  CHECK (state_dir_open (rootfd, "missing", &d4, &err) < 0);
  /* callers tell "no such container" by errno_, not by the text */
  CHECK (err->errno_ == ENOENT);
  CHECK_STR (err->msg, "container \"missing\" does not exist");
  casco_error_free (err);
  err = NULL;
  CHECK (state_dir_open (rootfd, "../etc", &d4, &err) < 0);
  CHECK_CONTAINS (err->msg, "invalid container id format");
  CHECK (err->errno_ != ENOENT);
  casco_error_free (err);
  err = NULL;

  /* a symlink in place of a state dir is not followed */
  _cleanup_free_ char *target = xasprintf ("%s/dco", tmpdir);
  CHECK (symlinkat (target, rootfd, "link") == 0);
  CHECK (state_dir_open (rootfd, "link", &d4, &err) < 0);
  CHECK (err->errno_ == ELOOP || err->errno_ == ENOTDIR);
}

static void
test_dir_remove (void)
{
  _cleanup_error_ struct casco_error *err = NULL;
  {
    _cleanup_close_ int d = new_dir ("rm");
    put_file (d, STATE_FILE_NAME, "{}");
    put_file (d, EXEC_SOCK_NAME, "");
    put_file (d, LEGACY_CONFIG_NAME, "{}");
  }
  CHECK (state_dir_remove (rootfd, "rm", &err) == 0);
  struct stat sb;
  CHECK (fstatat (rootfd, "rm", &sb, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT);
  /* removing what is gone is no error: delete may race another delete */
  CHECK (state_dir_remove (rootfd, "rm", &err) == 0);
  /* a symlink named like the id is not followed into its target */
  _cleanup_close_ int victim = new_dir ("victim");
  put_file (victim, "keep", "x");
  _cleanup_free_ char *target = xasprintf ("%s/victim", tmpdir);
  CHECK (symlinkat (target, rootfd, "rmlink") == 0);
  CHECK (state_dir_remove (rootfd, "rmlink", &err) < 0);
  CHECK (fstatat (victim, "keep", &sb, 0) == 0);
}

/* ---- state.json ------------------------------------------------------- */

static void
test_round_trip (void)
{
  _cleanup_close_ int d = new_dir ("rt");
  _cleanup_error_ struct casco_error *err = NULL;
  struct container_state in = sample_state ();
  CHECK (state_write (d, &in, &err) == 0);
  struct container_state out = { 0 };
  CHECK (state_read (d, &out, &err) == 0);
  CHECK_STR (out.oci_version, in.oci_version);
  CHECK_STR (out.id, in.id);
  CHECK (out.pid == in.pid);
  CHECK (out.pid_start_time == in.pid_start_time);
  CHECK_STR (out.bundle, in.bundle);
  CHECK_STR (out.rootfs, in.rootfs);
  CHECK_STR (out.created, in.created);
  CHECK_STR (out.owner, in.owner);
  CHECK (out.own_pid_ns);
  CHECK_STR (out.cgroup_path, in.cgroup_path);
  CHECK_STR (out.config, in.config);
  CHECK (out.config_uses == STATE_USES_POSTSTOP);
  CHECK (out.n_annotations == 2);
  if (out.n_annotations == 2)
    {
      CHECK_STR (out.annotations[0].key, "org.example.a");
      CHECK_STR (out.annotations[0].value, "1");
      CHECK_STR (out.annotations[1].key, "org.example.quote");
      CHECK_STR (out.annotations[1].value, "say \"hi\"\n");
    }
  /* status is computed, never stored */
  CHECK (out.status == CONTAINER_STOPPED);
  container_state_clear (&out);
  CHECK (out.id == NULL && out.n_annotations == 0);
}

static void
test_round_trip_config_uses (void)
{
  _cleanup_close_ int d = new_dir ("uses");
  _cleanup_error_ struct casco_error *err = NULL;
  for (unsigned uses = 0; uses <= STATE_USES_ALL; uses++)
    {
      struct container_state in = sample_state ();
      in.config_uses = uses;
      CHECK (state_write (d, &in, &err) == 0);
      struct container_state out = { 0 };
      CHECK (state_read (d, &out, &err) == 0);
      CHECK (out.config_uses == uses);
      container_state_clear (&out);
    }
  /* no saved config (an older casco): start and delete must assume they
     need everything */
  struct container_state in = sample_state ();
  in.config = NULL;
  in.config_uses = 0;
  in.owner = NULL;
  in.cgroup_path = NULL;
  in.own_pid_ns = false;
  in.n_annotations = 0;
  CHECK (state_write (d, &in, &err) == 0);
  struct container_state out = { 0 };
  CHECK (state_read (d, &out, &err) == 0);
  CHECK (out.config == NULL);
  CHECK (out.config_uses == STATE_USES_ALL);
  CHECK_STR (out.owner, "");
  CHECK_STR (out.cgroup_path, "");
  CHECK (!out.own_pid_ns);
  CHECK (out.n_annotations == 0);
  container_state_clear (&out);
}

static void
test_write_atomic (void)
{
  _cleanup_close_ int d = new_dir ("atomic");
  _cleanup_error_ struct casco_error *err = NULL;
  struct container_state in = sample_state ();
  CHECK (state_write (d, &in, &err) == 0);
  in.pid = 7;
  CHECK (state_write (d, &in, &err) == 0);
  /* only state.json: the temporary file was renamed over it */
  CHECK (count_entries (d) == 1);
  struct stat sb;
  CHECK (fstatat (d, STATE_FILE_NAME, &sb, AT_SYMLINK_NOFOLLOW) == 0);
  CHECK (S_ISREG (sb.st_mode) && (sb.st_mode & 07777) == 0600);
  struct container_state out = { 0 };
  CHECK (state_read (d, &out, &err) == 0);
  CHECK (out.pid == 7);
  container_state_clear (&out);
}

static void
test_write_symlinks (void)
{
  _cleanup_close_ int d = new_dir ("wsym");
  _cleanup_error_ struct casco_error *err = NULL;
  _cleanup_free_ char *outside = xasprintf ("%s/outside", tmpdir);
  put_file (rootfd, "outside", "untouched");
  /* state.json planted as a symlink: the rename replaces the link itself */
  CHECK (symlinkat (outside, d, STATE_FILE_NAME) == 0);
  struct container_state in = sample_state ();
  CHECK (state_write (d, &in, &err) == 0);
  struct stat sb;
  CHECK (fstatat (d, STATE_FILE_NAME, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (sb.st_mode));
  _cleanup_free_ char *text = NULL;
  CHECK (read_file_at (rootfd, "outside", &text, NULL, NULL) == 0);
  CHECK_STR (text, "untouched");
  /* a symlink at the temporary name is not written through */
  _cleanup_free_ char *tmp = xasprintf (".%s.tmp.%d", STATE_FILE_NAME, (int) getpid ());
  CHECK (symlinkat (outside, d, tmp) == 0);
  CHECK (state_write (d, &in, &err) < 0);
  free (text);
  text = NULL;
  CHECK (read_file_at (rootfd, "outside", &text, NULL, NULL) == 0);
  CHECK_STR (text, "untouched");
}

static void
test_read_symlink (void)
{
  _cleanup_close_ int d = new_dir ("rsym");
  _cleanup_error_ struct casco_error *err = NULL;
  put_file (rootfd, "fake-state", "{\"id\": \"fake\", \"pid\": 1}");
  _cleanup_free_ char *target = xasprintf ("%s/fake-state", tmpdir);
  CHECK (symlinkat (target, d, STATE_FILE_NAME) == 0);
  struct container_state st = { 0 };
  CHECK (state_read (d, &st, &err) < 0);
  CHECK (err->errno_ == ELOOP);
  container_state_clear (&st);
}

static void
test_read_missing (void)
{
  _cleanup_close_ int d = new_dir ("nofile");
  _cleanup_error_ struct casco_error *err = NULL;
  struct container_state st = { 0 };
  CHECK (state_read (d, &st, &err) < 0);
  CHECK (err->errno_ == ENOENT);
}

static void
test_read_corrupt (void)
{
  static const char *const bad[] = { "", "{", "not json", "{\"id\": }", "\x01\x02", "[1, 2" };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      _cleanup_free_ char *id = xasprintf ("corrupt%zu", i);
      _cleanup_free_ char *t = NULL;
      struct container_state st = { 0 };
      CHECK (read_text (id, bad[i], &st, &t) < 0);
      CHECK_CONTAINS (t, "state file corrupt");
      container_state_clear (&st);
    }
}

static void
test_read_wrong_types (void)
{
  /* every field of the wrong type: read as absent, never as something else */
  struct container_state st = { 0 };
  CHECK (read_text ("types",
                    "{\"ociVersion\": 1, \"id\": [\"x\"], \"pid\": \"4242\", \"pidStartTime\": -5, "
                    "\"bundle\": {}, \"rootfs\": null, \"created\": true, \"owner\": 0, "
                    "\"ownPidNs\": \"yes\", \"cgroupPath\": 1.5, \"annotations\": [\"a\"], "
                    "\"configUses\": \"poststart\", \"config\": {\"a\": 1}}",
                    &st, NULL)
         == 0);
  CHECK_STR (st.oci_version, "");
  CHECK_STR (st.id, "");
  CHECK (st.pid == 0);
  CHECK (st.pid_start_time == 0);
  CHECK_STR (st.bundle, "");
  CHECK_STR (st.rootfs, "");
  CHECK_STR (st.created, "");
  CHECK_STR (st.owner, "");
  CHECK (!st.own_pid_ns);
  CHECK_STR (st.cgroup_path, "");
  CHECK (st.n_annotations == 0);
  CHECK (st.config == NULL);
  CHECK (st.config_uses == STATE_USES_ALL);
  container_state_clear (&st);

  /* annotation values that are not strings read as empty */
  CHECK (read_text ("annvals", "{\"annotations\": {\"a\": 1, \"b\": \"two\"}}", &st, NULL) == 0);
  CHECK (st.n_annotations == 2);
  if (st.n_annotations == 2)
    {
      CHECK_STR (st.annotations[0].value, "");
      CHECK_STR (st.annotations[1].value, "two");
    }
  container_state_clear (&st);

  /* a use casco does not know: assume everything is needed */
  CHECK (read_text ("unkuse", "{\"configUses\": [\"poststart\", \"later\"], \"config\": \"{}\"}", &st, NULL)
         == 0);
  CHECK (st.config_uses == STATE_USES_ALL);
  container_state_clear (&st);
  CHECK (read_text ("baduse", "{\"configUses\": [\"poststop\", 3]}", &st, NULL) == 0);
  CHECK (st.config_uses == STATE_USES_ALL);
  container_state_clear (&st);
}

static void
test_read_missing_fields (void)
{
  struct container_state st = { 0 };
  CHECK (read_text ("empty", "{}", &st, NULL) == 0);
  CHECK_STR (st.id, "");
  CHECK_STR (st.bundle, "");
  CHECK (st.pid == 0);
  CHECK (st.annotations != NULL && st.n_annotations == 0);
  CHECK (st.config == NULL && st.config_uses == STATE_USES_ALL);
  /* no pid: create never started the init */
  state_probe (-1, &st);
  CHECK (st.status == CONTAINER_CREATING);
  container_state_clear (&st);

  /* a JSON value that is not an object */
  CHECK (read_text ("array", "[]", &st, NULL) == 0);
  CHECK_STR (st.id, "");
  CHECK (st.pid == 0);
  container_state_clear (&st);
}

static void
test_read_hostile_values (void)
{
  struct container_state st = { 0 };
  _cleanup_close_ int d = new_dir ("hostile");
  /* a pid that is no live process of ours, with an impossible start time:
     never reads as a running container */
  put_file (d, STATE_FILE_NAME, "{\"pid\": 4194305, \"pidStartTime\": 1}");
  CHECK (state_read (d, &st, NULL) == 0);
  state_probe (d, &st);
  CHECK (st.status == CONTAINER_STOPPED);
  container_state_clear (&st);

  /* a pid beyond pid_t would wrap to another process (4294967297 to pid 1):
     refused, not truncated */
  put_file (d, STATE_FILE_NAME, "{\"pid\": 4294967297, \"pidStartTime\": 0}");
  struct casco_error *e = NULL;
  CHECK (state_read (d, &st, &e) < 0);
  CHECK (e && strstr (e->msg, "4294967297") != NULL);
  casco_error_free (e);
  container_state_clear (&st);

  /* a FIFO planted as state.json is refused without hanging the open */
  CHECK (unlinkat (d, STATE_FILE_NAME, 0) == 0);
  CHECK (mkfifoat (d, STATE_FILE_NAME, 0600) == 0);
  e = NULL;
  CHECK (state_read (d, &st, &e) < 0);
  CHECK (e && strstr (e->msg, "not a regular file") != NULL);
  casco_error_free (e);
  container_state_clear (&st);
  CHECK (unlinkat (d, STATE_FILE_NAME, 0) == 0);

  /* numbers past 64 bits are not read */
  put_file (d, STATE_FILE_NAME, "{\"pid\": 99999999999999999999999, \"pidStartTime\": 1e400}");
  CHECK (state_read (d, &st, NULL) == 0);
  CHECK (st.pid == 0 && st.pid_start_time == 0);
  container_state_clear (&st);

  /* negative pid: not a process group to signal, reads as never started */
  put_file (d, STATE_FILE_NAME, "{\"pid\": -1}");
  CHECK (state_read (d, &st, NULL) == 0);
  state_probe (d, &st);
  CHECK (st.status == CONTAINER_CREATING);
  container_state_clear (&st);

  /* a long string and many annotations read whole */
  size_t n = 1 << 20;
  char *big = xmalloc0 (n + 64);
  strcpy (big, "{\"bundle\": \"");
  memset (big + strlen (big), 'b', n);
  strcat (big, "\"}");
  put_file (d, STATE_FILE_NAME, big);
  free (big);
  CHECK (state_read (d, &st, NULL) == 0);
  CHECK (strlen (st.bundle) == n);
  container_state_clear (&st);
}

/* ---- locking and probing ---------------------------------------------- */

static void
test_lock (void)
{
  _cleanup_close_ int d = new_dir ("lock");
  _cleanup_free_ char *path = xasprintf ("%s/lock", tmpdir);
  /* flock belongs to the open file description: a second open is a
     second command on the same id */
  _cleanup_close_ int other = open (path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK (other >= 0);
  CHECK (state_lock (d, true, NULL) == 0);
  CHECK (flock (other, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK);
  CHECK (flock (other, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK);
  /* shared locks share */
  CHECK (flock (d, LOCK_UN) == 0);
  CHECK (state_lock (d, false, NULL) == 0);
  CHECK (flock (other, LOCK_SH | LOCK_NB) == 0);
  CHECK (flock (other, LOCK_UN) == 0);
  CHECK (flock (other, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK);
  /* closing the fd releases the lock: a crashed command leaves none */
  close (d);
  d = -1;
  CHECK (flock (other, LOCK_EX | LOCK_NB) == 0);
  /* a bad fd is an error, not a hang */
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (state_lock (-1, true, &err) < 0);
  CHECK (err != NULL && err->errno_ == EBADF);
}

static void
test_probe (void)
{
  _cleanup_close_ int d = new_dir ("probe");
  struct container_state st = sample_state ();
  st.cgroup_path = (char *) "";
  st.pid = getpid ();
  st.pid_start_time = proc_start_time (getpid ());
  CHECK (st.pid_start_time != 0);
  state_probe (d, &st);
  CHECK (st.status == CONTAINER_RUNNING);
  put_file (d, EXEC_SOCK_CREATING_NAME, "");
  state_probe (d, &st);
  CHECK (st.status == CONTAINER_CREATING);
  put_file (d, EXEC_SOCK_NAME, "");
  state_probe (d, &st);
  CHECK (st.status == CONTAINER_CREATED);
  /* the pid was reused by another process: stopped */
  st.pid_start_time++;
  state_probe (d, &st);
  CHECK (st.status == CONTAINER_STOPPED);
  st.pid = 0;
  state_probe (d, &st);
  CHECK (st.status == CONTAINER_CREATING);
  CHECK (proc_start_time (-1) == 0);
}

static void
test_public_json (void)
{
  struct container_state st = sample_state ();
  st.status = CONTAINER_RUNNING;
  _cleanup_free_ char *running = state_to_public_json (&st);
  CHECK_CONTAINS (running, "\"pid\": 4242");
  CHECK_CONTAINS (running, "\"status\": \"running\"");
  CHECK_CONTAINS (running, "\"org.example.a\": \"1\"");
  /* what runc does not print stays private */
  CHECK (strstr (running, "config") == NULL && strstr (running, "pidStartTime") == NULL);
  st.status = CONTAINER_STOPPED;
  _cleanup_free_ char *stopped = state_to_public_json (&st);
  CHECK_CONTAINS (stopped, "\"pid\": 0");
  CHECK_CONTAINS (stopped, "\"status\": \"stopped\"");
  CHECK_STR (container_status_name (CONTAINER_CREATING), "creating");
  CHECK_STR (container_status_name (CONTAINER_CREATED), "created");
  CHECK_STR (container_status_name (CONTAINER_PAUSED), "paused");
}

static void
test_rfc3339 (void)
{
  _cleanup_free_ char *epoch = rfc3339_at (0, 0);
  CHECK_STR (epoch, "1970-01-01T00:00:00.000000000Z");
  _cleanup_free_ char *leap = rfc3339_at (1709210096, 123456789);
  CHECK_STR (leap, "2024-02-29T12:34:56.123456789Z");
  _cleanup_free_ char *before = rfc3339_at (-1, 5);
  CHECK_STR (before, "1969-12-31T23:59:59.000000005Z");
  _cleanup_free_ char *y2k = rfc3339_at (951782400, 0);
  CHECK_STR (y2k, "2000-02-29T00:00:00.000000000Z");
  _cleanup_free_ char *now = rfc3339_now ();
  CHECK (now && strlen (now) == strlen ("2026-12-08T00:00:00.000000000Z") && now[strlen (now) - 1] == 'Z');
}

int
main (void)
{
  if (mkdtemp (tmpdir) == NULL || (rootfd = open (tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
    {
      perror ("temp dir");
      return 1;
    }
  RUN (test_id_valid);
  RUN (test_root_open);
  RUN (test_dir_create_open);
  RUN (test_dir_remove);
  RUN (test_round_trip);
  RUN (test_round_trip_config_uses);
  RUN (test_write_atomic);
  RUN (test_write_symlinks);
  RUN (test_read_symlink);
  RUN (test_read_missing);
  RUN (test_read_corrupt);
  RUN (test_read_wrong_types);
  RUN (test_read_missing_fields);
  RUN (test_read_hostile_values);
  RUN (test_lock);
  RUN (test_probe);
  RUN (test_public_json);
  RUN (test_rfc3339);
  /* leave nothing behind */
  _cleanup_free_ char *cmd = xasprintf ("rm -rf '%s'", tmpdir);
  if (system (cmd) != 0)
    printf ("# could not remove %s\n", tmpdir);
  return UNIT_DONE ();
}

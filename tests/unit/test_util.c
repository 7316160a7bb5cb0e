/* Unit tests for small pure pieces: signal names, container ids, the JSON
   writer and reader, the error type, state JSON round trip. */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "casco/error.h"
#include "casco/json.h"
#include "selfexe.h"
#include "signals.h"
#include "casco/state.h"
#include "util.h"
#include "early.h"
#include "user.h"
#include "unit.h"

static void
signal_names_and_numbers (void)
{
  CHECK (signal_parse ("KILL") == SIGKILL);
  CHECK (signal_parse ("SIGKILL") == SIGKILL);
  CHECK (signal_parse ("sigterm") == SIGTERM);
  CHECK (signal_parse ("term") == SIGTERM);
  CHECK (signal_parse ("9") == SIGKILL);
  CHECK (signal_parse ("15") == SIGTERM);
  CHECK (signal_parse ("HUP") == SIGHUP);
  CHECK (signal_parse ("SIGWINCH") == SIGWINCH);
}

static void
signal_realtime (void)
{
  CHECK (signal_parse ("RTMIN") == SIGRTMIN);
  CHECK (signal_parse ("SIGRTMIN+3") == SIGRTMIN + 3);
  CHECK (signal_parse ("RTMAX-1") == SIGRTMAX - 1);
  CHECK (signal_parse ("RTMAX+1") == -1);
}

static void
signal_rejects_garbage (void)
{
  CHECK (signal_parse ("") == -1);
  CHECK (signal_parse (NULL) == -1);
  CHECK (signal_parse ("FOO") == -1);
  CHECK (signal_parse ("0") == -1);
  CHECK (signal_parse ("-9") == -1);
  CHECK (signal_parse ("65") == -1);
  CHECK (signal_parse ("9x") == -1);
  CHECK (signal_parse ("SIGVERYLONGNAMEOFNOTHINGATALLXXXXXX") == -1);
}

static void
signal_name_lookup (void)
{
  CHECK_STR (signal_name (SIGKILL), "SIGKILL");
  CHECK (signal_name (0) == NULL);
}

static void
container_ids (void)
{
  CHECK (state_id_valid ("abc"));
  CHECK (state_id_valid ("a.b-c_d+e"));
  CHECK (state_id_valid ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  CHECK (!state_id_valid (""));
  CHECK (!state_id_valid ("."));
  CHECK (!state_id_valid (".."));
  CHECK (!state_id_valid ("../x"));
  CHECK (!state_id_valid ("a/b"));
  CHECK (!state_id_valid ("a b"));
  CHECK (!state_id_valid ("a\nb"));
  CHECK (!state_id_valid (NULL));
}

static void
json_writer_escapes (void)
{
  json_writer *w = jw_new (false);
  jw_obj_open (w);
  jw_kv_str (w, "msg", "quote \" backslash \\ newline \n tab \t");
  jw_kv_int (w, "n", -42);
  jw_key (w, "big");
  jw_uint (w, 18446744073709551615ULL);
  jw_kv_bool (w, "t", true);
  jw_kv_str (w, "null", NULL);
  jw_obj_close (w);
  char *text = jw_finish (w, NULL);
  CHECK_STR (text, "{\"msg\":\"quote \\\" backslash \\\\ newline \\n tab \\t\",\"n\":-42,"
                   "\"big\":18446744073709551615,\"t\":true,\"null\":null}");
  free (text);
}

static void
json_writer_survives_invalid_utf8 (void)
{
  json_writer *w = jw_new (false);
  jw_arr_open (w);
  jw_str (w, "bad \xff\xfe byte");
  jw_arr_close (w);
  char *text = jw_finish (w, NULL);
  CHECK_STR (text, "[\"bad ?? byte\"]");
  free (text);
}

static void
json_reader_numbers (void)
{
  const char *doc = "{\"a\": 18446744073709551615, \"b\": -1, \"c\": 1.5, \"d\": \"x\"}";
  json_node *root = NULL;
  struct casco_error *err = NULL;
  CHECK (json_parse (doc, strlen (doc), &root, &err) == 0);
  uint64_t u;
  int64_t i;
  CHECK (json_uint64 (json_get (root, "a"), &u) && u == UINT64_MAX);
  CHECK (!json_int64 (json_get (root, "a"), &i));
  CHECK (json_int64 (json_get (root, "b"), &i) && i == -1);
  CHECK (!json_uint64 (json_get (root, "b"), &u));
  CHECK (!json_int64 (json_get (root, "c"), &i));
  CHECK (!json_int64 (json_get (root, "d"), &i));
  CHECK (json_get (root, "missing") == NULL);
  CHECK_STR (json_type_name (json_type_of (json_get (root, "d"))), "string");
  json_free (root);
}

static void
json_reader_reports_syntax_errors (void)
{
  json_node *root = NULL;
  struct casco_error *err = NULL;
  CHECK (json_parse ("{\"a\": }", 7, &root, &err) < 0);
  CHECK (err != NULL);
  if (err)
    CHECK_CONTAINS (err->msg, "invalid JSON");
  casco_error_free (err);
  err = NULL;
  CHECK (json_parse ("{}\0{}", 5, &root, &err) < 0);
  casco_error_free (err);
}

static void
json_reader_refuses_escaped_nul (void)
{
  json_node *root = NULL;
  struct casco_error *err = NULL;
  const char *bad = "[\"/bin/sh\\u0000x\"]";
  CHECK (json_parse (bad, strlen (bad), &root, &err) < 0);
  if (err)
    CHECK_CONTAINS (err->msg, "u0000");
  casco_error_free (err);
  err = NULL;
  /* an escaped backslash followed by the text u0000 is an ordinary string */
  const char *ok = "[\"a\\\\u0000\"]";
  CHECK (json_parse (ok, strlen (ok), &root, &err) == 0);
  if (root)
    CHECK_STR (json_string (json_array_at (root, 0)), "a\\u0000");
  json_free (root);
}

static void
error_keeps_first_cause_and_path (void)
{
  struct casco_error *err = NULL;
  CHECK (casco_error_config (&err, "linux.namespaces[2].type", "unknown namespace \"%s\"", "foo") == -1);
  CHECK (casco_error_set (&err, 0, "later") == -1);
  char *text = casco_error_text (err);
  CHECK_STR (text, "linux.namespaces[2].type: unknown namespace \"foo\"");
  free (text);
  casco_error_wrap (&err, "create");
  CHECK_STR (err->msg, "create: unknown namespace \"foo\"");
  casco_error_free (err);
}

static void
error_appends_errno (void)
{
  struct casco_error *err = NULL;
  casco_error_set (&err, ENOENT, "open `%s`", "/x");
  CHECK_STR (err->msg, "open `/x`: No such file or directory");
  CHECK (err->errno_ == ENOENT);
  casco_error_free (err);
}

static void
state_public_json_shape (void)
{
  struct spec_kv ann[] = { { (char *) "k", (char *) "v" } };
  struct container_state st = {
    .oci_version = (char *) "1.2.0", .id = (char *) "c1", .pid = 42, .bundle = (char *) "/b",
    .rootfs = (char *) "/b/rootfs", .created = (char *) "2026-01-01T00:00:00.000000000Z",
    .owner = (char *) "", .annotations = ann, .n_annotations = 1, .status = CONTAINER_RUNNING,
  };
  char *text = state_to_public_json (&st);
  CHECK_CONTAINS (text, "\"ociVersion\": \"1.2.0\"");
  CHECK_CONTAINS (text, "\"id\": \"c1\"");
  CHECK_CONTAINS (text, "\"pid\": 42");
  CHECK_CONTAINS (text, "\"status\": \"running\"");
  CHECK_CONTAINS (text, "\"annotations\": {");
  free (text);
  st.status = CONTAINER_STOPPED;
  text = state_to_public_json (&st);
  CHECK_CONTAINS (text, "\"pid\": 0");
  CHECK_CONTAINS (text, "\"status\": \"stopped\"");
  free (text);
}

static void
rfc3339_shape (void)
{
  char *t = rfc3339_now ();
  CHECK (strlen (t) == 30);
  CHECK (t[4] == '-' && t[10] == 'T' && t[19] == '.' && t[29] == 'Z');
  free (t);
  /* against gmtime_r, over leap days, centuries and era edges */
  static const int64_t secs[] = { 0, 59, 86399, 86400, 951782400, 951868799, 951868800,
                                  4107456000, 4107542400, 1796155200, 253402300799,
                                  -1, -86400, -2208988800 };
  for (size_t k = 0; k < sizeof secs / sizeof secs[0]; k++)
    {
      time_t tt = (time_t) secs[k];
      struct tm tm;
      gmtime_r (&tt, &tm);
      char want[64];
      snprintf (want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.000000007Z", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
      char *got = rfc3339_at (secs[k], 7);
      CHECK_STR (got, want);
      free (got);
    }
  for (int64_t sec = -5000000000; sec < 5000000000; sec += 7777777)
    {
      time_t tt = (time_t) sec;
      struct tm tm;
      gmtime_r (&tt, &tm);
      char want[64];
      snprintf (want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.000000000Z", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
      char *got = rfc3339_at (sec, 0);
      CHECK_STR (got, want);
      free (got);
    }
}

/* The command word casco_entry finds before libc starts must be the one
   main()'s getopt finds, or NULL when it cannot be sure. */
static const char *
early (const char *a0, ...)
{
  static char *argv[16];
  va_list ap;
  int argc = 0;
  va_start (ap, a0);
  for (const char *a = a0; a && argc < 15; a = va_arg (ap, const char *))
    argv[argc++] = (char *) a;
  va_end (ap);
  argv[argc] = NULL;
  return selfexe_early_command (argc, argv);
}

static void
early_command_word (void)
{
  CHECK_STR (early ("casco", "create", "--bundle", "b", "id", NULL), "create");
  CHECK_STR (early ("casco", "--root", "/r", "--log", "create", "run", NULL), "run");
  CHECK_STR (early ("casco", "-root", "/r", "--debug", "exec", "id", "ls", NULL), "exec");
  CHECK_STR (early ("casco", "--root=/r", "--log-format=json", "--systemd-cgroup", "start", NULL), "start");
  CHECK_STR (early ("casco", "--policy", "baseline", "--cgroup-manager", "disabled", "--rootless",
                    "true", "--criu", "x", "create", NULL), "create");
  CHECK_STR (early ("casco", "--", "create", NULL), "create");
  CHECK (early ("casco", NULL) == NULL);
  CHECK (early ("casco", "--root", NULL) == NULL);
  CHECK (early ("casco", "-v", "create", NULL) == NULL);
  CHECK (early ("casco", "--ro", "/r", "create", NULL) == NULL);   /* abbreviation: main decides */
  CHECK (early ("casco", "--debug=1", "create", NULL) == NULL);
  CHECK (early ("casco", "--a-very-long-option-name-beyond-any-of-ours", "create", NULL) == NULL);
  CHECK (early ("casco", "--", NULL) == NULL);
  CHECK (selfexe_command_enters_containers ("create") && selfexe_command_enters_containers ("run")
         && selfexe_command_enters_containers ("exec"));
  CHECK (!selfexe_command_enters_containers ("start") && !selfexe_command_enters_containers ("creat")
         && !selfexe_command_enters_containers ("creates") && !selfexe_command_enters_containers (""));
}

/* The values main()'s global options carry, as casco_entry reads them. */
static void
early_option_values (void)
{
  char *argv[] = { "casco", "--root=/r", "-log", "/l", "--log-format", "json", "--cgroup-manager=disabled",
                   "--debug", "delete", "-f", "x", NULL };
  struct early_args a;
  CHECK (selfexe_early_parse (11, argv, &a));
  CHECK (a.command == 8);
  CHECK_STR (a.root, "/r");
  CHECK_STR (a.log, "/l");
  CHECK_STR (a.log_format, "json");
  CHECK_STR (a.cgroup_manager, "disabled");
  CHECK (a.debug);
  char *plain[] = { "casco", "start", "x", NULL };
  CHECK (selfexe_early_parse (3, plain, &a));
  CHECK (a.command == 1 && a.root == NULL && a.log == NULL && !a.debug);
}

static char *
state_file_text (const struct container_state *st)
{
  char dir[] = "/tmp/casco-unit-state.XXXXXX";
  if (mkdtemp (dir) == NULL)
    return NULL;
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  struct casco_error *err = NULL;
  char *text = NULL;
  if (fd >= 0 && state_write (fd, st, &err) == 0)
    read_file_at (fd, STATE_FILE_NAME, &text, NULL, &err);
  casco_error_free (err);
  if (fd >= 0)
    {
      unlinkat (fd, STATE_FILE_NAME, 0);
      close (fd);
    }
  rmdir (dir);
  return text;
}

/* What casco_entry's reader (early/state_steps.c) gets out of the files
   state_write writes is what state_read gets, whatever the strings around
   the fields it reads hold; and every cut-off file is refused. */
static void
early_state_reader_agrees_with_state_write (void)
{
  struct spec_kv ann[] = { { (char *) "io.k8s/\"x\"", (char *) "}]\\\" {[ \"pid\": 1, \n\t" } };
  const char *cgroups[] = { "", "/casco/c1" };
  const unsigned uses[] = { 0, STATE_USES_POSTSTOP, STATE_USES_POSTSTART | STATE_USES_LISTENER };
  for (size_t c = 0; c < ARRAY_SIZE (cgroups); c++)
    for (size_t u = 0; u < ARRAY_SIZE (uses); u++)
      {
        struct container_state st = {
          .oci_version = (char *) "1.2.0", .id = (char *) "c1", .pid = 4242, .pid_start_time = 987654321012ULL,
          .bundle = (char *) "/b \"q\"", .rootfs = (char *) "/b/rootfs", .created = (char *) "t",
          .owner = (char *) "", .annotations = ann, .n_annotations = 1, .cgroup_path = (char *) cgroups[c],
          .config = (char *) "{\"hooks\": {\"poststop\": [{\"path\": \"/x]}\"}]}, \"pid\": 7}",
          .config_uses = uses[u],
        };
        char *text = state_file_text (&st);
        CHECK (text != NULL);
        if (text == NULL)
          continue;
        long len = (long) strlen (text);
        struct early_state e = { 0 };
        CHECK (lifecycle_early_parse_state (text, len, &e));
        CHECK (e.pid == 4242);
        CHECK (e.pid_start_time == 987654321012ULL);
        CHECK (e.cgroup_empty == (cgroups[c][0] == '\0'));
        CHECK (e.uses_empty == (uses[u] == 0));
        for (long cut = 0; cut < len - 1; cut++)
          if (lifecycle_early_parse_state (text, cut, &e))
            {
              printf ("#   accepted a state cut at %ld of %ld bytes\n", cut, len);
              unit_current_failed = 1;
              break;
            }
        free (text);
      }
}

static bool
early_parses (const char *text)
{
  struct early_state e;
  return lifecycle_early_parse_state (text, (long) strlen (text), &e);
}

/* Whatever it does not plainly understand is main()'s. */
static void
early_state_reader_refuses (void)
{
  const char *tail = "\"pidStartTime\":5,\"cgroupPath\":\"\",\"configUses\":[]}";
  char buf[256];
  snprintf (buf, sizeof buf, "{\"pid\":12,%s", tail);
  CHECK (early_parses (buf));
  snprintf (buf, sizeof buf, " \n{ \"pid\" : 12 , %s\n", tail);
  CHECK (early_parses (buf));
  const char *bad_pids[] = { "0", "-3", "1.5", "1e3", "\"12\"", "null", "99999999999", "" };
  for (size_t i = 0; i < ARRAY_SIZE (bad_pids); i++)
    {
      snprintf (buf, sizeof buf, "{\"pid\":%s,%s", bad_pids[i], tail);
      CHECK (!early_parses (buf));
    }
  /* an older casco's state: no configUses, so the config may matter */
  CHECK (!early_parses ("{\"pid\":12,\"pidStartTime\":5,\"cgroupPath\":\"\"}"));
  CHECK (!early_parses ("{\"pid\":12,\"pidStartTime\":5,\"cgroupPath\":\"\",\"configUses\":null}"));
  CHECK (!early_parses ("{\"pid\":12,\"pidStartTime\":5,\"cgroupPath\":1,\"configUses\":[]}"));
  CHECK (!early_parses ("{\"pid\":12,\"a\":{\"b\":[}],\"pidStartTime\":5,\"cgroupPath\":\"\",\"configUses\":[]}"));
  CHECK (!early_parses ("{\"pid\":12,\"a\":\"x\ny\",\"pidStartTime\":5,\"cgroupPath\":\"\",\"configUses\":[]}"));
  CHECK (!early_parses ("{\"pid\":12 \"pidStartTime\":5,\"cgroupPath\":\"\",\"configUses\":[]}"));
  CHECK (!early_parses ("[]"));
  CHECK (!early_parses (""));
}

/* /proc/PID/stat's starttime (field 22), after a comm that may hold
   spaces and parens. */
static void
early_stat_reader (void)
{
  const char *rest = "1 2 3 4 -1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 6863052 2228224 37 18446744073709551615";
  char line[512];
  snprintf (line, sizeof line, "4540 (true) S %s\n", rest);
  CHECK (lifecycle_early_parse_stat (line, (long) strlen (line)) == 6863052);
  snprintf (line, sizeof line, "4540 (a) b) (c ) R %s", rest);
  CHECK (lifecycle_early_parse_stat (line, (long) strlen (line)) == 6863052);
  snprintf (line, sizeof line, "4540 (true) Z %s", rest);
  CHECK (lifecycle_early_parse_stat (line, (long) strlen (line)) == 0);
  snprintf (line, sizeof line, "4540 (true) S %s", rest);
  CHECK (lifecycle_early_parse_stat (line, 60) == 0);   /* cut before field 22 */
  CHECK (lifecycle_early_parse_stat ("4540 (true", 10) == 0);
}

static long
dir_end (const char *path)
{
  return selfexe_exe_dir_end (path, (long) strlen (path));
}

/* Which binary paths the read-only overlay can take: its directory
   becomes a lower layer beside /dev. */
static void
overlay_layer_from_exe_path (void)
{
  CHECK (dir_end ("/usr/bin/casco") == 8);
  CHECK (dir_end ("/var/tmp/x/casco") == 10);
  CHECK (dir_end ("/casco") == -1);              /* / would hold /dev too */
  CHECK (dir_end ("casco") == -1);               /* not absolute */
  CHECK (dir_end ("") == -1);
  CHECK (dir_end ("/opt/a:b/casco") == -1);      /* lowerdir's separator */
  CHECK (dir_end ("/opt/a\\b/casco") == -1);     /* its escape */
  CHECK (dir_end ("/usr/bin/casco (deleted)") == -1);   /* replaced since it started */
  CHECK (dir_end ("/usr/bin/casco (deleted) x") == 8);
}

static void
user_home_from_passwd (void)
{
  const char *pw = "root:x:0:0:root:/root:/bin/sh\n"
                   "bad:x:12x:0::/nope:/bin/sh\n"
                   "rel:x:7:7::relative:/bin/sh\n"
                   "user:x:1000:1000:U:/home/user:/bin/sh\n"
                   "dup:x:1000:1000::/second:/bin/sh\n"
                   "short:x:9\n";
  _cleanup_free_ char *root = user_home (pw, 0);
  _cleanup_free_ char *user = user_home (pw, 1000);
  CHECK_STR (root, "/root");
  CHECK_STR (user, "/home/user");   /* the first entry wins */
  CHECK (user_home (pw, 7) == NULL);   /* a relative home is no home */
  CHECK (user_home (pw, 9) == NULL);
  CHECK (user_home (pw, 42) == NULL);
  CHECK (user_home ("", 0) == NULL);
}

/* The container-file reader on each kind of object a container can put in
   place of /etc/passwd. */
static void
container_file_refuses_what_is_not_a_small_regular_file (void)
{
  char dir[] = "/tmp/casco-unit-cf.XXXXXX";
  CHECK (mkdtemp (dir) != NULL);
  int root = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  CHECK (root >= 0);
  CHECK (mkdirat (root, "etc", 0755) == 0);
  int fd = openat (root, "etc/ok", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  CHECK (fd >= 0 && write (fd, "a:x:1:1::/a:/bin/sh\n", 20) == 20);
  close (fd);
  CHECK (mkfifoat (root, "etc/fifo", 0644) == 0);
  CHECK (symlinkat ("/dev/zero", root, "etc/zero") == 0);
  CHECK (symlinkat ("../../../../etc/ok", root, "etc/out") == 0);   /* stays in the root */
  fd = openat (root, "etc/huge", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  CHECK (fd >= 0 && ftruncate (fd, (off_t) CONTAINER_FILE_MAX + 1) == 0);
  close (fd);

  char *text = NULL;
  struct casco_error *err = NULL;
  CHECK (read_container_file (root, "/etc/ok", CONTAINER_FILE_MAX, &text, &err) == 0);
  CHECK_STR (text, "a:x:1:1::/a:/bin/sh\n");
  free (text);
  CHECK (read_container_file (root, "/etc/out", CONTAINER_FILE_MAX, &text, &err) == 0);
  CHECK_STR (text, "a:x:1:1::/a:/bin/sh\n");
  free (text);
  CHECK (read_container_file (root, "/etc/missing", CONTAINER_FILE_MAX, &text, &err) == 0 && text == NULL);
  const struct { const char *path, *says; } bad[] = {
    { "/etc/fifo", "FIFO" }, { "/etc/zero", "does not exist" }, { "/etc/huge", "limit" }, { "/etc", "directory" },
  };
  for (size_t i = 0; i < ARRAY_SIZE (bad); i++)
    {
      text = NULL;
      int rc = read_container_file (root, bad[i].path, CONTAINER_FILE_MAX, &text, &err);
      /* /dev/zero is outside this root: resolved inside it, it is missing */
      if (strcmp (bad[i].says, "does not exist") == 0)
        CHECK (rc == 0 && text == NULL);
      else
        {
          CHECK (rc < 0 && text == NULL && err != NULL);
          if (err)
            {
              CHECK_CONTAINS (err->msg, bad[i].path);
              CHECK_CONTAINS (err->msg, bad[i].says);
            }
        }
      casco_error_free (err);
      err = NULL;
    }
  /* from the real root, /dev/zero is a device: refused, never read */
  int slash = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  CHECK (read_container_file (slash, "/dev/zero", CONTAINER_FILE_MAX, &text, &err) < 0);
  CHECK (err && strstr (err->msg, "character device"));
  casco_error_free (err);
  err = NULL;
  /* a device is opened only when it is the one named */
  fd = open_container_device (slash, "/dev/null", 1, 3, O_RDWR, &err);
  CHECK (fd >= 0);
  close (fd);
  CHECK (open_container_device (slash, "/dev/null", 5, 2, O_RDWR, &err) < 0);
  CHECK (err && strstr (err->msg, "1:3") && strstr (err->msg, "5:2"));
  casco_error_free (err);
  err = NULL;
  CHECK (open_container_device (root, "/etc/fifo", 5, 2, O_RDWR, &err) < 0);
  CHECK (err && strstr (err->msg, "FIFO"));
  casco_error_free (err);
  close (slash);
  for (const char *const *n = (const char *const[]){ "etc/ok", "etc/fifo", "etc/zero", "etc/out", "etc/huge", NULL };
       *n; n++)
    unlinkat (root, *n, 0);
  unlinkat (root, "etc", AT_REMOVEDIR);
  close (root);
  rmdir (dir);
}

static void
close_fds_except_keeps_only_those (void)
{
  int a = open ("/dev/null", O_RDONLY | O_CLOEXEC), b = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  int c = open ("/dev/null", O_RDONLY | O_CLOEXEC), d = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = fork ();
  if (pid == 0)
    {
      int keep[] = { d, -1, b };
      close_fds_except ((unsigned) a, keep, ARRAY_SIZE (keep));
      _exit (fcntl (a, F_GETFD) < 0 && fcntl (b, F_GETFD) >= 0 && fcntl (c, F_GETFD) < 0
             && fcntl (d, F_GETFD) >= 0 && fcntl (1, F_GETFD) >= 0 ? 0 : 1);
    }
  int status = -1;
  CHECK (pid > 0 && waitpid (pid, &status, 0) == pid && WIFEXITED (status) && WEXITSTATUS (status) == 0);
  close (a);
  close (b);
  close (c);
  close (d);
}

int
main (void)
{
  RUN (signal_names_and_numbers);
  RUN (signal_realtime);
  RUN (signal_rejects_garbage);
  RUN (signal_name_lookup);
  RUN (container_ids);
  RUN (json_writer_escapes);
  RUN (json_writer_survives_invalid_utf8);
  RUN (json_reader_numbers);
  RUN (json_reader_reports_syntax_errors);
  RUN (json_reader_refuses_escaped_nul);
  RUN (error_keeps_first_cause_and_path);
  RUN (error_appends_errno);
  RUN (state_public_json_shape);
  RUN (rfc3339_shape);
  RUN (early_command_word);
  RUN (overlay_layer_from_exe_path);
  RUN (early_option_values);
  RUN (early_state_reader_agrees_with_state_write);
  RUN (early_state_reader_refuses);
  RUN (early_stat_reader);
  RUN (user_home_from_passwd);
  RUN (container_file_refuses_what_is_not_a_small_regular_file);
  RUN (close_fds_except_keeps_only_those);
  return UNIT_DONE ();
}

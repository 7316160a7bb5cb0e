/* CLI logging: text or JSON lines to --log (or stderr), runc's shapes. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "casco/json.h"
#include "casco/log.h"
#include "casco/state.h"
#include "util.h"
#include "cli.h"

static int log_fd = STDERR_FILENO;
static bool log_json;
static bool log_is_stderr = true;

static const char *
level_name (enum casco_log_level level)
{
  static const char *const names[] = { "error", "warning", "info", "debug" };
  return names[level];
}

/* logfmt value: in double quotes, with \" \\ \n \t escaped, one line. */
static char *
logfmt_quote (const char *s)
{
  size_t n = strlen (s);
  char *out = xmalloc0 (n * 2 + 3), *o = out;
  *o++ = '"';
  for (; *s; s++)
    switch (*s)
      {
      case '"': *o++ = '\\'; *o++ = '"'; break;
      case '\\': *o++ = '\\'; *o++ = '\\'; break;
      case '\n': *o++ = '\\'; *o++ = 'n'; break;
      case '\t': *o++ = '\\'; *o++ = 't'; break;
      default: *o++ = *s;
      }
  *o++ = '"';
  return out;
}

static void
write_line (enum casco_log_level level, const char *msg)
{
  _cleanup_free_ char *now = rfc3339_now ();
  _cleanup_free_ char *line = NULL;
  if (log_json)
    {
      json_writer *w = jw_new (false);
      jw_obj_open (w);
      jw_kv_str (w, "level", level_name (level));
      jw_kv_str (w, "msg", msg);
      jw_kv_str (w, "time", now);
      jw_obj_close (w);
      _cleanup_free_ char *obj = jw_finish (w, NULL);
      line = xasprintf ("%s\n", obj);
    }
  else if (log_is_stderr)
    line = level == CASCO_LOG_ERROR ? xasprintf ("casco: %s\n", msg)
                                    : xasprintf ("casco: %s: %s\n", level_name (level), msg);
  else
    {
      _cleanup_free_ char *quoted = logfmt_quote (msg);
      line = xasprintf ("time=\"%s\" level=%s msg=%s\n", now, level_name (level), quoted);
    }
  write_all (log_fd, line, strlen (line));
}

static void
library_log (enum casco_log_level level, const char *msg)
{
  write_line (level, msg);
}

int
cli_log_setup (struct cli *cli)
{
  log_json = cli->log_json;
  if (cli->log_path && strcmp (cli->log_path, "/dev/stderr") != 0)
    {
      int fd = open (cli->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
      if (fd < 0)
        {
          fprintf (stderr, "casco: open log file `%s`: %s\n", cli->log_path, strerror (errno));
          return -1;
        }
      log_fd = fd;
      log_is_stderr = false;
    }
  casco_log_set_handler (library_log, cli->debug ? CASCO_LOG_DEBUG : CASCO_LOG_WARNING);
  return 0;
}

int
cli_fail (struct cli *cli, struct casco_error *err)
{
  _cleanup_error_ struct casco_error *owned = err;   /* cli_fail takes err */
  _cleanup_free_ char *text = casco_error_text (owned);
  write_line (CASCO_LOG_ERROR, text);
  /* An engine reads --log; a person reads stderr: give both, like runc. */
  if (!log_is_stderr)
    fprintf (stderr, "casco: %s\n", text);
  return cli_exit_status (owned);
}

int
cli_usage_error (struct cli *cli, const struct cli_command *cmd, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  struct casco_error *err = NULL;
  casco_error_set_kind (&err, CASCO_ERR_INVALID_ARGUMENT, 0, "%s: %s (see `casco %s --help`)", cmd->name, msg,
                        cmd->name);
  return cli_fail (cli, err);
}

void
cli_print_help (const struct cli_command *cmd)
{
  printf ("Usage: casco %s\n\n%s", cmd->usage, cmd->help);
}

char *
cli_flag_name (const char *arg)
{
  /* Engines match runc's text, which names a flag as "-name" whatever the
     dashes typed, and without its "=value". */
  while (*arg == '-')
    arg++;
  return xasprintf ("-%.*s", (int) strcspn (arg, "="), arg);
}

int
cli_getopt (struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
            const char *shortopts, const struct option *longopts)
{
  opterr = 0;
  int longindex = 0;
  int c = getopt_long_only (argc, argv, shortopts, longopts, &longindex);
  if (c == '?')
    {
      _cleanup_free_ char *bad = cli_flag_name (argv[optind - 1]);
      if (optopt && strchr (shortopts, optopt))
        cli_usage_error (cli, cmd, "flag needs an argument: %s", bad);
      else
        cli_usage_error (cli, cmd, "flag provided but not defined: %s", bad);
    }
  return c;
}

int
cli_need_args (struct cli *cli, const struct cli_command *cmd, int argc, int n_min, int n_max)
{
  int n = argc - optind;
  if (n < n_min || n > n_max)
    {
      if (n_min == n_max)
        cli_usage_error (cli, cmd, "requires exactly %d argument%s, got %d", n_min,
                         n_min == 1 ? "" : "s", n);
      else
        cli_usage_error (cli, cmd, "requires %d to %d arguments, got %d", n_min, n_max, n);
      return -1;
    }
  return 0;
}

void
cli_explain_line (const char *line)
{
  /* stderr is unbuffered: each line goes out whole, in the order it came. */
  fprintf (stderr, "casco explain: %s\n", line);
}

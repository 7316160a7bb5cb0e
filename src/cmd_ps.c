/* casco ps: the processes of a container. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "cli.h"

/* One table row from /proc: the fields people read in `ps -ef`. */
static void
print_process (pid_t pid)
{
  char path[64];
  snprintf (path, sizeof path, "/proc/%d/cmdline", (int) pid);
  _cleanup_free_ char *cmd = NULL;
  size_t len = 0;
  if (read_file_at (AT_FDCWD, path, &cmd, &len, NULL) < 0)
    return;   /* gone meanwhile */
  for (size_t i = 0; i + 1 < len; i++)
    if (cmd[i] == '\0')
      cmd[i] = ' ';
  snprintf (path, sizeof path, "/proc/%d", (int) pid);
  struct stat sb;
  _cleanup_free_ char *user = NULL;
  if (stat (path, &sb) == 0 && (user = host_user_name (sb.st_uid)) == NULL)
    user = xasprintf ("%u", sb.st_uid);
  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  _cleanup_free_ char *stat_text = NULL;
  int ppid = 0;
  if (read_file_at (AT_FDCWD, path, &stat_text, NULL, NULL) == 0)
    {
      char *p = strrchr (stat_text, ')');
      if (p)
        sscanf (p + 2, "%*c %d", &ppid);
    }
  printf ("%-12s %-8d %-8d %s\n", user ? user : "?", (int) pid, ppid, cmd);
}

static int
run_ps (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  int c;
  while ((c = cli_getopt (cli, &cmd_ps, argc, argv, "+f:h", options)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'h': cli_print_help (&cmd_ps); return 0;
      default: return 1;
      }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cli_usage_error (cli, &cmd_ps, "invalid format option \"%s\": use table or json", format);
  /* runc passes extra args to ps(1); casco prints its own table */
  if (argc - optind < 1)
    return cli_usage_error (cli, &cmd_ps, "requires a container id");
  struct casco_error *err = NULL;
  _cleanup_free_ pid_t *pids = NULL;
  size_t n = 0;
  if (container_pids (&cli->ctx, argv[optind], &pids, &n, &err) < 0)
    return cli_fail (cli, err);
  if (strcmp (format, "json") == 0)
    {
      printf ("[");
      for (size_t i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", (int) pids[i]);
      printf ("]\n");
    }
  else
    {
      printf ("%-12s %-8s %-8s %s\n", "UID", "PID", "PPID", "CMD");
      for (size_t i = 0; i < n; i++)
        print_process (pids[i]);
    }
  return 0;
}

const struct cli_command cmd_ps = {
  .name = "ps",
  .run = run_ps,
  .usage = "ps [options] CONTAINER_ID",
  .help = "List the processes of a container (from its cgroup).\n\n"
          "Options:\n"
          "  -f, --format FMT   table (default) or json (an array of host pids)\n",
};

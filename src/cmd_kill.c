/* casco kill: send a signal to a container's init (or every process). */
#include <signal.h>

#include "signals.h"
#include "cli.h"

static int
run_kill (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
    { "all", no_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool all = false;
  int c;
  while ((c = cli_getopt (cli, &cmd_kill, argc, argv, "+ah", options)) != -1)
    switch (c)
      {
      case 'a': all = true; break;
      case 'h': cli_print_help (&cmd_kill); return 0;
      default: return 1;
      }
  if (cli_need_args (cli, &cmd_kill, argc, 1, 2) < 0)
    return 1;
  const char *name = optind + 1 < argc ? argv[optind + 1] : "SIGTERM";
  int sig = signal_parse (name);
  if (sig < 0)
    return cli_usage_error (cli, &cmd_kill, "unknown signal \"%s\"", name);
  struct casco_error *err = NULL;
  if (container_kill (&cli->ctx, argv[optind], sig, all, &err) < 0)
    return cli_fail (cli, err);
  return 0;
}

const struct cli_command cmd_kill = {
  .name = "kill",
  .run = run_kill,
  .usage = "kill [options] CONTAINER_ID [SIGNAL]",
  .help = "Send SIGNAL (name like KILL or SIGKILL, or number; default SIGTERM) to the\n"
          "container's init.\n\n"
          "Options:\n"
          "  -a, --all   signal every process of the container\n",
};

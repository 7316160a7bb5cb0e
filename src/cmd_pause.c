/* casco pause: Freeze every process of a running container (cgroup.freeze). */
#include "cli.h"

static int
run_pause (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  int c;
  while ((c = cli_getopt (cli, &cmd_pause, argc, argv, "+h", options)) != -1)
    {
      if (c != 'h')
        return 1;
      cli_print_help (&cmd_pause);
      return 0;
    }
  if (cli_need_args (cli, &cmd_pause, argc, 1, 1) < 0)
    return 1;
  struct casco_error *err = NULL;
  if (container_pause (&cli->ctx, argv[optind], &err) < 0)
    return cli_fail (cli, err);
  return 0;
}

const struct cli_command cmd_pause = {
  .name = "pause",
  .run = run_pause,
  .usage = "pause CONTAINER_ID",
  .help = "Freeze every process of a running container (cgroup.freeze).\n",
};

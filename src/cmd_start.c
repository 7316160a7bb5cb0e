/* casco start: let a created container's process exec. */
#include "casco/explain.h"
#include "cli.h"

static int
run_start (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  int c;
  while ((c = cli_getopt (cli, &cmd_start, argc, argv, "+h", options)) != -1)
    {
      if (c != 'h')
        return 1;
      cli_print_help (&cmd_start);
      return 0;
    }
  if (cli_need_args (cli, &cmd_start, argc, 1, 1) < 0)
    return 1;
  /* A container created with --explain tells the rest of its story now. */
  casco_explain_set_sink (cli_explain_line);
  struct casco_error *err = NULL;
  if (container_start (&cli->ctx, argv[optind], &err) < 0)
    return cli_fail (cli, err);
  return 0;
}

const struct cli_command cmd_start = {
  .name = "start",
  .run = run_start,
  .usage = "start CONTAINER_ID",
  .help = "Start the process of a created container.\n",
};

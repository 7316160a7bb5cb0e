/* casco resume: Thaw a paused container. */
#include "cli.h"

static int
run_resume (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  int c;
  while ((c = cli_getopt (cli, &cmd_resume, argc, argv, "+h", options)) != -1)
    {
      if (c != 'h')
        return 1;
      cli_print_help (&cmd_resume);
      return 0;
    }
  if (cli_need_args (cli, &cmd_resume, argc, 1, 1) < 0)
    return 1;
  struct casco_error *err = NULL;
  if (container_resume (&cli->ctx, argv[optind], &err) < 0)
    return cli_fail (cli, err);
  return 0;
}

const struct cli_command cmd_resume = {
  .name = "resume",
  .run = run_resume,
  .usage = "resume CONTAINER_ID",
  .help = "Thaw a paused container.\n",
};

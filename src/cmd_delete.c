/* casco delete: remove a stopped (or, with --force, any) container. */
#include "cli.h"

static int
run_delete (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool force = false;
  int c;
  while ((c = cli_getopt (cli, &cmd_delete, argc, argv, "+fh", options)) != -1)
    switch (c)
      {
      case 'f': force = true; break;
      case 'h': cli_print_help (&cmd_delete); return 0;
      default: return 1;
      }
  if (cli_need_args (cli, &cmd_delete, argc, 1, 1) < 0)
    return 1;
  struct casco_error *err = NULL;
  if (container_delete (&cli->ctx, argv[optind], force, &err) < 0)
    return cli_fail (cli, err);
  return 0;
}

const struct cli_command cmd_delete = {
  .name = "delete",
  .run = run_delete,
  .usage = "delete [options] CONTAINER_ID",
  .help = "Delete a container and its state. A created container is killed first;\n"
          "a running one only with --force.\n\n"
          "Options:\n"
          "  -f, --force   kill the container (SIGKILL) if it is still running\n",
};

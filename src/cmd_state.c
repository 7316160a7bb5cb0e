/* casco state: print a container's state as JSON (runc's shape). */
#include <stdio.h>
#include <stdlib.h>

#include "casco/state.h"
#include "util.h"
#include "cli.h"

static int
run_state (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  int c;
  while ((c = cli_getopt (cli, &cmd_state, argc, argv, "+h", options)) != -1)
    {
      if (c != 'h')
        return 1;
      cli_print_help (&cmd_state);
      return 0;
    }
  if (cli_need_args (cli, &cmd_state, argc, 1, 1) < 0)
    return 1;
  struct casco_error *err = NULL;
  _cleanup_container_state_ struct container_state st = { 0 };
  if (container_state (&cli->ctx, argv[optind], &st, &err) < 0)
    return cli_fail (cli, err);
  _cleanup_free_ char *json = state_to_public_json (&st);
  printf ("%s\n", json);
  return 0;
}

const struct cli_command cmd_state = {
  .name = "state",
  .run = run_state,
  .usage = "state CONTAINER_ID",
  .help = "Print the state of a container as JSON: ociVersion, id, pid, status\n"
          "(created, running, stopped), bundle, rootfs, created, owner, annotations.\n",
};

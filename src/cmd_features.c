/* casco features: print what this casco implements (runtime-spec features.json). */
#include <stdio.h>
#include <stdlib.h>

#include "casco/features.h"
#include "util.h"
#include "cli.h"

static int
run_features (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  int c;
  while ((c = cli_getopt (cli, &cmd_features, argc, argv, "+h", options)) != -1)
    {
      if (c != 'h')
        return 1;
      cli_print_help (&cmd_features);
      return 0;
    }
  if (cli_need_args (cli, &cmd_features, argc, 0, 0) < 0)
    return 1;
  _cleanup_free_ char *json = features_json (cli->ctx.policy);
  printf ("%s\n", json);
  return 0;
}

const struct cli_command cmd_features = {
  .name = "features",
  .run = run_features,
  .usage = "features",
  .help = "Print the features this casco implements, as the OCI runtime-spec's\n"
          "features.json: versions, hooks, mount options, namespaces, capabilities,\n"
          "cgroup and seccomp support.\n",
};

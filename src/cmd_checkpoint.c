/* casco checkpoint / restore: not implemented (no CRIU support).  They
   exist so that an engine asking gets a plain answer: Podman and CRI-O run
   `RUNTIME checkpoint --help` and treat a non-zero exit as "this runtime
   cannot checkpoint"; `casco features` says the same in its
   org.opencontainers.runc.checkpoint.enabled annotation.  An empty .help
   keeps them out of `casco --help`'s list of commands. */
#include "cli.h"

static int
not_implemented (struct cli *cli, const struct cli_command *cmd)
{
  struct casco_error *err = NULL;
  casco_error_set (&err, 0, "%s: checkpoint/restore is not implemented in casco (it has no CRIU support); "
                   "stop and start the container instead", cmd->name);
  return cli_fail (cli, err);
}

static int
run_checkpoint (struct cli *cli, int argc, char **argv)
{
  (void) argc;
  (void) argv;
  return not_implemented (cli, &cmd_checkpoint);
}

static int
run_restore (struct cli *cli, int argc, char **argv)
{
  (void) argc;
  (void) argv;
  return not_implemented (cli, &cmd_restore);
}

const struct cli_command cmd_checkpoint = {
  .name = "checkpoint",
  .run = run_checkpoint,
  .usage = "checkpoint  (not implemented: always fails, --help too)",
  .help = "",
};

const struct cli_command cmd_restore = {
  .name = "restore",
  .run = run_restore,
  .usage = "restore  (not implemented: always fails, --help too)",
  .help = "",
};

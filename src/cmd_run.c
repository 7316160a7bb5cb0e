/* casco run: create + start; in the foreground, wait and return its status. */
#include "cli.h"

static int
run_run (struct cli *cli, int argc, char **argv)
{
  struct create_options opts = { 0 };
  bool detach = false;
  int rc = create_flags_parse (cli, &cmd_run, argc, argv, &opts, &detach);
  if (rc != 0)
    return rc < 0 ? 0 : rc;
  struct casco_error *err = NULL;
  int exit_code = 0;
  if (container_run (&cli->ctx, argv[optind], &opts, detach, &exit_code, &err) < 0)
    return cli_fail (cli, err);
  return exit_code;
}

const struct cli_command cmd_run = {
  .name = "run",
  .run = run_run,
  .usage = "run [options] CONTAINER_ID",
  .help = "Create and start a container. In the foreground casco forwards signals to\n"
          "it, waits, removes it and exits with its status (128+N if killed by signal N).\n\n"
          "Options:\n"
          "  -b, --bundle DIR         bundle directory (default: current directory)\n"
          "  -d, --detach             return once the container has started\n"
          "  --console-socket PATH    unix socket that receives the terminal master fd\n"
          "  --pid-file FILE          write the container init's pid to FILE\n"
          "  --no-pivot               use MS_MOVE + chroot instead of pivot_root\n"
          "  --no-new-keyring         keep the caller's session keyring\n"
          "  --preserve-fds N         pass N extra fds (from fd 3) to the container\n"
          "  --explain                narrate each step on stderr as it happens, with the\n"
          "                           OWASP Docker Top 10 item it defends against\n",
};

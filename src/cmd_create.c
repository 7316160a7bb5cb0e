/* casco create: set up a container whose init waits for `start`. */
#include <stdlib.h>
#include <string.h>

#include "casco/explain.h"
#include "util.h"
#include "cli.h"

enum { OPT_CONSOLE_SOCKET = 1000, OPT_PID_FILE, OPT_NO_PIVOT, OPT_NO_NEW_KEYRING,
       OPT_PRESERVE_FDS, OPT_KEEP, OPT_NO_SUBREAPER, OPT_EXPLAIN };

int
create_flags_parse (struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
                    struct create_options *opts, bool *detach)
{
  static const struct option options[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
    { "no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
    { "detach", no_argument, NULL, 'd' },
    { "keep", no_argument, NULL, OPT_KEEP },
    { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
    { "explain", no_argument, NULL, OPT_EXPLAIN },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;
  long n;
  while ((c = cli_getopt (cli, cmd, argc, argv, detach ? "+b:dh" : "+b:h", options)) != -1)
    switch (c)
      {
      case 'b': opts->bundle = optarg; break;
      case OPT_CONSOLE_SOCKET: opts->console_socket = optarg; break;
      case OPT_PID_FILE: opts->pid_file = optarg; break;
      case OPT_NO_PIVOT: opts->no_pivot = true; break;
      case OPT_NO_NEW_KEYRING: opts->no_new_keyring = true; break;
      case OPT_PRESERVE_FDS:
        if (parse_long (optarg, &n) < 0 || n < 0 || n > 65536)
          return cli_usage_error (cli, cmd, "--preserve-fds: \"%s\" is not a number of fds", optarg);
        opts->preserve_fds = (int) n;
        break;
      case 'd':
        if (detach == NULL)
          return cli_usage_error (cli, cmd, "flag provided but not defined: -detach");
        *detach = true;
        break;
      case OPT_KEEP: case OPT_NO_SUBREAPER:
        if (detach == NULL)
          return cli_usage_error (cli, cmd, "flag provided but not defined: %s", argv[optind - 1]);
        break;   /* run's runc flags we accept: the state is removed on exit regardless */
      case OPT_EXPLAIN: casco_explain_enable (cli_explain_line); break;
      case 'h': cli_print_help (cmd); return -1;
      default: return 1;
      }
  if (cli_need_args (cli, cmd, argc, 1, 1) < 0)
    return 1;
  return 0;
}

static int
run_create (struct cli *cli, int argc, char **argv)
{
  struct create_options opts = { 0 };
  int rc = create_flags_parse (cli, &cmd_create, argc, argv, &opts, NULL);
  if (rc != 0)
    return rc < 0 ? 0 : rc;
  struct casco_error *err = NULL;
  if (container_create (&cli->ctx, argv[optind], &opts, &err) < 0)
    return cli_fail (cli, err);
  return 0;
}

const struct cli_command cmd_create = {
  .name = "create",
  .run = run_create,
  .usage = "create [options] CONTAINER_ID",
  .help = "Create a container from an OCI bundle. Its process is set up and waits\n"
          "until `casco start CONTAINER_ID`.\n\n"
          "Options:\n"
          "  -b, --bundle DIR         bundle directory (default: current directory)\n"
          "  --console-socket PATH    unix socket that receives the terminal master fd\n"
          "  --pid-file FILE          write the container init's pid to FILE\n"
          "  --no-pivot               use MS_MOVE + chroot instead of pivot_root\n"
          "  --no-new-keyring         keep the caller's session keyring\n"
          "  --preserve-fds N         pass N extra fds (from fd 3) to the container\n"
          "  --explain                narrate each step on stderr as it happens; the rest\n"
          "                           of the story is told by `casco start`\n",
};

/* casco exec: run another process inside a container. */
#include <stdlib.h>
#include <string.h>

#include "casco/explain.h"
#include "util.h"
#include "cli.h"

enum { OPT_CONSOLE_SOCKET = 1000, OPT_PID_FILE, OPT_CWD, OPT_NO_NEW_PRIVS, OPT_PRESERVE_FDS,
       OPT_PROCESS_LABEL, OPT_APPARMOR, OPT_CGROUP, OPT_IGNORE_PAUSED, OPT_EXPLAIN };

static int
parse_gids (const char *text, uint32_t **gids, size_t *n)
{
  /* "-g 10,20" and repeated "-g 10 -g 20" both work, as in runc */
  _cleanup_free_ char *copy = xstrdup (text);
  char *save = NULL;
  for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    {
      long v;
      if (parse_long (t, &v) < 0 || v < 0 || v > 4294967294L)
        return -1;
      *gids = xrealloc (*gids, (*n + 1) * sizeof (uint32_t));
      (*gids)[(*n)++] = (uint32_t) v;
    }
  return 0;
}

static int
run_exec (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
    { "process", required_argument, NULL, 'p' },
    { "tty", no_argument, NULL, 't' },
    { "console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET },
    { "detach", no_argument, NULL, 'd' },
    { "pid-file", required_argument, NULL, OPT_PID_FILE },
    { "cwd", required_argument, NULL, OPT_CWD },
    { "env", required_argument, NULL, 'e' },
    { "user", required_argument, NULL, 'u' },
    { "additional-gids", required_argument, NULL, 'g' },
    { "cap", required_argument, NULL, 'c' },
    { "no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS },
    { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
    { "process-label", required_argument, NULL, OPT_PROCESS_LABEL },
    { "apparmor", required_argument, NULL, OPT_APPARMOR },
    { "cgroup", required_argument, NULL, OPT_CGROUP },
    { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
    { "explain", no_argument, NULL, OPT_EXPLAIN },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct exec_options o = { 0 };
  _cleanup_strv_ char **env = NULL;
  _cleanup_strv_ char **caps = NULL;
  _cleanup_free_ uint32_t *gids = NULL;
  size_t n_gids = 0;
  long n;
  int c;
  while ((c = cli_getopt (cli, &cmd_exec, argc, argv, "+p:tde:u:g:c:h", options)) != -1)
    {
      switch (c)
        {
        case 'p': o.process_file = optarg; break;
        case 't': o.tty = true; break;
        case OPT_CONSOLE_SOCKET: o.console_socket = optarg; break;
        case 'd': o.detach = true; break;
        case OPT_PID_FILE: o.pid_file = optarg; break;
        case OPT_CWD: o.cwd = optarg; break;
        case 'e':
          if (strchr (optarg, '=') == NULL)
            return cli_usage_error (cli, &cmd_exec, "--env \"%s\": expected KEY=VALUE", optarg);
          env = strv_append (env, optarg);
          break;
        case 'u': o.user = optarg; break;
        case 'g':
          if (parse_gids (optarg, &gids, &n_gids) < 0)
            return cli_usage_error (cli, &cmd_exec, "--additional-gids \"%s\": expected numbers", optarg);
          break;
        case 'c': caps = strv_append (caps, optarg); break;
        case OPT_NO_NEW_PRIVS: o.no_new_privs = true; break;
        case OPT_PRESERVE_FDS:
          if (parse_long (optarg, &n) < 0 || n < 0 || n > 65536)
            return cli_usage_error (cli, &cmd_exec, "--preserve-fds: \"%s\" is not a number of fds", optarg);
          o.preserve_fds = (int) n;
          break;
        case OPT_PROCESS_LABEL: case OPT_APPARMOR:
          return cli_usage_error (cli, &cmd_exec, "%s is not supported by this casco yet",
                                  argv[optind - 1]);
        case OPT_CGROUP: case OPT_IGNORE_PAUSED: break;   /* cgroup v2 support comes with the VM harness */
        case OPT_EXPLAIN: casco_explain_enable (cli_explain_line); break;
        case 'h': cli_print_help (&cmd_exec); return 0;
        default: return 1;
        }
    }
  if (argc - optind < 1)
    return cli_usage_error (cli, &cmd_exec, "requires a container id");
  if (o.process_file == NULL && argc - optind < 2)
    return cli_usage_error (cli, &cmd_exec, "requires a command (or --process FILE)");
  o.env = env;
  o.caps = caps;
  o.additional_gids = gids;
  o.n_additional_gids = n_gids;
  o.args = argv + optind + 1;
  struct casco_error *err = NULL;
  int exit_code = 0;
  if (container_exec (&cli->ctx, argv[optind], &o, &exit_code, &err) < 0)
    return cli_fail (cli, err);
  return exit_code;
}

const struct cli_command cmd_exec = {
  .name = "exec",
  .run = run_exec,
  .usage = "exec [options] CONTAINER_ID COMMAND [ARGS...]",
  .help = "Run a process in a running container, in all its namespaces, with its\n"
          "capabilities, seccomp filter and no_new_privs; exits with its status.\n\n"
          "Options:\n"
          "  -p, --process FILE       the process as an OCI JSON object (overrides the rest)\n"
          "  -t, --tty                allocate a terminal\n"
          "  --console-socket PATH    unix socket that receives the terminal master fd\n"
          "  -d, --detach             return once the process has started\n"
          "  --pid-file FILE          write the process's pid to FILE\n"
          "  --cwd DIR                working directory inside the container\n"
          "  -e, --env KEY=VALUE      add an environment variable (repeatable)\n"
          "  -u, --user USER[:GROUP]  ids or names from the container's /etc/passwd, /etc/group\n"
          "  -g, --additional-gids N  extra groups (repeatable or comma-separated)\n"
          "  -c, --cap CAP            add a capability (bounding, effective, permitted)\n"
          "  --no-new-privs           set no_new_privs\n"
          "  --preserve-fds N         pass N extra fds (from fd 3)\n"
          "  --explain                narrate each step on stderr as it happens\n",
};

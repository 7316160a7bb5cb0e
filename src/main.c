/* casco — entry point: global flags, then dispatch to one command. */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "global_options.h"
#include "casco/log.h"
#include "casco/policy.h"
#include "selfexe.h"
#include "casco/spec.h"
#include "weaken.h"
#include "util.h"
#include "cli.h"

extern char **environ;

/* Commands whose behaviour depends on the operator's policy level (audit
   resolves its own: its --policy wins). */
static bool
uses_policy (const char *name)
{
  return selfexe_command_enters_containers (name) || strcmp (name, "features") == 0;
}

static const struct cli_command *const commands[] = {
  &cmd_audit, &cmd_checkpoint, &cmd_create, &cmd_delete, &cmd_events, &cmd_exec, &cmd_features,
  &cmd_kill, &cmd_list, &cmd_pause, &cmd_ps, &cmd_restore, &cmd_resume, &cmd_run, &cmd_spec,
  &cmd_start, &cmd_state, &cmd_update,
};

static void
print_version (void)
{
  const struct scmp_version *v = seccomp_version ();
  printf ("casco version %s\nspec: %s\nlibseccomp: %u.%u.%u\n", PACKAGE_VERSION, CASCO_SPEC_VERSION,
          v->major, v->minor, v->micro);
#ifdef CASCO_WEAKENED
  printf ("WEAKENED BUILD without: %s (for tests/security/prove-red only)\n", CASCO_WEAKENED);
#endif
}

static void
print_help (void)
{
  printf ("Usage: casco [global options] COMMAND [command options] [arguments]\n\n"
          "casco runs OCI bundles in isolated containers, with secure defaults.\n\n"
          "Commands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (commands[i]->help[0] != '\0')   /* checkpoint/restore: answers, not commands */
      printf ("  %-8s %s\n", commands[i]->name, commands[i]->usage);
  printf ("\nGlobal options:\n"
          "  --root DIR          state directory (default /run/casco)\n"
          "  --log FILE          write log lines to FILE (default stderr)\n"
          "  --log-format FMT    text or json\n"
          "  --debug             log debug detail\n"
          "  --cgroup-manager M  cgroupfs (default) or disabled (run without limits)\n"
          "  --policy LEVEL      strict, baseline or permissive (default: $CASCO_POLICY,\n"
          "                      then /etc/casco/policy.conf, then strict); see `casco audit`\n"
          "  --systemd-cgroup    accepted for compatibility (cgroupfs is used)\n"
          "  -h, --help          show this help\n"
          "  -v, --version       show versions\n\n"
          "Run `casco COMMAND --help` for a command's options.\n");
}

/* The global options are one list, read by casco_entry too
   (include/casco/global_options.h). */
#define OPT_ENUM(name, id, takes_value) OPT_##id,
enum { OPT_FIRST = 999, CASCO_GLOBAL_OPTIONS (OPT_ENUM) };
#undef OPT_ENUM

int
main (int argc, char **argv)
{
  struct cli cli = { .argv0 = argv[0] };
  static const struct option options[] = {
#define OPT_ENTRY(name, id, takes_value) { name, takes_value ? required_argument : no_argument, NULL, OPT_##id },
    CASCO_GLOBAL_OPTIONS (OPT_ENTRY)
#undef OPT_ENTRY
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'v' },
    { NULL, 0, NULL, 0 },
  };
  opterr = 0;
  int c;
  /* "+": stop at the command name; its flags are the command's. */
  while ((c = getopt_long_only (argc, argv, "+hv", options, NULL)) != -1)
    switch (c)
      {
      case OPT_ROOT: cli.ctx.root = optarg; break;
      case OPT_LOG: cli.log_path = optarg; break;
      case OPT_LOG_FORMAT:
        if (!casco_log_format_valid (optarg))
          {
            fprintf (stderr, "casco: invalid log-format: %s (use text or json)\n", optarg);
            return 1;
          }
        cli.log_json = strcmp (optarg, "json") == 0;
        break;
      case OPT_DEBUG: cli.debug = true; break;
      case OPT_SYSTEMD_CGROUP: cli.ctx.systemd_cgroup = true; break;
      case OPT_ROOTLESS: case OPT_CRIU: break;   /* accepted for runc compatibility */
      case OPT_CGROUP_MANAGER:
        if (!casco_cgroup_manager_valid (optarg))
          {
            fprintf (stderr, "casco: invalid cgroup-manager: %s (use cgroupfs or disabled)\n", optarg);
            return 1;
          }
        if (strcmp (optarg, "disabled") == 0)
          cli.ctx.cgroup_disabled = true;
        break;
      case OPT_POLICY: cli.policy_flag = optarg; break;
      case 'h': print_help (); return 0;
      case 'v': print_version (); return 0;
      default:
        {
          _cleanup_free_ char *bad = cli_flag_name (argv[optind - 1]);
          fprintf (stderr, "casco: flag provided but not defined: %s (see `casco --help`)\n", bad);
          return 1;
        }
      }
  if (cli_log_setup (&cli) < 0)
    return 1;
  if (optind >= argc)
    {
      print_help ();
      return 1;
    }
  int cmd_index = optind;
  const char *name = argv[cmd_index];
  if (strcmp (name, "help") == 0)
    {
      print_help ();
      return 0;
    }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (commands[i]->name, name) == 0)
      {
        struct casco_error *err = NULL;
        if (uses_policy (name))
          {
            const char *source = NULL;
            if (policy_level_resolve (cli.policy_flag, &cli.ctx.policy, &source, &err) < 0)
              return cli_fail (&cli, err);
            cli.policy_source = source;
            casco_debug ("policy level %s (from %s)", policy_level_name (cli.ctx.policy), source);
          }
        /* Commands whose processes enter containers run from a sealed copy
           of the binary, so nothing in a container can reach the host's
           casco file.  casco_entry has usually made that copy already
           (early/selfexe_early.c); this catches whatever it left to us. */
        if (selfexe_command_enters_containers (name) && selfexe_ensure_sealed (argv, environ, &err) < 0)
          return cli_fail (&cli, err);
        /* The command sees argv[0] = its name, like a program of its own;
           optind = 0 makes glibc's getopt start over. */
        optind = 0;
        return commands[i]->run (&cli, argc - cmd_index, argv + cmd_index);
      }
  struct casco_error *err = NULL;
  casco_error_set (&err, 0, "unknown command \"%s\" (see `casco --help`)", name);
  return cli_fail (&cli, err);
}

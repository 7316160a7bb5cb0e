/* casco CLI — argument parsing and printing only; the work is in libcasco. */
#ifndef CASCO_CLI_H
#define CASCO_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "casco/container.h"
#include "casco/error.h"

struct cli
{
  struct casco_context ctx;
  const char *log_path;
  bool log_json;
  bool debug;
  const char *argv0;
  const char *policy_flag;   /* --policy as given, NULL when absent */
  const char *policy_source; /* where ctx.policy came from: "--policy", "CASCO_POLICY", a file, "default" */
};

struct cli_command
{
  const char *name;
  int (*run) (struct cli *cli, int argc, char **argv);
  const char *usage;   /* "create [options] CONTAINER_ID" */
  const char *help;    /* description + options, as printed by --help */
};

extern const struct cli_command cmd_spec, cmd_create, cmd_start, cmd_run, cmd_state, cmd_list,
    cmd_kill, cmd_delete, cmd_exec, cmd_features, cmd_pause, cmd_resume, cmd_ps,
    cmd_update, cmd_events, cmd_audit, cmd_checkpoint, cmd_restore;

/* Logging (log.c): set up from the global flags; errors go to --log in
   the chosen format and to stderr, as runc does. */
int cli_log_setup (struct cli *cli);
/* Print err, free it, return the exit status for a failed command (1). */
int cli_fail (struct cli *cli, struct casco_error *err);
/* The exit status for an error of err's kind (exit_status.c). */
int cli_exit_status (const struct casco_error *err);
/* Usage error in a command's arguments: message + hint, exit status 1. */
int cli_usage_error (struct cli *cli, const struct cli_command *cmd, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));
void cli_print_help (const struct cli_command *cmd);
/* --explain: one narration line to stderr ("casco explain: [D04] ..."). */
void cli_explain_line (const char *line);

/* getopt_long_only over a command's argv (argv[0] = command name), stopping
   at the first positional argument.  Returns the option or -1; on an
   unknown flag prints runc's "flag provided but not defined" and returns '?'. */
int cli_getopt (struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
                const char *shortopts, const struct option *longopts);
/* "--foo=1" -> "-foo", as runc names flags in errors (caller frees). */
char *cli_flag_name (const char *arg);
/* Expect exactly n positional arguments after option parsing. */
int cli_need_args (struct cli *cli, const struct cli_command *cmd, int argc, int n_min, int n_max);

/* create's flags, shared with run (which adds --detach when detach != NULL).
   Returns 0, or an exit status > 0 after printing the problem; -1 for --help. */
int create_flags_parse (struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
                        struct create_options *opts, bool *detach);

#endif

/* casco audit: report a config's security findings under a policy level. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "casco/audit.h"
#include "util.h"
#include "cli.h"

/* Exit statuses: the config passes, it does not, it cannot be judged. */
enum { AUDIT_PASSES = 0, AUDIT_REFUSED = 1, AUDIT_INVALID = 2 };

/* --rules: the table, one rule a line (docs/policy.md is checked against it). */
static void
print_rules (void)
{
  size_t n;
  const struct policy_rule *r = policy_rules (&n);
  for (size_t i = 0; i < n; i++)
    printf ("%s %s %s %s %s %s %s %s %s\n", r[i].id, policy_severity_name (r[i].severity),
            policy_action_name (r[i].action[POLICY_STRICT]), policy_action_name (r[i].action[POLICY_BASELINE]),
            policy_action_name (r[i].action[POLICY_PERMISSIVE]), r[i].owasp, r[i].cis, r[i].pss, r[i].risk);
}

static int
run_audit (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
    { "bundle", required_argument, NULL, 'b' },
    { "format", required_argument, NULL, 'f' },
    { "policy", required_argument, NULL, 'p' },
    { "rules", no_argument, NULL, 'r' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *bundle = NULL, *format = "text", *policy = cli->policy_flag;
  int c;
  while ((c = cli_getopt (cli, &cmd_audit, argc, argv, "+b:f:h", options)) != -1)
    switch (c)
      {
      case 'b': bundle = optarg; break;
      case 'f': format = optarg; break;
      case 'p': policy = optarg; break;
      case 'r': print_rules (); return 0;
      case 'h': cli_print_help (&cmd_audit); return 0;
      default: return AUDIT_INVALID;
      }
  if (strcmp (format, "text") != 0 && strcmp (format, "json") != 0)
    {
      cli_usage_error (cli, &cmd_audit, "--format: \"%s\" is neither text nor json", format);
      return AUDIT_INVALID;
    }
  if (cli_need_args (cli, &cmd_audit, argc, 0, bundle ? 0 : 1) < 0)
    return AUDIT_INVALID;
  struct casco_error *err = NULL;
  enum policy_level level;
  const char *source;
  if (policy_level_resolve (policy, &level, &source, &err) < 0)
    {
      cli_fail (cli, err);
      return AUDIT_INVALID;
    }
  _cleanup_free_ char *file = optind < argc ? xstrdup (argv[optind])
                              : xasprintf ("%s/config.json", bundle ? bundle : ".");
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  if (read_file_at (AT_FDCWD, file, &text, &len, &err) < 0)
    {
      casco_error_wrap (&err, "audit %s", file);
      cli_fail (cli, err);
      return AUDIT_INVALID;
    }
  /* judged where create would judge it: in its bundle, on this host */
  _cleanup_free_ char *dir = xstrdup (file);
  char *slash = strrchr (dir, '/');
  if (slash)
    slash == dir ? (void) (dir[1] = '\0') : (void) (*slash = '\0');
  _cleanup_close_ int bundle_fd = open (slash ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  const struct audit_host host = { .bundle_fd = bundle_fd, .cgroup_disabled = cli->ctx.cgroup_disabled };
  _cleanup_free_ char *report = NULL;
  bool passes = false;
  if (audit_config (text, len, file, level, strcmp (format, "json") == 0, &host, &report, &passes, &err) < 0)
    {
      casco_error_wrap (&err, "audit %s", file);
      cli_fail (cli, err);
      return AUDIT_INVALID;
    }
  fputs (report, stdout);
  return passes ? AUDIT_PASSES : AUDIT_REFUSED;
}

const struct cli_command cmd_audit = {
  .name = "audit",
  .run = run_audit,
  .usage = "audit [options] [FILE]",
  .help = "Report the security findings of a config.json: each with its severity,\n"
          "OWASP Docker Top 10 item, CIS Docker Benchmark item, Kubernetes Pod Security\n"
          "Standards level and what each policy level does with it; then the secure\n"
          "defaults casco adds.  Exit status: 0 when the config passes the policy\n"
          "level, 1 when it does not, 2 when it cannot be read or is invalid.\n\n"
          "Options:\n"
          "  -b, --bundle DIR   audit DIR/config.json (default: ./config.json, or FILE)\n"
          "  --format FMT       text (default) or json\n"
          "  --policy LEVEL     strict, baseline or permissive (default: the global\n"
          "                     --policy, $CASCO_POLICY, /etc/casco/policy.conf, strict)\n"
          "  --rules            list the rules: id, severity, what strict, baseline and\n"
          "                     permissive do, OWASP, CIS and PSS items, risk\n",
};

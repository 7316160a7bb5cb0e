/* casco events: resource statistics (--stats once, or every --interval)
   and OOM events, as JSON lines in runc's shape. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "cli.h"

/* "5s", "500ms", "1m", or plain seconds. */
static int
parse_interval (const char *s, struct timespec *out)
{
  char *end;
  double v = strtod (s, &end);
  if (end == s || v <= 0)
    return -1;
  if (strcmp (end, "ms") == 0)
    v /= 1000;
  else if (strcmp (end, "m") == 0)
    v *= 60;
  else if (*end && strcmp (end, "s") != 0)
    return -1;
  out->tv_sec = (time_t) v;
  out->tv_nsec = (long) ((v - (double) out->tv_sec) * 1e9);
  return 0;
}

static int
run_events (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
    { "stats", no_argument, NULL, 's' },
    { "interval", required_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  bool once = false;
  struct timespec interval = { .tv_sec = 5 };
  int c;
  while ((c = cli_getopt (cli, &cmd_events, argc, argv, "+h", options)) != -1)
    switch (c)
      {
      case 's': once = true; break;
      case 'i':
        if (parse_interval (optarg, &interval) < 0)
          return cli_usage_error (cli, &cmd_events, "--interval \"%s\": expected e.g. 5s or 500ms", optarg);
        break;
      case 'h': cli_print_help (&cmd_events); return 0;
      default: return 1;
      }
  if (cli_need_args (cli, &cmd_events, argc, 1, 1) < 0)
    return 1;
  const char *id = argv[optind];
  uint64_t ooms = 0;
  struct casco_error *oom_err = NULL;
  if (!once && container_oom_count (&cli->ctx, id, &ooms, &oom_err) < 0)
    return cli_fail (cli, oom_err);
  for (;;)
    {
      _cleanup_free_ char *json = NULL;
      _cleanup_error_ struct casco_error *err = NULL;
      if (container_stats_json (&cli->ctx, id, &json, &err) < 0)
        {
          /* the container going away ends a stream normally */
          if (!once && casco_error_is (err, CASCO_ERR_NOT_RUNNING))
            return 0;
          return cli_fail (cli, steal_pointer (&err));
        }
      printf ("%s\n", json);
      if (once)
        return 0;
      /* a count that cannot be read now is read again next round */
      _cleanup_error_ struct casco_error *ignored = NULL;
      uint64_t now = ooms;
      if (container_oom_count (&cli->ctx, id, &now, &ignored) == 0 && now > ooms)
        printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
      ooms = now;
      fflush (stdout);
      nanosleep (&interval, NULL);
    }
}

const struct cli_command cmd_events = {
  .name = "events",
  .run = run_events,
  .usage = "events [options] CONTAINER_ID",
  .help = "Print resource statistics as JSON lines until the container stops, and an\n"
          "{\"type\":\"oom\"} line for each new OOM kill.\n\n"
          "Options:\n"
          "  --stats           print statistics once and exit\n"
          "  --interval TIME   time between statistics (default 5s)\n",
};

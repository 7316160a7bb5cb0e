/* casco list: the containers under --root, as a table, ids, or JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "cli.h"

/* container_list's array: every state in it is cleared, then the array. */
struct state_list
{
  struct container_state *v;
  size_t n;
};

static void
state_list_clear (struct state_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    container_state_clear (&l->v[i]);
  free (l->v);
}
#define _cleanup_state_list_ __attribute__ ((cleanup (state_list_clear)))

static void
print_row (const char *const cells[6], const size_t width[6])
{
  /* columns padded like runc's tabwriter (min 12, 3 spaces apart) */
  for (size_t k = 0; k < 5; k++)
    printf ("%-*s", (int) (width[k] + 3 < 12 ? 12 : width[k] + 3), cells[k]);
  printf ("%s\n", cells[5]);
}

static void
print_table (const struct container_state *v, size_t n)
{
  static const char *const heads[6] = { "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER" };
  size_t width[6];
  for (size_t k = 0; k < 6; k++)
    width[k] = strlen (heads[k]);
  _cleanup_free_ char *pids = xmalloc0 ((n + 1) * 16);
  for (size_t i = 0; i < n; i++)
    {
      char *pid = pids + i * 16;
      snprintf (pid, 16, "%d", v[i].status == CONTAINER_STOPPED ? 0 : (int) v[i].pid);
      const char *cells[6] = { v[i].id, pid, container_status_name (v[i].status), v[i].bundle,
                               v[i].created, v[i].owner };
      for (size_t k = 0; k < 6; k++)
        if (strlen (cells[k]) > width[k])
          width[k] = strlen (cells[k]);
    }
  print_row (heads, width);
  for (size_t i = 0; i < n; i++)
    {
      const char *cells[6] = { v[i].id, pids + i * 16, container_status_name (v[i].status),
                               v[i].bundle, v[i].created, v[i].owner };
      print_row (cells, width);
    }
}

static void
print_json (const struct container_state *v, size_t n)
{
  /* runc prints a JSON array; null when empty */
  if (n == 0)
    {
      printf ("null\n");
      return;
    }
  printf ("[");
  for (size_t i = 0; i < n; i++)
    {
      _cleanup_free_ char *one = state_to_public_json (&v[i]);
      printf ("%s%s", i ? "," : "", one);
    }
  printf ("]\n");
}

static int
run_list (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
    { "format", required_argument, NULL, 'f' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  bool quiet = false;
  int c;
  while ((c = cli_getopt (cli, &cmd_list, argc, argv, "+f:qh", options)) != -1)
    switch (c)
      {
      case 'f': format = optarg; break;
      case 'q': quiet = true; break;
      case 'h': cli_print_help (&cmd_list); return 0;
      default: return 1;
      }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cli_usage_error (cli, &cmd_list, "invalid format option \"%s\": use table or json", format);
  if (cli_need_args (cli, &cmd_list, argc, 0, 0) < 0)
    return 1;
  struct casco_error *err = NULL;
  _cleanup_state_list_ struct state_list l = { 0 };
  if (container_list (&cli->ctx, &l.v, &l.n, &err) < 0)
    return cli_fail (cli, err);
  if (quiet)
    for (size_t i = 0; i < l.n; i++)
      printf ("%s\n", l.v[i].id);
  else if (strcmp (format, "json") == 0)
    print_json (l.v, l.n);
  else
    print_table (l.v, l.n);
  return 0;
}

const struct cli_command cmd_list = {
  .name = "list",
  .run = run_list,
  .usage = "list [options]",
  .help = "List containers.\n\n"
          "Options:\n"
          "  -f, --format FMT   table (default) or json\n"
          "  -q, --quiet        print only the ids\n",
};

/* casco update: change a running container's limits (runc's flags, or
   a LinuxResources JSON object with -r FILE or -r - for stdin). */
#include <ctype.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "casco/spec.h"
#include "util.h"
#include "cli.h"

enum { OPT_BLKIO_WEIGHT = 1000, OPT_CPU_PERIOD, OPT_CPU_QUOTA, OPT_CPU_BURST, OPT_CPU_RT_PERIOD,
       OPT_CPU_RT_RUNTIME, OPT_CPU_SHARE, OPT_CPUSET_CPUS, OPT_CPUSET_MEMS, OPT_MEMORY,
       OPT_MEMORY_RESERVATION, OPT_MEMORY_SWAP, OPT_PIDS_LIMIT, OPT_KERNEL_MEMORY,
       OPT_KERNEL_MEMORY_TCP, OPT_L3, OPT_MEMBW };

/* "64m", "1G", "512k", "1024", "-1": bytes as docker/runc spell them. */
static int
parse_bytes (const char *s, int64_t *out)
{
  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  char *end;
  errno = 0;
  double v = strtod (s, &end);
  if (errno || end == s || v < 0)
    return -1;
  int64_t mult = 1;
  switch (tolower ((unsigned char) *end))
    {
    case '\0': break;
    case 'b': mult = 1; end++; break;
    case 'k': mult = 1LL << 10; end++; break;
    case 'm': mult = 1LL << 20; end++; break;
    case 'g': mult = 1LL << 30; end++; break;
    case 't': mult = 1LL << 40; end++; break;
    default: return -1;
    }
  if (tolower ((unsigned char) *end) == 'b' || tolower ((unsigned char) *end) == 'i')
    end++;
  if (tolower ((unsigned char) *end) == 'b')
    end++;
  if (*end)
    return -1;
  *out = (int64_t) (v * (double) mult);
  return 0;
}

static int
parse_u64 (const char *s, uint64_t *out)
{
  char *end;
  errno = 0;
  if (*s == '-')
    return -1;
  unsigned long long v = strtoull (s, &end, 10);
  if (errno || *end || end == s)
    return -1;
  *out = v;
  return 0;
}

/* A flag given twice: the last one wins (its value replaces the earlier copy). */
static void
set_string (char **slot, const char *value)
{
  free (*slot);
  *slot = xstrdup (value);
}

static int
read_resources (const char *file, struct spec_resources *r, struct casco_error **err)
{
  _cleanup_free_ char *text = NULL;
  size_t len;
  if (strcmp (file, "-") == 0 ? read_fd_all (0, "stdin", &text, &len, err) < 0
                              : read_file_at (AT_FDCWD, file, &text, &len, err) < 0)
    return -1;
  if (spec_parse_resources (text, len, r, err) < 0)
    return casco_error_wrap (err, "--resources %s", file);
  return 0;
}

static int
run_update (struct cli *cli, int argc, char **argv)
{
  static const struct option options[] = {
    { "resources", required_argument, NULL, 'r' },
    { "blkio-weight", required_argument, NULL, OPT_BLKIO_WEIGHT },
    { "cpu-period", required_argument, NULL, OPT_CPU_PERIOD },
    { "cpu-quota", required_argument, NULL, OPT_CPU_QUOTA },
    { "cpu-burst", required_argument, NULL, OPT_CPU_BURST },
    { "cpu-rt-period", required_argument, NULL, OPT_CPU_RT_PERIOD },
    { "cpu-rt-runtime", required_argument, NULL, OPT_CPU_RT_RUNTIME },
    { "cpu-share", required_argument, NULL, OPT_CPU_SHARE },
    { "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
    { "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
    { "memory", required_argument, NULL, OPT_MEMORY },
    { "memory-reservation", required_argument, NULL, OPT_MEMORY_RESERVATION },
    { "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
    { "pids-limit", required_argument, NULL, OPT_PIDS_LIMIT },
    { "kernel-memory", required_argument, NULL, OPT_KERNEL_MEMORY },
    { "kernel-memory-tcp", required_argument, NULL, OPT_KERNEL_MEMORY_TCP },
    { "l3-cache-schema", required_argument, NULL, OPT_L3 },
    { "mem-bw-schema", required_argument, NULL, OPT_MEMBW },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  _cleanup_spec_resources_ struct spec_resources from_file = { 0 };
  _cleanup_spec_resources_ struct spec_resources flags = { 0 };
  const char *file = NULL;
  bool any_flag = false;
  int64_t i64;
  uint64_t u64;
  long l;
  int c;
  struct casco_error *err = NULL;
  while ((c = cli_getopt (cli, &cmd_update, argc, argv, "+r:h", options)) != -1)
    {
      bool bad = false;
      any_flag |= c != 'r' && c != 'h';
      switch (c)
        {
        case 'r': file = optarg; break;
        case OPT_BLKIO_WEIGHT:
          if ((bad = parse_u64 (optarg, &u64) < 0 || u64 > 1000)) break;
          flags.has_block_io = flags.block_io.has_weight = true;
          flags.block_io.weight = (uint16_t) u64;
          break;
        case OPT_CPU_PERIOD:
          if ((bad = parse_u64 (optarg, &u64) < 0)) break;
          flags.has_cpu = flags.cpu.has_period = true;
          flags.cpu.period = u64;
          break;
        case OPT_CPU_QUOTA:
          if ((bad = parse_long (optarg, &l) < 0)) break;
          flags.has_cpu = flags.cpu.has_quota = true;
          flags.cpu.quota = l;
          break;
        case OPT_CPU_BURST:
          if ((bad = parse_u64 (optarg, &u64) < 0)) break;
          flags.has_cpu = flags.cpu.has_burst = true;
          flags.cpu.burst = u64;
          break;
        case OPT_CPU_RT_PERIOD:
          if ((bad = parse_u64 (optarg, &u64) < 0)) break;
          flags.has_cpu = flags.cpu.has_realtime_period = true;
          flags.cpu.realtime_period = u64;
          break;
        case OPT_CPU_RT_RUNTIME:
          if ((bad = parse_long (optarg, &l) < 0)) break;
          flags.has_cpu = flags.cpu.has_realtime_runtime = true;
          flags.cpu.realtime_runtime = l;
          break;
        case OPT_CPU_SHARE:
          if ((bad = parse_u64 (optarg, &u64) < 0)) break;
          flags.has_cpu = flags.cpu.has_shares = true;
          flags.cpu.shares = u64;
          break;
        case OPT_CPUSET_CPUS:
          flags.has_cpu = true;
          set_string (&flags.cpu.cpus, optarg);
          break;
        case OPT_CPUSET_MEMS:
          flags.has_cpu = true;
          set_string (&flags.cpu.mems, optarg);
          break;
        case OPT_MEMORY:
          if ((bad = parse_bytes (optarg, &i64) < 0)) break;
          flags.has_memory = flags.memory.has_limit = true;
          flags.memory.limit = i64;
          break;
        case OPT_MEMORY_RESERVATION:
          if ((bad = parse_bytes (optarg, &i64) < 0)) break;
          flags.has_memory = flags.memory.has_reservation = true;
          flags.memory.reservation = i64;
          break;
        case OPT_MEMORY_SWAP:
          if ((bad = parse_bytes (optarg, &i64) < 0)) break;
          flags.has_memory = flags.memory.has_swap = true;
          flags.memory.swap = i64;
          break;
        case OPT_PIDS_LIMIT:
          if ((bad = parse_long (optarg, &l) < 0)) break;
          flags.has_pids = true;
          flags.pids_limit = l;
          break;
        case OPT_KERNEL_MEMORY: case OPT_KERNEL_MEMORY_TCP: case OPT_L3: case OPT_MEMBW:
          return cli_usage_error (cli, &cmd_update, "%s cannot be set on cgroup v2 (or Intel RDT) "
                                  "by casco", argv[optind - 1]);
        case 'h': cli_print_help (&cmd_update); return 0;
        default: return 1;
        }
      if (bad)
        return cli_usage_error (cli, &cmd_update, "%s: invalid value \"%s\"", argv[optind - 2], optarg);
    }
  if (cli_need_args (cli, &cmd_update, argc, 1, 1) < 0)
    return 1;
  if (file && any_flag)
    return cli_usage_error (cli, &cmd_update, "use either --resources or the single flags, not both");
  if (file && read_resources (file, &from_file, &err) < 0)
    return cli_fail (cli, err);
  if (container_update (&cli->ctx, argv[optind], file ? &from_file : &flags, &err) < 0)
    return cli_fail (cli, err);
  return 0;
}

const struct cli_command cmd_update = {
  .name = "update",
  .run = run_update,
  .usage = "update [options] CONTAINER_ID",
  .help = "Change the resource limits of a running container (cgroup v2).\n\n"
          "Options:\n"
          "  -r, --resources FILE    a LinuxResources JSON object (- reads stdin)\n"
          "  --memory BYTES          memory.max (e.g. 64m; -1 for no limit)\n"
          "  --memory-reservation B  memory.low\n"
          "  --memory-swap BYTES     memory + swap, as runc counts it\n"
          "  --cpu-share N           cpu.weight, converted as runc does\n"
          "  --cpu-quota US          cpu.max quota (-1 for none)\n"
          "  --cpu-period US         cpu.max period\n"
          "  --cpu-burst US          cpu.max.burst\n"
          "  --cpuset-cpus LIST      cpuset.cpus\n"
          "  --cpuset-mems LIST      cpuset.mems\n"
          "  --pids-limit N          pids.max (0 or -1 for no limit)\n"
          "  --blkio-weight N        io.weight (10-1000)\n",
};

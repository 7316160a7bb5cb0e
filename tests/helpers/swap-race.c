/* swap-race PATH1 PATH2 — atomically exchange two directory entries
   (renameat2 RENAME_EXCHANGE) in a tight loop until SIGTERM/SIGINT, then
   print how many swaps were made.  The security tests use it to flip a
   mount destination between a real directory and a symlink while a
   runtime resolves that path (CVE-2021-30465, CVE-2023-27561 class). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static volatile sig_atomic_t stop;

static void
on_signal (int sig)
{
  (void) sig;
  stop = 1;
}

int
main (int argc, char **argv)
{
  if (argc != 3)
    {
      fprintf (stderr, "usage: %s PATH1 PATH2\n", argv[0]);
      return 2;
    }
  struct sigaction sa = { .sa_handler = on_signal };
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGINT, &sa, NULL);
  unsigned long swaps = 0;
  while (!stop)
    {
      if (syscall (SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) < 0)
        {
          perror ("renameat2");
          return 1;
        }
      swaps++;
    }
  /* Leave the two entries where they started. */
  if (swaps % 2)
    syscall (SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE);
  printf ("%lu\n", swaps);
  return 0;
}

/* Print the effective uid: installed setuid-root in an image, it shows
   whether exec of a setuid binary raised the caller's privileges. */
#include <stdio.h>
#include <unistd.h>

int
main (void)
{
  printf ("euid %d\n", (int) geteuid ());
  return 0;
}

/* Signal name table and parser, with runc's spelling rules. */
#include <ctype.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "signals.h"
#include "util.h"

static const struct { const char *name; int sig; } signal_table[] = {
  { "SIGABRT", SIGABRT }, { "SIGALRM", SIGALRM }, { "SIGBUS", SIGBUS },
  { "SIGCHLD", SIGCHLD }, { "SIGCLD", SIGCHLD }, { "SIGCONT", SIGCONT },
  { "SIGFPE", SIGFPE }, { "SIGHUP", SIGHUP }, { "SIGILL", SIGILL },
  { "SIGINT", SIGINT }, { "SIGIO", SIGIO }, { "SIGIOT", SIGIOT },
  { "SIGKILL", SIGKILL }, { "SIGPIPE", SIGPIPE }, { "SIGPOLL", SIGPOLL },
  { "SIGPROF", SIGPROF }, { "SIGPWR", SIGPWR }, { "SIGQUIT", SIGQUIT },
  { "SIGSEGV", SIGSEGV }, { "SIGSTKFLT", SIGSTKFLT }, { "SIGSTOP", SIGSTOP },
  { "SIGSYS", SIGSYS }, { "SIGTERM", SIGTERM }, { "SIGTRAP", SIGTRAP },
  { "SIGTSTP", SIGTSTP }, { "SIGTTIN", SIGTTIN }, { "SIGTTOU", SIGTTOU },
  { "SIGURG", SIGURG }, { "SIGUSR1", SIGUSR1 }, { "SIGUSR2", SIGUSR2 },
  { "SIGVTALRM", SIGVTALRM }, { "SIGWINCH", SIGWINCH }, { "SIGXCPU", SIGXCPU },
  { "SIGXFSZ", SIGXFSZ },
};

/* "RTMIN", "RTMIN+3", "RTMAX-2" (after the SIG prefix was stripped). */
static int
parse_realtime (const char *s)
{
  int base;
  if (strncmp (s, "RTMIN", 5) == 0)
    base = SIGRTMIN;
  else if (strncmp (s, "RTMAX", 5) == 0)
    base = SIGRTMAX;
  else
    return -1;
  s += 5;
  if (*s == '\0')
    return base;
  long off;
  if ((*s != '+' && *s != '-') || parse_long (s + 1, &off) < 0)
    return -1;
  int sig = *s == '+' ? base + (int) off : base - (int) off;
  return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
}

int
signal_parse (const char *text)
{
  if (text == NULL || *text == '\0')
    return -1;
  long num;
  if (parse_long (text, &num) == 0)
    return num > 0 && num < _NSIG ? (int) num : -1;
  char upper[32];
  size_t n = strlen (text);
  if (n >= sizeof upper)
    return -1;
  for (size_t i = 0; i <= n; i++)
    upper[i] = (char) toupper ((unsigned char) text[i]);
  const char *bare = strncmp (upper, "SIG", 3) == 0 ? upper + 3 : upper;
  for (size_t i = 0; i < ARRAY_SIZE (signal_table); i++)
    if (strcmp (signal_table[i].name + 3, bare) == 0)
      return signal_table[i].sig;
  return parse_realtime (bare);
}

const char *
signal_name (int sig)
{
  for (size_t i = 0; i < ARRAY_SIZE (signal_table); i++)
    if (signal_table[i].sig == sig)
      return signal_table[i].name;
  return NULL;
}

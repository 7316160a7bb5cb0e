/* casco — signal names as engines spell them ("KILL", "SIGTERM", "9", "RTMIN+3"). */
#ifndef CASCO_SIGNALS_H
#define CASCO_SIGNALS_H

/* Returns the signal number, or -1 when the text names no signal. */
int signal_parse (const char *text);
/* "SIGKILL" for 9; NULL when unknown. */
const char *signal_name (int sig);

#endif

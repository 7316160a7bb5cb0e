/* --explain: where narration lines go (see include/casco/explain.h). */
#include <stdarg.h>
#include <stdio.h>

#include "casco/explain.h"

bool casco_explain_enabled;
static casco_explain_sink sink;
static casco_explain_sink sender;  /* in a child: to the parent, or NULL */
static bool in_child;

static const char *const titles[] = {
  [EXPLAIN_D01] = "Secure User Mapping",
  [EXPLAIN_D02] = "Patch Management Strategy",
  [EXPLAIN_D03] = "Network Segmentation and Firewalling",
  [EXPLAIN_D04] = "Secure Defaults and Hardening",
  [EXPLAIN_D05] = "Maintain Security Contexts",
  [EXPLAIN_D06] = "Protect Secrets",
  [EXPLAIN_D07] = "Resource Protection",
  [EXPLAIN_D08] = "Container Image Integrity and Origin",
  [EXPLAIN_D09] = "Follow Immutable Paradigm",
  [EXPLAIN_D10] = "Logging",
};

const char *
casco_explain_item_title (enum explain_item item)
{
  return item > EXPLAIN_D00 && item <= EXPLAIN_D10 ? titles[item] : "";
}

void
casco_explain_enable (casco_explain_sink s)
{
  sink = s;
  casco_explain_enabled = s != NULL;
}

void
casco_explain_set_sink (casco_explain_sink s)
{
  sink = s;
}

void
casco_explain_to_sender (casco_explain_sink send)
{
  in_child = true;
  sender = send;
}

void
casco_explain_deliver (const char *line)
{
  if (sink)
    sink (line);
}

void
casco_explain_line (enum explain_item item, const char *fmt, ...)
{
  /* One sync message holds the line: longer ones are cut, never split. */
  char line[CASCO_EXPLAIN_LINE_MAX];
  int n = item > EXPLAIN_D00 ? snprintf (line, sizeof line, "[D%02d] ", (int) item)
                             : snprintf (line, sizeof line, "      ");
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (line + n, sizeof line - (size_t) n, fmt, ap);
  va_end (ap);
  if (!in_child)
    casco_explain_deliver (line);
  else if (sender)
    sender (line);
}

/* casco — `--explain`: a narrated account of each step as it happens,
   written by the code doing the step.  Every line names the OWASP Docker
   Top 10 item (D01-D10) that the step defends against.

   The parent (the casco process the user ran) hands each line to a sink
   the CLI sets; the container's setup runs in child processes, which hand
   theirs to a sender the protocol module sets (sync_explain_to: over the
   sync socket that already connects them to the parent, SYNC_EXPLAIN), so
   narration arrives in order with the protocol and never touches the
   container's own stdio or fds.  This module only formats and routes: it
   calls no other module, so any module may narrate.

   Off by default and free then: explain() tests one global before it
   evaluates its arguments. */
#ifndef CASCO_EXPLAIN_H
#define CASCO_EXPLAIN_H

#include <stdbool.h>

enum explain_item
{
  EXPLAIN_D00 = 0,   /* no single item: bookkeeping lines */
  EXPLAIN_D01 = 1,   /* Secure User Mapping */
  EXPLAIN_D02,       /* Patch Management Strategy */
  EXPLAIN_D03,       /* Network Segmentation and Firewalling */
  EXPLAIN_D04,       /* Secure Defaults and Hardening */
  EXPLAIN_D05,       /* Maintain Security Contexts */
  EXPLAIN_D06,       /* Protect Secrets */
  EXPLAIN_D07,       /* Resource Protection */
  EXPLAIN_D08,       /* Container Image Integrity and Origin */
  EXPLAIN_D09,       /* Follow Immutable Paradigm */
  EXPLAIN_D10,       /* Logging */
};

/* The longest line, its "[Dnn] " included: longer ones are cut, never
   split (a child sends each as one sync message of this size). */
#define CASCO_EXPLAIN_LINE_MAX 2048

typedef void (*casco_explain_sink) (const char *line);

extern bool casco_explain_enabled;

/* Narrate this process's steps (and its children's) to sink. */
void casco_explain_enable (casco_explain_sink sink);
/* Only print lines that arrive from a container process (`start` of a
   container created with --explain); this process narrates nothing itself. */
void casco_explain_set_sink (casco_explain_sink sink);
/* In a child: hand lines to send (NULL: drop them), never to the sink. */
void casco_explain_to_sender (casco_explain_sink send);
/* Parent: a line received from a child. */
void casco_explain_deliver (const char *line);
/* "Secure Defaults and Hardening" for EXPLAIN_D04. */
const char *casco_explain_item_title (enum explain_item item);

void casco_explain_line (enum explain_item item, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

#define explain(item, ...)                                                     \
  do                                                                           \
    {                                                                          \
      if (casco_explain_enabled)                                               \
        casco_explain_line (EXPLAIN_##item, __VA_ARGS__);                      \
    }                                                                          \
  while (0)

#endif

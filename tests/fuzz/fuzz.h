/* casco — shared bits of the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
   Each harness feeds one parser the raw input, then runs the pure code that
   consumes its result, and frees everything: ASan/UBSan/LSan and libFuzzer
   turn any crash, overflow, UB or leak into a finding. */
#ifndef CASCO_FUZZ_H
#define CASCO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "casco/error.h"
#include "casco/log.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Debug lines are formatted (their printf paths get fuzzed too) and dropped. */
static void
fuzz_log_drop (enum casco_log_level level, const char *msg)
{
  (void) level;
  (void) msg;
}

static inline void
fuzz_init (void)
{
  static int done;
  if (!done)
    {
      casco_log_set_handler (fuzz_log_drop, CASCO_LOG_DEBUG);
      done = 1;
    }
}

/* An error must carry a message; its full text must be formattable.
   Frees it and clears *errp for the next call. */
static inline void
fuzz_check_error (struct casco_error **errp)
{
  struct casco_error *err = *errp;
  *errp = NULL;
  if (err == NULL)
    return;
  if (err->msg == NULL)
    abort ();
  free (casco_error_text (err));
  casco_error_free (err);
}

#endif

/* casco — the runtime-spec features document (`casco features`). */
#ifndef CASCO_FEATURES_H
#define CASCO_FEATURES_H

/* Pretty JSON, caller frees. */
char *features_json (void);

#endif

/* casco — what the lifecycle modules (container.c, manage.c) share. */
#ifndef CASCO_LIFECYCLE_H
#define CASCO_LIFECYCLE_H

#include "casco/container.h"

/* Open <root>/<id> and read its state, with the status probed now.
   "does not exist" for an unknown id. */
int container_open (const struct casco_context *ctx, const char *id, int *rootfd, int *dirfd,
                    struct container_state *st, struct casco_error **err);

#endif

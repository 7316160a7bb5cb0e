/* casco — the container's terminal: a pty made inside the container (so
   its /dev/pts is the container's), the master handed to the engine over
   --console-socket with SCM_RIGHTS, exactly as runc does. */
#ifndef CASCO_CONSOLE_H
#define CASCO_CONSOLE_H

#include "casco/spec.h"

struct casco_error;

/* Open a new pty pair through the container's /dev/ptmx. */
int console_open_pty (const struct spec_console_size *size, int *master, int *slave,
                      struct casco_error **err);
/* Send fd over a connected unix socket, with name as the payload. */
int console_send_fd (int sock, int fd, const char *name, struct casco_error **err);
/* Receive an fd sent that way (used by `run` when it is the engine itself). */
int console_recv_fd (int sock, int *fd, struct casco_error **err);
/* Make slave the controlling terminal and stdio of the calling process. */
int console_attach (int slave, struct casco_error **err);

#endif

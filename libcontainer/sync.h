/* casco — the parent/child protocol: the messages casco and its container
   processes exchange over a SOCK_SEQPACKET pair (and `start` over
   exec.sock), and the helpers that send and receive them. */
#ifndef CASCO_SYNC_H
#define CASCO_SYNC_H

struct casco_error;

/* Messages on the parent<->init SOCK_SEQPACKET pair. */
enum sync_type
{
  SYNC_MAP_REQUEST = 1, /* stage 1 -> parent: write my uid/gid maps */
  SYNC_MAP_DONE,        /* parent -> stage 1 */
  SYNC_INIT_PID,        /* stage 1 -> parent: value = host pid of the init */
  SYNC_READY,           /* init -> parent: set up, waiting for start */
  SYNC_COMMIT,          /* parent -> init: state saved, you may outlive me */
  SYNC_UNUSED,          /* was ACK: kept so later values stay those an older init expects */
  SYNC_ERROR,           /* child -> parent: errno_ + text, value = the error's kind */
  SYNC_HOOKS,           /* init -> parent: mounts done, run prestart/createRuntime */
  SYNC_HOOKS_DONE,      /* parent -> init: value = the init's pid as the host sees it */
  SYNC_SECCOMP_FD,      /* child -> parent: the seccomp notify fd rides along (SCM_RIGHTS) */
  SYNC_START,           /* `start` -> init, over exec.sock */
  SYNC_EXPLAIN,         /* child -> parent: one --explain line (text); sync_recv_fd passes it on */
};

struct sync_msg
{
  int type;
  int value;
  int errno_;
  char text[2048];
};

/* Received fd of a SYNC_SECCOMP_FD message: not part of the wire format. */
struct sync_received
{
  struct sync_msg m;
  int fd;               /* -1 unless an fd came with the message */
};

int sync_send (int fd, int type, int value, int errno_, const char *text);
/* Send a message carrying an fd (SCM_RIGHTS). */
int sync_send_fd (int fd, int type, int passed_fd);
/* Like sync_recv, also accepting an fd; r->fd is -1 when none came.
   EOF is not an error here: it returns 0 with r->m.type == 0. */
int sync_recv_fd (int fd, struct sync_received *r, struct casco_error **err);
/* Returns 0 with *m filled, or -1 with *err ("init exited" on EOF). */
int sync_recv (int fd, struct sync_msg *m, struct casco_error **err);
/* Receive and insist on one message type; a SYNC_ERROR becomes *err. */
int sync_expect (int fd, int type, struct sync_msg *m, struct casco_error **err);

/* In a child: send this process's --explain lines to the parent over the
   sync socket fd as SYNC_EXPLAIN (-1: drop them). */
void sync_explain_to (int fd);

#endif

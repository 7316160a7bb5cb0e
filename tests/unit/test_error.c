/* Unit tests for error kinds: the kind each library failure carries, since
   callers (delete --force, events) branch on it instead of the message. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "casco/container.h"
#include "casco/error.h"
#include "casco/policy.h"
#include "casco/spec.h"
#include "casco/state.h"
#include "util.h"
#include "sync.h"
#include "unit.h"

static void
set_is_internal_config_is_config (void)
{
  _cleanup_error_ struct casco_error *a = NULL;
  _cleanup_error_ struct casco_error *b = NULL;
  CHECK (casco_error_set (&a, 5, "read `x`") == -1);
  CHECK (a->kind == CASCO_ERR_INTERNAL);
  CHECK (casco_error_is (a, CASCO_ERR_INTERNAL));
  CHECK (casco_error_config (&b, "process.args", "required") == -1);
  CHECK (b->kind == CASCO_ERR_CONFIG);
  CHECK (!casco_error_is (NULL, CASCO_ERR_INTERNAL));
}

static void
kind_is_set_and_kept (void)
{
  _cleanup_error_ struct casco_error *e = NULL;
  CHECK (casco_error_set_kind (&e, CASCO_ERR_NOT_RUNNING, 0, "container not running") == -1);
  CHECK_STR (e->msg, "container not running");
  /* the first error is the cause: a later one changes neither text nor kind */
  casco_error_set_kind (&e, CASCO_ERR_EXISTS, 0, "later");
  casco_error_wrap (&e, "events");
  CHECK (e->kind == CASCO_ERR_NOT_RUNNING);
  CHECK_STR (e->msg, "events: container not running");

  _cleanup_error_ struct casco_error *h = NULL;
  casco_error_config_kind (&h, CASCO_ERR_HOST_UNSUPPORTED, "linux.resources.memory.limit", "cgroup v2 is required");
  CHECK (h->kind == CASCO_ERR_HOST_UNSUPPORTED);
  _cleanup_free_ char *text = casco_error_text (h);
  CHECK_STR (text, "linux.resources.memory.limit: cgroup v2 is required");

  _cleanup_error_ struct casco_error *n = NULL;
  casco_error_set_kind (&n, CASCO_ERR_INTERNAL, 2, "open `x`");
  CHECK_STR (n->msg, "open `x`: No such file or directory");
}

static void
kind_names_are_distinct (void)
{
  for (int i = 0; i < CASCO_ERR_KIND_COUNT; i++)
    {
      CHECK (strcmp (casco_error_kind_name (i), "unknown") != 0);
      for (int j = 0; j < i; j++)
        CHECK (strcmp (casco_error_kind_name (i), casco_error_kind_name (j)) != 0);
    }
  CHECK_STR (casco_error_kind_name (CASCO_ERR_NOT_FOUND), "not-found");
}

/* The init reports its errors over the sync socket: the kind comes along,
   and a number that names no kind is read as INTERNAL. */
static void
kind_crosses_the_sync_socket (void)
{
  int sv[2];
  CHECK (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
  _cleanup_close_ int parent = sv[0];
  _cleanup_close_ int child = sv[1];
  struct sync_msg m;
  _cleanup_error_ struct casco_error *config = NULL;
  CHECK (sync_send (child, SYNC_ERROR, CASCO_ERR_CONFIG, 0, "mounts[0].destination: refusing") == 0);
  CHECK (sync_expect (parent, SYNC_READY, &m, &config) < 0);
  CHECK (casco_error_is (config, CASCO_ERR_CONFIG));
  CHECK_STR (config ? config->msg : NULL, "mounts[0].destination: refusing");
  _cleanup_error_ struct casco_error *odd = NULL;
  CHECK (sync_send (child, SYNC_ERROR, 999, 0, "?") == 0);
  CHECK (sync_expect (parent, SYNC_READY, &m, &odd) < 0);
  CHECK (casco_error_is (odd, CASCO_ERR_INTERNAL));
  CHECK (casco_error_kind_from_int (-1) == CASCO_ERR_INTERNAL);
  CHECK (casco_error_kind_from_int (CASCO_ERR_POLICY) == CASCO_ERR_POLICY);
}

/* A private state root, removed by the caller. */
static char *
temp_root (void)
{
  char *dir = xstrdup ("/tmp/casco-unit-error-XXXXXX");
  CHECK (mkdtemp (dir) != NULL);
  return dir;
}

static void
state_dir_kinds (void)
{
  _cleanup_free_ char *root = temp_root ();
  _cleanup_close_ int rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  CHECK (rootfd >= 0);
  _cleanup_close_ int made = -1;
  _cleanup_close_ int opened = -1;
  _cleanup_error_ struct casco_error *missing = NULL;
  _cleanup_error_ struct casco_error *exists = NULL;
  _cleanup_error_ struct casco_error *bad = NULL;
  CHECK (state_dir_open (rootfd, "c1", &opened, &missing) < 0);
  CHECK (casco_error_is (missing, CASCO_ERR_NOT_FOUND));
  CHECK_STR (missing ? missing->msg : NULL, "container \"c1\" does not exist");
  CHECK (state_dir_create (rootfd, "c1", &made, NULL) == 0);
  CHECK (state_dir_create (rootfd, "c1", &opened, &exists) < 0);
  CHECK (casco_error_is (exists, CASCO_ERR_EXISTS));
  CHECK_STR (exists ? exists->msg : NULL, "container \"c1\" already exists");
  CHECK (state_dir_open (rootfd, "../x", &opened, &bad) < 0);
  CHECK (casco_error_is (bad, CASCO_ERR_INVALID_ARGUMENT));
  unlinkat (rootfd, "c1", AT_REMOVEDIR);
  rmdir (root);
}

static void
container_lookup_kinds (void)
{
  _cleanup_free_ char *root = temp_root ();
  struct casco_context ctx = { .root = root };
  _cleanup_error_ struct casco_error *missing = NULL;
  _cleanup_error_ struct casco_error *unfinished = NULL;
  _cleanup_error_ struct casco_error *kill_missing = NULL;
  CHECK (container_kill (&ctx, "gone", 15, false, &kill_missing) < 0);
  CHECK (casco_error_is (kill_missing, CASCO_ERR_NOT_FOUND));
  /* delete --force of nothing succeeds, as runc's does */
  CHECK (container_delete (&ctx, "gone", true, &missing) == 0);
  CHECK (missing == NULL);
  CHECK (container_delete (&ctx, "gone", false, &missing) < 0);
  CHECK (casco_error_is (missing, CASCO_ERR_NOT_FOUND));

  /* a state dir without state.json: a create that died */
  _cleanup_free_ char *dir = xasprintf ("%s/half", root);
  CHECK (mkdir (dir, 0700) == 0);
  CHECK (container_start (&ctx, "half", &unfinished) < 0);
  CHECK (casco_error_is (unfinished, CASCO_ERR_UNFINISHED));
  CHECK_STR (unfinished ? unfinished->msg : NULL, "container \"half\" does not exist (creation did not finish)");
  struct casco_error *err = NULL;
  CHECK (container_delete (&ctx, "half", true, &err) == 0);
  CHECK (err == NULL);
  casco_error_free (err);
  CHECK (access (dir, F_OK) < 0);
  rmdir (root);
}

static void
policy_refusal_is_policy (void)
{
  static const char json[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
                             "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},"
                             "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],\"effective\":[\"CAP_SYS_ADMIN\"],"
                             "\"permitted\":[\"CAP_SYS_ADMIN\"]}},"
                             "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]}}";
  struct spec *s = NULL;
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (spec_parse (json, strlen (json), &s, &err) == 0);
  if (s == NULL)
    return;
  CHECK (policy_enforce (s, POLICY_STRICT, NULL, &err) < 0);
  CHECK (casco_error_is (err, CASCO_ERR_POLICY));
  CHECK_CONTAINS (err ? err->msg : NULL, "config refused by policy strict");
  spec_free (s);
}

static void
config_error_is_config (void)
{
  static const char json[] = "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":7}}";
  struct spec *s = NULL;
  _cleanup_error_ struct casco_error *err = NULL;
  CHECK (spec_parse (json, strlen (json), &s, &err) < 0);
  CHECK (casco_error_is (err, CASCO_ERR_CONFIG));
  CHECK (err && err->json_path != NULL);
  spec_free (s);
}

int
main (void)
{
  RUN (set_is_internal_config_is_config);
  RUN (kind_is_set_and_kept);
  RUN (kind_names_are_distinct);
  RUN (kind_crosses_the_sync_socket);
  RUN (state_dir_kinds);
  RUN (container_lookup_kinds);
  RUN (policy_refusal_is_policy);
  RUN (config_error_is_config);
  return UNIT_DONE ();
}

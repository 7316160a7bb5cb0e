/* casco — what the spec*.c files share and nothing else uses: the JSON
   path of the value being parsed, typed access to an object's members
   (each error carries its path), and the parsers of the config's
   sections.  The public API is include/casco/spec.h. */
#ifndef CASCO_SPEC_READ_H
#define CASCO_SPEC_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "casco/json.h"
#include "casco/spec.h"

struct casco_error;

/* The path to the value being parsed, built on the stack as we descend and
   formatted only when an error needs it, so parsing allocates nothing for
   paths on the way to success. */
struct jpath
{
  const struct jpath *up;
  const char *key;          /* member name; NULL for an array element */
  size_t index;
  bool map_key;             /* key of a free-form map, shown as ["key"] */
};

#define AT_KEY(parent, k) (&(const struct jpath){ .up = (parent), .key = (k) })
#define AT_INDEX(parent, i) (&(const struct jpath){ .up = (parent), .index = (i) })
#define AT_MAP(parent, k) (&(const struct jpath){ .up = (parent), .key = (k), .map_key = true })

/* spec_read.c.  Errors: -1 with *err set to a config error at that path. */
int spec_fail (struct casco_error **err, const struct jpath *at, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
int spec_type_error (struct casco_error **err, const struct jpath *at, const char *expected,
                     const json_node *got);
int spec_missing (struct casco_error **err, const struct jpath *at);

/* Each get_* returns 1 when OBJ.KEY was present and stored, 0 when absent
   (output untouched), -1 on error.  A JSON null counts as absent. */
const json_node *spec_member (const json_node *obj, const char *key);
/* An object, with no key repeated. */
int spec_check_object (const json_node *n, const struct jpath *at, struct casco_error **err);
int spec_get_object (const json_node *obj, const struct jpath *at, const char *key, const json_node **out,
                     struct casco_error **err);
int spec_get_array (const json_node *obj, const struct jpath *at, const char *key, const json_node **out,
                    struct casco_error **err);
int spec_get_str (const json_node *obj, const struct jpath *at, const char *key, char **out,
                  struct casco_error **err);
int spec_get_bool (const json_node *obj, const struct jpath *at, const char *key, bool *out, bool *has,
                   struct casco_error **err);
int spec_req_bool (const json_node *obj, const struct jpath *at, const char *key, bool *out,
                   struct casco_error **err);

/* Integers.  The kind comes from the destination's C type (via _Generic),
   so a field and its range cannot drift apart. */
enum num_kind { NUM_U16, NUM_U32, NUM_U64, NUM_I32, NUM_I64 };

#define NUM_KIND(p) \
  _Generic ((p), uint16_t *: NUM_U16, uint32_t *: NUM_U32, uint64_t *: NUM_U64, \
            int32_t *: NUM_I32, int64_t *: NUM_I64)

int spec_num_value (const json_node *v, const struct jpath *at, enum num_kind kind, void *out,
                    struct casco_error **err);
int spec_get_num_ (const json_node *obj, const struct jpath *at, const char *key, enum num_kind kind,
                   void *out, bool *has, bool required, struct casco_error **err);
/* opt_num: absent leaves *out alone (has may be NULL); req_num: absent is an error. */
#define opt_num(obj, at, key, out, has, err) \
  spec_get_num_ (obj, at, key, NUM_KIND (out), out, has, false, err)
#define req_num(obj, at, key, out, err) spec_get_num_ (obj, at, key, NUM_KIND (out), out, NULL, true, err)

/* A string vector: NULL when absent, an empty vector when present and empty. */
int spec_get_strv (const json_node *obj, const struct jpath *at, const char *key, char ***out,
                   struct casco_error **err);
/* A string -> string map; entries whose value is null are skipped. */
int spec_get_kv (const json_node *obj, const struct jpath *at, const char *key, struct spec_kv **out,
                 size_t *n_out, struct casco_error **err);
/* A one-letter device type stored as a char. */
int spec_get_type_char (const json_node *n, const struct jpath *at, const char *key, const char *allowed,
                        const char *hint, char *out, struct casco_error **err);

/* OBJ.KEY, an array of objects, into ARR/N: PARSE (elem, path, &ARR[i], err)
   fills each element.  ARR and N are set before any element is parsed, so
   the owner's free function releases a partly parsed array. */
#define PARSE_ARRAY(obj, at, key, arr, n, parse, err)                            \
  ({                                                                             \
    const json_node *a_;                                                         \
    int r_ = spec_get_array ((obj), (at), (key), &a_, (err));                    \
    if (r_ > 0)                                                                  \
      {                                                                          \
        (n) = json_array_len (a_);                                               \
        (arr) = xmalloc0 ((n) * sizeof *(arr));                                  \
        for (size_t i_ = 0; r_ >= 0 && i_ < (n); i_++)                           \
          {                                                                      \
            const struct jpath *at_ = AT_INDEX (AT_KEY ((at), (key)), i_);       \
            const json_node *e_ = json_array_at (a_, i_);                        \
            r_ = spec_check_object (e_, at_, (err));                             \
            if (r_ >= 0)                                                         \
              r_ = parse (e_, at_, &(arr)[i_], (err));                           \
          }                                                                      \
      }                                                                          \
    r_ < 0 ? -1 : 0;                                                             \
  })

/* The sections' parsers: N is the section's object, AT its path (NULL for
   a document of its own); they fill OUT, which the owner's free function
   releases even when parsing failed half way. */
/* spec_process.c */
int spec_parse_process_fields (const json_node *n, const struct jpath *at, struct spec_process *p,
                               struct casco_error **err);
/* spec_mounts.c */
int spec_parse_id_mapping (const json_node *n, const struct jpath *at, struct spec_id_mapping *m,
                           struct casco_error **err);
int spec_parse_mount (const json_node *n, const struct jpath *at, struct spec_mount *m,
                      struct casco_error **err);
int spec_parse_hooks (const json_node *n, const struct jpath *at, struct spec_hooks *h,
                      struct casco_error **err);
/* spec_resources.c */
int spec_parse_resources_fields (const json_node *n, const struct jpath *at, struct spec_resources *r,
                                 struct casco_error **err);
/* spec_linux.c */
int spec_parse_seccomp_fields (const json_node *n, const struct jpath *at, struct spec_seccomp *sc,
                               struct casco_error **err);
int spec_parse_linux (const json_node *n, const struct jpath *at, struct spec_linux *l,
                      struct casco_error **err);

#endif

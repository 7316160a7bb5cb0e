/* Reading config.json's JSON tree for spec*.c: the path of the value
   being parsed (formatted only for an error), and typed access to an
   object's members that checks JSON types and numeric ranges and puts
   that path in every error. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "casco/error.h"
#include "casco/json.h"
#include "casco/spec.h"
#include "util.h"
#include "spec_read.h"

/* ---- JSON paths ------------------------------------------------------- */

static char *
jpath_format (const struct jpath *p)
{
  if (p == NULL)
    return xstrdup ("");
  _cleanup_free_ char *head = jpath_format (p->up);
  if (p->key == NULL)
    return xasprintf ("%s[%zu]", head, p->index);
  if (p->map_key)
    return xasprintf ("%s[\"%s\"]", head, p->key);
  return xasprintf ("%s%s%s", head, head[0] ? "." : "", p->key);
}

/* Config text ends up on a terminal: keep control bytes it carries (in map
   keys or quoted values) from reaching it. */
static void
defang (char *s)
{
  for (; *s; s++)
    if ((unsigned char) *s < 0x20 || *s == 0x7f)
      *s = '?';
}

int __attribute__ ((format (printf, 3, 4)))
spec_fail (struct casco_error **err, const struct jpath *at, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  _cleanup_free_ char *msg = xvasprintf (fmt, ap);
  va_end (ap);
  _cleanup_free_ char *path = jpath_format (at);
  defang (msg);
  defang (path);
  return casco_error_config (err, path[0] ? path : NULL, "%s", msg);
}

int
spec_type_error (struct casco_error **err, const struct jpath *at, const char *expected,
                 const json_node *got)
{
  return spec_fail (err, at, "expected %s, got %s", expected, json_type_name (json_type_of (got)));
}

int
spec_missing (struct casco_error **err, const struct jpath *at)
{
  return spec_fail (err, at, "required field is missing");
}

/* ---- typed member access ---------------------------------------------- */
/* Each get_* returns 1 when OBJ.KEY was present and stored, 0 when absent
   (output untouched), -1 on error.  A JSON null counts as absent, as in
   Go's encoding/json, which is what most engines write configs with. */

const json_node *
spec_member (const json_node *obj, const char *key)
{
  const json_node *v = json_get (obj, key);
  return json_type_of (v) == JSON_NULL ? NULL : v;
}

static int
cmp_key (const void *a, const void *b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* An object must not repeat a key: parsers disagree on which copy wins,
   so an engine's own checks may have looked at the other one. */
int
spec_check_object (const json_node *n, const struct jpath *at, struct casco_error **err)
{
  if (json_type_of (n) != JSON_OBJECT)
    return spec_type_error (err, at, "an object", n);
  size_t len = json_object_len (n);
  if (len < 2)
    return 0;
  _cleanup_free_ const char **keys = xmalloc0 (len * sizeof *keys);
  for (size_t i = 0; i < len; i++)
    keys[i] = json_object_key (n, i);
  qsort (keys, len, sizeof *keys, cmp_key);
  for (size_t i = 1; i < len; i++)
    if (strcmp (keys[i - 1], keys[i]) == 0)
      return spec_fail (err, at, "duplicate key \"%s\": JSON parsers disagree on which copy wins; keep one",
                        keys[i]);
  return 0;
}

int
spec_get_object (const json_node *obj, const struct jpath *at, const char *key, const json_node **out,
                 struct casco_error **err)
{
  const json_node *v = spec_member (obj, key);
  if (v == NULL)
    return 0;
  if (spec_check_object (v, AT_KEY (at, key), err) < 0)
    return -1;
  *out = v;
  return 1;
}

int
spec_get_array (const json_node *obj, const struct jpath *at, const char *key, const json_node **out,
                struct casco_error **err)
{
  const json_node *v = spec_member (obj, key);
  if (v == NULL)
    return 0;
  if (json_type_of (v) != JSON_ARRAY)
    return spec_type_error (err, AT_KEY (at, key), "an array", v);
  *out = v;
  return 1;
}

int
spec_get_str (const json_node *obj, const struct jpath *at, const char *key, char **out,
              struct casco_error **err)
{
  const json_node *v = spec_member (obj, key);
  if (v == NULL)
    return 0;
  if (json_type_of (v) != JSON_STRING)
    return spec_type_error (err, AT_KEY (at, key), "a string", v);
  *out = xstrdup (json_string (v));
  return 1;
}

int
spec_get_bool (const json_node *obj, const struct jpath *at, const char *key, bool *out, bool *has,
               struct casco_error **err)
{
  const json_node *v = spec_member (obj, key);
  if (v == NULL)
    return 0;
  if (json_type_of (v) != JSON_BOOL)
    return spec_type_error (err, AT_KEY (at, key), "a boolean", v);
  *out = json_bool (v);
  if (has)
    *has = true;
  return 1;
}

int
spec_req_bool (const json_node *obj, const struct jpath *at, const char *key, bool *out,
               struct casco_error **err)
{
  int r = spec_get_bool (obj, at, key, out, NULL, err);
  return r == 0 ? spec_missing (err, AT_KEY (at, key)) : r;
}

/* Integers.  The kind comes from the destination's C type (via _Generic),
   so a field and its range cannot drift apart. */
static const struct
{
  bool is_signed;
  int64_t min;
  uint64_t max;
} num_range[] = {
  [NUM_U16] = { false, 0, UINT16_MAX },
  [NUM_U32] = { false, 0, UINT32_MAX },
  [NUM_U64] = { false, 0, UINT64_MAX },
  [NUM_I32] = { true, INT32_MIN, INT32_MAX },
  [NUM_I64] = { true, INT64_MIN, INT64_MAX },
};

int
spec_num_value (const json_node *v, const struct jpath *at, enum num_kind kind, void *out,
                struct casco_error **err)
{
  bool is_signed = num_range[kind].is_signed;
  const char *what = is_signed ? "an integer" : "a non-negative integer";
  if (json_type_of (v) != JSON_NUMBER)
    return spec_type_error (err, at, what, v);

  int64_t s;
  uint64_t u;
  bool have_s = json_int64 (v, &s), have_u = json_uint64 (v, &u);
  if (!have_s && !have_u)
    return spec_fail (err, at, "expected %s, got a number with a fraction, an exponent or more than 64 bits",
                      what);
  /* Values that fit neither the signed nor the unsigned reading of the
     type are out of range; say which range applies. */
  bool ok = is_signed ? have_s && s >= num_range[kind].min && s <= (int64_t) num_range[kind].max
                      : have_u && u <= num_range[kind].max;
  if (!ok)
    {
      if (have_s)
        return spec_fail (err, at, "%lld is out of range: must be between %lld and %llu", (long long) s,
                          (long long) num_range[kind].min, (unsigned long long) num_range[kind].max);
      return spec_fail (err, at, "%llu is out of range: must be between %lld and %llu",
                        (unsigned long long) u, (long long) num_range[kind].min,
                        (unsigned long long) num_range[kind].max);
    }
  switch (kind)
    {
    case NUM_U16: *(uint16_t *) out = (uint16_t) u; break;
    case NUM_U32: *(uint32_t *) out = (uint32_t) u; break;
    case NUM_U64: *(uint64_t *) out = u; break;
    case NUM_I32: *(int32_t *) out = (int32_t) s; break;
    case NUM_I64: *(int64_t *) out = s; break;
    }
  return 0;
}

int
spec_get_num_ (const json_node *obj, const struct jpath *at, const char *key, enum num_kind kind,
               void *out, bool *has, bool required, struct casco_error **err)
{
  const json_node *v = spec_member (obj, key);
  if (v == NULL)
    return required ? spec_missing (err, AT_KEY (at, key)) : 0;
  if (spec_num_value (v, AT_KEY (at, key), kind, out, err) < 0)
    return -1;
  if (has)
    *has = true;
  return 1;
}

/* A string vector: NULL when absent, an empty vector when present and
   empty (maskedPaths: [] means "mask nothing", absent means "defaults"). */
int
spec_get_strv (const json_node *obj, const struct jpath *at, const char *key, char ***out,
               struct casco_error **err)
{
  const json_node *arr;
  int r = spec_get_array (obj, at, key, &arr, err);
  if (r <= 0)
    return r;
  size_t n = json_array_len (arr);
  char **v = *out = xmalloc0 ((n + 1) * sizeof *v);
  for (size_t i = 0; i < n; i++)
    {
      const json_node *e = json_array_at (arr, i);
      if (json_type_of (e) != JSON_STRING)
        return spec_type_error (err, AT_INDEX (AT_KEY (at, key), i), "a string", e);
      v[i] = xstrdup (json_string (e));
    }
  return 1;
}

/* A string -> string map; entries whose value is null are skipped. */
int
spec_get_kv (const json_node *obj, const struct jpath *at, const char *key, struct spec_kv **out,
             size_t *n_out, struct casco_error **err)
{
  const json_node *map;
  int r = spec_get_object (obj, at, key, &map, err);
  if (r <= 0)
    return r;
  size_t len = json_object_len (map);
  struct spec_kv *kv = *out = xmalloc0 (len * sizeof *kv);
  for (size_t i = 0; i < len; i++)
    {
      const json_node *v = json_object_value (map, i);
      if (json_type_of (v) == JSON_NULL)
        continue;
      if (json_type_of (v) != JSON_STRING)
        return spec_type_error (err, AT_MAP (AT_KEY (at, key), json_object_key (map, i)), "a string", v);
      kv[*n_out].key = xstrdup (json_object_key (map, i));
      kv[*n_out].value = xstrdup (json_string (v));
      (*n_out)++;
    }
  return 1;
}

/* A one-letter device type ("c") stored as a char; ALLOWED lists the
   letters, HINT spells them out for the message. */
int
spec_get_type_char (const json_node *n, const struct jpath *at, const char *key, const char *allowed,
                    const char *hint, char *out, struct casco_error **err)
{
  _cleanup_free_ char *t = NULL;
  int r = spec_get_str (n, at, key, &t, err);
  if (r <= 0)
    return r;
  if (strlen (t) != 1 || strchr (allowed, t[0]) == NULL)
    return spec_fail (err, AT_KEY (at, key), "unknown device type \"%s\": use %s", t, hint);
  *out = t[0];
  return 1;
}

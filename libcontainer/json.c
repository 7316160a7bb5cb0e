/* The JSON seam: the only file that includes yajl (see json.h). */
#include <string.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "casco/error.h"
#include "casco/json.h"
#include "util.h"

/* yajl_val is a pointer to struct yajl_val_s; our opaque json_node is that struct. */
#define V(n) ((yajl_val) (n))

/* yajl's tree drops string lengths, so "\u0000" would silently cut a
   string short ("/bin/sh\u0000x" -> "/bin/sh").  Refuse it up front,
   tracking escapes so that a literal backslash before "u0000" is fine; an
   unpaired UTF-16 surrogate escape has no UTF-8 form and is refused too. */
static bool
has_bad_escape (const char *text, size_t len)
{
  bool in_string = false;
  for (size_t i = 0; i < len; i++)
    {
      if (!in_string)
        {
          in_string = text[i] == '"';
          continue;
        }
      if (text[i] == '"')
        in_string = false;
      else if (text[i] == '\\' && i + 1 < len)
        {
          if (text[i + 1] == 'u' && i + 5 < len && strncmp (text + i + 2, "0000", 4) == 0)
            return true;
          /* A UTF-16 surrogate escape must be a high one followed by a low one. */
          if (text[i + 1] == 'u' && i + 5 < len && strchr ("dD", text[i + 2]) && strchr ("89abAB", text[i + 3]))
            {
              if (!(i + 11 < len && text[i + 6] == '\\' && text[i + 7] == 'u' && strchr ("dD", text[i + 8])
                    && strchr ("cdefCDEF", text[i + 9])))
                return true;
              i += 6;
            }
          else if (text[i + 1] == 'u' && i + 5 < len && strchr ("dD", text[i + 2])
                   && strchr ("cdefCDEF", text[i + 3]))
            return true;
          i++;   /* skip the escaped character */
        }
    }
  return false;
}

/* Strict UTF-8 (RFC 3629): yajl lets overlong forms, UTF-16 surrogates and
   code points past U+10FFFF through, and those would reach names, paths
   and the environment.  Returns the offset of the first bad byte, or -1. */
static ssize_t
utf8_invalid_at (const unsigned char *s, size_t len)
{
  for (size_t i = 0; i < len;)
    {
      unsigned char c = s[i];
      size_t n;
      uint32_t cp, min;
      if (c < 0x80)
        {
          i++;
          continue;
        }
      if ((c & 0xe0) == 0xc0)
        n = 1, cp = c & 0x1f, min = 0x80;
      else if ((c & 0xf0) == 0xe0)
        n = 2, cp = c & 0x0f, min = 0x800;
      else if ((c & 0xf8) == 0xf0)
        n = 3, cp = c & 0x07, min = 0x10000;
      else
        return (ssize_t) i;
      for (size_t k = 1; k <= n; k++)
        {
          if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
            return (ssize_t) i;
          cp = (cp << 6) | (s[i + k] & 0x3f);
        }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return (ssize_t) i;
      i += n + 1;
    }
  return -1;
}

int
json_parse (const char *text, size_t len, json_node **root, struct casco_error **err)
{
  char errbuf[512] = "";
  /* yajl_tree_parse wants a NUL-terminated string; copy to be safe with
     buffers that are not. */
  _cleanup_free_ char *copy = xstrndup (text, len);
  if (strlen (copy) != len)
    return casco_error_set (err, 0, "invalid JSON: embedded NUL byte");
  if (has_bad_escape (copy, len))
    return casco_error_set (err, 0, "invalid JSON: \\u0000 and unpaired \\uD800-\\uDFFF escapes are not "
                                    "allowed in strings");
  ssize_t bad = utf8_invalid_at ((const unsigned char *) copy, len);
  if (bad >= 0)
    return casco_error_set (err, 0, "invalid JSON: not UTF-8 (byte %zd)", bad);
  yajl_val v = yajl_tree_parse (copy, errbuf, sizeof errbuf);
  if (v == NULL)
    {
      /* yajl's message spans lines; keep the first, it carries the reason. */
      char *nl = strchr (errbuf, '\n');
      if (nl)
        *nl = '\0';
      return casco_error_set (err, 0, "invalid JSON: %s", errbuf[0] ? errbuf : "parse error");
    }
  *root = (json_node *) v;
  return 0;
}

void
json_free (json_node *root)
{
  if (root)
    yajl_tree_free (V (root));
}

enum json_type
json_type_of (const json_node *n)
{
  if (n == NULL)
    return JSON_NULL;
  switch (V (n)->type)
    {
    case yajl_t_string: return JSON_STRING;
    case yajl_t_number: return JSON_NUMBER;
    case yajl_t_object: return JSON_OBJECT;
    case yajl_t_array: return JSON_ARRAY;
    case yajl_t_true:
    case yajl_t_false: return JSON_BOOL;
    default: return JSON_NULL;
    }
}

const char *
json_type_name (enum json_type t)
{
  static const char *const names[] = { "null", "boolean", "number", "string", "array", "object" };
  return names[t];
}

json_node *
json_get (const json_node *obj, const char *key)
{
  if (obj == NULL || V (obj)->type != yajl_t_object)
    return NULL;
  for (size_t i = 0; i < V (obj)->u.object.len; i++)
    if (strcmp (V (obj)->u.object.keys[i], key) == 0)
      return (json_node *) V (obj)->u.object.values[i];
  return NULL;
}

size_t
json_object_len (const json_node *obj)
{
  return obj && V (obj)->type == yajl_t_object ? V (obj)->u.object.len : 0;
}

const char *
json_object_key (const json_node *obj, size_t i)
{
  return V (obj)->u.object.keys[i];
}

json_node *
json_object_value (const json_node *obj, size_t i)
{
  return (json_node *) V (obj)->u.object.values[i];
}

size_t
json_array_len (const json_node *arr)
{
  return arr && V (arr)->type == yajl_t_array ? V (arr)->u.array.len : 0;
}

json_node *
json_array_at (const json_node *arr, size_t i)
{
  return (json_node *) V (arr)->u.array.values[i];
}

const char *
json_string (const json_node *n)
{
  return n && V (n)->type == yajl_t_string ? V (n)->u.string : NULL;
}

bool
json_bool (const json_node *n)
{
  return n && V (n)->type == yajl_t_true;
}

/* yajl keeps the number's original text: parse it ourselves so that values
   above INT64_MAX (uint64 limits such as 18446744073709551615) survive. */
static const char *
number_text (const json_node *n)
{
  if (n == NULL || V (n)->type != yajl_t_number)
    return NULL;
  return V (n)->u.number.r;
}

bool
json_int64 (const json_node *n, int64_t *out)
{
  const char *t = number_text (n);
  if (t == NULL || strpbrk (t, ".eE"))
    return false;
  char *end;
  errno = 0;
  long long v = strtoll (t, &end, 10);
  if (errno || *end)
    return false;
  *out = v;
  return true;
}

bool
json_uint64 (const json_node *n, uint64_t *out)
{
  const char *t = number_text (n);
  if (t == NULL || strpbrk (t, ".eE-"))
    return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull (t, &end, 10);
  if (errno || *end)
    return false;
  *out = v;
  return true;
}

struct json_writer
{
  yajl_gen g;
};

json_writer *
jw_new (bool pretty)
{
  json_writer *w = xmalloc0 (sizeof *w);
  w->g = yajl_gen_alloc (NULL);
  if (w->g == NULL)
    abort ();
  yajl_gen_config (w->g, yajl_gen_beautify, pretty ? 1 : 0);
  if (pretty)
    yajl_gen_config (w->g, yajl_gen_indent_string, "  ");
  /* engines read our output; keep "/" unescaped and validate UTF-8 */
  yajl_gen_config (w->g, yajl_gen_validate_utf8, 1);
  return w;
}

void
jw_free (json_writer *w)
{
  if (w == NULL)
    return;
  yajl_gen_free (w->g);
  free (w);
}

void jw_obj_open (json_writer *w) { yajl_gen_map_open (w->g); }
void jw_obj_close (json_writer *w) { yajl_gen_map_close (w->g); }
void jw_arr_open (json_writer *w) { yajl_gen_array_open (w->g); }
void jw_arr_close (json_writer *w) { yajl_gen_array_close (w->g); }

void
jw_str (json_writer *w, const char *s)
{
  if (s == NULL)
    {
      yajl_gen_null (w->g);
      return;
    }
  /* Invalid UTF-8 would make yajl refuse the string and leave the
     document broken; replace such bytes so output always parses. */
  if (yajl_gen_string (w->g, (const unsigned char *) s, strlen (s)) == yajl_gen_invalid_string)
    {
      _cleanup_free_ char *clean = xstrdup (s);
      for (char *p = clean; *p; p++)
        if ((unsigned char) *p >= 0x80)
          *p = '?';
      yajl_gen_string (w->g, (const unsigned char *) clean, strlen (clean));
    }
}

void jw_key (json_writer *w, const char *key) { jw_str (w, key); }
void jw_int (json_writer *w, int64_t v) { yajl_gen_integer (w->g, v); }

void
jw_uint (json_writer *w, uint64_t v)
{
  char buf[32];
  int n = snprintf (buf, sizeof buf, "%llu", (unsigned long long) v);
  yajl_gen_number (w->g, buf, n);
}

void jw_bool (json_writer *w, bool v) { yajl_gen_bool (w->g, v); }
void jw_null (json_writer *w) { yajl_gen_null (w->g); }

void
jw_raw (json_writer *w, const char *json)
{
  /* yajl emits a "number" verbatim, with the separators a value needs */
  yajl_gen_number (w->g, json, strlen (json));
}

void
jw_kv_str (json_writer *w, const char *key, const char *s)
{
  jw_key (w, key);
  jw_str (w, s);
}

void
jw_kv_int (json_writer *w, const char *key, int64_t v)
{
  jw_key (w, key);
  jw_int (w, v);
}

void
jw_kv_bool (json_writer *w, const char *key, bool v)
{
  jw_key (w, key);
  jw_bool (w, v);
}

void
jw_kv_strv (json_writer *w, const char *key, const char *const *v)
{
  jw_key (w, key);
  jw_arr_open (w);
  for (; v && *v; v++)
    jw_str (w, *v);
  jw_arr_close (w);
}

char *
jw_finish (json_writer *w, size_t *len)
{
  const unsigned char *buf;
  size_t n;
  yajl_gen_get_buf (w->g, &buf, &n);
  /* yajl's beautified output ends its top level with a newline: drop it,
     so that every document ends at its closing bracket, printed alone,
     in a list or by jw_finish_line alike. */
  if (n > 0 && buf[n - 1] == '\n')
    n--;
  char *out = xstrndup ((const char *) buf, n);
  if (len)
    *len = n;
  jw_free (w);
  return out;
}

char *
jw_finish_line (json_writer *w)
{
  size_t n;
  char *out = jw_finish (w, &n);
  out = xrealloc (out, n + 2);
  out[n] = '\n';
  out[n + 1] = '\0';
  return out;
}

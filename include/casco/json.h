/* casco — the JSON seam.  json.c is the only file that includes yajl:
   a read-only tree with typed accessors, and a small writer.  Keeping yajl
   behind this header lets the parser, state files and log lines share one
   escaping and one set of bugs. */
#ifndef CASCO_JSON_H
#define CASCO_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct casco_error;
typedef struct json_node json_node;   /* opaque: a node of a parsed tree */

/* Parse text; on error *err says where ("invalid JSON: ... at line N"). */
int json_parse (const char *text, size_t len, json_node **root, struct casco_error **err);
void json_free (json_node *root);
static inline void json_node_freep (json_node **n) { json_free (*n); *n = NULL; }
/* A parsed tree freed when the variable goes out of scope. */
#define _cleanup_json_ __attribute__ ((cleanup (json_node_freep)))

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };
enum json_type json_type_of (const json_node *n);
const char *json_type_name (enum json_type t);   /* "string", "object", ... */

/* Object access.  json_get returns NULL for a missing key. */
json_node *json_get (const json_node *obj, const char *key);
size_t json_object_len (const json_node *obj);
const char *json_object_key (const json_node *obj, size_t i);
json_node *json_object_value (const json_node *obj, size_t i);

size_t json_array_len (const json_node *arr);
json_node *json_array_at (const json_node *arr, size_t i);

const char *json_string (const json_node *n);   /* NULL unless a string */
bool json_bool (const json_node *n);
/* Integers: false when n is not an integral number or out of range. */
bool json_int64 (const json_node *n, int64_t *out);
bool json_uint64 (const json_node *n, uint64_t *out);

/* Writer.  Calls nest naturally; jw_finish returns the text (caller frees). */
typedef struct json_writer json_writer;
json_writer *jw_new (bool pretty);
void jw_free (json_writer *w);
void jw_obj_open (json_writer *w);
void jw_obj_close (json_writer *w);
void jw_arr_open (json_writer *w);
void jw_arr_close (json_writer *w);
void jw_key (json_writer *w, const char *key);
void jw_str (json_writer *w, const char *s);     /* NULL writes null */
void jw_int (json_writer *w, int64_t v);
void jw_uint (json_writer *w, uint64_t v);
void jw_bool (json_writer *w, bool v);
void jw_null (json_writer *w);
/* Insert an already serialised JSON value verbatim (caller vouches for it). */
void jw_raw (json_writer *w, const char *json);
/* Shorthands for "key": value pairs. */
void jw_kv_str (json_writer *w, const char *key, const char *s);
void jw_kv_int (json_writer *w, const char *key, int64_t v);
void jw_kv_bool (json_writer *w, const char *key, bool v);
/* "key": ["a", "b", ...] from a NULL-terminated vector. */
void jw_kv_strv (json_writer *w, const char *key, const char *const *v);
char *jw_finish (json_writer *w, size_t *len);    /* also frees w; no newline at the end */
char *jw_finish_line (json_writer *w);            /* the same, ending in a newline */

#endif

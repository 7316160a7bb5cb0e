/* casco — library-side logging.  The library never prints: it hands lines
   to a handler the CLI installs (text or JSON, to --log or stderr). */
#ifndef CASCO_LOG_H
#define CASCO_LOG_H

enum casco_log_level { CASCO_LOG_ERROR, CASCO_LOG_WARNING, CASCO_LOG_INFO, CASCO_LOG_DEBUG };

typedef void (*casco_log_handler) (enum casco_log_level level, const char *msg);
void casco_log_set_handler (casco_log_handler h, enum casco_log_level max_level);
void casco_log (enum casco_log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
#define casco_warn(...) casco_log (CASCO_LOG_WARNING, __VA_ARGS__)
#define casco_debug(...) casco_log (CASCO_LOG_DEBUG, __VA_ARGS__)

#endif

/*-------------------------------------------------------------------------
 *
 * nls_noop.c
 *	  Message catalogs that are never bound, for a server started with the
 *	  AddressSanitizer runtime preloaded (test/sanitize.sh).
 *
 *	  With the ASan runtime in LD_PRELOAD, Debian's postgres (and psql)
 *	  hang before main() has done anything: a shared library's constructor
 *	  (libgpg-error's) calls bindtextdomain() before main(), and under the
 *	  runtime that call leaves glibc's lock of the message catalogs
 *	  (_nl_state_lock) with a reader count below zero, so the server's own
 *	  bindtextdomain() in main() waits for that lock forever.  Preloaded
 *	  after the runtime, these two functions make binding a catalog a
 *	  no-op, so the lock is never taken; messages are then the untranslated
 *	  English ones, which is what the tests expect anyway.
 *
 *-------------------------------------------------------------------------
 */
#include <stddef.h>

extern char *bindtextdomain(const char *domainname, const char *dirname);
extern char *bind_textdomain_codeset(const char *domainname,
									 const char *codeset);

/* Returns dirname, binding nothing. */
char *
bindtextdomain(const char *domainname, const char *dirname)
{
	return (char *) dirname;
}

/* Returns codeset, binding nothing. */
char *
bind_textdomain_codeset(const char *domainname, const char *codeset)
{
	return (char *) codeset;
}

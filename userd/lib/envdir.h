/* envdir: environment directories as daemontools and runit read them.
 *
 * Each file K in the directory sets the variable K to the first line of the
 * file, with trailing spaces and tabs removed and every NUL turned into a
 * newline; an empty file (0 bytes) unsets K.  Files whose name starts with a
 * dot are skipped.  A name containing '=' sets the part before the '=', with
 * the rest in front of the value (what Debian's runit does with such a name). */
#ifndef WARD_ENVDIR_H
#define WARD_ENVDIR_H

#include <stddef.h>
#include <sys/types.h>

/* Longest first line read: what one environment string may hold at exec. */
#define ENVDIR_VALUE_MAX 131072

/* Turns the bytes of one file into the variable's value, in place: returns
 * the value's length, or -1 for an empty file (unset). */
ssize_t envdir_value(char *buf, size_t len);

/* What a directory inside dir does: runit's chpst -e skips it (with a
 * warning under -v), its envdir stops there. */
enum envdir_subdir { ENVDIR_SKIP, ENVDIR_SKIP_WARN, ENVDIR_FAIL };

/* Applies every file of dir to this process's environment; a directory
 * in it as subdir says.  Returns 0, or -1 with errno set and err saying
 * which file and what failed ("unable to read DIR/K: reason"). */
int envdir_apply(const char *dir, enum envdir_subdir subdir, char *err, size_t errlen);

#endif

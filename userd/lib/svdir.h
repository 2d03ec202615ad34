/* svdir: ward's own small files in a service directory (timeout-kill,
 * notification-fd, backoff-max): one decimal number each, read again at
 * every start so that an edit needs no restart of runsv.
 *
 *   svdir_parse_uint(text, len, min, max, &val)  0, or -1 if text is not
 *       one number from min to max (blanks and a newline around it are fine)
 *   svdir_read(dirfd, name, buf, &len, err, errlen)
 *       0 if the file does not exist, 1 with its first SVDIR_FILE_MAX + 1
 *       bytes in buf (len: how many; more than SVDIR_FILE_MAX: too long),
 *       -1 with err set to "NAME: unable to read: why"
 *   svdir_read_uint(dirfd, name, min, max, &val, err, errlen)
 *       0 if the file does not exist, 1 with *val set, -1 with err set to
 *       "NAME: expected a number from MIN to MAX" (or the read error) */
#ifndef WARD_SVDIR_H
#define WARD_SVDIR_H

#include <stddef.h>

#define SVDIR_FILE_MAX 64   /* a longer file is malformed */

int svdir_parse_uint(const char *text, size_t len, unsigned long min, unsigned long max,
		     unsigned long *val);
int svdir_read(int dirfd, const char *name, char buf[SVDIR_FILE_MAX + 1], size_t *len,
	       char *err, size_t errlen);
int svdir_read_uint(int dirfd, const char *name, unsigned long min, unsigned long max,
		    unsigned long *val, char *err, size_t errlen);

#endif

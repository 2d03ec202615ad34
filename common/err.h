/* err: uniform messages and exit codes for every ward program.
 *
 * Messages read "PROG: fatal: unable to VERB OBJECT: reason" (as runit's),
 * one line each, on stderr.  Exit codes are a small fixed vocabulary.  */
#ifndef WARD_ERR_H
#define WARD_ERR_H

#define EXIT_USAGE 100  /* bad command line, as runit's programs */
#define EXIT_TEMP  111  /* temporary failure (runit's convention) */

#include <stdio.h>

extern const char *err_prog;   /* set by err_init from argv[0] */

void err_init(const char *argv0);
/* fatal: prints "PROG: fatal: MSG[: strerror(errno)]" and exits with code */
void err_fatal(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void err_fatal_sys(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* warn: "PROG: warning: MSG[: strerror(errno)]" */
void err_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void err_warn_sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "PROG (ward) VERSION", the kit's one version (Makefile's VERSION) */
void err_version(FILE *f, const char *prog);
/* argv[1] is --version: the version line on stdout, exit 0 */
void err_version_option(int argc, char **argv);

#endif

#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *err_prog = "ward";

void err_init(const char *argv0)
{
	const char *slash;

	if (!argv0 || !*argv0)
		return;
	slash = strrchr(argv0, '/');
	err_prog = slash ? slash + 1 : argv0;
}

static void err_print(const char *kind, int errnum, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (errnum)
		fprintf(stderr, "%s: %s: %s: %s\n", err_prog, kind, msg, strerror(errnum));
	else
		fprintf(stderr, "%s: %s: %s\n", err_prog, kind, msg);
}

void err_fatal(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_print("fatal", 0, fmt, ap);
	va_end(ap);
	exit(code);
}

void err_fatal_sys(int code, const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	err_print("fatal", e, fmt, ap);
	va_end(ap);
	exit(code);
}

void err_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_print("warning", 0, fmt, ap);
	va_end(ap);
}

void err_warn_sys(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	err_print("warning", e, fmt, ap);
	va_end(ap);
}

void err_version(FILE *f, const char *prog)
{
	fprintf(f, "%s (ward) %s\n", prog, WARD_VERSION);
}

void err_version_option(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--version"))
		return;
	err_version(stdout, err_prog);
	exit(fflush(stdout) == 0 ? 0 : EXIT_TEMP);
}

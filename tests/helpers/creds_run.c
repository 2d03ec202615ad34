/* creds_run USER [NAME=VALUE ...] PROG ARGS...: the way privd starts a
 * userd, for tests: look USER up, set each hard+soft limit with limit_set,
 * switch with creds_switch, then exec PROG.  Exit 111 on any failure, with
 * the reason on stderr. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "creds.h"
#include "err.h"

static int set_one(const char *arg)
{
	char name[32];
	const char *eq = strchr(arg, '=');
	unsigned long v;
	int r;

	if (!eq || (size_t)(eq - arg) >= sizeof name)
		return 0;
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = 0;
	r = limit_resource(name);
	if (r < 0)
		err_fatal(EXIT_USAGE, "unknown limit: %s", name);
	if (creds_number(eq + 1, &v) < 0)
		err_fatal(EXIT_USAGE, "bad limit value: %s", eq + 1);
	if (limit_set(r, (rlim_t)v) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to set %s", name);
	return 1;
}

int main(int argc, char **argv)
{
	struct creds c;
	char err[256];
	int i = 2;

	err_init(argv[0]);
	if (argc < 3)
		err_fatal(EXIT_USAGE, "usage: creds_run USER [NAME=VALUE ...] PROG ...");
	if (creds_user(argv[1], &c, err, sizeof err) < 0)
		err_fatal(EXIT_TEMP, "%s", err);
	while (i < argc && set_one(argv[i]))
		i++;
	if (i == argc)
		err_fatal(EXIT_USAGE, "no program");
	if (creds_switch(&c) < 0)
		err_fatal_sys(EXIT_TEMP, "unable to switch to %s", argv[1]);
	execv(argv[i], argv + i);
	err_fatal_sys(EXIT_TEMP, "unable to run %s", argv[i]);
}

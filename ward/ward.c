/* ward: one view of the supervised services: `ward status`, `ward logs`,
 * `ward metrics` (docs/man/ward.1).  runit's own names stay runit's; this
 * is the front-end for what runit never had. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "ward.h"

#define BIND_COUNTS "/run/ward/binds"   /* privd writes it (privd(8)) */

static void usage(void)
{
	fprintf(stderr, "usage: ward status [--json] [DIR]\n"
		"       ward status --all [--json] [-f POLICY]\n"
		"       ward logs [-f] [-n N] [SERVICE|LOGDIR...]\n"
		"       ward metrics [--all] [-f POLICY] [DIR]\n"
		"       ward --version\n");
	exit(EXIT_USAGE);
}

struct opts {
	int all, json;
	const char *policy, *dir, *counts;
};

static void parse(int argc, char **argv, struct opts *o)
{
	static const struct option longs[] = {
		{ "all", no_argument, NULL, 'a' }, { "json", no_argument, NULL, 'j' },
		{ "policy", required_argument, NULL, 'f' },
		{ "binds", required_argument, NULL, 'b' }, { NULL, 0, NULL, 0 } };
	int c;

	memset(o, 0, sizeof *o);
	o->counts = BIND_COUNTS;
	while ((c = getopt_long(argc, argv, "+ajf:", longs, NULL)) != -1)
		switch (c) {
		case 'a': o->all = 1; break;
		case 'j': o->json = 1; break;
		case 'f': o->policy = optarg; break;
		case 'b': o->counts = optarg; break;
		default: usage();
		}
	if (argc - optind > 1 || (o->all && argc > optind))
		usage();
	o->dir = argc > optind ? argv[optind] : NULL;
}

/* the trees asked for; exits on a fatal error */
static size_t gather(const struct opts *o, struct wardtree **t)
{
	size_t n = 1;

	if (o->all) {
		if (geteuid() != 0)
			err_fatal(EXIT_USAGE, "--all: only root reads every user's tree");
		if (tree_read_all(o->policy, t, &n) < 0)
			exit(EXIT_TEMP);
		return n;
	}
	*t = calloc(1, sizeof **t);
	if (*t == NULL)
		err_fatal(EXIT_TEMP, "out of memory");
	tree_read_own(o->dir, *t);
	return n;
}

static int status_main(int argc, char **argv, int metrics)
{
	struct wardtree *t;
	struct opts o;
	size_t n, i;
	int failed = 0;

	parse(argc, argv, &o);
	n = gather(&o, &t);
	if (metrics) {
		show_metrics(stdout, t, n, o.all);
		if (o.all)
			show_bind_counts(stdout, o.counts);
	} else if (o.json) {
		show_json(stdout, t, n, o.all);
	} else {
		show_table(stdout, t, n, o.all);
	}
	for (i = 0; i < n; i++)
		failed |= t[i].failed;
	tree_free(t, n);
	if (fflush(stdout) != 0)
		err_fatal_sys(EXIT_TEMP, "unable to write");
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	err_init(argv[0]);
	err_version_option(argc, argv);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "status") == 0)
		return status_main(argc - 1, argv + 1, 0);
	if (strcmp(argv[1], "metrics") == 0)
		return status_main(argc - 1, argv + 1, 1);
	if (strcmp(argv[1], "logs") == 0)
		return logs_main(argc - 1, argv + 1);
	usage();
}

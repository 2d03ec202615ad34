/* ward: the front-end command (status, logs, metrics): see ward(1).
 *
 * Who reads what: a caller's own tree is read in-process (as the caller);
 * `--all` (root) reads the policy, then each supervised user's tree in a
 * child switched to that user as privd switches to start a userd
 * (tree.c), which hands back fixed-format lines (wardrow) that the parent
 * validates field by field before anything is printed. */
#ifndef WARD_WARD_H
#define WARD_WARD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wardrow.h"

#define WARD_MAX_SERVICES 10000  /* a tree's services read, the rest ignored */
#define WARD_USER_WAIT_S  10     /* a user's child gets this long to answer */
#define WARD_PORTS        512    /* the ports granted, as text */
#define WARD_SOCKETS      65536  /* of /proc/net, this many are looked at */

/* one tree: the caller's, or one user's of --all */
struct wardtree {
	char user[64];           /* "" for the caller's own tree */
	unsigned uid;
	int userd_up;            /* -1 not known */
	char ports[WARD_PORTS];  /* granted, "tcp 80, udp 53" */
	char in_use[WARD_PORTS]; /* sockets on those ports, from /proc/net */
	struct wardrow *rows;
	size_t nrows;
	int failed;              /* the tree could not be read (said on stderr) */
};

/* tree.c */
int tree_read_own(const char *dir, struct wardtree *t);
/* every supervised user of the policy (file: -f, else the default) */
int tree_read_all(const char *policy_file, struct wardtree **trees, size_t *n);
void tree_free(struct wardtree *t, size_t n);

/* show.c */
void show_table(FILE *f, const struct wardtree *t, size_t n, int all);
void show_json(FILE *f, const struct wardtree *t, size_t n, int all);
void show_metrics(FILE *f, const struct wardtree *t, size_t n, int all);
/* privd's bind counts, from the file privd writes (--all) */
void show_bind_counts(FILE *f, const char *path);

/* logs.c */
int logs_main(int argc, char **argv);

#endif

/* depends: a service's start waits for other services of its tree
 * (runsv(8), DEPENDENCIES).
 *
 * The depends file in a service directory names sibling services, one a
 * line: "NAME" or "NAME restart"; blank lines and lines starting with '#'
 * are skipped.  runsv starts ./run only once each of them is up (its
 * supervise/status says run, and its pid lives) and ready if it declared
 * readiness (its supervise/ward, as sv -w reads it).  Meanwhile runsv
 * watches the dependencies' supervise/ directories with inotify, and no
 * timer runs but depends-timeout (seconds, default 60): a dependency still
 * unmet then counts as a failed start.  "NAME restart": the dependent is
 * restarted when NAME's run ends (it goes down, or another pid runs).  A
 * cycle through the service itself is reported and holds its start.
 *
 *   depends_parse(text, len, &list, err, errlen)  0, or -1 with err
 *       "depends: line N: ..." (a name must be a plain directory name)
 *   depends_read(dirfd, &list, err, errlen)  0 no file, 1 read, -1 error
 *   depends_view(treefd, name, &view)  a sibling's state from its
 *       supervise/ (never fails: a service without a status is down)
 *   depends_cycle(treefd, self, &list, out, size)  1 if a chain of depends
 *       files leads from self back to self, with out "a -> b -> a"
 *
 * The watch, for runsv:
 *   depends_init(&w, path)   path is runsv's argument: its parent is the
 *                            tree, its last part the service's name (the
 *                            tree is opened only for a depends file: a
 *                            runsv holds no descriptor of it otherwise)
 *   depends_gate(&w, dirfd, now)  before a start of ./run: DEPENDS_GO
 *       (start; the runs of "restart" dependencies are remembered),
 *       DEPENDS_HOLD (wait; w.text says for what, w.wait is enum sv_depwait),
 *       DEPENDS_ERROR (a malformed file: w.text says why)
 *   depends_fd(&w)           the inotify descriptor to poll, -1 if none
 *   depends_event(&w)        something changed: DEPENDS_GO (held, and now
 *                            met), DEPENDS_RESTART (a "restart" dependency's
 *                            run ended: w.text names it), DEPENDS_HOLD
 *                            (nothing to do)
 *   depends_deadline(&w)     the depends-timeout while held, else INT64_MAX
 *   depends_fill(&w, &x)     supervise/ward's fields: what a start waits for
 *   depends_release(&w)      the service is stopped or no longer held: no
 *                            watch, no deadline */
#ifndef WARD_DEPENDS_H
#define WARD_DEPENDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "status.h"

#define DEPENDS_MAX 16
#define DEPENDS_NAME_MAX 64
#define DEPENDS_FILE_MAX 2048
#define DEPENDS_TIMEOUT_S 60
#define DEPENDS_CHAIN_MAX 32   /* how deep a cycle is looked for */

struct dep {
	char name[DEPENDS_NAME_MAX];
	bool restart;          /* "NAME restart" */
};

struct deplist {
	int n;
	struct dep d[DEPENDS_MAX];
};

struct depview {
	bool up;               /* supervise/status says run, and the pid lives */
	bool ready;            /* up, and ready if readiness is declared */
	pid_t pid;
	struct timespec since; /* the start of that run */
};

int depends_parse(const char *text, size_t len, struct deplist *l, char *err, size_t errlen);
int depends_read(int dirfd, struct deplist *l, char *err, size_t errlen);
void depends_view(int treefd, const char *name, struct depview *v);
int depends_cycle(int treefd, const char *self, const struct deplist *l, char *out, size_t size);

enum { DEPENDS_GO, DEPENDS_HOLD, DEPENDS_ERROR, DEPENDS_RESTART };

struct depwatch {
	char tree[4096];       /* the tree (runsv's argument's parent), absolute */
	int treefd;            /* it, open while the depends file is looked at */
	char self[DEPENDS_NAME_MAX];
	struct deplist l;
	int ifd;               /* inotify, -1 when nothing is watched */
	bool held;             /* a start waits */
	int64_t deadline;      /* depends-timeout while held */
	int wait;              /* enum sv_depwait */
	char text[SVEXTRA_DTEXT]; /* the dependency waited for, the cycle, or an error */
	struct depview ran[DEPENDS_MAX]; /* each dependency's run at the start */
};

void depends_init(struct depwatch *w, const char *path);
int depends_gate(struct depwatch *w, int dirfd, int64_t now);
int depends_fd(const struct depwatch *w);
int depends_event(struct depwatch *w);
int64_t depends_deadline(const struct depwatch *w);
void depends_fill(const struct depwatch *w, struct svextra *x);
void depends_release(struct depwatch *w);

#endif

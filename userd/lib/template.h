/* template: service templates and their instances (runsv(8), TEMPLATES).
 *
 * In a tree, a directory NAME@ is a template: it is not supervised itself.
 * NAME@ARG is an instance of it when it is a symlink to NAME@, or a
 * directory without a `run` of its own beside NAME@.  Each instance runs
 * in a directory of its own, TMPL_DIR/NAME@ARG in the tree (made by userd,
 * or by runsv started on the instance's path), which holds its
 * supervise/ and a view of the template: a symlink for each of the
 * template's entries (the instance directory's own entries first), a copy
 * with ARG put in for a file (not executable) that names ${INSTANCE}, and
 * real directories for log/ and those below it, so that each instance has
 * its logger's supervise/ and log directories of its own.  runsv renews
 * the view before each start of ./run, gives ./run and ./finish ARG as
 * their $1, and every child INSTANCE=ARG in its environment.
 *
 *   tmpl_is_template(name)     1 if name is NAME@ (NAME not empty)
 *   tmpl_split(name, &at, err, errlen)
 *       1 if name is NAME@ARG with a valid ARG, 0 if it does not have
 *       that form, -1 with err set if ARG is not valid: longer than
 *       TMPL_ARG_MAX, with a '/' or a control character (*at: the index of
 *       the '@', set when the form is there, valid or not)
 *   tmpl_subst(in, n, arg, out, size)
 *       in with every ${INSTANCE} replaced by arg, NUL-terminated in out;
 *       its length, or -1 if it does not fit
 *   tmpl_instance_at(dirfd, name, make, inst, size, err, errlen)
 *       1 if name in dirfd is an instance: inst is TMPL_DIR/name (relative
 *       to dirfd), made if make (with, in a directory instance, a symlink
 *       supervise -> ../TMPL_DIR/name/supervise, so runit's sv finds it by
 *       name); 0 if not; -1 with err set (a bad ARG, or a mkdir failed)
 *   tmpl_instance(path, make, inst, size, err, errlen)
 *       the same for a path: inst is DIRNAME/TMPL_DIR/BASENAME
 *   tmpl_view_sync(err, errlen)
 *       in runsv, in the working directory: if it is an instance's
 *       (TMPL_DIR/NAME@ARG beside NAME@), renews its view and sets
 *       INSTANCE; returns ARG, or NULL if not an instance (err set on a
 *       failure, which leaves the view as it was; "" if none)
 *   tmpl_expand(dirfd, &services, &n)
 *       sv's patterns: each name with *, ? or [ that is no entry of dirfd
 *       becomes the entries it matches (no dot names, no templates),
 *       sorted; a pattern that matches nothing stays.  0, or -1 (ENOMEM). */
#ifndef WARD_TEMPLATE_H
#define WARD_TEMPLATE_H

#include <stddef.h>
#include <sys/types.h>

#define TMPL_DIR ".instances"
#define TMPL_ARG_MAX 64
#define TMPL_FILE_MAX 65536   /* a larger file is linked, never copied */
#define TMPL_VAR "${INSTANCE}"

int tmpl_is_template(const char *name);
int tmpl_split(const char *name, size_t *at, char *err, size_t errlen);
ssize_t tmpl_subst(const char *in, size_t n, const char *arg, char *out, size_t size);
int tmpl_instance_at(int dirfd, const char *name, int make, char *inst, size_t size, char *err,
		     size_t errlen);
int tmpl_instance(const char *path, int make, char *inst, size_t size, char *err, size_t errlen);
const char *tmpl_view_sync(char *err, size_t errlen);
int tmpl_expand(int dirfd, char ***services, int *n);

#endif

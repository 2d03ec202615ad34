/* ctlgroup: control of a service shared with a group (runsv(8), CONTROL
 * SHARED WITH A GROUP).
 *
 * A file `control-group` in a service directory names one group (a name
 * from /etc/group, or a number).  runsv then gives the service's
 * supervise/ (and its log's) to that group: the directory 02750 (setgid,
 * so that every status file runsv writes there later is the group's too),
 * control and ok 0620 (sv writes both), status, stat, pid and ward 0640,
 * and runsv writes those files again with that mode (ctlgroup_mode).
 * lock stays 0600: a member who could open it could hold its flock and
 * keep runsv from starting.  Nothing outside supervise/ is touched.
 * Without the file, a supervise/ shared before is taken back (the owner's
 * group, runit's modes).  Only a group the owner (runsv's euid) is a
 * member of is accepted, as chown(2) would (root may name any).
 *
 *   ctlgroup_parse(text, n, name, size)
 *       the group the file's text names (one word, blanks and a newline
 *       around it); 0, or -1 if it names none or more than one
 *   ctlgroup_lookup(groupfile, name, &gid)
 *       a group's gid: a decimal number is taken as one; else its line in
 *       groupfile (/etc/group); 0, or -1 if there is none
 *   ctlgroup_member(gid)   1 if this process may give its files to gid
 *   ctlgroup_apply(dirfd, sup, n, err, errlen)
 *       reads dirfd/control-group and shares (or takes back) each of the n
 *       supervise/ directories open in sup[]; 0, or -1 with err naming
 *       the file, the group and why it is refused (then nothing is shared)
 *   ctlgroup_mode()        the mode for supervise/ files runsv writes: 0640
 *                          while shared, 0 (the default) if not */
#ifndef WARD_CTLGROUP_H
#define WARD_CTLGROUP_H

#include <stddef.h>
#include <sys/types.h>

#define CTLGROUP_FILE "control-group"
#define CTLGROUP_NAME_MAX 64

int ctlgroup_parse(const char *text, size_t n, char *name, size_t size);
int ctlgroup_lookup(const char *groupfile, const char *name, gid_t *gid);
int ctlgroup_member(gid_t gid);
int ctlgroup_apply(int dirfd, const int *sup, int n, char *err, size_t errlen);
mode_t ctlgroup_mode(void);

#endif

/* svcmd: what sv(8) understands and what it prints, apart from doing it.
 *
 * svcmd_parse turns sv's command line into a struct svcmd: runit's options
 * (-v, -w SEC, -V), ward's -j, the command (runit looks only at the first
 * character of most commands: "sv s web" is status, "sv t web" is term) and
 * the services; or, when the program is called by another name, runit's LSB
 * init-script mode (the service is the program's own name).
 *
 * The formatters write runit's status text byte for byte ("run: web: (pid 12)
 * 5s, normally down; run: log: ..."), ward's additions after runit's part of
 * each service (", ready 4s", ", \"text\"", ", backoff 2s, next start in 1s"),
 * and the JSON object of `sv -j status`.  Nothing here touches the file
 * system: sv.c reads the files into a struct svview.  */
#ifndef WARD_SVCMD_H
#define WARD_SVCMD_H

#include <stddef.h>
#include <time.h>

#include "status.h"

#define SVCMD_WAIT_DEFAULT 7      /* seconds, as runit */
#define SVCMD_WAIT_MAX 100000000UL
#define SVCMD_EXIT_LSB_USAGE 2
#define SVCMD_EXIT_LSB_FATAL 151
#define SVCMD_EXIT_FATAL 100

struct svcmd {
	int lsb;               /* called by a name other than "sv" */
	int verbose;           /* -v or -w: wait for the command to take effect */
	int version;           /* -V */
	int json;              /* -j: status as JSON */
	unsigned long wait;    /* seconds to wait */
	const char *action;    /* the command word as given */
	char acts[4];          /* bytes for supervise/control, or check letters */
	int status;            /* the status command */
	int send;              /* write acts to supervise/control */
	int check;             /* then poll until acts took effect or timeout */
	int kill;              /* on timeout, send 'k' (force-* commands) */
	const char *prog;      /* basename of argv[0] */
	char **services;
	int nservices;
	char error[128];       /* why parsing failed, without "PROG: " */
};

/* Parses argv.  svwait is $SVWAIT or NULL.  Returns 0, or the exit code for
 * a usage error (100, or 2 in LSB mode) with c->error set when there is more
 * to say than the usage line ("" otherwise). */
int svcmd_parse(struct svcmd *c, int argc, char **argv, const char *svwait);
/* "usage: PROG [-v] [-j] [-w sec] command service ...", no newline */
void svcmd_usage(const struct svcmd *c, char *buf, size_t size);
/* runit's seconds parser: leading decimal digits, anything after ignored */
unsigned long svcmd_scan_seconds(const char *s);

/* The default services directory when $SVDIR is unset: HOME/service/ for a
 * user other than root with a HOME, else /etc/service/ as Debian's sv. */
void svcmd_default_svdir(char *buf, size_t size, unsigned uid, const char *home);
/* 1 if NAME is looked up in the services directory, 0 if it is a path:
 * it starts with '/' or '.', or ends with '/' */
int svcmd_is_name(const char *name);

/* Whom root's sv acts as in another user's service directory (sv.8): the
 * owner's uid, primary gid and supplementary groups, read from /etc/passwd
 * and /etc/group by sv itself (it is linked static, without NSS). */
#define SVOWNER_GROUPS 64
struct svowner {
	unsigned uid, gid;
	char name[64];
	char home[512];
	unsigned groups[SVOWNER_GROUPS]; /* the primary gid first, no repeats */
	int ngroups;
};
/* One line of /etc/passwd (the newline may be left on).  1 if it is uid's:
 * uid, gid, name, home and groups (the gid alone) are set; 0 if it is
 * another's, or malformed (as NSS, sv skips it). */
int svcmd_passwd_line(const char *line, unsigned uid, struct svowner *o);
/* One line of /etc/group: if o->name is listed as a member, adds the gid
 * to o->groups.  0, or -1 (E2BIG) when there is no room left. */
int svcmd_group_line(const char *line, struct svowner *o);

/* runit's (djb's) text for an errno value: "file does not exist" ... */
const char *svcmd_errstr(int errnum);

/* One supervised directory (a service or its log) as sv read it. */
struct svview {
	struct svstatus st;
	int normally_up;       /* no ./down file */
	int have_extra;        /* supervise/ward read, valid and current */
	struct svextra x;
};

/* A growing output buffer; on allocation failure it stays short and sets
 * failed, so callers check once at the end. */
struct svbuf {
	char *p;
	size_t len, cap;
	int failed;
};
void svbuf_add(struct svbuf *b, const char *s);
void svbuf_addf(struct svbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void svbuf_free(struct svbuf *b);
/* appends s quoted: as a JSON string (json=1) or for a text line (json=0):
 * '"', '\\', control characters and invalid UTF-8 are escaped */
void svbuf_quote(struct svbuf *b, const char *s, size_t n, int json);

/* "run: NAME: (pid N) Ns[, runit annotations][, ward annotations]"
 * (no newline); now is CLOCK_REALTIME.  Returns 1 if a process runs
 * (pid != 0), else 2, as runit. */
int svcmd_fmt_status(struct svbuf *b, const char *name, const struct svview *v,
		     const struct timespec *now);
/* the JSON members of one view, without braces: "state":"run",... */
void svcmd_fmt_json(struct svbuf *b, const struct svview *v, const struct timespec *now);
/* 1 if readiness allows calling the service up: none declared, or it
 * became ready during the current run */
int svcmd_ready(const struct svview *v);

#endif

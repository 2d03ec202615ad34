/* How the rows are shown: a table, JSON, Prometheus' text format.  Every
 * string printed here was checked (wardrow_decode) or made by us. */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgstat.h"
#include "err.h"
#include "fs.h"
#include "status.h"
#include "ward.h"

static const char *num(char *buf, size_t size, int64_t v)
{
	if (v < 0)
		return "-";
	snprintf(buf, size, "%" PRId64, v);
	return buf;
}

static const char *yesno(int64_t v)
{
	return v < 0 ? "-" : v ? "yes" : "no";
}

static const char *cpu(char *buf, size_t size, int64_t usec)
{
	if (usec < 0)
		return "-";
	snprintf(buf, size, "%" PRId64 ".%02ds", usec / 1000000, (int)(usec % 1000000 / 10000));
	return buf;
}

static const char *bytes(char *buf, size_t size, int64_t v)
{
	static const char unit[] = "KMGT";
	double d = (double)v;
	int i = -1;

	if (v < 0)
		return "-";
	while (d >= 1024 && i < 3) {
		d /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, size, "%" PRId64 "B", v);
	else
		snprintf(buf, size, "%.1f%c", d, unit[i]);
	return buf;
}

static const char *last_exit(char *buf, size_t size, const struct wardrow *r)
{
	if (r->exit_kind == SVEXIT_NONE)
		return "-";
	snprintf(buf, size, "%s%" PRId64 "%s,%" PRId64 "s", r->exit_kind == SVEXIT_SIGNAL ? "sig" : "exit",
		 r->exit_code, r->exit_oom ? "(oom)" : "", r->exit_ago);
	return buf;
}

static int64_t restarts(const struct wardrow *r)
{
	return r->starts > 0 ? r->starts - 1 : r->starts;
}

static void table_row(FILE *f, const char *user, const struct wardrow *r)
{
	char b[8][32];

	if (user)
		fprintf(f, "%-12s ", user);
	fprintf(f, "%-20s %-12s %7s %8s %5s %6s %8s %8s %5s %9s %8s %s\n", r->name,
		wardrow_state_word(r->state), r->pid ? num(b[0], 32, r->pid) : "-",
		r->state == WR_UNSUPERVISED ? "-" : num(b[1], 32, r->uptime), yesno(r->ready),
		yesno(r->health), num(b[2], 32, restarts(r)),
		r->backoff_ms ? num(b[3], 32, r->backoff_ms) : "-", num(b[4], 32, r->tasks),
		cpu(b[5], 32, r->cpu_usec), bytes(b[6], 32, r->memory), last_exit(b[7], 32, r));
}

void show_table(FILE *f, const struct wardtree *t, size_t n, int all)
{
	size_t i, k;

	if (all)
		fprintf(f, "%-12s ", "USER");
	fprintf(f, "%-20s %-12s %7s %8s %5s %6s %8s %8s %5s %9s %8s %s\n", "SERVICE", "STATE", "PID",
		"UPTIME", "READY", "HEALTH", "RESTARTS", "BACKOFF", "TASKS", "CPU", "MEMORY",
		"LAST-EXIT");
	for (i = 0; i < n; i++)
		for (k = 0; k < t[i].nrows; k++)
			table_row(f, all ? t[i].user : NULL, &t[i].rows[k]);
	if (!all)
		return;
	fprintf(f, "\n%-12s %-6s %-30s %s\n", "USER", "USERD", "PORTS-GRANTED", "IN-USE");
	for (i = 0; i < n; i++)
		fprintf(f, "%-12s %-6s %-30s %s\n", t[i].user, t[i].failed ? "?" : yesno(t[i].userd_up),
			t[i].ports[0] ? t[i].ports : "-", t[i].in_use[0] ? t[i].in_use : "-");
}

/* a name checked by wardrow_decode may still hold '"' or '\' */
static void quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, const char *key, int64_t v)
{
	if (v < 0)
		fprintf(f, ",\"%s\":null", key);
	else
		fprintf(f, ",\"%s\":%" PRId64, key, v);
}

static void json_bool(FILE *f, const char *key, int64_t v)
{
	fprintf(f, ",\"%s\":%s", key, v < 0 ? "null" : v ? "true" : "false");
}

static void json_row(FILE *f, const struct wardrow *r)
{
	fputs("{\"service\":", f);
	quoted(f, r->name);
	fprintf(f, ",\"state\":\"%s\",\"want\":\"%s\"", wardrow_state_word(r->state),
		r->want_up ? "up" : "down");
	json_num(f, "pid", r->pid ? r->pid : -1);
	json_num(f, "uptime", r->state == WR_UNSUPERVISED ? -1 : r->uptime);
	json_bool(f, "ready", r->ready);
	json_bool(f, "healthy", r->health);
	json_num(f, "starts", r->starts);
	json_num(f, "restarts", restarts(r));
	fprintf(f, ",\"backoff_ms\":%" PRId64, r->backoff_ms);
	if (r->exit_kind == SVEXIT_NONE)
		fputs(",\"last_exit\":null", f);
	else
		fprintf(f, ",\"last_exit\":{\"%s\":%" PRId64 ",\"oom\":%s,\"ago\":%" PRId64 "}",
			r->exit_kind == SVEXIT_SIGNAL ? "signal" : "code", r->exit_code,
			r->exit_oom ? "true" : "false", r->exit_ago);
	json_num(f, "tasks", r->tasks);
	if (r->cpu_usec < 0)
		fputs(",\"cpu_seconds\":null", f);
	else
		fprintf(f, ",\"cpu_seconds\":%.6f", (double)r->cpu_usec / 1e6);
	json_num(f, "memory_bytes", r->memory);
	fputc('}', f);
}

static void json_rows(FILE *f, const struct wardtree *t)
{
	size_t k;

	fputs("\"services\":[", f);
	for (k = 0; k < t->nrows; k++) {
		if (k)
			fputc(',', f);
		json_row(f, &t->rows[k]);
	}
	fputc(']', f);
}

void show_json(FILE *f, const struct wardtree *t, size_t n, int all)
{
	size_t i;

	if (!all) {
		fputc('{', f);
		json_rows(f, t);
		fputs("}\n", f);
		return;
	}
	fputs("{\"users\":[", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s{\"user\":", i ? "," : "");
		quoted(f, t[i].user);
		fprintf(f, ",\"uid\":%u", t[i].uid);
		json_bool(f, "userd_up", t[i].failed ? -1 : t[i].userd_up);
		fputs(",\"ports_granted\":", f);
		quoted(f, t[i].ports);
		fputs(",\"ports_in_use\":", f);
		quoted(f, t[i].in_use);
		fputc(',', f);
		json_rows(f, &t[i]);
		fputc('}', f);
	}
	fputs("]}\n", f);
}

/* ---- Prometheus text format ---- */

struct metric {
	const char *name, *type, *help;
};

static const struct metric service_metrics[] = {
	{ "ward_service_up", "gauge", "1 if the service's ./run is running." },
	{ "ward_service_ready", "gauge", "1 if the service declared readiness and is ready." },
	{ "ward_service_healthy", "gauge", "1 if the service's health check passes." },
	{ "ward_service_starts_total", "counter", "Starts of ./run since its runsv began." },
	{ "ward_service_uptime_seconds", "gauge", "Seconds in the current state." },
	{ "ward_service_backoff_seconds", "gauge", "Wait before the next start." },
	{ "ward_service_cpu_seconds_total", "counter", "CPU time of the service's cgroup." },
	{ "ward_service_memory_bytes", "gauge", "Memory of the service's cgroup." },
};

/* the value of metric m for r, -1 if not known (then no sample) */
static double metric_value(int m, const struct wardrow *r)
{
	switch (m) {
	case 0: return r->state == WR_UNSUPERVISED ? -1 : r->state == WR_UP;
	case 1: return r->ready;
	case 2: return r->health;
	case 3: return (double)r->starts;
	case 4: return r->state == WR_UNSUPERVISED ? -1 : (double)r->uptime;
	case 5: return r->state == WR_UNSUPERVISED ? -1 : (double)r->backoff_ms / 1000;
	case 6: return r->cpu_usec < 0 ? -1 : (double)r->cpu_usec / 1e6;
	default: return (double)r->memory;
	}
}

static void sample(FILE *f, const char *name, const char *user, const char *service, double v)
{
	fputs(name, f);
	fputc('{', f);
	if (user) {
		fputs("user=", f);
		quoted(f, user);
	}
	if (service) {
		fputs(user ? ",service=" : "service=", f);
		quoted(f, service);
	}
	fprintf(f, "} %.17g\n", v);
}

void show_metrics(FILE *f, const struct wardtree *t, size_t n, int all)
{
	size_t m, i, k;
	double v;

	for (m = 0; m < sizeof service_metrics / sizeof *service_metrics; m++) {
		fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", service_metrics[m].name,
			service_metrics[m].help, service_metrics[m].name, service_metrics[m].type);
		for (i = 0; i < n; i++)
			for (k = 0; k < t[i].nrows; k++)
				if ((v = metric_value((int)m, &t[i].rows[k])) >= 0)
					sample(f, service_metrics[m].name, all ? t[i].user : NULL,
					       t[i].rows[k].name, v);
	}
	fputs("# HELP ward_userd_up 1 if the user's userd is running.\n"
	      "# TYPE ward_userd_up gauge\n", f);
	for (i = 0; i < n; i++)
		if (!t[i].failed && t[i].userd_up >= 0)
			sample(f, "ward_userd_up", all ? t[i].user : NULL, NULL, t[i].userd_up);
}

/* privd's counts: "granted N\ndenied N\n", a root-owned file (privd(8)) */
void show_bind_counts(FILE *f, const char *path)
{
	static const char *const key[] = { "granted", "denied" };
	char buf[256];
	int64_t v;
	ssize_t n;
	int i, fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return;   /* no privd (yet): no samples */
	n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == 0 ?
	    read(fd, buf, sizeof buf) : -1;
	close(fd);
	if (n < 0) {
		err_warn("%s: not a file of root's: ignored", path);
		return;
	}
	for (i = 0; i < 2; i++) {
		if (cgstat_key(buf, (size_t)n, key[i], &v) < 0) {
			err_warn("%s: no count \"%s\": ignored", path, key[i]);
			continue;
		}
		fprintf(f, "# HELP ward_binds_%s_total Bind requests privd's binder %s.\n"
			"# TYPE ward_binds_%s_total counter\nward_binds_%s_total %" PRId64 "\n",
			key[i], key[i], key[i], key[i], v);
	}
}

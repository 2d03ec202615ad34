/* creds_regain: tries every way back to root a process might have; prints
 * one line per attempt ("setuid 0: refused" or "... allowed") and exits 0
 * only if all were refused.  Run after a creds_switch to a plain user. */
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

static int try(const char *what, int rc)
{
	printf("%s: %s\n", what, rc == 0 ? "allowed" : "refused");
	return rc == 0;
}

int main(void)
{
	gid_t g0 = 0;
	int bad = 0;

	bad += try("setuid 0", setuid(0));
	bad += try("seteuid 0", seteuid(0));
	bad += try("setreuid 0", setreuid(0, 0));
	bad += try("setresuid 0", setresuid(0, 0, 0));
	bad += try("setgid 0", setgid(0));
	bad += try("setegid 0", setegid(0));
	bad += try("setgroups 0", setgroups(1, &g0));
	return bad ? 1 : 0;
}

/* bindcount, the binder's side: the shared page, mapped and counted in
 * (the master's side, which makes the page and writes the file, is
 * bindfile.c: the binder links none of it). */
#include "bindcount.h"

#include <sys/mman.h>
#include <unistd.h>

struct bindcount_page *bindcount_shared;

void bindcount_attach(int fd)
{
	void *p = mmap(NULL, sizeof *bindcount_shared, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	bindcount_shared = p == MAP_FAILED ? NULL : p;
	close(fd);
}

void bindcount_add(int granted)
{
	if (bindcount_shared)
		__atomic_add_fetch(granted ? &bindcount_shared->granted : &bindcount_shared->denied,
				   1, __ATOMIC_RELAXED);
}

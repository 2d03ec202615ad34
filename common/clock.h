/* clock: the one clock the supervisors schedule by.
 *
 * clock_ms() is CLOCK_MONOTONIC in milliseconds: what common/restart's
 * times are measured in, unaffected by changes of the wall clock. */
#ifndef WARD_CLOCK_H
#define WARD_CLOCK_H

#include <stdint.h>

int64_t clock_ms(void);

#endif

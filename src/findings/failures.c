/* failures.c - (lead) in progress. */
#include "findings.h"

void failures_pass(struct findings *F)
{
	(void)F;
}

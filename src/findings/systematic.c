/* systematic.c - (lead) in progress. */
#include "findings.h"

void systematic_pass(struct findings *F)
{
	(void)F;
}

/*
 * test_reqs.c - unit test of the SMB2 request table (dissect/smb2_reqs.c):
 * random requests and answers over a few hundred keys, some sharing a
 * home slot, against a plain model: while indexing, live() finds exactly
 * the unanswered request of a key (answers delete with backward shifts);
 * after finish, get() finds the last request recorded per key. Standalone:
 * exits 0 when every check passes, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>

#include "smb2.h"

enum { K = 300, STEPS = 200000 };

/* Key k: every 7th shares its low bits with others (probe clusters). */
static uint64_t key_of(int k)
{
	uint64_t key = k % 7 ? (uint64_t)k << 16 | 7 : (uint64_t)(k % 3) << 40 | 1;
	return key * 2654435761u + (uint64_t)k;
}

int main(void)
{
	struct smb2_reqs r = { 0 };
	int live[K] = { 0 };
	long rec[K], last[K];

	for (int k = 0; k < K; k++)
		last[k] = -1;
	srand(1);
	for (int step = 0; step < STEPS; step++) {
		int k = rand() % K;
		struct smb2_req *q = smb2_reqs_live(&r, key_of(k));
		if ((q != NULL) != live[k] || (q && q - r.recs != rec[k])) {
			printf("FAIL live() of key %d at step %d\n", k, step);
			return 1;
		}
		if (rand() % 2) {
			q = smb2_reqs_new(&r, key_of(k));
			live[k] = 1;
			rec[k] = last[k] = q - r.recs;
		} else if (live[k]) {
			smb2_reqs_answered(&r, key_of(k));
			live[k] = 0;
		}
	}
	printf("ok   live() over %d steps\n", STEPS);
	smb2_reqs_finish(&r);
	for (int k = 0; k < K; k++) {
		struct smb2_req *q = smb2_reqs_get(&r, key_of(k));
		if ((q ? q - r.recs : -1) != last[k]) {
			printf("FAIL get() of key %d\n", k);
			return 1;
		}
	}
	if (smb2_reqs_get(&r, 12345) != NULL) {
		printf("FAIL get() of an unknown key\n");
		return 1;
	}
	printf("ok   get() after finish (%zu records)\n", r.n);
	smb2_reqs_free(&r);
	return 0;
}

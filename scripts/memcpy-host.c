// SPDX-License-Identifier: GPL-2.0
/*
 * memcpy-host MIB THREADS REPS: the host's memcpy() bandwidth, the
 * ceiling that scripts/bench-copy.sh measures the kernel's copy backends
 * (under UML, on the same host) against.  Each of THREADS threads copies
 * its share of MIB MiB from one buffer to another, REPS times; every run
 * prints a line in the format of the KUnit benchmark (migrate_copy_bench):
 *
 *   folio_kb=0 config=host-memcpy threads=N rep=R bytes=B ns=T cpu_ns=C
 *
 * ns is the elapsed time of the run, cpu_ns the CPU time the process used
 * in it.  A first run warms up and is not reported.  Destinations are
 * compared with their sources after every run.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

struct share {
	pthread_t thread;
	pthread_barrier_t *start;
	char *src;
	char *dst;
	size_t bytes;
};

static unsigned long long now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void *copy_share(void *arg)
{
	struct share *s = arg;

	pthread_barrier_wait(s->start);
	memcpy(s->dst, s->src, s->bytes);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned long long start, cpu_start, ns, cpu_ns;
	unsigned int threads, reps, t;
	int rep;
	pthread_barrier_t barrier;
	struct share *shares;
	size_t bytes, i;

	if (argc != 4 || !(bytes = strtoul(argv[1], NULL, 0) << 20) ||
	    !(threads = strtoul(argv[2], NULL, 0)) ||
	    !(reps = strtoul(argv[3], NULL, 0))) {
		fprintf(stderr, "usage: memcpy-host MIB THREADS REPS\n");
		return 2;
	}
	shares = calloc(threads, sizeof(*shares));
	if (!shares)
		return 1;
	for (t = 0; t < threads; t++) {
		struct share *s = &shares[t];

		s->bytes = bytes / threads;
		s->src = malloc(s->bytes);
		s->dst = malloc(s->bytes);
		if (!s->src || !s->dst) {
			perror("malloc");
			return 1;
		}
		/* Every page different, and present before the first run */
		for (i = 0; i < s->bytes; i++)
			s->src[i] = (char)(i * 131 + (i >> 12) + t);
		memset(s->dst, 0, s->bytes);
	}

	/* rep -1 warms up (caches, TLB, CPU frequency) and is not reported */
	for (rep = -1; rep < (int)reps; rep++) {
		for (t = 0; t < threads; t++)
			memset(shares[t].dst, 0, shares[t].bytes);
		pthread_barrier_init(&barrier, NULL, threads + 1);
		for (t = 0; t < threads; t++) {
			shares[t].start = &barrier;
			if (pthread_create(&shares[t].thread, NULL, copy_share,
					   &shares[t])) {
				perror("pthread_create");
				return 1;
			}
		}
		cpu_start = now_ns(CLOCK_PROCESS_CPUTIME_ID);
		start = now_ns(CLOCK_MONOTONIC);
		pthread_barrier_wait(&barrier);
		for (t = 0; t < threads; t++)
			pthread_join(shares[t].thread, NULL);
		ns = now_ns(CLOCK_MONOTONIC) - start;
		cpu_ns = now_ns(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
		pthread_barrier_destroy(&barrier);
		for (t = 0; t < threads; t++) {
			if (memcmp(shares[t].src, shares[t].dst, shares[t].bytes)) {
				fprintf(stderr, "memcpy-host: thread %u: copy differs\n", t);
				return 1;
			}
		}
		if (rep < 0)
			continue;
		printf("folio_kb=0 config=host-memcpy threads=%u rep=%d bytes=%zu ns=%llu cpu_ns=%llu\n",
		       threads, rep, shares[0].bytes * threads, ns, cpu_ns);
		fflush(stdout);
	}
	return 0;
}

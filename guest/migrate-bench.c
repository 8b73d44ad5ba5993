// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-bench: the measurements of "make bench", one per mode.
 *
 *   migrate-bench throughput KIND TOTAL_KB BATCH NODE REPS
 *	move_pages() throughput: TOTAL_KB of KIND memory ("4k", "thp" or
 *	"64k" mTHP) moved from node 0 to NODE, BATCH folios per call.
 *	One line per repetition: seconds and GB/s.
 *   migrate-bench memcpy MB THREADS REPS
 *	memcpy() bandwidth from node 0 to node 1 memory, THREADS at once.
 *   migrate-bench load MB THREADS SECONDS
 *	THREADS threads touch MB of memory while the main thread moves it
 *	between node 0 and 1 with migrate_pages(); pages/s and TLB
 *	shootdown interrupts (from /proc/interrupts).
 *
 * Every result is one line: "BENCH,<mode>,<key=value>,...", which
 * scripts/bench-report.py collects.  Exits non-zero only when a run
 * breaks, never because a number is low.
 */
#define _GNU_SOURCE
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PMD_SIZE	(2UL << 20)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* @size bytes on @node, PMD-aligned; *@raw is what to munmap() */
static void *alloc_on(size_t size, int node, const char *kind, char **raw)
{
	char *r = *raw = mmap(NULL, size + PMD_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long mask = 1UL << node;
	char *mem;

	if (r == MAP_FAILED)
		return NULL;
	mem = (char *)(((unsigned long)r + PMD_SIZE - 1) & ~(PMD_SIZE - 1));
	madvise(mem, size, strcmp(kind, "4k") ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	if (mbind(mem, size, MPOL_BIND, &mask, sizeof(mask) * 8, 0))
		return NULL;
	memset(mem, 0x5a, size);
	return mem;
}

/* AnonHugePages of this process, in KiB: were THPs really used? */
static unsigned long anon_huge_kb(void)
{
	FILE *f = fopen("/proc/self/smaps_rollup", "r");
	char line[256];
	unsigned long kb = 0;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static size_t folio_size(const char *kind)
{
	if (!strcmp(kind, "thp"))
		return PMD_SIZE;
	if (!strcmp(kind, "64k"))
		return 64 << 10;
	return getpagesize();
}

static int throughput(const char *kind, size_t kb, size_t batch, int node,
		      int reps)
{
	size_t size = kb << 10, fsize = folio_size(kind);
	size_t nr = size / fsize, i;
	void **pages = calloc(nr, sizeof(*pages));
	int *nodes = calloc(nr, sizeof(*nodes));
	int *status = calloc(nr, sizeof(*status));

	if (!nr || !pages || !nodes || !status)
		return 1;
	for (int rep = 0; rep < reps; rep++) {
		char *raw, *mem = alloc_on(size, 0, kind, &raw);
		unsigned long thp_kb = anon_huge_kb();
		double t;

		if (!mem)
			return 1;
		/* One address per folio: the others would report -EBUSY. */
		for (i = 0; i < nr; i++) {
			pages[i] = mem + i * fsize;
			nodes[i] = node;
		}
		t = now();
		for (i = 0; i < nr; i += batch) {
			size_t n = nr - i < batch ? nr - i : batch;

			if (move_pages(0, n, pages + i, nodes + i, status + i,
				       MPOL_MF_MOVE) < 0) {
				perror("move_pages");
				return 1;
			}
		}
		t = now() - t;
		for (i = 0; i < nr; i++)
			if (status[i] != node)
				break;
		printf("BENCH,throughput,kind=%s,kb=%zu,batch=%zu,node=%d,rep=%d,"
		       "seconds=%.6f,gbps=%.4f,moved=%zu,thp_kb=%lu\n", kind, kb,
		       batch, node, rep, t, size / t / 1e9, i, thp_kb);
		fflush(stdout);
		munmap(raw, size + PMD_SIZE);
	}
	return 0;
}

struct copier {
	char *dst, *src;
	size_t len;
	pthread_barrier_t *start;
};

static void *copy_fn(void *arg)
{
	struct copier *c = arg;

	pthread_barrier_wait(c->start);
	memcpy(c->dst, c->src, c->len);
	return NULL;
}

static int bandwidth(size_t mb, int threads, int reps)
{
	size_t size = mb << 20;
	char *src = numa_alloc_onnode(size, 0), *dst = numa_alloc_onnode(size, 1);
	pthread_t tid[64];
	struct copier c[64];
	pthread_barrier_t start;

	if (!src || !dst || threads < 1 || threads > 64)
		return 1;
	memset(src, 1, size);
	memset(dst, 2, size);
	for (int rep = 0; rep < reps; rep++) {
		double t;

		pthread_barrier_init(&start, NULL, threads + 1);
		for (int i = 0; i < threads; i++) {
			c[i] = (struct copier) {
				.dst = dst + i * (size / threads),
				.src = src + i * (size / threads),
				.len = size / threads, .start = &start,
			};
			pthread_create(&tid[i], NULL, copy_fn, &c[i]);
		}
		pthread_barrier_wait(&start);
		t = now();
		for (int i = 0; i < threads; i++)
			pthread_join(tid[i], NULL);
		t = now() - t;
		pthread_barrier_destroy(&start);
		printf("BENCH,memcpy,mb=%zu,threads=%d,rep=%d,seconds=%.6f,gbps=%.4f\n",
		       mb, threads, rep, t, size / t / 1e9);
		fflush(stdout);
	}
	return 0;
}

static atomic_bool stop;

struct toucher {
	volatile char *mem;
	size_t size;
};

static void *touch_fn(void *arg)
{
	struct toucher *t = arg;
	size_t off = 0;

	while (!atomic_load(&stop)) {
		t->mem[off]++;
		off = (off + 4096 * 7 + 64) % t->size;
	}
	return NULL;
}

static unsigned long tlb_shootdowns(void)
{
	FILE *f = fopen("/proc/interrupts", "r");
	char line[4096];
	unsigned long sum = 0;

	while (f && fgets(line, sizeof(line), f)) {
		char *p = line;

		while (*p == ' ')
			p++;
		if (strncmp(p, "TLB:", 4))
			continue;
		for (p += 4; ; ) {
			char *end;
			unsigned long v = strtoul(p, &end, 10);

			if (end == p)
				break;
			sum += v;
			p = end;
		}
	}
	if (f)
		fclose(f);
	return sum;
}

static unsigned long vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	unsigned long v = 0;

	while (f && fscanf(f, "%63s %lu", key, &v) == 2)
		if (!strcmp(key, name))
			break;
	if (f)
		fclose(f);
	return v;
}

static int load(size_t mb, int threads, int seconds)
{
	size_t size = mb << 20;
	char *raw, *mem = alloc_on(size, 0, "4k", &raw);
	pthread_t tid[64];
	struct toucher t = { .size = size };
	unsigned long tlb, pages, rounds = 0;
	unsigned long n0 = 1, n1 = 2;
	double t0, end;

	if (!mem || threads < 1 || threads > 64)
		return 1;
	/* Let migrate_pages() move it: drop the binding */
	mbind(mem, size, MPOL_DEFAULT, NULL, 0, 0);
	t.mem = mem;
	for (int i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, touch_fn, &t);
	tlb = tlb_shootdowns();
	pages = vmstat("pgmigrate_success");
	t0 = now();
	end = t0 + seconds;
	while (now() < end) {
		if (migrate_pages(0, 8, rounds & 1 ? &n1 : &n0,
				  rounds & 1 ? &n0 : &n1) < 0) {
			perror("migrate_pages");
			return 1;
		}
		rounds++;
	}
	t0 = now() - t0;
	tlb = tlb_shootdowns() - tlb;
	pages = vmstat("pgmigrate_success") - pages;
	atomic_store(&stop, true);
	for (int i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	printf("BENCH,load,mb=%zu,threads=%d,seconds=%.3f,rounds=%lu,pages=%lu,"
	       "pages_per_s=%.0f,tlb_shootdowns=%lu,tlb_per_kpage=%.2f\n",
	       mb, threads, t0, rounds, pages, pages / t0, tlb,
	       pages ? tlb * 1000.0 / pages : 0.0);
	return 0;
}

int main(int argc, char **argv)
{
	if (numa_available() < 0 || numa_max_node() < 1) {
		fprintf(stderr, "needs 2 NUMA nodes\n");
		return 2;
	}
	if (argc == 7 && !strcmp(argv[1], "throughput"))
		return throughput(argv[2], strtoul(argv[3], NULL, 0),
				  strtoul(argv[4], NULL, 0), atoi(argv[5]),
				  atoi(argv[6]));
	if (argc == 5 && !strcmp(argv[1], "memcpy"))
		return bandwidth(strtoul(argv[2], NULL, 0), atoi(argv[3]),
				 atoi(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "load"))
		return load(strtoul(argv[2], NULL, 0), atoi(argv[3]),
			    atoi(argv[4]));
	fprintf(stderr, "usage: see the comment at the top of %s.c\n", argv[0]);
	return 2;
}

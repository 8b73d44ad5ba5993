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
 *   migrate-bench latency KIND TOTAL_KB BATCH NODE CALLS [REPS]
 *	move_pages() latency: CALLS calls of BATCH folios of KIND memory
 *	each, the target alternating between NODE and node 0 so that every
 *	call moves memory (the calls sweep the first CALLS * BATCH folios
 *	of TOTAL_KB in windows of BATCH, to NODE on the first pass, back to
 *	0 on the next, ...).  Per call: its latency, and the time from its
 *	start until the first folio of the call is mapped again on the
 *	target, as a second thread sees it by reading the node of that page
 *	with get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR) in a loop: the read
 *	waits on the migration entry, as any task touching the page would.
 *	One line per repetition (fresh memory each): min, p50, p99 and max
 *	of both, in microseconds, over the calls that moved every folio;
 *	"failed" counts the others (with the last errno and the last status
 *	that was not the target).
 *   migrate-bench load KIND MB THREADS SECONDS
 *	THREADS threads touch MB of KIND memory ("4k" or "thp": they write
 *	it; "ro": 4 KiB pages made read-only with mprotect(), which they
 *	read; "ro-busy": the same, but the threads are busy with memory of
 *	their own and read the moving pages once per BUSY_TOUCHES touches,
 *	so that they rarely wait on a migration entry and are running when
 *	a flush comes) while the main thread moves it between node 0 and 1
 *	with move_pages() (one address per folio: the region and nothing
 *	else of the process);
 *	pages/s, TLB shootdown interrupts (from /proc/interrupts: one per
 *	CPU that a flush interrupts) per 1000 pages and per THP moved,
 *	the flushes that targeted other CPUs (nr_tlb_remote_flush, -1 where
 *	the kernel does not count them: x86 CONFIG_DEBUG_TLBFLUSH), and
 *	the AnonHugePages left at the end (a THP split by migration leaves
 *	all but its first page behind in later rounds: the report counts
 *	such runs apart).
 *   migrate-bench numab KIND MB THREADS SECONDS [FROM]
 *	NUMA balancing at work: MB of KIND memory starts on node FROM
 *	(default 1; a lower memory tier with numa_balancing=2) while
 *	THREADS threads on node 0's CPUs sweep it, timing each page's
 *	touch, for SECONDS.  Touches slower than SLOW_TOUCH_NS are hint
 *	faults (with their migration when it is synchronous): their count
 *	and p50/p99, the time until 99% of the pages are on node 0, pages
 *	migrated and promoted (pgpromote_success), sweeps done, the pages
 *	that found kmigrated's queue full and were migrated by the faulting
 *	task (kmigrated_fallback_sync), and the CPU time the kmigrated
 *	threads used.  Then the hint faults as the kernel
 *	times them, from the placement decision to the fault's return
 *	(hint_timing_start()): count, p50 and p99 of all of them and of those
 *	on a misplaced folio, which migrate it or queue it (-1 where the
 *	kernel cannot time them).
 *
 * Every result is one line: "BENCH,<mode>,<key=value>,...", which
 * scripts/bench-report.py collects.  Exits non-zero only when a run
 * breaks, never because a number is low.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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
	/* "ro", "ro-busy": 4 KiB pages, made read-only once filled (load) */
	madvise(mem, size, strcmp(kind, "4k") && strncmp(kind, "ro", 2) ?
		MADV_HUGEPAGE : MADV_NOHUGEPAGE);
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

/* The counter @name of /proc/vmstat, or -1 where the kernel has none */
static long vmstat_or_none(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	unsigned long v;
	long found = -1;

	while (f && fscanf(f, "%63s %lu", key, &v) == 2)
		if (!strcmp(key, name)) {
			found = v;
			break;
		}
	if (f)
		fclose(f);
	return found;
}

/* A counter of /proc/vmstat, or 0 where the kernel has none */
static unsigned long vmstat(const char *name)
{
	long v = vmstat_or_none(name);

	return v < 0 ? 0 : v;
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
	/* A call moves at most what there is: report the batch it had */
	if (batch > nr)
		batch = nr;
	for (int rep = 0; rep < reps; rep++) {
		char *raw, *mem = alloc_on(size, 0, kind, &raw);
		unsigned long thp_kb = anon_huge_kb(), splits;
		double t;

		if (!mem)
			return 1;
		/* One address per folio: the others would report -EBUSY. */
		for (i = 0; i < nr; i++) {
			pages[i] = mem + i * fsize;
			nodes[i] = node;
		}
		splits = vmstat("thp_migration_split");
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
		splits = vmstat("thp_migration_split") - splits;
		for (i = 0; i < nr; i++)
			if (status[i] != node)
				break;
		/*
		 * thp_kb before and after the moves, and THPs split to migrate:
		 * a THP row whose folios were split measured 4 KiB pages.
		 */
		printf("BENCH,throughput,kind=%s,kb=%zu,batch=%zu,node=%d,rep=%d,"
		       "seconds=%.6f,gbps=%.4f,moved=%zu,thp_kb=%lu,"
		       "thp_kb_end=%lu,thp_splits=%lu\n", kind, kb, batch, node,
		       rep, t, size / t / 1e9, i, thp_kb, anon_huge_kb(), splits);
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

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * The first-folio watcher of "latency".  For each call, the main thread
 * publishes the page and the target node, bumps @seq and waits for @ack;
 * then it stores the call's start time in @t0, calls move_pages() and
 * stores @seq in @returned when the call is back.  The watcher looks up
 * the page's node once before it acks (a page already on the target gives
 * no time), then polls it until it is on the target, or until a poll that
 * began after the call returned still finds it elsewhere (it did not
 * move: no time either), and hands over with @done.
 */
struct watcher {
	void *page;
	int target;
	atomic_uint_fast64_t t0;
	atomic_uint seq, ack, returned, done;
	atomic_bool quit;
	int64_t first_ns;	/* -1: no time */
};

static int node_of(void *page)
{
	int node = -1;

	if (get_mempolicy(&node, NULL, 0, page, MPOL_F_NODE | MPOL_F_ADDR))
		return -1;
	return node;
}

static void *watch_fn(void *arg)
{
	struct watcher *w = arg;
	unsigned int seq = 0;

	for (;;) {
		bool after;

		while (atomic_load(&w->seq) == seq)
			if (atomic_load(&w->quit))
				return NULL;
		seq = atomic_load(&w->seq);
		w->first_ns = -1;
		if (node_of(w->page) == w->target) {
			atomic_store(&w->ack, seq);
			atomic_store(&w->done, seq);
			continue;
		}
		atomic_store(&w->ack, seq);
		do {
			after = atomic_load(&w->returned) == seq;
			if (node_of(w->page) == w->target) {
				w->first_ns = now_ns() - atomic_load(&w->t0);
				break;
			}
		} while (!after);
		atomic_store(&w->done, seq);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile @p of the @n sorted values @v */
static double pct(const double *v, size_t n, int p)
{
	size_t k = (n * p + 99) / 100;

	return n ? v[k ? k - 1 : 0] : -1;
}

static int latency(const char *kind, size_t kb, size_t batch, int node,
		   size_t calls, int reps)
{
	size_t fsize = folio_size(kind), nr = (kb << 10) / fsize, size, i;
	void **pages = calloc(batch, sizeof(*pages));
	int *nodes = calloc(batch, sizeof(*nodes));
	int *status = calloc(batch, sizeof(*status));
	double *call_us = calloc(calls, sizeof(double));
	double *first_us = calloc(calls, sizeof(double));
	struct watcher w = { 0 };
	pthread_t tid;

	if (strcmp(kind, "4k") && strcmp(kind, "thp") && strcmp(kind, "64k")) {
		fprintf(stderr, "latency: KIND is 4k, thp or 64k\n");
		return 2;
	}
	if (!batch || !calls || reps < 1 || batch > nr) {
		fprintf(stderr, "latency: need 0 < BATCH <= TOTAL_KB in %s "
			"folios, CALLS > 0, REPS > 0\n", kind);
		return 2;
	}
	if (node < 0 || node > numa_max_node()) {
		fprintf(stderr, "latency: no node %d\n", node);
		return 2;
	}
	if (!pages || !nodes || !status || !call_us || !first_us)
		return 1;
	/* Only what the calls use: at most CALLS windows of BATCH folios */
	if (nr / batch > calls)
		nr = calls * batch;
	nr -= nr % batch;
	size = nr * fsize;
	if (pthread_create(&tid, NULL, watch_fn, &w))
		return 1;
	for (int rep = 0; rep < reps; rep++) {
		char *raw, *mem = alloc_on(size, 0, kind, &raw);
		size_t windows = nr / batch, failed = 0, nfirst = 0;
		unsigned long thp_kb = anon_huge_kb();
		int err = 0, bad = 0;	/* errno; a status not the target */

		if (!mem)
			return 1;
		for (size_t c = 0; c < calls; c++) {
			size_t win = c % windows;
			int target = (c / windows) % 2 ? 0 : node;
			uint64_t t;
			long rc;

			for (i = 0; i < batch; i++) {
				pages[i] = mem + (win * batch + i) * fsize;
				nodes[i] = target;
				status[i] = INT_MIN;
			}
			w.page = pages[0];
			w.target = target;
			atomic_store(&w.seq, atomic_load(&w.seq) + 1);
			while (atomic_load(&w.ack) != atomic_load(&w.seq))
				;
			t = now_ns();
			atomic_store(&w.t0, t);
			rc = move_pages(0, batch, pages, nodes, status, MPOL_MF_MOVE);
			t = now_ns() - t;
			if (rc < 0)
				err = errno;
			atomic_store(&w.returned, atomic_load(&w.seq));
			while (atomic_load(&w.done) != atomic_load(&w.seq))
				;
			for (i = 0; i < batch; i++)
				if (status[i] != target)
					break;
			if (rc < 0 || i < batch) {
				if (i < batch)
					bad = status[i];
				failed++;
				continue;
			}
			call_us[c - failed] = t / 1e3;
			if (w.first_ns >= 0)
				first_us[nfirst++] = w.first_ns / 1e3;
		}
		if (failed == calls) {
			fprintf(stderr, "latency: every move_pages() failed: %s\n",
				err ? strerror(err) : "folios not moved");
			return 1;
		}
		qsort(call_us, calls - failed, sizeof(double), cmp_double);
		qsort(first_us, nfirst, sizeof(double), cmp_double);
		printf("BENCH,latency,kind=%s,kb=%zu,batch=%zu,node=%d,rep=%d,"
		       "calls=%zu,failed=%zu,call_min_us=%.1f,call_p50_us=%.1f,"
		       "call_p99_us=%.1f,call_max_us=%.1f,first_n=%zu,"
		       "first_min_us=%.1f,first_p50_us=%.1f,first_p99_us=%.1f,"
		       "first_max_us=%.1f,thp_kb=%lu,thp_kb_end=%lu,"
		       "last_errno=%d,last_bad_status=%d\n",
		       kind, size >> 10, batch, node, rep, calls - failed, failed,
		       call_us[0], pct(call_us, calls - failed, 50),
		       pct(call_us, calls - failed, 99),
		       call_us[calls - failed - 1], nfirst,
		       nfirst ? first_us[0] : -1, pct(first_us, nfirst, 50),
		       pct(first_us, nfirst, 99),
		       nfirst ? first_us[nfirst - 1] : -1, thp_kb, anon_huge_kb(),
		       err, bad);
		fflush(stdout);
		munmap(raw, size + PMD_SIZE);
	}
	atomic_store(&w.quit, true);
	pthread_join(tid, NULL);
	free(pages);
	free(nodes);
	free(status);
	free(call_us);
	free(first_us);
	return 0;
}

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

/* ro-busy: touches of a thread's own memory per read of the moving pages */
#define BUSY_TOUCHES	(1 << 18)
/* ... which is this big: well inside the guest's caches and TLB */
#define BUSY_BYTES	(64 << 10)

struct toucher {
	volatile char *mem;
	size_t size;
	bool read_only;
	volatile char *own;	/* ro-busy: BUSY_BYTES of the thread's own */
};

static void *touch_fn(void *arg)
{
	struct toucher *t = arg;
	size_t off = 0;
	char sum = 0;

	while (!atomic_load(&stop)) {
		for (int i = 0; t->own && i < BUSY_TOUCHES; i++)
			sum += t->own[(i * 64) % BUSY_BYTES];
		if (t->read_only)
			sum += t->mem[off];
		else
			t->mem[off]++;
		off = (off + 4096 * 7 + 64) % t->size;
	}
	return (void *)(long)sum;
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

static int load(const char *kind, size_t mb, int threads, int seconds)
{
	size_t size = mb << 20;
	char *raw, *mem = alloc_on(size, 0, kind, &raw);
	pthread_t tid[64];
	bool busy = !strcmp(kind, "ro-busy");
	bool read_only = busy || !strcmp(kind, "ro");
	struct toucher t[64];
	/* One address per folio: move_pages() moves the region, nothing else */
	size_t step = folio_size(kind), nr = size / step;
	void **addrs = malloc(nr * sizeof(*addrs));
	int *nodes = malloc(nr * sizeof(*nodes));
	int *status = malloc(nr * sizeof(*status));
	/* ro-busy: the threads' own memory, mapped before anything is counted */
	char *own = busy ? mmap(NULL, threads * BUSY_BYTES, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0) : NULL;
	unsigned long tlb, pages, thps, rounds = 0;
	long flushes;
	unsigned long thp_kb_start;
	double t0, end;

	if (!mem || threads < 1 || threads > 64 || !addrs || !nodes ||
	    !status || own == MAP_FAILED)
		return 1;
	thp_kb_start = anon_huge_kb();
	/* Let NUMA balancing alone (it is off) and move_pages() move it */
	mbind(mem, size, MPOL_DEFAULT, NULL, 0, 0);
	if (read_only && mprotect(mem, size, PROT_READ))
		return 1;
	for (size_t i = 0; i < nr; i++)
		addrs[i] = mem + i * step;
	for (int i = 0; i < threads; i++) {
		t[i] = (struct toucher) {
			.mem = mem, .size = size, .read_only = read_only,
			.own = own ? own + i * BUSY_BYTES : NULL,
		};
		pthread_create(&tid[i], NULL, touch_fn, &t[i]);
	}
	/* Every thread running before the count starts */
	usleep(100000);
	tlb = tlb_shootdowns();
	flushes = vmstat_or_none("nr_tlb_remote_flush");
	pages = vmstat("pgmigrate_success");
	thps = vmstat("thp_migration_success");
	t0 = now();
	end = t0 + seconds;
	while (now() < end) {
		/* to node 1 in the first round, back to 0 in the next, ... */
		for (size_t i = 0; i < nr; i++)
			nodes[i] = !(rounds & 1);
		if (move_pages(0, nr, addrs, nodes, status, 0) < 0) {
			perror("move_pages");
			return 1;
		}
		rounds++;
	}
	t0 = now() - t0;
	tlb = tlb_shootdowns() - tlb;
	if (flushes >= 0)
		flushes = vmstat_or_none("nr_tlb_remote_flush") - flushes;
	pages = vmstat("pgmigrate_success") - pages;
	thps = vmstat("thp_migration_success") - thps;
	atomic_store(&stop, true);
	for (int i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	printf("BENCH,load,kind=%s,mb=%zu,threads=%d,seconds=%.3f,rounds=%lu,"
	       "pages=%lu,pages_per_s=%.0f,tlb_shootdowns=%lu,tlb_per_kpage=%.2f,"
	       "remote_flushes=%ld,flushes_per_kpage=%.2f,"
	       "thps=%lu,tlb_per_thp=%.2f,thp_kb_start=%lu,thp_kb_end=%lu\n",
	       kind, mb, threads, t0, rounds, pages, pages / t0, tlb,
	       pages ? tlb * 1000.0 / pages : 0.0, flushes,
	       flushes < 0 ? -1.0 : pages ? flushes * 1000.0 / pages : 0.0, thps,
	       thps ? (double)tlb / thps : 0.0, thp_kb_start, anon_huge_kb());
	munmap(raw, size + PMD_SIZE);
	if (own)
		munmap(own, threads * BUSY_BYTES);
	free(addrs);
	free(nodes);
	free(status);
	return 0;
}

/*
 * A touch this slow took a fault: a TLB miss or cache miss of the
 * emulated CPU costs well under a microsecond even under TCG, a NUMA hint
 * fault tens of microseconds.
 */
#define SLOW_TOUCH_NS	5000
#define MAX_SLOW	(1 << 20)

struct sweeper {
	volatile char *mem;
	size_t size;
	cpu_set_t cpus;
	unsigned long sweeps;
	unsigned int *slow_ns;	/* latencies of the slow touches */
	size_t nr_slow;
};

static void *sweep_fn(void *arg)
{
	struct sweeper *s = arg;
	size_t off;

	sched_setaffinity(0, sizeof(s->cpus), &s->cpus);
	while (!atomic_load(&stop)) {
		for (off = 0; off < s->size; off += 4096) {
			uint64_t t0 = now_ns(), d;

			s->mem[off]++;
			d = now_ns() - t0;
			if (d >= SLOW_TOUCH_NS && s->nr_slow < MAX_SLOW)
				s->slow_ns[s->nr_slow++] = d > UINT32_MAX ?
							   UINT32_MAX : d;
		}
		s->sweeps++;
	}
	return NULL;
}

/* CPU time of the kmigrated threads so far, in clock ticks */
static unsigned long kmigrated_ticks(void)
{
	unsigned long sum = 0;
	char path[64], buf[512];

	for (int pid = 2; pid < 4096; pid++) {
		unsigned long ut, st;
		char *p;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (!p || !strstr(buf, "(kmigrated"))
			continue;
		p = strrchr(buf, ')');
		/* fields 14 and 15: utime, stime; p points at field 2's end */
		if (p && sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
				&ut, &st) == 2)
			sum += ut + st;
	}
	return sum;
}

/*
 * Hint-fault latency as the kernel sees it, the same way on both kernels
 * (the touch timing above is mostly TCG's with many vCPUs).  Every NUMA
 * hint fault, PTE or PMD, runs in __handle_mm_fault() and calls
 * numa_migrate_check(), which decides where the folio belongs: a node to
 * migrate it to, or NUMA_NO_NODE.  From there the fault migrates it, or
 * queues it for kmigrated, and returns.  Return probes on both functions
 * are joined per task by histogram triggers: the time from
 * numa_migrate_check()'s return to __handle_mm_fault()'s, and the node
 * it chose, go into a synthetic event, whose two histograms (100 ns steps
 * below 1 ms, 10 us steps above) are read at the end.  What comes before
 * the decision (finding the folio, the policy) is the same code on both
 * sides and is left out, and so is most of the probes' own cost, which
 * under TCG is tens of microseconds.  Faults without a hint never reach
 * numa_migrate_check() and are not counted.
 *
 * A fault on a page that is being migrated, by kmigrated or by another
 * task's hint fault, is no hint fault: it waits on the migration entry in
 * softleaf_entry_wait_on_locked().  Those waits are timed apart (count
 * and total), so that what kmigrated moves off the hint faults but onto
 * other faults is seen.
 *
 * The triggers live in a tracefs instance of their own: a histogram on
 * common_timestamp sets its instance's trace clock.  Needs
 * CONFIG_KPROBE_EVENTS and CONFIG_HIST_TRIGGERS (configs/release.config);
 * elsewhere the results are -1.
 */
#define TRACEFS		"/sys/kernel/tracing/"
#define HINT_GROUP	"migrate_bench"
#define HINT_INSTANCE	"instances/" HINT_GROUP "/"
#define HINT_EVENT	"migrate_bench_hint_fault"
#define WAIT_EVENT	"migrate_bench_entry_wait"
#define HINT_HIST	TRACEFS HINT_INSTANCE "events/synthetic/" HINT_EVENT "/"
#define WAIT_HIST	TRACEFS HINT_INSTANCE "events/synthetic/" WAIT_EVENT "/"
/* the bucket steps and where the second histogram starts, in ns */
#define HINT_FINE_NS	100
#define HINT_COARSE_NS	10000
#define HINT_SPLIT_NS	1000000
/*
 * Entries of each histogram: up to 10000 fine buckets for each of the
 * nodes a fault may choose and NUMA_NO_NODE fit (the most tracing_map
 * holds is 2^17); the coarse one's 10 us steps need fewer
 */
#define HINT_FINE_SIZE	"65536"
#define HINT_COARSE_SIZE "16384"
#define STR_(x)		#x
#define STR(x)		STR_(x)

/* Steps for the entry waits: optional, the hint faults are timed without */
#define WAITS		true

static const struct {
	const char *file, *setup, *undo;	/* undo NULL: "!" + setup */
	bool waits;
} hint_timing[] = {
	{ "dynamic_events", "s:" HINT_EVENT " u64 lat_ns; s32 target",
	  "-:synthetic/" HINT_EVENT },
	{ "dynamic_events", "r:" HINT_GROUP "/hint_checked numa_migrate_check target=$retval:s32",
	  "-:" HINT_GROUP "/hint_checked" },
	{ "dynamic_events", "r:" HINT_GROUP "/fault_exit __handle_mm_fault",
	  "-:" HINT_GROUP "/fault_exit" },
	{ "dynamic_events", "s:" WAIT_EVENT " u64 lat_ns",
	  "-:synthetic/" WAIT_EVENT, WAITS },
	{ "dynamic_events", "p:" HINT_GROUP "/wait_enter softleaf_entry_wait_on_locked",
	  "-:" HINT_GROUP "/wait_enter", WAITS },
	{ "dynamic_events", "r:" HINT_GROUP "/wait_exit softleaf_entry_wait_on_locked",
	  "-:" HINT_GROUP "/wait_exit", WAITS },
	/* the instance (mkdir) comes here: the triggers, last, are in it */
	{ HINT_INSTANCE "events/" HINT_GROUP "/hint_checked/trigger",
	  "hist:keys=common_pid:t0=common_timestamp,tgt=target", NULL },
	{ HINT_INSTANCE "events/" HINT_GROUP "/fault_exit/trigger",
	  "hist:keys=common_pid:lat=common_timestamp-$t0,node=$tgt:"
	  "onmatch(" HINT_GROUP ".hint_checked).trace(" HINT_EVENT ",$lat,$node)", NULL },
	{ HINT_INSTANCE "events/synthetic/" HINT_EVENT "/trigger",
	  "hist:keys=target,lat_ns.buckets=" STR(HINT_FINE_NS)
	  ":size=" HINT_FINE_SIZE " if lat_ns < " STR(HINT_SPLIT_NS), NULL },
	{ HINT_INSTANCE "events/synthetic/" HINT_EVENT "/trigger",
	  "hist:keys=target,lat_ns.buckets=" STR(HINT_COARSE_NS)
	  ":size=" HINT_COARSE_SIZE " if lat_ns >= " STR(HINT_SPLIT_NS), NULL },
	{ HINT_INSTANCE "events/" HINT_GROUP "/wait_enter/trigger",
	  "hist:keys=common_pid:tw=common_timestamp", NULL, WAITS },
	{ HINT_INSTANCE "events/" HINT_GROUP "/wait_exit/trigger",
	  "hist:keys=common_pid:wlat=common_timestamp-$tw:"
	  "onmatch(" HINT_GROUP ".wait_enter).trace(" WAIT_EVENT ",$wlat)", NULL, WAITS },
	{ HINT_INSTANCE "events/synthetic/" WAIT_EVENT "/trigger",
	  "hist:keys=common_pid:vals=hitcount,lat_ns", NULL, WAITS },
};
#define HINT_STEPS	(sizeof(hint_timing) / sizeof(hint_timing[0]))

/* Whether step @i writes into the instance (made before the first such) */
static bool in_instance(size_t i)
{
	return !strncmp(hint_timing[i].file, HINT_INSTANCE, strlen(HINT_INSTANCE));
}

/* Whether the entry waits are timed: their steps all went in */
static bool waits_timed;

static int tracefs_write(const char *file, const char *prefix, const char *line)
{
	char path[256], cmd[512];
	int fd, len, ret = 0;

	snprintf(path, sizeof(path), TRACEFS "%s", file);
	len = snprintf(cmd, sizeof(cmd), "%s%s\n", prefix, line);
	/*
	 * O_APPEND without stdio: opening dynamic_events with O_TRUNC deletes
	 * every dynamic event, and fopen("a") seeks to the end, which tracefs
	 * refuses
	 */
	fd = open(path, O_WRONLY | O_APPEND);
	if (fd < 0)
		return -1;
	if (write(fd, cmd, len) != len)
		ret = -1;
	close(fd);
	return ret;
}

/*
 * What tracefs said about the last commands it refused: the probes' and
 * events' errors in the top instance's log, the triggers' in their own
 */
static void show_error_log(void)
{
	static const char * const logs[] = {
		TRACEFS "error_log", TRACEFS HINT_INSTANCE "error_log",
	};
	char line[512];

	for (size_t i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		FILE *f = fopen(logs[i], "r");

		while (f && fgets(line, sizeof(line), f))
			fputs(line, stderr);
		if (f)
			fclose(f);
	}
}

/*
 * Undo hint_timing[] from entry @n - 1 down, the instance with the
 * triggers; quiet: nothing may be there
 */
static void hint_timing_stop(size_t n)
{
	while (n--) {
		if (!in_instance(n) && n + 1 < HINT_STEPS && in_instance(n + 1))
			rmdir(TRACEFS HINT_INSTANCE);
		if (hint_timing[n].undo)
			tracefs_write(hint_timing[n].file, "", hint_timing[n].undo);
		else
			tracefs_write(hint_timing[n].file, "!", hint_timing[n].setup);
	}
}

static bool hint_timing_start(void)
{
	/* what a run that died left behind */
	hint_timing_stop(HINT_STEPS);
	waits_timed = true;
	for (size_t i = 0; i < HINT_STEPS; i++) {
		if (in_instance(i) && (!i || !in_instance(i - 1)) &&
		    mkdir(TRACEFS HINT_INSTANCE, 0755)) {
			fprintf(stderr, "hint-fault timing: no tracefs instance: %m\n");
			hint_timing_stop(i);
			return false;
		}
		if (hint_timing[i].waits && !waits_timed)
			continue;
		if (!tracefs_write(hint_timing[i].file, "", hint_timing[i].setup))
			continue;
		fprintf(stderr, "hint-fault timing: cannot write '%s' to %s: %m\n",
			hint_timing[i].setup, hint_timing[i].file);
		show_error_log();
		/* without the entry waits (what went in goes at the end) */
		if (hint_timing[i].waits) {
			waits_timed = false;
			continue;
		}
		hint_timing_stop(i);
		return false;
	}
	return true;
}

struct hint_bucket {
	unsigned long long mid_ns, hits;
	bool misplaced;		/* numa_migrate_check() chose a node */
};

static int cmp_bucket(const void *a, const void *b)
{
	const struct hint_bucket *x = a, *y = b;

	return x->mid_ns < y->mid_ns ? -1 : x->mid_ns > y->mid_ns;
}

/* The @pct percentile of @b's faults (misplaced ones only if @misplaced) */
static double hint_pct_us(const struct hint_bucket *b, size_t n,
			  bool misplaced, unsigned long long total, int pct)
{
	unsigned long long seen = 0, rank = (total * pct + 99) / 100;

	for (size_t i = 0; i < n; i++) {
		if (misplaced && !b[i].misplaced)
			continue;
		seen += b[i].hits;
		if (seen >= rank && rank)
			return b[i].mid_ns / 1e3;
	}
	return -1;
}

struct hint_result {
	long long all, misplaced, dropped, missed, waits;
	double all_p50, all_p99, mis_p50, mis_p99, wait_ms;
	double mis_ms;		/* the misplaced faults' total time */
};

/*
 * The migration-entry waits: how many, and their total time; -1 if not
 * timed, or if the histogram dropped any (hint_timing_read(): or the
 * probes missed any)
 */
static void entry_waits_read(struct hint_result *r)
{
	FILE *f = waits_timed ? fopen(WAIT_HIST "hist", "r") : NULL;
	char line[512];
	unsigned long long n;
	bool lost = false;

	r->waits = f ? 0 : -1;
	r->wait_ms = f ? 0 : -1;
	while (f && fgets(line, sizeof(line), f)) {
		char *h = strstr(line, "hitcount:"), *l = strstr(line, "lat_ns:");

		if (sscanf(line, " Dropped: %llu", &n) == 1 && n)
			lost = true;
		if (!h || !l)
			continue;
		r->waits += strtoll(h + 9, NULL, 10);
		r->wait_ms += strtoull(l + 7, NULL, 10) / 1e6;
	}
	if (f)
		fclose(f);
	if (lost)
		r->waits = r->wait_ms = -1;
}

/*
 * Read the histograms and the probes' misses into @r, then remove
 * everything hint_timing_start() set up.
 */
static void hint_timing_read(struct hint_result *r)
{
	size_t n = 0, cap = 1024;
	struct hint_bucket *b = malloc(cap * sizeof(*b));
	FILE *f = fopen(HINT_HIST "hist", "r");
	bool f_ok = f;
	char line[512], name[128];
	unsigned long long hits, missed;

	*r = (struct hint_result){ 0 };
	while (b && f && fgets(line, sizeof(line), f)) {
		char *t = strstr(line, "target:"), *l = strstr(line, "lat_ns: ~");
		char *h = strstr(line, "hitcount:"), *end;
		unsigned long long lo, hi;
		long long node;

		if (sscanf(line, " Dropped: %llu", &hits) == 1)
			r->dropped += hits;
		if (!t || !l || !h)
			continue;
		node = strtoll(t + 7, NULL, 10);
		lo = strtoull(l + 9, &end, 10);
		hi = *end == '-' ? strtoull(end + 1, NULL, 10) : lo;
		if (n == cap) {
			struct hint_bucket *more = realloc(b, 2 * cap * sizeof(*b));

			if (!more)
				break;
			b = more;
			cap *= 2;
		}
		/* NUMA_NO_NODE prints as -1 or as its unsigned value */
		b[n] = (struct hint_bucket){ .mid_ns = (lo + hi + 1) / 2,
					     .hits = strtoull(h + 9, NULL, 10),
					     .misplaced = node >= 0 && node < 1024 };
		r->all += b[n].hits;
		r->misplaced += b[n].misplaced ? b[n].hits : 0;
		n++;
	}
	if (f)
		fclose(f);
	entry_waits_read(r);
	f = fopen(TRACEFS "kprobe_profile", "r");
	while (f && fscanf(f, "%127s %llu %llu", name, &hits, &missed) == 3) {
		if (!strncmp(name, HINT_GROUP "/wait_", strlen(HINT_GROUP "/wait_"))) {
			if (missed)
				r->waits = r->wait_ms = -1;
		} else if (!strncmp(name, HINT_GROUP "/", strlen(HINT_GROUP "/"))) {
			r->missed += missed;
		}
	}
	if (f)
		fclose(f);
	hint_timing_stop(HINT_STEPS);
	if (!b) {
		r->all = r->misplaced = -1;
		return;
	}
	qsort(b, n, sizeof(*b), cmp_bucket);
	r->all_p50 = hint_pct_us(b, n, false, r->all, 50);
	r->all_p99 = hint_pct_us(b, n, false, r->all, 99);
	r->mis_p50 = hint_pct_us(b, n, true, r->misplaced, 50);
	r->mis_p99 = hint_pct_us(b, n, true, r->misplaced, 99);
	/* A sum that misses faults is no sum */
	for (size_t i = 0; i < n; i++)
		if (b[i].misplaced)
			r->mis_ms += b[i].mid_ns * b[i].hits / 1e6;
	if (!f_ok || r->missed || r->dropped)
		r->mis_ms = -1;
	free(b);
}

/* Fraction of [mem, mem + size) on @node */
static double share_on(char *mem, size_t size, int node)
{
	size_t nr = size / 4096, on = 0;
	void **pages = malloc(nr * sizeof(*pages));
	int *status = malloc(nr * sizeof(*status));

	for (size_t i = 0; pages && status && i < nr; i++)
		pages[i] = mem + i * 4096;
	if (pages && status && !move_pages(0, nr, pages, NULL, status, 0))
		for (size_t i = 0; i < nr; i++)
			on += status[i] == node;
	free(pages);
	free(status);
	return (double)on / nr;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

static int numab(const char *kind, size_t mb, int threads, int seconds,
		 int from)
{
	size_t size = mb << 20, slice, nr_slow = 0, k = 0;
	char *raw, *mem = alloc_on(size, from, kind, &raw);
	struct sweeper sw[64] = { 0 };
	pthread_t tid[64];
	unsigned long ticks, migrated, promoted, hint, kmig;
	long fallback;
	unsigned long sweeps = 0;
	unsigned int *all;
	double t0, local_s = -1, end;
	struct bitmask *cpus = numa_allocate_cpumask();
	struct hint_result hint_lat = {
		.all = -1, .misplaced = -1, .dropped = -1, .missed = -1,
		.waits = -1, .all_p50 = -1, .all_p99 = -1, .mis_p50 = -1,
		.mis_p99 = -1, .wait_ms = -1, .mis_ms = -1,
	};
	long fallback_pages = -1;
	int started = 0, ret = 1;
	bool timed;
	cpu_set_t set;

	if (!mem || threads < 1 || threads > 64 || numa_node_to_cpus(0, cpus))
		return 1;
	CPU_ZERO(&set);
	for (unsigned int c = 0; c < cpus->size && c < CPU_SETSIZE; c++)
		if (numa_bitmask_isbitset(cpus, c))
			CPU_SET(c, &set);
	/* Let NUMA balancing move it: drop the binding */
	mbind(mem, size, MPOL_DEFAULT, NULL, 0, 0);
	slice = size / threads & ~4095UL;
	atomic_store(&stop, false);
	ticks = kmigrated_ticks();
	migrated = vmstat("numa_pages_migrated");
	promoted = vmstat("pgpromote_success");
	hint = vmstat("numa_hint_faults");
	kmig = vmstat("kmigrated_migrated");
	/* vanilla has no such counter: "-", not 0 */
	fallback = vmstat_or_none("kmigrated_fallback_sync");
	for (int i = 0; i < threads; i++) {
		sw[i] = (struct sweeper) {
			.mem = mem + i * slice, .size = slice, .cpus = set,
			.slow_ns = calloc(MAX_SLOW, sizeof(unsigned int)),
		};
		if (!sw[i].slow_ns)
			goto free_slow;
	}
	timed = hint_timing_start();
	t0 = now();
	end = t0 + seconds;
	for (; started < threads; started++)
		if (pthread_create(&tid[started], NULL, sweep_fn, &sw[started]))
			break;
	while (started == threads && now() < end) {
		usleep(100000);
		if (local_s < 0 && share_on(mem, slice * threads, 0) >= 0.99)
			local_s = now() - t0;
	}
	atomic_store(&stop, true);
	for (int i = 0; i < started; i++) {
		pthread_join(tid[i], NULL);
		sweeps += sw[i].sweeps;
		nr_slow += sw[i].nr_slow;
	}
	/* Reading the histograms removes the probes, whatever comes next */
	if (timed)
		hint_timing_read(&hint_lat);
	if (started < threads)
		goto free_slow;
	all = malloc((nr_slow + 1) * sizeof(*all));
	if (!all)
		goto free_slow;
	for (int i = 0; i < threads; i++) {
		memcpy(all + k, sw[i].slow_ns, sw[i].nr_slow * sizeof(*all));
		k += sw[i].nr_slow;
	}
	qsort(all, nr_slow, sizeof(*all), cmp_uint);
	migrated = vmstat("numa_pages_migrated") - migrated;
	if (fallback >= 0)
		fallback_pages = vmstat_or_none("kmigrated_fallback_sync") - fallback;
	printf("BENCH,numab,kind=%s,from=%d,mb=%zu,threads=%d,seconds=%d,"
	       "sweeps=%lu,local_s=%.2f,hint_faults=%lu,slow_touches=%zu,"
	       "fault_p50_us=%.1f,fault_p99_us=%.1f,numa_migrated=%lu,"
	       "promoted=%lu,kmigrated_migrated=%lu,kmigrated_fallback=%ld,"
	       "kmigrated_cpu_ms=%lu,"
	       "thp_kb=%lu,hint_timed=%lld,hint_p50_us=%.1f,hint_p99_us=%.1f,"
	       "misplaced_timed=%lld,misplaced_p50_us=%.1f,"
	       "misplaced_p99_us=%.1f,timing_dropped=%lld,probe_missed=%lld,"
	       "entry_waits=%lld,entry_wait_ms=%.1f,misplaced_ms=%.1f\n",
	       kind, from, mb, threads, seconds, sweeps, local_s,
	       vmstat("numa_hint_faults") - hint, nr_slow,
	       nr_slow ? all[nr_slow / 2] / 1e3 : 0.0,
	       nr_slow ? all[nr_slow * 99 / 100] / 1e3 : 0.0, migrated,
	       vmstat("pgpromote_success") - promoted,
	       vmstat("kmigrated_migrated") - kmig, fallback_pages,
	       (kmigrated_ticks() - ticks) * 1000 / sysconf(_SC_CLK_TCK),
	       anon_huge_kb(), hint_lat.all, hint_lat.all_p50, hint_lat.all_p99,
	       hint_lat.misplaced, hint_lat.mis_p50, hint_lat.mis_p99,
	       hint_lat.dropped, hint_lat.missed, hint_lat.waits,
	       hint_lat.wait_ms, hint_lat.mis_ms);
	free(all);
	ret = 0;
free_slow:
	for (int i = 0; i < threads; i++)
		free(sw[i].slow_ns);
	munmap(raw, size + PMD_SIZE);
	return ret;
}

int main(int argc, char **argv)
{
	if (numa_available() < 0) {
		fprintf(stderr, "needs NUMA\n");
		return 2;
	}
	/* latency checks NODE itself: it runs, moving nothing, on one node */
	if (argc == 7 || argc == 8) {
		if (!strcmp(argv[1], "latency"))
			return latency(argv[2], strtoul(argv[3], NULL, 0),
				       strtoul(argv[4], NULL, 0), atoi(argv[5]),
				       strtoul(argv[6], NULL, 0),
				       argc == 8 ? atoi(argv[7]) : 1);
	}
	if (numa_max_node() < 1) {
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
	if (argc == 6 && !strcmp(argv[1], "load"))
		return load(argv[2], strtoul(argv[3], NULL, 0), atoi(argv[4]),
			    atoi(argv[5]));
	if ((argc == 6 || argc == 7) && !strcmp(argv[1], "numab"))
		return numab(argv[2], strtoul(argv[3], NULL, 0), atoi(argv[4]),
			     atoi(argv[5]), argc == 7 ? atoi(argv[6]) : 1);
	fprintf(stderr, "usage: see the comment at the top of %s.c\n", argv[0]);
	return 2;
}

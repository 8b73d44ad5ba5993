// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-stress: the load of "make stress" (guest/plan-stress.sh), which
 * the plan runs while it switches copy backends, reloads their modules,
 * compacts memory and injects allocation failures.
 *
 *   migrate-stress run SECONDS PROCS MIB [CGROUP]
 *	PROCS processes of MIB MiB each (half THP, a quarter 4 KiB pages, a
 *	quarter shmem) migrate their memory between every node with
 *	move_pages(), migrate_pages() and mbind() while a writer stores
 *	generation-tagged words and a reader checks them; a fourth thread
 *	splits and collapses the THPs.  The first process runs in the memory
 *	cgroup CGROUP (created), its limit just above what it uses.  At the
 *	end every word is checked.
 *   migrate-stress poison
 *	Memory errors in the middle of a batch: the copy of one folio fails
 *	(fail_migrate_copy, errno EHWPOISON); a page is poisoned with
 *	MADV_HWPOISON before and during migration.
 *   migrate-stress sysctl
 *	Every knob the series adds refuses malformed, negative, huge, empty,
 *	unknown and unprivileged writes and keeps its value.
 *
 * Output is TAP ("run" leaves the plan line to guest/stress.sh, which adds
 * cases of its own).  "# stat NAME VALUE" lines carry counts for the
 * summary.  The threads that migrate are marked make-it-fail, so fault
 * injection set up with task-filter hits their migrations only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif
#ifndef EHWPOISON
#define EHWPOISON 133
#endif

#define PAGE		4096UL
#define WORDS_PER_PAGE	(PAGE / sizeof(uint64_t))
#define THP		(2UL << 20)
/* Pages a move_pages() or mbind() call moves at most: one batch */
#define MAX_CHUNK	512
#define NODES		3
#define SPLIT_FILE	"/sys/kernel/debug/split_huge_pages"
#define FAIL_COPY	"/sys/kernel/debug/fail_migrate_copy/"
#define POLICY_SYSCALL	"/proc/sys/vm/migrate_copy/syscall_or_cpuset"
/* Diagnostics printed per process at most, so a broken run stays readable */
#define MAX_REPORTS	8

static int tests;
static bool failed;

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	failed |= !ok;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static long vmstat(const char *name)
{
	char line[128];
	size_t len = strlen(name);
	long val = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, len) && line[len] == ' ')
			val = atol(line + len + 1);
	if (f)
		fclose(f);
	return val;
}

/* Mark the calling thread for fault injection with task-filter */
static void make_it_fail(int on)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%ld/make-it-fail",
		 (long)syscall(SYS_gettid));
	write_file(path, on ? "1" : "0");
}

static unsigned int rnd(unsigned int *seed, unsigned int n)
{
	return rand_r(seed) % n;
}

static uint64_t tag(uint64_t word, uint32_t gen)
{
	return word << 32 | gen;
}

static int page_node(void *addr)
{
	int status = -1;

	if (move_pages(0, 1, &addr, NULL, &status, 0))
		return -errno;
	return status;
}

/*
 * SIGBUS: expected after MADV_HWPOISON (delivered when madvise() returns)
 * and when a poisoned page is read, which a thread arms for with
 * sigsetjmp().
 */
static __thread sigjmp_buf *volatile bus_jmp;
static volatile sig_atomic_t sigbus_count;

static void on_sigbus(int sig)
{
	sigbus_count++;
	if (bus_jmp)
		siglongjmp(*bus_jmp, 1);
}

/* Whether the page at @p can be read (not poisoned) */
static bool readable(const volatile uint64_t *p, uint64_t *val)
{
	sigjmp_buf jb;
	bool ok = false;

	if (!sigsetjmp(jb, 1)) {
		bus_jmp = &jb;
		/* armed before the read, not after: the handler returns otherwise */
		atomic_signal_fence(memory_order_seq_cst);
		*val = *p;
		ok = true;
	}
	atomic_signal_fence(memory_order_seq_cst);
	bus_jmp = NULL;
	return ok;
}

/* ------------------------------------------------------------------ */
/* run: the concurrent load                                            */

enum area { AREA_THP, AREA_SMALL, AREA_SHMEM, NR_AREAS };
static const char * const area_names[] = { "thp", "4k", "shmem" };

/* What one process did; in shared memory, summed by the parent */
struct proc_stats {
	long calls[3];		/* move_pages, migrate_pages, mbind */
	long pages_moved;	/* move_pages() status on the target */
	long not_moved;		/* pages move_pages() reported not migrated */
	long tolerated;		/* ENOMEM, EBUSY, EAGAIN, EIO: injected faults */
	long unexpected;	/* any other error */
	long passes;		/* writer passes over the whole memory */
	long pages_checked;	/* reader */
	long corrupted_words;	/* writer, reader and final check */
	long split_requests, collapses;
	long memcg_max, memcg_oom;
	bool memcg_limited;
	bool done;
};

struct proc_ctx {
	struct proc_stats *st;
	uint64_t *area[NR_AREAS];
	size_t words[NR_AREAS];
	uint64_t base[NR_AREAS];	/* index of the area's first word */
	_Atomic uint32_t started, done;	/* writer's generations */
	_Atomic bool stop_migrating, stop_writing, stop_reading;
	/* The memcg limit is set (or there is none): THPs may collapse */
	_Atomic bool may_collapse;
	unsigned int seed;
	int reports;
};

static void report_word(struct proc_ctx *c, int a, size_t i, uint64_t v,
			uint32_t lo, uint32_t hi)
{
	uint64_t *p = &c->area[a][i];

	if (c->reports++ >= MAX_REPORTS)
		return;
	diag("pid %d %s word %zu (%p, node %d): %#llx, expected index %llu gen %u..%u",
	     getpid(), area_names[a], i, (void *)p,
	     page_node((void *)((uintptr_t)p & ~(PAGE - 1))),
	     (unsigned long long)v, (unsigned long long)(c->base[a] + i), lo, hi);
}

/*
 * The only writer: before it stores generation @gen in a word, the word
 * must hold what it stored there the pass before.  A store lost in a
 * migration (written to the source after the copy) or a word copied
 * wrong is found here on the next pass, whatever the reader sampled.
 */
static void *writer(void *arg)
{
	struct proc_ctx *c = arg;
	uint32_t gen = atomic_load(&c->done);

	while (!atomic_load(&c->stop_writing)) {
		gen++;
		atomic_store(&c->started, gen);
		for (int a = 0; a < NR_AREAS; a++) {
			volatile uint64_t *w = c->area[a];

			for (size_t i = 0; i < c->words[a]; i++) {
				uint64_t v = w[i];

				if (v != tag(c->base[a] + i, gen - 1)) {
					report_word(c, a, i, v, gen - 1, gen - 1);
					__atomic_add_fetch(&c->st->corrupted_words, 1,
							   __ATOMIC_RELAXED);
				}
				w[i] = tag(c->base[a] + i, gen);
			}
		}
		atomic_store(&c->done, gen);
		c->st->passes++;
	}
	return NULL;
}

/* Check one page against the generations around the read. */
static long check_page(struct proc_ctx *c, int a, size_t first, bool exact)
{
	volatile uint64_t *w = c->area[a];
	uint32_t lo = atomic_load(&c->done), hi;
	uint64_t v[WORDS_PER_PAGE];
	long bad = 0;

	for (size_t i = 0; i < WORDS_PER_PAGE; i++)
		v[i] = w[first + i];
	atomic_thread_fence(memory_order_seq_cst);
	hi = exact ? lo : atomic_load(&c->started);
	for (size_t i = 0; i < WORDS_PER_PAGE; i++) {
		uint32_t gen = (uint32_t)v[i];

		if (v[i] >> 32 == c->base[a] + first + i && gen >= lo && gen <= hi)
			continue;
		report_word(c, a, first + i, v[i], lo, hi);
		bad++;
	}
	return bad;
}

static void *reader(void *arg)
{
	struct proc_ctx *c = arg;
	unsigned int seed = c->seed ^ 0x5eed;

	while (!atomic_load(&c->stop_reading)) {
		int a = rnd(&seed, NR_AREAS);
		size_t page = rnd(&seed, c->words[a] / WORDS_PER_PAGE);

		__atomic_add_fetch(&c->st->corrupted_words,
				   check_page(c, a, page * WORDS_PER_PAGE, false),
				   __ATOMIC_RELAXED);
		c->st->pages_checked++;
	}
	return NULL;
}

/*
 * Errors a migration may report under this load: injected allocation
 * failures, folios busy in another migration or split (their page table
 * entry is a migration entry for a moment), memory errors injected into
 * copies.
 */
static bool tolerated(int err)
{
	return err == ENOMEM || err == EBUSY || err == EAGAIN || err == ENOENT ||
	       err == EHWPOISON || err == EIO;
}

static void count_error(struct proc_ctx *c, const char *what, int err)
{
	if (tolerated(err)) {
		c->st->tolerated++;
		return;
	}
	c->st->unexpected++;
	if (c->reports++ < MAX_REPORTS)
		diag("pid %d %s: %s", getpid(), what, strerror(err));
}

static void migrate_chunk(struct proc_ctx *c, int method, unsigned int *seed)
{
	int a = rnd(seed, NR_AREAS), target = rnd(seed, NODES);
	size_t pages = c->words[a] / WORDS_PER_PAGE;
	size_t n = 1 + rnd(seed, pages < MAX_CHUNK ? pages : MAX_CHUNK);
	size_t first = rnd(seed, pages - n + 1);
	char *start = (char *)c->area[a] + first * PAGE;
	unsigned long mask = 1UL << target, all = (1UL << NODES) - 1;
	void *addr[MAX_CHUNK];
	int nodes[MAX_CHUNK], status[MAX_CHUNK];
	long ret;

	c->st->calls[method]++;
	switch (method) {
	case 0:
		for (size_t i = 0; i < n; i++) {
			addr[i] = start + i * PAGE;
			nodes[i] = target;
			status[i] = INT32_MIN;
		}
		ret = move_pages(0, n, addr, nodes, status, MPOL_MF_MOVE);
		if (ret < 0) {
			count_error(c, "move_pages", errno);
			return;
		}
		/* Pages not migrated, from the first failure on: no status */
		c->st->not_moved += ret;
		for (size_t i = 0; i < n; i++) {
			if (status[i] == target)
				c->st->pages_moved++;
			else if (status[i] < 0 && status[i] != INT32_MIN)
				count_error(c, "move_pages status", -status[i]);
		}
		break;
	case 1:
		/* The whole process, stacks and all */
		if (migrate_pages(0, NODES + 1, &all, &mask) < 0)
			count_error(c, "migrate_pages", errno);
		break;
	case 2:
		if (mbind(start, n * PAGE, MPOL_BIND, &mask, NODES + 1, MPOL_MF_MOVE))
			count_error(c, "mbind", errno);
		/* Back to the default policy: placement is the other calls' */
		if (mbind(start, n * PAGE, MPOL_DEFAULT, NULL, 0, 0))
			count_error(c, "mbind default", errno);
		break;
	}
}

static void *migrator(void *arg)
{
	struct proc_ctx *c = arg;
	unsigned int seed = c->seed;
	int method = 0;

	make_it_fail(1);
	while (!atomic_load(&c->stop_migrating)) {
		migrate_chunk(c, method, &seed);
		/* migrate_pages() moves everything: one call in eight */
		method = rnd(&seed, 8) ? (method == 0 ? 2 : 0) : 1;
	}
	make_it_fail(0);
	return NULL;
}

/* Split THPs in place (debugfs), then collapse them back. */
static void *thp_churn(void *arg)
{
	struct proc_ctx *c = arg;
	unsigned int seed = c->seed ^ 0x7487;
	size_t size = c->words[AREA_THP] * sizeof(uint64_t);
	char cmd[128];

	/* Not before the memcg limit is set: see limit_cgroup() */
	while (!atomic_load(&c->may_collapse) && !atomic_load(&c->stop_migrating))
		usleep(10000);
	while (!atomic_load(&c->stop_migrating)) {
		uintptr_t start = (uintptr_t)c->area[AREA_THP] +
				  rnd(&seed, size / THP) * THP;

		snprintf(cmd, sizeof(cmd), "%d,%#lx,%#lx", getpid(),
			 (unsigned long)start, (unsigned long)(start + THP));
		if (!write_file(SPLIT_FILE, cmd))
			c->st->split_requests++;
		usleep(100000);
		/*
		 * It fails whenever a page of the range is in migration or on
		 * another node (EINVAL), or the cgroup has no room (ENOMEM):
		 * often, here, and harmless.
		 */
		if (!madvise((void *)start, THP, MADV_COLLAPSE))
			c->st->collapses++;
		usleep(100000);
	}
	return NULL;
}

static void *map_area(int a, size_t size)
{
	char *p;
	int fd;

	switch (a) {
	case AREA_THP:
		/* Aligned, so that every 2 MiB of it can be a THP */
		p = mmap(NULL, size + THP, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		p = (char *)(((uintptr_t)p + THP - 1) & ~(THP - 1));
		madvise(p, size, MADV_HUGEPAGE);
		return p;
	case AREA_SMALL:
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
		madvise(p, size, MADV_NOHUGEPAGE);
		return p;
	default:
		fd = memfd_create("migrate-stress", 0);
		if (fd < 0 || ftruncate(fd, size))
			return NULL;
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		return p == MAP_FAILED ? NULL : p;
	}
}

static long cgroup_value(const char *cg, const char *file, const char *key)
{
	char path[256], buf[1024], *p;

	snprintf(path, sizeof(path), "%s/%s", cg, file);
	if (read_file(path, buf, sizeof(buf)))
		return -1;
	if (!key)
		return atol(buf);
	p = strstr(buf, key);
	return p ? atol(p + strlen(key) + 1) : -1;
}

/* Join @cg, the memory cgroup the first process runs in. */
static int join_cgroup(const char *cg)
{
	char path[256], pid[32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_file(path, pid);
}

/*
 * Its limit: what it uses now plus less than a THP, so that collapsing
 * a THP must find room under the limit while its memory migrates.
 */
#define MEMCG_MARGIN	(1UL << 20)

static int limit_cgroup(const char *cg)
{
	char path[256], val[32];
	long cur;
	int ret;

	/*
	 * No THP may be charged between reading memory.current and writing
	 * memory.max: the cgroup would be over its new limit, which the
	 * write enforces by killing this process (nothing to reclaim
	 * without swap).  thp_churn() waits for the limit; khugepaged
	 * leaves a process with THPs disabled alone (except a collapse
	 * that started before, a window of microseconds).
	 */
	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	cur = cgroup_value(cg, "memory.current", NULL);
	if (cur < 0) {
		ret = -ENOENT;
	} else {
		snprintf(path, sizeof(path), "%s/memory.max", cg);
		snprintf(val, sizeof(val), "%ld", cur + (long)MEMCG_MARGIN);
		ret = write_file(path, val);
	}
	prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
	return ret;
}

static int stress_proc(int idx, struct proc_stats *st, unsigned int seconds,
		       size_t mib, const char *cg)
{
	struct proc_ctx *c = calloc(1, sizeof(*c));
	size_t sizes[NR_AREAS] = { mib / 2 << 20, mib / 4 << 20, mib / 4 << 20 };
	unsigned long preferred = 1UL << (idx % NODES);
	pthread_t w, r, m, t;
	uint64_t base = 0;

	c->st = st;
	c->seed = 0x6d696772 + idx;
	if (cg && join_cgroup(cg)) {
		diag("cannot join %s", cg);
		return 1;
	}
	/* Start each process on another node */
	set_mempolicy(MPOL_PREFERRED, &preferred, NODES + 1);
	for (int a = 0; a < NR_AREAS; a++) {
		c->area[a] = map_area(a, sizes[a]);
		if (!c->area[a]) {
			diag("cannot map %zu bytes of %s", sizes[a], area_names[a]);
			return 1;
		}
		c->words[a] = sizes[a] / sizeof(uint64_t);
		c->base[a] = base;
		base += c->words[a];
	}
	/* Generation 1 before anything moves: every word has a tag */
	for (int a = 0; a < NR_AREAS; a++)
		for (size_t i = 0; i < c->words[a]; i++)
			c->area[a][i] = tag(c->base[a] + i, 1);
	atomic_store(&c->started, 1);
	atomic_store(&c->done, 1);
	set_mempolicy(MPOL_DEFAULT, NULL, 0);

	pthread_create(&w, NULL, writer, c);
	pthread_create(&r, NULL, reader, c);
	pthread_create(&m, NULL, migrator, c);
	pthread_create(&t, NULL, thp_churn, c);
	/* Every thread has touched its stack: now the limit */
	usleep(100000);
	if (cg)
		st->memcg_limited = !limit_cgroup(cg);
	atomic_store(&c->may_collapse, true);

	sleep(seconds);
	atomic_store(&c->stop_migrating, true);
	pthread_join(m, NULL);
	pthread_join(t, NULL);
	/* The writer completes the pass it is in: every word has its tag */
	atomic_store(&c->stop_writing, true);
	pthread_join(w, NULL);
	atomic_store(&c->stop_reading, true);
	pthread_join(r, NULL);

	for (int a = 0; a < NR_AREAS; a++)
		for (size_t i = 0; i < c->words[a]; i += WORDS_PER_PAGE)
			st->corrupted_words += check_page(c, a, i, true);
	if (cg) {
		st->memcg_max = cgroup_value(cg, "memory.events", "max");
		st->memcg_oom = cgroup_value(cg, "memory.events", "oom_kill");
	}
	st->done = true;
	return 0;
}

static int cmd_run(unsigned int seconds, int procs, size_t mib, const char *cg)
{
	struct proc_stats *st, sum = {};
	pid_t *pids = calloc(procs, sizeof(*pids));
	int status = 0, ok = 0;

	st = mmap(NULL, procs * sizeof(*st), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED || !pids)
		return 1;
	memset(st, 0, procs * sizeof(*st));
	if (cg) {
		/* cgroup v2: the memory controller for the root's children */
		if (write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory") ||
		    (mkdir(cg, 0755) && errno != EEXIST)) {
			diag("no memory cgroup at %s", cg);
			cg = NULL;
		}
	}
	for (int i = 0; i < procs; i++) {
		pids[i] = fork();
		if (!pids[i])
			_exit(stress_proc(i, &st[i], seconds, mib, i ? NULL : cg));
		if (pids[i] < 0)
			diag("process %d: fork: %s", i, strerror(errno));
	}
	for (int i = 0; i < procs; i++) {
		if (pids[i] < 0)
			continue;
		if (waitpid(pids[i], &status, 0) < 0)
			diag("process %d: waitpid: %s", i, strerror(errno));
		else if (WIFSIGNALED(status))
			diag("process %d%s died of signal %d", i,
			     i || !cg ? "" : " (in the memcg)", WTERMSIG(status));
		else if (WEXITSTATUS(status) || !st[i].done)
			diag("process %d exited with status %d%s", i,
			     WEXITSTATUS(status), st[i].done ? "" : " before the end");
		else
			ok++;
	}
	for (int i = 0; i < procs; i++) {
		for (int m = 0; m < 3; m++)
			sum.calls[m] += st[i].calls[m];
		sum.pages_moved += st[i].pages_moved;
		sum.tolerated += st[i].tolerated;
		sum.unexpected += st[i].unexpected;
		sum.passes += st[i].passes;
		sum.pages_checked += st[i].pages_checked;
		sum.corrupted_words += st[i].corrupted_words;
		sum.split_requests += st[i].split_requests;
		sum.not_moved += st[i].not_moved;
		sum.collapses += st[i].collapses;
	}
	tap(ok == procs, "processes_finished (%d of %d)", ok, procs);
	tap(!sum.corrupted_words, "data_intact (%ld pages checked during the run, %ld words wrong)",
	    sum.pages_checked, sum.corrupted_words);
	tap(!sum.unexpected && sum.calls[0] && sum.calls[1] && sum.calls[2],
	    "migrations (move_pages %ld, migrate_pages %ld, mbind %ld calls, %ld unexpected errors)",
	    sum.calls[0], sum.calls[1], sum.calls[2], sum.unexpected);
	/*
	 * The limit was set and held.  How often it was met (MADV_COLLAPSE
	 * charging a THP) depends on the collapses the migrations let
	 * happen: reported, not asserted, as a 20 s run may meet it never.
	 */
	if (cg)
		tap(st[0].memcg_limited && !st[0].memcg_oom && st[0].done,
		    "memcg_at_limit (limit %s, reached %ld times, %ld OOM kills)",
		    st[0].memcg_limited ? "set" : "not set", st[0].memcg_max,
		    st[0].memcg_oom);
	else
		printf("ok %d memcg_at_limit # SKIP no memory cgroup\n", ++tests);
	printf("# stat pages_moved_by_move_pages %ld\n", sum.pages_moved);
	printf("# stat pages_not_moved_by_move_pages %ld\n", sum.not_moved);
	printf("# stat tolerated_errors %ld\n", sum.tolerated);
	printf("# stat writer_passes %ld\n", sum.passes);
	printf("# stat thp_split_requests %ld\n# stat thp_collapses %ld\n",
	       sum.split_requests, sum.collapses);
	printf("# stat memcg_limit_hits %ld\n", cg ? st[0].memcg_max : 0);
	printf("# stat corrupted_bytes %ld\n", sum.corrupted_words * (long)sizeof(uint64_t));
	return failed;
}

/* ------------------------------------------------------------------ */
/* poison: memory errors in the middle of a batch                      */

#define POISON_PAGES	256	/* 1 MiB: the multithreaded backend takes it */
#define POISON_AT	128

static char *tagged_pages(int node)
{
	unsigned long mask = 1UL << node;
	char *p = mmap(NULL, POISON_PAGES * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, POISON_PAGES * PAGE, MADV_NOHUGEPAGE);
	if (mbind(p, POISON_PAGES * PAGE, MPOL_BIND, &mask, NODES + 1, 0))
		return NULL;
	for (size_t i = 0; i < POISON_PAGES * WORDS_PER_PAGE; i++)
		((uint64_t *)p)[i] = tag(i, 7);
	mbind(p, POISON_PAGES * PAGE, MPOL_DEFAULT, NULL, 0, 0);
	return p;
}

/* Pages of @p not on @node (poisoned ones aside), words wrong, pages unreadable */
static void check_pages(char *p, int node, const bool *poisoned,
			int *misplaced, long *wrong, int *unreadable)
{
	*misplaced = 0;
	*wrong = 0;
	*unreadable = 0;
	for (int pg = 0; pg < POISON_PAGES; pg++) {
		uint64_t *w = (uint64_t *)(p + pg * PAGE), v;

		if (!readable(w, &v)) {
			(*unreadable)++;
			if (!poisoned[pg]) {
				(*wrong) += WORDS_PER_PAGE;
				diag("page %d unreadable, not poisoned", pg);
			}
			continue;
		}
		/* A poisoned page that can be read must be intact too */
		if (!poisoned[pg] && page_node(w) != node)
			(*misplaced)++;
		for (size_t i = 0; i < WORDS_PER_PAGE; i++)
			if (w[i] != tag(pg * WORDS_PER_PAGE + i, 7))
				(*wrong)++;
	}
}

static void move_all(char *p, int node, int *status)
{
	void *addr[POISON_PAGES];
	int nodes[POISON_PAGES];

	for (int i = 0; i < POISON_PAGES; i++) {
		addr[i] = p + i * PAGE;
		nodes[i] = node;
		status[i] = INT32_MIN;
	}
	if (move_pages(0, POISON_PAGES, addr, nodes, status, MPOL_MF_MOVE) < 0)
		status[0] = -errno;
}

/*
 * fail_migrate_copy fails exactly one folio, the one copied once @space
 * bytes of this thread's folios went through: POISON_AT of the batch.
 */
static int inject_one_copy_failure(void)
{
	char space[32];

	snprintf(space, sizeof(space), "%lu", POISON_AT * PAGE + 1);
	if (write_file(FAIL_COPY "task-filter", "Y") ||
	    write_file(FAIL_COPY "verbose", "0") ||
	    write_file(FAIL_COPY "errno", "133") ||
	    write_file(FAIL_COPY "interval", "1") ||
	    write_file(FAIL_COPY "times", "1") ||
	    write_file(FAIL_COPY "space", space) ||
	    write_file(FAIL_COPY "probability", "100"))
		return -1;
	return 0;
}

static void stop_copy_failures(void)
{
	write_file(FAIL_COPY "probability", "0");
	write_file(FAIL_COPY "space", "0");
	write_file(FAIL_COPY "times", "1");
}

/*
 * The copy of one folio in the middle of a batch reports a memory error:
 * the batch commits every other folio, that one is restored unread
 * (pgmigrate_copy_fail), and migrate_pages() retries it alone, as it does
 * every folio a batch failed; the error was injected once, so the retry
 * moves it.  Every byte arrives.
 */
static void poison_copy(const char *backend)
{
	bool none[POISON_PAGES] = {};
	int status[POISON_PAGES], misplaced, unreadable;
	long wrong, fail0 = vmstat("pgmigrate_copy_fail");
	long batched0 = vmstat("pgmigrate_copy_batched"), fail1, batched1;
	char saved[128] = "";
	char *p = tagged_pages(0);

	if (!p || read_file(POLICY_SYSCALL, saved, sizeof(saved)) ||
	    write_file(POLICY_SYSCALL, backend)) {
		tap(false, "copy_ehwpoison@%s (setup)", backend);
		return;
	}
	if (inject_one_copy_failure()) {
		tap(false, "copy_ehwpoison@%s (no %s)", backend, FAIL_COPY);
		write_file(POLICY_SYSCALL, saved);
		return;
	}
	make_it_fail(1);
	move_all(p, 1, status);
	make_it_fail(0);
	stop_copy_failures();
	write_file(POLICY_SYSCALL, saved);
	fail1 = vmstat("pgmigrate_copy_fail");
	batched1 = vmstat("pgmigrate_copy_batched");

	check_pages(p, 1, none, &misplaced, &wrong, &unreadable);
	tap(fail1 - fail0 == 1 && batched1 - batched0 >= POISON_PAGES - 1 &&
	    !misplaced && !wrong && !unreadable,
	    "copy_ehwpoison@%s (pgmigrate_copy_fail +%ld, batch-copied +%ld; %d pages not moved, %ld words wrong)",
	    backend, fail1 - fail0, batched1 - batched0, misplaced, wrong);
	munmap(p, POISON_PAGES * PAGE);
}

/* A page poisoned before the call: it alone fails, the rest moves intact. */
static bool poison_before(void)
{
	bool poisoned[POISON_PAGES] = {};
	int status[POISON_PAGES], misplaced, unreadable, others = 0;
	long wrong;
	char *p = tagged_pages(0);

	if (!p || madvise(p + POISON_AT * PAGE, PAGE, MADV_HWPOISON)) {
		tap(false, "madv_hwpoison_before (%s)", strerror(errno));
		return false;
	}
	poisoned[POISON_AT] = true;
	move_all(p, 1, status);
	for (int i = 0; i < POISON_PAGES; i++)
		others += i != POISON_AT && status[i] != 1;
	check_pages(p, 1, poisoned, &misplaced, &wrong, &unreadable);
	/* 7.3 finds no folio behind the poisoned entry: -ENOENT */
	tap(status[POISON_AT] == -ENOENT && !others && !misplaced && !wrong &&
	    unreadable == 1,
	    "madv_hwpoison_before (poisoned page: %s; %d others not moved, %d misplaced, %ld words wrong, %d unreadable)",
	    status[POISON_AT] < 0 ? strerror(-status[POISON_AT]) : "moved",
	    others, misplaced, wrong, unreadable);
	munmap(p, POISON_PAGES * PAGE);
	return unreadable == 1;
}

struct race {
	char *p;
	bool poisoned[POISON_PAGES];	/* chosen for MADV_HWPOISON */
	int chosen, hits, last_err;
	_Atomic bool stop;
};

static void *race_poisoner(void *arg)
{
	struct race *r = arg;
	unsigned int seed = 0x9015;

	/* Eight pages, each while the mover may have it in a batch */
	for (int k = 0; k < 8; k++) {
		int pg = 1 + rnd(&seed, POISON_PAGES - 2);

		usleep(rnd(&seed, 20000));
		if (r->poisoned[pg])
			continue;
		r->poisoned[pg] = true;
		r->chosen++;
		if (!madvise(r->p + pg * PAGE, PAGE, MADV_HWPOISON))
			r->hits++;
		else
			r->last_err = errno;
	}
	atomic_store(&r->stop, true);
	return NULL;
}

/*
 * Pages poisoned while they migrate back and forth; then every page is
 * moved to node 1 once more.  Returns the pages lost.
 */
static int poison_during(void)
{
	struct race r = { .p = tagged_pages(0) };
	int status[POISON_PAGES], misplaced, unreadable, moves = 0;
	long wrong;
	pthread_t t;

	if (!r.p) {
		tap(false, "madv_hwpoison_during (setup)");
		return 0;
	}
	pthread_create(&t, NULL, race_poisoner, &r);
	while (!atomic_load(&r.stop))
		move_all(r.p, ++moves % 2, status);
	pthread_join(t, NULL);
	move_all(r.p, 1, status);
	/*
	 * memory_failure() may poison a page it then reports as not handled
	 * (it was migrating): the page is lost all the same.  Only chosen
	 * pages may be unreadable, and every readable page is intact.
	 */
	check_pages(r.p, 1, r.poisoned, &misplaced, &wrong, &unreadable);
	tap(!wrong && !misplaced && unreadable && unreadable <= r.chosen,
	    "madv_hwpoison_during (%d moves; %d pages poisoned: madvise %d ok, last error %s; %d unreadable; %d others not moved; %ld words wrong)",
	    moves, r.chosen, r.hits, r.last_err ? strerror(r.last_err) : "none",
	    unreadable, misplaced, wrong);
	munmap(r.p, POISON_PAGES * PAGE);
	return unreadable;
}

static int cmd_poison(int argc, char **argv)
{
	int lost;

	printf("1..%d\n", argc + 2);
	for (int i = 0; i < argc; i++)
		poison_copy(argv[i]);
	lost = poison_before();
	lost += poison_during();
	printf("# stat hwpoison_pages %d\n", lost);
	return failed;
}

/* ------------------------------------------------------------------ */
/* sysctl: bad input changes nothing                                   */

struct knob {
	const char *path;
	const char *bad[12];
};

#define POLICY_BAD { "nosuch", "auto serial", "serial multithreaded",	\
	"multithreaded multithreaded", "multithreaded dma test-module dma", \
	"\n", " ", "-1", "serial\0dma", "HUGE", NULL }
#define POLICY(name) { "/proc/sys/vm/migrate_copy/" name, POLICY_BAD }

static const struct knob knobs[] = {
	POLICY("compaction"), POLICY("memory_failure"), POLICY("memory_hotplug"),
	POLICY("syscall_or_cpuset"), POLICY("mempolicy_mbind"),
	POLICY("numa_misplaced"), POLICY("contig_range"), POLICY("longterm_pin"),
	POLICY("demotion"), POLICY("damon"),
	{ "/proc/sys/vm/migrate_copy_threads", { "0", "-1", "MAX+1",
	  "2147483648", "99999999999999999999", "abc", "1x", "\n", NULL } },
	{ "/proc/sys/vm/kmigrated_enabled", { "2", "-1", "4294967297", "abc",
	  "1x", "\n", NULL } },
	{ "/proc/sys/vm/kmigrated_queue_pages", { "262145", "-1", "4294967296",
	  "abc", "1x", "\n", NULL } },
	{ "/sys/module/dcbm/parameters/max_channels", { "0", "65", "-1",
	  "4294967297", "abc", "\n", "HUGE", NULL } },
	{ "/sys/module/dcbm/parameters/timeout_ms", { "0", "60001", "-1",
	  "4294967297", "abc", NULL } },
	{ "/sys/module/dcbm/parameters/max_inflight", { "0", "1025", "-1",
	  "4294967297", "abc", NULL } },
	{ "/sys/module/dcbm/parameters/chunk_kb", { "3", "2049", "-1",
	  "4294967297", "abc", NULL } },
	{ "/sys/module/dcbm/parameters/public_channels", { "3", "-1",
	  "4294967297", "abc", NULL } },
	{ "/sys/module/dcbm/parameters/calibrate", { "maybe", "2", "-1", NULL } },
	{ "/sys/module/dcbm/parameters/mc_safe", { "1", "0", NULL } },
	{ "/sys/module/dmasim/parameters/bandwidth_mbps", { "10001", "-1",
	  "4294967297", "abc", NULL } },
	{ "/sys/module/dmasim/parameters/latency_us", { "100001", "-1",
	  "4294967297", "abc", NULL } },
	{ "/sys/module/dmasim/parameters/out_of_order", { "maybe", "-1", NULL } },
	{ "/sys/module/dmasim/parameters/fail_every", { "-1", "4294967296",
	  "abc", NULL } },
	{ "/sys/module/dmasim/parameters/stuck_every", { "-1", "4294967296",
	  "abc", NULL } },
	{ FAIL_COPY "errno", { "0", "22", "-5", "abc", "134", NULL } },
};

/*
 * The one bad value with an embedded NUL, "serial\0dma", reads as "serial"
 * (no knob lists "serial" itself as bad): write all its bytes.
 */
static size_t bad_len(const char *v)
{
	return strcmp(v, "serial") ? strlen(v) : sizeof("serial\0dma") - 1;
}

static int write_raw(const char *path, const char *val, size_t len)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	n = n < 0 ? -errno : n == (ssize_t)len ? 0 : -EMSGSIZE;
	close(fd);
	return n;
}

/* Whether the unprivileged user can write @path (in a child) */
static bool nobody_can_write(const char *path, const char *val)
{
	pid_t pid = fork();
	int status;

	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		_exit(write_file(path, val) ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

static void check_knob(const struct knob *k)
{
	static char huge[5000];
	char before[256], after[256], max1[32], why[512] = "";
	const char *name = strrchr(k->path, '/') + 1;
	int refused = 0, tried = 0;

	if (read_file(k->path, before, sizeof(before))) {
		tap(false, "%s (cannot read %s)", name, k->path);
		return;
	}
	for (int i = 0; k->bad[i]; i++) {
		const char *v = k->bad[i];
		size_t len = bad_len(v);
		int err;

		if (!strcmp(v, "MAX+1")) {
			snprintf(max1, sizeof(max1), "%d", 1 + (int)sysconf(_SC_NPROCESSORS_CONF));
			v = max1;
			len = strlen(v);
		} else if (!strcmp(v, "HUGE")) {
			/* More than a page, longer than any buffer a knob has */
			memset(huge, 'a', sizeof(huge) - 1);
			v = huge;
			len = sizeof(huge) - 1;
		}
		tried++;
		err = write_raw(k->path, v, len);
		if (read_file(k->path, after, sizeof(after)))
			after[0] = '\0';
		if (err && err != -EMSGSIZE && !strcmp(before, after)) {
			refused++;
			continue;
		}
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
			 " \"%.16s\" %s;", v[0] == '\n' ? "\\n" : v,
			 err ? "changed the value" : "accepted");
		/* Put it back for the next value */
		write_file(k->path, before);
	}
	/* A write of nothing, refused or not, changes nothing either */
	tried++;
	write_raw(k->path, "", 0);
	if (!read_file(k->path, after, sizeof(after)) && !strcmp(before, after))
		refused++;
	else
		strcat(why, " empty write;");
	tried++;
	if (!nobody_can_write(k->path, before) && !read_file(k->path, after, sizeof(after)) &&
	    !strcmp(before, after))
		refused++;
	else
		strcat(why, " written by nobody;");
	tap(refused == tried, "%s (%d of %d bad writes refused, value kept%s%s)",
	    name, refused, tried, why[0] ? ":" : "", why);
}

/* Names the series does not add cannot be created next to its own */
static void check_unknown(void)
{
	static const char * const paths[] = {
		"/proc/sys/vm/migrate_copy/nosuch",
		"/proc/sys/vm/kmigrated_nosuch",
		"/sys/module/dcbm/parameters/nosuch",
	};
	int created = 0;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_WRONLY | O_CREAT, 0644);

		if (fd >= 0) {
			created++;
			diag("%s could be created", paths[i]);
			close(fd);
		}
	}
	tap(!created, "unknown_names (%d created)", created);
}

static int cmd_sysctl(void)
{
	size_t n = sizeof(knobs) / sizeof(knobs[0]);

	printf("1..%zu\n", n + 1);
	for (size_t i = 0; i < n; i++)
		check_knob(&knobs[i]);
	check_unknown();
	return failed;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	setvbuf(stdout, NULL, _IOLBF, 0);
	sigaction(SIGBUS, &sa, NULL);
	if (numa_available() < 0 || numa_num_configured_nodes() < NODES) {
		printf("1..0 # SKIP needs %d NUMA nodes\n", NODES);
		return 0;
	}
	if (argc >= 5 && !strcmp(argv[1], "run"))
		return cmd_run(atoi(argv[2]), atoi(argv[3]), atol(argv[4]),
			       argc > 5 ? argv[5] : NULL);
	if (argc >= 2 && !strcmp(argv[1], "poison"))
		return cmd_poison(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "sysctl"))
		return cmd_sysctl();
	fprintf(stderr, "usage: %s run SECONDS PROCS MIB [CGROUP] | poison [BACKEND...] | sysctl\n",
		argv[0]);
	return 2;
}

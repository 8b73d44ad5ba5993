// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-demo: show page migration moving a live process's memory.
 *
 *   migrate-demo MB        allocate MB of anonymous memory on node 0, fill
 *                          it with a per-page pattern, then wait: another
 *                          program (migratepages) moves it.  On SIGUSR1 it
 *                          prints where its pages are and checks every
 *                          byte; on SIGTERM it exits.
 *   migrate-demo -m MB     same memory, but move it itself with
 *                          move_pages(): node 0 -> 1 -> 2 -> 0, printing
 *                          per-node page counts and throughput per step.
 *
 * Exit status is non-zero when a byte changed or a page did not move.
 */
#define _GNU_SOURCE
#include <numa.h>
#include <numaif.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_NODES 8

static char *buf;
static size_t npages, page_size;
static void **pages;
static int *status;
static volatile sig_atomic_t report, quit;

static void fill(void)
{
	for (size_t i = 0; i < npages; i++)
		memset(buf + i * page_size, (int)(i * 7 + 1), page_size);
}

static int verify(void)
{
	for (size_t i = 0; i < npages; i++) {
		const unsigned char want = (unsigned char)(i * 7 + 1);
		const unsigned char *p = (unsigned char *)buf + i * page_size;

		for (size_t j = 0; j < page_size; j++)
			if (p[j] != want) {
				printf("page %zu byte %zu: %#x, want %#x\n",
				       i, j, p[j], want);
				return -1;
			}
	}
	return 0;
}

/* Print how many pages sit on each node; return the count on @node. */
static long show_nodes(const char *when, int node)
{
	long count[MAX_NODES] = { 0 };

	if (move_pages(0, npages, pages, NULL, status, 0)) {
		perror("move_pages(query)");
		return -1;
	}
	for (size_t i = 0; i < npages; i++)
		if (status[i] >= 0 && status[i] < MAX_NODES)
			count[status[i]]++;
	printf("%-22s", when);
	for (int n = 0; n <= numa_max_node(); n++)
		printf(" node%d=%-7ld", n, count[n]);
	printf("\n");
	return node >= 0 ? count[node] : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int move_all(int node)
{
	int *nodes = malloc(npages * sizeof(*nodes));
	double t;
	long rc;

	for (size_t i = 0; i < npages; i++)
		nodes[i] = node;
	t = now();
	rc = move_pages(0, npages, pages, nodes, status, MPOL_MF_MOVE);
	t = now() - t;
	free(nodes);
	if (rc) {
		printf("move_pages to node %d: %ld (%m)\n", node, rc);
		return -1;
	}
	printf("moved %zu MB to node %d in %.3f s: %.1f MB/s\n",
	       npages * page_size >> 20, node, t,
	       (npages * page_size >> 20) / t);
	return 0;
}

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		report = 1;
	else
		quit = 1;
}

int main(int argc, char **argv)
{
	int self = argc > 2 && !strcmp(argv[1], "-m");
	size_t mb = argc > 1 ? strtoul(argv[argc - 1], NULL, 0) : 0;
	static const int route[] = { 1, 2, 0 };
	int ret = 0;

	if (!mb || numa_available() < 0 || numa_max_node() < 2) {
		fprintf(stderr, "usage: %s [-m] MB (needs 3 NUMA nodes)\n",
			argv[0]);
		return 2;
	}
	page_size = sysconf(_SC_PAGESIZE);
	npages = (mb << 20) / page_size;
	buf = numa_alloc_onnode(mb << 20, 0);
	pages = malloc(npages * sizeof(*pages));
	status = malloc(npages * sizeof(*status));
	if (!buf || !pages || !status)
		return 2;
	madvise(buf, mb << 20, MADV_NOHUGEPAGE);
	fill();
	for (size_t i = 0; i < npages; i++)
		pages[i] = buf + i * page_size;
	if (show_nodes("allocated:", 0) != (long)npages) {
		printf("FAIL: not all pages on node 0\n");
		return 1;
	}

	if (self) {
		for (int i = 0; i < 3 && !ret; i++) {
			char when[32];

			ret = move_all(route[i]);
			snprintf(when, sizeof(when), "after move to %d:", route[i]);
			if (!ret && show_nodes(when, route[i]) != (long)npages) {
				printf("FAIL: pages left behind\n");
				ret = 1;
			}
		}
	} else {
		signal(SIGUSR1, on_signal);
		signal(SIGTERM, on_signal);
		printf("pid %d ready\n", getpid());
		fflush(stdout);
		while (!quit) {
			pause();
			if (report) {
				report = 0;
				show_nodes("now:", -1);
				printf("data %s\n", verify() ? "CORRUPT" : "intact");
				fflush(stdout);
			}
		}
	}
	if (verify()) {
		printf("FAIL: data changed during migration\n");
		ret = 1;
	} else {
		printf("all %zu pages intact\n", npages);
	}
	return ret;
}

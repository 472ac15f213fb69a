/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * espgw: bring-up only. EAL arguments, then `--` and espgw's own options;
 * load the configuration (refuse to start on any error), build the gateway,
 * run workers and the control lcore, stop cleanly on SIGINT/SIGTERM.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include "gw.h"
#include "log.h"

RTE_LOG_REGISTER_DEFAULT(espgw_logtype, INFO);

/* The signal handler's only way to reach the gateway. */
static struct gw *signal_gw;

static void on_signal(int sig)
{
	(void)sig;
	if (signal_gw != NULL)
		__atomic_store_n(&signal_gw->running, 0, __ATOMIC_RELAXED);
}

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [EAL options] -- -f FILE [options]\n"
		"       %s --check -f FILE\n"
		"\n"
		"IPsec gateway on DPDK. EAL options (-l, -a, --vdev, -m, --file-prefix, ...)\n"
		"come first; espgw's own options follow `--`.\n"
		"\n"
		"  -f, --config FILE     gateway configuration (YAML), required\n"
		"  -c, --check           validate the configuration and exit (no EAL needed)\n"
		"      --idle-sleep USEC sleep USEC after an empty poll round (0: busy poll,\n"
		"                        the default; set it on shared or virtual machines)\n"
		"  -V, --version         print the version and exit\n"
		"  -h, --help            this text\n"
		"\n"
		"Lcores: the main lcore runs the control loop, every other lcore of -l is a\n"
		"worker with its own RX/TX queue on each port. With one lcore, the main\n"
		"lcore does both.\n", prog, prog);
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v > max || s[0] == '-')
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

/* 0: go on; 1: done, exit 0; -1: error, exit 1 */
static int parse_app_args(int argc, char **argv, struct gw_options *opt)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "check", no_argument, NULL, 'c' },
		{ "idle-sleep", required_argument, NULL, 'i' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:cVh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			opt->conf_path = optarg;
			break;
		case 'c':
			opt->check_only = true;
			break;
		case 'i':
			if (parse_uint(optarg, 1000000, &opt->idle_sleep_us) < 0) {
				fprintf(stderr, "espgw: --idle-sleep wants microseconds "
					"0..1000000, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'V':
			printf("espgw %s\n", ESPGW_VERSION);
			return 1;
		case 'h':
			usage(stdout, argv[0]);
			return 1;
		default:
			usage(stderr, argv[0]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "espgw: unexpected argument '%s' (EAL options go before `--`)\n",
			argv[optind]);
		return -1;
	}
	if (opt->conf_path == NULL) {
		fprintf(stderr, "espgw: no configuration file: give -f FILE\n");
		return -1;
	}
	return 0;
}

/* argv[0..eal_argc) are EAL's; espgw's own start after "--". Without
 * "--" everything is espgw's (so `espgw --check -f x` needs no EAL). */
static int split_args(int argc, char **argv, int *eal_argc)
{
	int i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			*eal_argc = i;
			return i;
		}
	*eal_argc = 0;
	return 0;
}

static int load_conf(struct conf *conf, const char *path)
{
	char err[CONF_ERR_MAX];

	if (conf_load(path, conf, err, sizeof(err)) != 0) {
		fprintf(stderr, "espgw: %s\n", err);
		return -1;
	}
	return 0;
}

static void run(struct gw *gw)
{
	unsigned int i;

	for (i = 0; i < gw->n_workers; i++)
		if (gw->workers[i]->lcore != gw->ctrl_lcore)
			rte_eal_remote_launch(worker_main, gw->workers[i], gw->workers[i]->lcore);
	ctrl_main(gw->ctrl);
	rte_eal_mp_wait_lcore();
}

int main(int argc, char **argv)
{
	static struct gw gw; /* large (per-lcore counters): not on the stack */
	static struct conf conf;
	int eal_argc, split, rc;

	split = split_args(argc, argv, &eal_argc);
	argv[split] = argv[0];
	rc = parse_app_args(argc - split, argv + split, &gw.opt);
	if (rc != 0)
		return rc > 0 ? 0 : 1;
	if (load_conf(&conf, gw.opt.conf_path) < 0)
		return 1;
	if (gw.opt.check_only) {
		printf("%s: OK (%u interfaces, %u routes, %u static neighbours, "
		       "%u SAs, %u policies)\n", conf.path, conf.n_ifaces, conf.n_routes,
		       conf.n_neighs, conf.n_sas, conf.n_policies);
		conf_wipe(&conf);
		return 0;
	}
	argv[split] = (char *)"--";
	if (eal_argc == 0) {
		fprintf(stderr, "espgw: EAL options missing: espgw [EAL options] -- -f FILE\n");
		return 1;
	}
	if (rte_eal_init(eal_argc, argv) < 0) {
		fprintf(stderr, "espgw: EAL initialisation failed: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	gw.running = 1;
	rc = gw_build(&gw, &conf);
	if (rc == 0)
		rc = telemetry_register(&gw);
	if (rc != 0) {
		GW_LOG(ERR, "start-up failed: %s", strerror(-rc));
		gw_teardown(&gw);
		rte_eal_cleanup();
		return 1;
	}
	signal_gw = &gw;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	GW_LOG(INFO, "running: %u worker(s), control on lcore %u", gw.n_workers,
	       gw.ctrl_lcore);
	printf("espgw: running (%s)\n", conf.path);
	fflush(stdout);
	run(&gw);
	printf("espgw: stopping\n");
	stats_print(&gw, stdout);
	gw_teardown(&gw);
	rte_eal_cleanup();
	return 0;
}

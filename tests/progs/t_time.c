/* t_time: clocks, nanosleep, gettimeofday, gmtime/timegm/strftime of fixed times. */
#define _GNU_SOURCE
#include "check.h"
#include <sys/time.h>
#include <time.h>

static long long ns(const struct timespec *t)
{
	return (long long)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void clocks(void)
{
	struct timespec a, b, res;
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	for (int i = 0; i < 10000; i++) {
		CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
		CHECK(b.tv_nsec >= 0 && b.tv_nsec < 1000000000L);
		CHECK(ns(&b) >= ns(&a));
		a = b;
	}
	CHECK_EQ(clock_getres(CLOCK_MONOTONIC, &res), 0);
	CHECK(res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 10000000L);

	struct timespec rt;
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &rt), 0);
	CHECK(rt.tv_sec > 1577836800); /* after 2020-01-01 */
	struct timeval tv;
	CHECK_EQ(gettimeofday(&tv, NULL), 0);
	CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000);
	CHECK(tv.tv_sec >= rt.tv_sec && tv.tv_sec - rt.tv_sec < 5);
	time_t now = time(NULL);
	CHECK(now >= rt.tv_sec && now - rt.tv_sec < 5);
	errno = 0;
	CHECK_ERR(clock_gettime((clockid_t)12345, &rt), EINVAL);
	printf("clocks: monotonic non-decreasing, realtime after 2020\n");
}

static void sleeping(void)
{
	struct timespec a, b, req = {0, 10000000L}, rem = {7, 7};
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	CHECK_EQ(nanosleep(&req, &rem), 0);
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	CHECK(ns(&b) - ns(&a) >= 10000000LL);
	CHECK(ns(&b) - ns(&a) < 2000000000LL);

	struct timespec bad = {0, 1000000000L};
	CHECK_ERR(nanosleep(&bad, NULL), EINVAL);

	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
	CHECK_EQ(usleep(5000), 0);
	CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	CHECK(ns(&b) - ns(&a) >= 5000000LL);
	printf("nanosleep: 10 ms took at least 10 ms\n");
}

static void calendar(void)
{
	static const struct {
		time_t t;
		const char *want;
	} cases[] = {
		{0, "1970-01-01 00:00:00 Thu Jan 001 wday=4"},
		{-1, "1969-12-31 23:59:59 Wed Dec 365 wday=3"},
		{951782400, "2000-02-29 00:00:00 Tue Feb 060 wday=2"},
		{1700000000, "2023-11-14 22:13:20 Tue Nov 318 wday=2"},
		{2147483648LL, "2038-01-19 03:14:08 Tue Jan 019 wday=2"},
		{4102444800LL, "2100-01-01 00:00:00 Fri Jan 001 wday=5"},
	};
	char out[64];
	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tm tm;
		CHECK(gmtime_r(&cases[i].t, &tm) != NULL);
		size_t n = strftime(out, sizeof out, "%Y-%m-%d %H:%M:%S %a %b %j wday=%w", &tm);
		printf("gmtime %lld: %s\n", (long long)cases[i].t, out);
		CHECK(n > 0);
		CHECK_STR(out, cases[i].want);
		CHECK_EQ(timegm(&tm), cases[i].t);
	}
	time_t t = 1700000000;
	struct tm *tm = gmtime(&t);
	CHECK(tm != NULL);
	CHECK_EQ(tm->tm_year, 123);
	CHECK_EQ(tm->tm_yday, 317);
	CHECK_EQ(strftime(out, 4, "%Y-%m", tm), 0); /* does not fit */
	struct tm norm = {.tm_year = 100, .tm_mon = 1, .tm_mday = 30}; /* 2000-02-30 */
	CHECK_EQ(timegm(&norm), 951868800);
	CHECK_EQ(norm.tm_mon, 2);
	CHECK_EQ(norm.tm_mday, 1);
}

int main(void)
{
	check_init();
	clocks();
	sleeping();
	calendar();
	CHECK_DONE("t_time");
}

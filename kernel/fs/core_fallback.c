/* core_fallback.c: weak stand-ins for what the file layer needs from the process core
 * (files.h, uaccess.h, wait.h, and the clocks named in vfs.h), so the kernel links and the
 * shell works before (or without) the core's strong definitions, which replace these.
 * User memory is plain memory below USER_TOP; sleeping is one `hlt` with interrupts on;
 * there is one default descriptor table (fds 0-2 on the console) and fs context. */
#include "vfs.h"
#include "lib.h"
#include "uaccess.h"

#define WEAK __attribute__((weak))

WEAK bool user_range_ok(uint64_t uaddr, size_t n)
{
	return uaddr < USER_TOP && n <= USER_TOP - uaddr;
}

WEAK long copy_from_user(void *dst, uint64_t usrc, size_t n)
{
	if (!user_range_ok(usrc, n) || (n && !usrc))
		return -EFAULT;
	memcpy(dst, (const void *)usrc, n);
	return 0;
}

WEAK long copy_to_user(uint64_t udst, const void *src, size_t n)
{
	if (!user_range_ok(udst, n) || (n && !udst))
		return -EFAULT;
	memcpy((void *)udst, src, n);
	return 0;
}

WEAK long strncpy_from_user(char *dst, uint64_t usrc, size_t max)
{
	if (!usrc)
		return -EFAULT;
	for (size_t i = 0; i < max; i++) {
		if (!user_range_ok(usrc + i, 1))
			return -EFAULT;
		dst[i] = ((const char *)usrc)[i];
		if (!dst[i])
			return (long)i;
	}
	return -ENAMETOOLONG;
}

WEAK void waitq_init(struct waitq *q) { q->first = NULL; }

WEAK long waitq_sleep(struct waitq *q)
{
	(void)q;
	__asm__ volatile("sti; hlt; cli" ::: "memory"); /* until the next interrupt */
	return 0;
}

WEAK long waitq_sleep_until(struct waitq *q, uint64_t deadline_ns)
{
	(void)deadline_ns;
	return waitq_sleep(q);
}

WEAK void waitq_wake_all(struct waitq *q) { (void)q; }

WEAK uint64_t irq_save(void)
{
	uint64_t flags;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
	return flags & (1 << 9);
}

WEAK void irq_restore(uint64_t state)
{
	if (state)
		__asm__ volatile("sti" ::: "memory");
}

WEAK struct fdtable *current_fdtable(void)
{
	static struct fdtable *t;
	if (!t)
		t = fdtable_new_console();
	return t;
}

WEAK struct fs_context *current_fs_context(void)
{
	static struct fs_context *f;
	if (!f)
		f = fs_context_new();
	return f;
}

WEAK const char *current_name(void) { return "kernel"; }
WEAK int current_pid(void) { return 0; }

WEAK long signal_send(int pid, int sig)
{
	(void)pid, (void)sig;
	return -ESRCH;
}

WEAK int console_foreground_pid(void) { return 0; }
WEAK void sigmask_set_temporary(uint64_t mask) { (void)mask; }
WEAK void sigmask_restore(bool interrupted) { (void)interrupted; }
WEAK uint64_t time_monotonic_ns(void) { return 0; }
WEAK uint64_t time_realtime_ns(void) { return 0; }

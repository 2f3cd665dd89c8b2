/* hostile: system calls with values meant to hurt the kernel. Each case runs in a child;
 * the kernel must answer with an error or end the child, never fault itself. Prints one
 * line per case and "hostile: done". */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void run(const char *name, void (*fn)(void))
{
	fflush(stdout);
	pid_t c = fork();
	if (c == 0) {
		fn();
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	if (WIFSIGNALED(st))
		printf("%s: signal %d\n", name, WTERMSIG(st));
	else
		printf("%s: exit %d\n", name, WEXITSTATUS(st));
}

static long raw(long n, long a, long b, long c, long d, long e, long f)
{
	long r;
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return r;
}

static void bad_sigreturn(void) { raw(SYS_rt_sigreturn, 0, 0, 0, 0, 0, 0); }

static void noncanon_sigreturn(void)
{
	/* a frame whose rip is not canonical, on our own stack */
	static unsigned long frame[128];
	memset(frame, 0, sizeof(frame));
	frame[1 + 2 + 3 + 16] = 0x0000900000000000UL; /* uc_mcontext.rip: after pretcode, flags, link, stack */
	__asm__ volatile("movq %0, %%rsp; movq $15, %%rax; syscall" ::"r"(&frame[1]) : "memory");
}

static void noncanon_handler(void)
{
	struct {
		unsigned long handler, flags, restorer, mask;
	} sa = {0x0000900000000000UL, 0x04000000 /* SA_RESTORER */, 0x401000, 0};
	raw(SYS_rt_sigaction, SIGUSR1, (long)&sa, 0, 8, 0, 0);
	raw(SYS_kill, getpid(), SIGUSR1, 0, 0, 0, 0);
}

static void bad_tls(void) { _exit(-raw(SYS_clone, SIGCHLD | 0x00080000 /* SETTLS */, 0, 0, 0, 0x0000900000000000L, 0) == EPERM ? 0 : 1); }
static void bad_fs(void) { _exit(-raw(SYS_arch_prctl, 0x1002, 0xffff800000000000L, 0, 0, 0, 0) == EPERM ? 0 : 1); }

static void bad_execve(void)
{
	int ok = -raw(SYS_execve, 0, 0, 0, 0, 0, 0) == EFAULT;
	ok &= -raw(SYS_execve, (long)"/bin/hello", 0xffff800000000000L, 0, 0, 0, 0) == EFAULT;
	char *argv[] = {"hello", (char *)0x10, NULL};
	ok &= -raw(SYS_execve, (long)"/bin/hello", (long)argv, 0, 0, 0, 0) == EFAULT;
	char *good[] = {"motd", NULL};
	ok &= -raw(SYS_execve, (long)"/etc/motd", (long)good, 0, 0, 0, 0) == ENOEXEC;
	ok &= -raw(SYS_execve, (long)"/no/such", (long)good, 0, 0, 0, 0) == ENOENT;
	_exit(ok ? 0 : 1);
}

static void bad_mmap(void)
{
	int ok = raw(SYS_mmap, 0, 0, 3, 0x22, -1, 0) == -EINVAL;
	ok &= raw(SYS_mmap, 0x0000800000000000L - 4096, 8192, 3, 0x32, -1, 0) == -ENOMEM; /* FIXED past the top: ENOMEM, as Linux */
	ok &= raw(SYS_mmap, 0, -4096L, 3, 0x22, -1, 0) == -ENOMEM;
	ok &= raw(SYS_munmap, 0xffff800000000000L, 4096, 0, 0, 0, 0) == -EINVAL;
	ok &= raw(SYS_mprotect, 0xffff800000000000L, 4096, 7, 0, 0, 0) == -ENOMEM;
	ok &= raw(SYS_brk, 0xffff800000000000L, 0, 0, 0, 0, 0) > 0;
	_exit(ok ? 0 : 1);
}

static void unknown_syscall(void) { _exit(raw(400, 0, 0, 0, 0, 0, 0) == -ENOSYS && raw(-1, 0, 0, 0, 0, 0, 0) == -ENOSYS ? 0 : 1); }

static void privileged(void) { __asm__ volatile("cli"); }
static void bad_wait(void) { _exit(raw(SYS_wait4, -1, 0, 0x7fff0000, 0, 0, 0) == -EINVAL ? 0 : 1); }

int main(void)
{
	run("sigreturn-garbage", bad_sigreturn);
	run("sigreturn-noncanonical-rip", noncanon_sigreturn);
	run("handler-noncanonical", noncanon_handler);
	run("clone-bad-tls", bad_tls);
	run("arch_prctl-kernel-fs", bad_fs);
	run("execve-bad-pointers", bad_execve);
	run("mmap-bad-arguments", bad_mmap);
	run("unknown-syscall", unknown_syscall);
	run("cli-in-ring3", privileged);
	run("wait4-bad-options", bad_wait);
	printf("hostile: done\n");
	return 0;
}

/* rawring: an untrusted program (linked -nostartfiles -nostdlib: no crt, no libc, and so no
 * ringzero note), making its system calls with the raw syscall instruction. It prints
 * "rawring: ring=N" from its %cs and exits with status N (0 or 3). Contract 3: it must
 * never run in ring 0, so the expected status is always 3. */
static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

__attribute__((noreturn, used)) static void rawring_main(void)
{
	unsigned short cs;
	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	char msg[] = "rawring: ring=?\n";
	msg[14] = (char)('0' + (cs & 3));
	sys3(1, 1, (long)msg, sizeof msg - 1);   /* write */
	for (;;)
		sys3(231, cs & 3, 0, 0);          /* exit_group */
}

/* The entry: rsp is 16-byte aligned at _start; call keeps the ABI's alignment. */
__asm__(".globl _start\n_start:\n\txor %ebp, %ebp\n\tand $-16, %rsp\n\tcall rawring_main\n\thlt\n");

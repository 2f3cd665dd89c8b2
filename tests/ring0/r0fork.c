/* r0fork: fork in the program's ring (ring 0 under kexec, ring 3 under exec).
 *
 *   child-ring   the child of fork() runs in the parent's ring, with AT_SYSINFO as before
 *   cow          globals, heap (64 pages) and stack written by the child after fork are
 *                unchanged in the parent, and the parent's writes after fork do not reach the
 *                child (copy-on-write both ways); the child sees the values from before fork
 *   regs         a raw fork (SYS_fork through the library's entry, every register set):
 *                parent and child both come back with every register but rax/rcx/r11 intact,
 *                rax = 0 in the child and the child's pid in the parent
 *   grandchild   a child forks again; the grandchild is in the same ring; exit codes pass up
 *   many         50 fork/exit/wait cycles, each child checks its ring
 * Output: "r0fork: ring=N", "r0fork: PART ok" per part, "r0fork: all ok".
 */
#include <sys/syscall.h>
#include <sys/wait.h>
#include "r0test.h"
#include "regs.h"

static int ring;
static long global_word = 1;
static char global_page[4096] = {1};

static int wait_code(pid_t pid)
{
	int st = -1;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1000 + WTERMSIG(st);
}

static void part_child_ring(void)
{
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		char msg[2] = {(char)('0' + cur_ring()), has_sysinfo() ? 'y' : 'n'};
		_exit(write(p[1], msg, 2) == 2 ? 0 : 1);
	}
	char got[2] = {0, 0};
	CHECK_EQ(read(p[0], got, 2), 2);
	CHECK_EQ(got[0], '0' + ring);
	CHECK_EQ(got[1], ring == 0 ? 'y' : 'n');
	CHECK_EQ(wait_code(c), 0);
	close(p[0]);
	close(p[1]);
}

static void part_cow(void)
{
	enum { PAGES = 64 };
	char *heap = malloc(PAGES * 4096);
	CHECK(heap != NULL, "malloc");
	memset(heap, 'p', PAGES * 4096);
	volatile long stack_word = 11;
	global_word = 21;
	global_page[100] = 'g';
	int go[2], done[2];
	CHECK(pipe(go) == 0 && pipe(done) == 0, "pipe");
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		int bad = 0;
		char x;
		bad += stack_word != 11 || global_word != 21 || global_page[100] != 'g';
		for (int i = 0; i < PAGES; i++)
			bad += heap[i * 4096 + 7] != 'p';
		stack_word = 12;
		global_word = 22;
		global_page[100] = 'c';
		memset(heap, 'c', PAGES * 4096);
		bad += write(done[1], "1", 1) != 1;
		bad += read(go[0], &x, 1) != 1; /* the parent has written its own values by now */
		bad += stack_word != 12 || global_word != 22 || global_page[100] != 'c';
		for (int i = 0; i < PAGES; i++)
			bad += heap[i * 4096 + 9] != 'c';
		_exit(bad ? 1 : 42);
	}
	char x;
	CHECK_EQ(read(done[0], &x, 1), 1); /* the child has written everything */
	CHECK_EQ(stack_word, 11);
	CHECK_EQ(global_word, 21);
	CHECK_EQ(global_page[100], 'g');
	int bad = 0;
	for (int i = 0; i < PAGES * 4096; i++)
		bad += heap[i] != 'p';
	CHECK_EQ(bad, 0);
	stack_word = 13;
	global_word = 23;
	memset(heap, 'q', PAGES * 4096);
	CHECK_EQ(write(go[1], "g", 1), 1);
	CHECK_EQ(wait_code(c), 42);
	CHECK_EQ(stack_word, 13);
	CHECK_EQ(global_word, 23);
	free(heap);
	close(go[0]); close(go[1]); close(done[0]); close(done[1]);
}

static void report(const char *name, uint64_t want, uint64_t got)
{
	printf("FAIL r0fork: register %s: want %#llx got %#llx\n", name,
	       (unsigned long long)want, (unsigned long long)got);
	r0_failures++;
}

static void part_regs(void)
{
	struct regset in, out;
	regs_fill(&in, 0xf0);
	in.rax = SYS_fork;
	regs_call(&in, &out, REGS_CALL_ENTRY);
	long r = (long)out.rax;
	if (r == 0) {
		/* the child: a raw fork left libc's cached thread id alone, so only _exit here */
		int bad = regs_diff(&in, &out, REG_BIT(rax) | REG_BIT(rcx) | REG_BIT(r11), NULL);
		bad += cur_ring() != ring;
		_exit(bad ? 1 : 43);
	}
	CHECK(r > 0, "raw fork returned %ld", r);
	CHECK_EQ(regs_diff(&in, &out, REG_BIT(rax) | REG_BIT(rcx) | REG_BIT(r11), report), 0);
	if (r > 0)
		CHECK_EQ(wait_code((pid_t)r), 43);
}

static void part_grandchild(void)
{
	pid_t c = fork();
	CHECK(c >= 0, "fork");
	if (c == 0) {
		pid_t g = fork();
		if (g < 0)
			_exit(2);
		if (g == 0)
			_exit(cur_ring() == ring ? 5 : 6);
		int code = wait_code(g);
		_exit(code == 5 && cur_ring() == ring ? 7 : 8);
	}
	CHECK_EQ(wait_code(c), 7);
}

static void part_many(void)
{
	int bad = 0;
	for (int i = 0; i < 50; i++) {
		pid_t c = fork();
		if (c == 0)
			_exit(cur_ring() == ring ? i : 100 + i);
		bad += c < 0 || wait_code(c) != i;
	}
	CHECK_EQ(bad, 0);
}

int main(void)
{
	ring = r0_start("r0fork");
	R0_PART("child-ring", part_child_ring());
	R0_PART("cow", part_cow());
	R0_PART("regs", part_regs());
	R0_PART("grandchild", part_grandchild());
	R0_PART("many", part_many());
	R0_DONE();
}

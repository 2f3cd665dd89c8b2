/* proc.c: processes. Owns fork/vfork/clone (process-like flags and threads), execve (the
 * loader fills a fresh address space, then the old one is dropped at the point of no
 * return; the ring follows contract 3: see exec_core; a `#!` script runs its interpreter,
 * exec_script.c), exit/exit_group with reparenting to
 * the shell's task, wait4 (Linux status encoding, WNOHANG), the process limit, and the
 * shell's spawn/wait. Does not own address-space mechanics (mm/vm.c), signals
 * (signal.c) or scheduling (sched.c). */
#include "proc.h"
#include "ipc.h"
#include "files.h"
#include "gdt.h"
#include "lib.h"
#include "../../loader/loader.h"
#include "memlayout.h"
#include "mm.h"
#include "syscall.h"
#include "uaccess.h"
#include "vdso.h"
#include "vm.h"
#include "x86.h"
#include "exec_script.h"
#include "pagecache.h"
#include "fs.h"
#include "trace.h"
#include <asm-generic/errno.h>
#include <asm-generic/siginfo.h>
#include <asm/signal.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/wait.h>

#define MSR_FS_BASE        0xc0000100
#define MSR_KERNEL_GS_BASE 0xc0000102
#define USER_IMAGE_LIMIT   0x0000700000000000ULL /* segments stay below mmap and the stack */
#define PIE_BASE           0x0000555555554000ULL
#define ARG_BYTES          (128 * 1024)
#define ARG_MAX_COUNT      1024
#define STACK_AREA_MIN     (128ULL << 10)  /* Linux's ARG_MAX: the arguments always fit */
#define STACK_AREA_MAX     (1ULL << 30)    /* RLIMIT_STACK unlimited (or above): 1 GiB */

int foreground_pid;
static struct waitq vfork_wq;
void getrandom_bytes(void *buf, size_t n);

struct sighand *sighand_copy(struct sighand *s)
{
	struct sighand *n = kmalloc(sizeof(*n));
	if (!n)
		return NULL;
	if (s)
		*n = *s;
	else
		memset(n, 0, sizeof(*n));
	n->users = 1;
	n->group_exit = false;
	n->group_code = 0;
	n->stopped = false;
	n->report = 0;
	return n;
}

static void sighand_put(struct sighand *s)
{
	if (s && --s->users == 0)
		kfree(s);
}

/* --- fork, vfork, clone ---------------------------------------------------------------- */

static long do_clone(uint64_t flags, uint64_t newsp, uint64_t uptid, uint64_t uctid, uint64_t tls)
{
	struct task *p = current;
	if (flags & (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS))
		return -EINVAL; /* namespaces: no */
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SETTLS) && tls >= USER_TOP)
		return -EPERM; /* FS base must be canonical: wrmsr would fault at the switch */
	/* RLIMIT_NPROC is not checked: every process is root, and Linux does not enforce it for
	 * root (rlimit.c). The kernel's own limit on processes stays. */
	if (task_count() > PROC_LIMIT)
		return -EAGAIN;
	struct task *c = task_alloc();
	if (!c)
		return -EAGAIN;
	long err = -ENOMEM;
	if (flags & CLONE_VM) {
		c->mm = p->mm;
		p->mm->users++;
	} else if (!(c->mm = mm_copy(p->mm))) {
		goto fail;
	}
	task_set_files(c, (flags & CLONE_FILES) ? fdtable_get(p->files) : fdtable_clone(p->files));
	c->fs = (flags & CLONE_FS) ? fs_context_get(p->fs) : fs_context_clone(p->fs);
	if (flags & CLONE_SIGHAND) {
		c->sighand = p->sighand;
		p->sighand->users++;
	} else {
		c->sighand = sighand_copy(p->sighand);
	}
	if (!c->files || !c->fs || !c->sighand)
		goto fail;
	*c->tf = *p->tf;
	c->tf->rax = 0;
	c->tf->vector = 0;
	if (newsp)
		c->tf->rsp = newsp;
	c->fs_base = (flags & CLONE_SETTLS) ? tls : rdmsr(MSR_FS_BASE);
	c->gs_base = rdmsr(MSR_KERNEL_GS_BASE);
	__asm__ volatile("fxsave %0" : "=m"(c->fpu));
	task_set_parent(c, p);
	c->exit_signal = (int)(flags & CSIGNAL);
	if (flags & CLONE_THREAD) { /* same process: its pid, its parent; nobody waits for it */
		c->tgid = p->tgid;
		task_set_parent(c, p->parent);
		c->exit_signal = 0;
		c->autoreap = true;
	}
	memcpy(c->name, p->name, sizeof(c->name));
	c->sig_blocked = p->sig_blocked;
	c->altstack_sp = p->altstack_sp;
	c->altstack_size = p->altstack_size;
	c->altstack_flags = p->altstack_flags;
	c->umask = p->umask;
	c->pgid = p->pgid;
	c->sid = p->sid;
	c->ctty = p->ctty;
	c->image = proc_image_get(p->image);
	memcpy(c->rlim, p->rlim, sizeof(c->rlim)); /* kept by execve too */
	c->ring = p->ring;
	trace_fork(p, c);
	c->start_ns = clock_mono_ns();
	if ((flags & CLONE_PARENT_SETTID) && copy_to_user(uptid, &c->pid, sizeof(int))) {
		err = -EFAULT;
		goto fail;
	}
	if (flags & CLONE_CHILD_SETTID) {
		if ((flags & CLONE_VM) ? copy_to_user(uctid, &c->pid, sizeof(int)) : vm_write(c->mm, uctid, &c->pid, sizeof(int))) {
			err = -EFAULT;
			goto fail;
		}
	}
	if (flags & CLONE_CHILD_CLEARTID)
		c->clear_child_tid = uctid;
	int pid = c->pid;
	if (flags & CLONE_VFORK) {
		c->vfork_parent = p;
		p->vfork_waiting = true;
	}
	sched_make_runnable(c);
	if (flags & CLONE_VFORK) {
		uint64_t f = irq_save();
		while (p->vfork_waiting)
			waitq_sleep_unint(&vfork_wq);
		irq_restore(f);
	}
	return pid;
fail:
	if (c->mm)
		mm_put(c->mm);
	if (c->files)
		fdtable_put(c->files);
	if (c->fs)
		fs_context_put(c->fs);
	sighand_put(c->sighand);
	trace_drop(c);
	task_free(c);
	return err;
}

SYSCALL_DEFINE0(fork)
{
	return do_clone(SIGCHLD, 0, 0, 0, 0);
}

SYSCALL_DEFINE0(vfork)
{
	return do_clone(CLONE_VM | CLONE_VFORK | SIGCHLD, 0, 0, 0, 0);
}

/* x86_64 argument order: flags, newsp, parent_tid, child_tid, tls */
SYSCALL_DEFINE5(clone, flags64_t, clone_flags, uptr_t, newsp, uptr_t, parent_tidptr,
		uptr_t, child_tidptr, uptr_t, tls)
{
	return do_clone(clone_flags, newsp, parent_tidptr, child_tidptr, tls);
}

static void vfork_release(struct task *t)
{
	if (t->vfork_parent) {
		t->vfork_parent->vfork_waiting = false;
		t->vfork_parent = NULL;
		waitq_wake_all(&vfork_wq);
	}
}

static void kill_other_threads(int code);

/* --- execve ---------------------------------------------------------------------------- */

struct exec_args {
	int argc, envc;
	char **argv, **envp;  /* into buf */
	char *buf;
	size_t used;
};

static long args_add(struct exec_args *a, char ***vec, int *n, const char *s, bool user)
{
	if (*n >= ARG_MAX_COUNT)
		return -E2BIG;
	char *dst = a->buf + a->used;
	long len;
	if (user) {
		len = strncpy_from_user(dst, (uint64_t)s, ARG_BYTES - a->used);
		if (len == -ENAMETOOLONG)
			return -E2BIG;
		if (len < 0)
			return len;
	} else {
		len = (long)strlen(s);
		if ((size_t)len + 1 > ARG_BYTES - a->used)
			return -E2BIG;
		memcpy(dst, s, len + 1);
	}
	(*vec)[(*n)++] = dst;
	(*vec)[*n] = NULL;
	a->used += len + 1;
	return 0;
}

static long args_collect(struct exec_args *a, char *const *argv, char *const *envp, bool user)
{
	memset(a, 0, sizeof(*a));
	a->buf = kmalloc(ARG_BYTES);
	a->argv = kmalloc((ARG_MAX_COUNT + 1) * sizeof(char *));
	a->envp = kmalloc((ARG_MAX_COUNT + 1) * sizeof(char *));
	if (!a->buf || !a->argv || !a->envp)
		return -ENOMEM;
	a->argv[0] = a->envp[0] = NULL;
	for (int k = 0; k < 2; k++) {
		char *const *vec = k ? envp : argv;
		for (int i = 0; vec; i++) {
			const char *s;
			if (user) {
				uint64_t up;
				if (copy_from_user(&up, (uint64_t)(vec + i), sizeof(up)))
					return -EFAULT;
				s = (const char *)up;
			} else {
				s = vec[i];
			}
			if (!s)
				break;
			long e = k ? args_add(a, &a->envp, &a->envc, s, user) : args_add(a, &a->argv, &a->argc, s, user);
			if (e)
				return e;
		}
	}
	return 0;
}

static void args_free(struct exec_args *a)
{
	kfree(a->buf);
	kfree(a->argv);
	kfree(a->envp);
}

struct exec_as {         /* the loader's context: the new address space and the image */
	struct mm *mm;
	struct inode *ip;
};

static int as_map(void *ctx, uint64_t va, uint64_t len, int prot)
{
	struct exec_as *x = ctx;
	return vm_map(x->mm, va, len, (uint32_t)prot, VM_IMAGE) ? -1 : 0; /* LOADER_PROT_* = VM_* */
}

static int as_write(void *ctx, uint64_t va, const void *src, uint64_t len)
{
	struct exec_as *x = ctx;
	return vm_write(x->mm, va, src, len) ? -1 : 0;
}

/* A segment from the image's page cache, copy-on-write (mm/filemap.c), instead of a copy. */
static int as_map_file(void *ctx, uint64_t va, uint64_t len, int prot, uint64_t offset)
{
	struct exec_as *x = ctx;
	return vm_map_file(x->mm, va, len, (uint32_t)prot, VM_DENYWRITE | VM_IMAGE, x->ip, offset / PAGE_SIZE) ? -1 : 0;
}

/* How exec_core picks the ring (contract 3). */
enum exec_ring {
	EXEC_RING0,   /* the shell's kexec: ring 0, for an image with the trust note only */
	EXEC_RING3,   /* the shell's exec */
	EXEC_INHERIT, /* execve: ring 0 only from ring 0 and only for an image with the trust note */
};

/* A `#!` script's argv for its interpreter (as Linux): [name, arg (if any), file,
 * argv[1..]]; file is the script's path (for a nested script, the name its interpreter
 * line gave it). The new strings go after the old ones in the buffer. */
static long args_script(struct exec_args *a, const char *name, const char *arg, const char *file)
{
	const char *front[3] = {name, arg ? arg : file, file};
	int drop = a->argc > 0, add = arg ? 3 : 2;
	if (a->argc - drop + add > ARG_MAX_COUNT)
		return -E2BIG;
	char *copy[3];
	for (int i = 0; i < add; i++) {
		size_t len = strlen(front[i]);
		if (len + 1 > ARG_BYTES - a->used)
			return -E2BIG;
		copy[i] = memcpy(a->buf + a->used, front[i], len + 1);
		a->used += len + 1;
	}
	memmove(a->argv + add, a->argv + drop, (size_t)(a->argc - drop + 1) * sizeof(char *)); /* with the NULL */
	for (int i = 0; i < add; i++)
		a->argv[i] = copy[i];
	a->argc += add - drop;
	return 0;
}

/* Finds the program to load for path: path itself when it is an ELF image, else, for a
 * `#!` script (exec_script.c), its interpreter, with argv rewritten, up to
 * SCRIPT_MAX_DEPTH scripts deep (ELOOP beyond, as Linux). On success *ip holds the
 * image's inode (data, size: its contents) and *img is checked; *depth = the number of
 * scripts on the way (0 for an ELF image). */
static long exec_find_image(const char *path, struct exec_args *a, const char **why, struct inode **ip,
			    const void **data, uint64_t *size, struct loader_image *img, int *depth)
{
	char *interp = NULL; /* the current interpreter's name, once there is one */
	const char *file = path;
	long e;
	*ip = NULL;
	if (!path[0])
		return -ENOENT;
	for (*depth = 0;; (*depth)++) {
		if (*depth > SCRIPT_MAX_DEPTH) {
			*why = "too many levels of #! interpreters that are scripts (at most 4)";
			e = -ELOOP;
			break;
		}
		/* an interpreter named "" (a file of just "#!"): Linux's lookup of "" finds the
		 * current directory, not a regular file */
		e = *depth && !file[0] ? -EACCES : vfs_file_contents(file, ip, data, size);
		if (e) {
			*ip = NULL;
			if (e == -EISDIR) /* Linux: EACCES for anything but a regular file */
				e = -EACCES;
			if (*depth && e == -ENOENT)
				*why = "its #! interpreter does not exist";
			break;
		}
		char line[SCRIPT_BUF];
		const char *name, *arg;
		int s = script_parse(*data, *size, line, &name, &arg);
		if (s == 0) {
			int le = loader_check(*data, *size, USER_IMAGE_LIMIT, img);
			if (!le) {
				kfree(interp);
				return 0;
			}
			*why = *depth ? "its #! interpreter is not an ELF program" : loader_strerror(le);
			e = -ENOEXEC;
		} else if (s < 0) {
			*why = "bad #! line: no interpreter name, or one longer than the 255-byte line";
			e = s;
		} else {
			e = args_script(a, name, arg, file);
			if (!e && !interp && !(interp = kmalloc(SCRIPT_BUF)))
				e = -ENOMEM;
			if (!e) {
				strlcpy(interp, name, SCRIPT_BUF);
				file = interp;
			}
		}
		inode_put(*ip);
		*ip = NULL;
		if (e)
			break;
	}
	kfree(interp);
	return e;
}

/* The main stack's area for t's next program: RLIMIT_STACK (the stack cannot grow past it;
 * vm_fault also refuses pages beyond a limit lowered later), within
 * [STACK_AREA_MIN, STACK_AREA_MAX]. */
static uint64_t stack_area_size(struct task *t)
{
	uint64_t lim = ALIGN_DOWN(MIN(task_rlimit(t, RLIMIT_STACK), STACK_AREA_MAX), PAGE_SIZE);
	return MAX(lim, STACK_AREA_MIN);
}

/* Loads path into a new address space and makes it t's program: t's frame starts it, in
 * the ring `how` picks (ring 0: supervisor pages, kernel selectors, AT_SYSINFO = r0_entry).
 * A `#!` script runs its interpreter, and the interpreter's trust note picks the ring.
 * *why: a one-line reason for the shell when the file is not a loadable ELF. */
static long exec_core(struct task *t, const char *path, struct exec_args *a, const char **why, enum exec_ring how)
{
	struct inode *ip = NULL;
	const void *data;
	uint64_t size;
	struct loader_image img;
	int depth, le;
	*why = NULL;
	long e = exec_find_image(path, a, why, &ip, &data, &size, &img, &depth);
	if (e)
		return e;
	if (how == EXEC_RING0 && !img.trusted) {
		/* kexec asks for ring 0; only a marked image may have it, as for execve */
		*why = depth ? "its #! interpreter has no ringzero note (not built with r0cc): run the script with exec"
			     : "no ringzero note: not built with r0cc (run it in ring 3 with exec)";
		inode_put(ip);
		return -EPERM;
	}
	int ring = how == EXEC_RING0 ? 0 : how == EXEC_RING3 ? 3 : (t->ring == 0 && img.trusted) ? 0 : 3;
	struct mm *mm = mm_new();
	if (!mm) {
		inode_put(ip);
		return -ENOMEM;
	}
	if (ring == 0)
		mm->pte_user = 0; /* supervisor pages: the image runs at CPL 0 (and ring 3 cannot touch it) */
	uint64_t bias = img.pie ? ALIGN_UP(PIE_BASE, img.align) - img.lo : 0;
	struct exec_as x = {mm, ip};
	bool cached = pagecache_own(ip) == 0; /* else: copied as before */
	struct loader_as as = {&x, as_map, as_write, cached ? as_map_file : NULL};
	le = loader_map(ip->data, &img, bias, &as);
	uint64_t stack_size = stack_area_size(t);
	if (!le && vm_map(mm, USER_STACK_TOP - stack_size, stack_size, VM_READ | VM_WRITE, VM_STACK))
		le = LOADER_E_MAP;
	uint64_t sp = 0, vdso = 0;
	if (!le && vdso_map(mm, &vdso))
		le = LOADER_E_MAP;
	uint8_t rnd[16];
	getrandom_bytes(rnd, sizeof(rnd));
	uint32_t r[4];
	cpuid(1, 0, r);
	const char *base = path;
	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			base = p + 1;
	if (!le) {
		struct loader_stack_info info = {
			.argc = a->argc, .argv = (const char *const *)a->argv,
			.envc = a->envc, .envp = (const char *const *)a->envp,
			.execfn = path, .random16 = rnd, .hwcap = r[3],
			.sysinfo = ring == 0 ? (uint64_t)r0_entry : 0, /* contract 1: ring 0 only */
			.sysinfo_ehdr = vdso,
			.phdr = img.phdr_vaddr ? img.phdr_vaddr + bias : 0, .phent = img.phentsize,
			.phnum = img.phnum, .entry = img.entry + bias, .uid = 0, .gid = 0,
		};
		le = loader_build_stack(&as, USER_STACK_TOP, stack_size, &info, &sp);
	}
	struct proc_image *image = le ? NULL : proc_image_new(ip, a->argv, a->argc);
	inode_put(ip);
	if (!le && !image) {
		mm_put(mm);
		return -ENOMEM;
	}
	if (le) {
		mm_put(mm);
		if (le == LOADER_E_STACK_TOO_BIG)
			return -E2BIG;
		*why = loader_strerror(le);
		return -ENOMEM;
	}
	mm->brk_start = mm->brk = ALIGN_UP(img.hi + bias, PAGE_SIZE) + PAGE_SIZE;

	/* the point of no return */
	if (t == current) {
		kill_other_threads(SIGKILL); /* execve ends the other threads of the process */
		futex_exit(t);               /* its robust list belongs to the old image */
	}
	vfork_release(t);
	struct mm *old = t->mm;
	t->mm = mm;
	if (t == current)
		mm_activate(mm);
	mm_put(old);
	if (t->files)
		fdtable_close_on_exec(t->files);
	signal_exec_reset(t);
	t->fs_base = 0;
	t->gs_base = 0;
	if (t == current) {
		wrmsr(MSR_FS_BASE, 0);
		wrmsr(MSR_KERNEL_GS_BASE, 0);
		uint8_t clean[512] __attribute__((aligned(16)));
		memset(clean, 0, sizeof(clean));
		uint16_t fcw = 0x37f;
		uint32_t mxcsr = 0x1f80;
		memcpy(clean, &fcw, 2);
		memcpy(clean + 24, &mxcsr, 4);
		__asm__ volatile("fxrstor %0" ::"m"(clean));
	}
	strlcpy(t->name, base, sizeof(t->name));
	proc_image_put(t->image);
	t->image = image;
	t->execed = true;
	struct trapframe *tf = t->tf;
	memset(tf, 0, sizeof(*tf));
	tf->rip = img.entry + bias;
	tf->rsp = sp;
	tf->cs = ring == 0 ? SEL_KCODE : SEL_UCODE;
	tf->ss = ring == 0 ? SEL_KDATA : SEL_UDATA;
	tf->rflags = 0x202;
	t->start_ns = clock_mono_ns();
	if (t->ring != ring) {
		t->ring = ring;
		if (t == current) { /* the running task changed ring: selectors, ring0_prog, IDT */
			uint64_t f = irq_save();
			ring_activate(t);
			irq_restore(f);
		}
	}
	return 0;
}

SYSCALL_DEFINE3(execve, upath_t, filename, uptr_t, argv, uptr_t, envp)
{
	char *path = kmalloc(4096);
	if (!path)
		return -ENOMEM;
	long e = strncpy_from_user(path, filename, 4096);
	if (e < 0) {
		kfree(path);
		return e;
	}
	struct exec_args a;
	e = args_collect(&a, (char *const *)argv, (char *const *)envp, true);
	const char *why;
	if (!e)
		e = exec_core(current, path, &a, &why, EXEC_INHERIT);
	args_free(&a);
	kfree(path);
	return e; /* on success the frame was replaced; rax = 0 in it */
}

/* --- exit and wait --------------------------------------------------------------------- */

/* Ends the other threads of the current process (exit_group, execve, a fatal signal). */
static void kill_other_threads(int code)
{
	struct task *t = current;
	if (!t->sighand || t->sighand->users < 2)
		return;
	t->sighand->group_exit = true;
	t->sighand->group_code = code;
	/* a leader that left by pthread_exit reports the group's code to wait4, as Linux */
	struct task *l = task_find(t->tgid);
	if (l && l != t && l->state == T_ZOMBIE)
		l->exit_code = code;
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (o != t && o->tgid == t->tgid && o->state != T_ZOMBIE) {
			o->sig_pending |= 1ULL << (SIGKILL - 1);
			signal_wake(o);
		}
}

uint64_t last_reaped_entry, last_reaped_insn;

/* kexec -v / exec -v: a process's calls include those of its threads and of its children
 * that ended in the same ring as it (a child that exec'd an unmarked image from ring 0 ran
 * in ring 3 and counts for nobody but itself). Added up as each one exits. */
static void account_exit(struct task *t)
{
	struct task *to = t->tgid != t->pid ? task_find(t->tgid) : t->parent;
	if (!to || !to->mm || to->ring != t->ring)
		return;
	to->acc_entry += t->nsyscalls_entry + t->acc_entry;
	to->acc_insn += t->nsyscalls - t->nsyscalls_entry + t->acc_insn;
}

/* A process whose leader has exited is reaped only when its last thread has ended, as on
 * Linux (so its totals are complete). */
static bool threads_alive(struct task *leader)
{
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (o != leader && o->tgid == leader->tgid && o->state != T_ZOMBIE)
			return true;
	return false;
}

/* Another thread of t's process still runs (and has not begun to exit). */
static bool group_alive_besides(struct task *t)
{
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (o != t && o->tgid == t->tgid && o->state != T_ZOMBIE && !o->exiting)
			return true;
	return false;
}

void do_exit(int status)
{
	struct task *t = current, *shell = NULL;
	if (t->sighand && t->sighand->group_exit)
		status = t->sighand->group_code;
	else if (status & 0x7f) /* a fatal signal ends the whole process */
		kill_other_threads(status);
	trace_exit(t, status);
	leaf_calls_settle(t); /* its leaf and lite calls since its last switch, for account_exit */
	account_exit(t);
	/* Decided now, before anything below can give the CPU away (mm_put and the file
	 * closes have preemption points): of threads exiting side by side, exactly one, the
	 * last to get here, sees itself as the last. */
	t->exiting = true;
	bool last_thread = !group_alive_besides(t);
	vfork_release(t);
	futex_exit(t); /* robust locks it held: FUTEX_OWNER_DIED for the next locker */
	if (last_thread)
		sem_exit(t->tgid); /* the process ends: its SEM_UNDO adjustments (ipc/sem.c) */
	if (t->clear_child_tid && t->mm && t->mm->users > 1) {
		int zero = 0;
		copy_to_user(t->clear_child_tid, &zero, sizeof(zero));
		futex_wake_addr(t->clear_child_tid);
	}
	if (t->files)
		fdtable_put(t->files);
	if (t->fs)
		fs_context_put(t->fs);
	task_set_files(t, NULL);
	t->fs = NULL;
	struct mm *mm = t->mm;
	t->mm = NULL;
	mm_put(mm);
	sighand_put(t->sighand);
	t->sighand = NULL;
	signal_flush_queue(t); /* nothing is sent to it any more (no sighand): free its queue */
	if (last_thread)
		pgrp_exit(t); /* groups it leaves orphaned with a stopped member: SIGHUP, SIGCONT */
	bool orphan_zombies = false;
	for (struct task *c = all_tasks; c; c = c->next_all) {
		if (c->pid == 1)
			shell = c;
	}
	/* Its children go to another live thread of its process (the leader first), as Linux:
	 * their getppid stays the process's pid and the process can still wait for them. Only
	 * when the whole process is gone do they go to the shell. */
	struct task *heir = NULL;
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (o != t && o->tgid == t->tgid && o->state != T_ZOMBIE && (!heir || o->pid == o->tgid))
			heir = o;
	if (heir)
		shell = heir;
	for (struct task *c = all_tasks; c; c = c->next_all)
		if (c->parent == t) {
			task_set_parent(c, shell);
			orphan_zombies |= c->state == T_ZOMBIE;
		}
	if (orphan_zombies && shell)
		waitq_wake_all(&shell->child_wait);
	uint64_t f = irq_save();
	t->exit_code = status;
	t->state = T_ZOMBIE;
	pidfd_notify();
	/* A thread whose leader is a zombie: its parent's wait4 can reap the process once
	 * this thread is a zombie too, not before (woken earlier, the parent would look while
	 * this thread still freed the address space, and sleep for good). */
	if (t->tgid != t->pid) {
		struct task *l = task_find(t->tgid);
		if (l && l->state == T_ZOMBIE && l->parent)
			waitq_wake_all(&l->parent->child_wait);
	}
	/* a parent that ignores SIGCHLD (or asked SA_NOCLDWAIT) gets no zombie (POSIX) */
	if (!t->autoreap && t->parent && t->parent->sighand &&
	    (t->parent->sighand->act[SIGCHLD].handler == (uint64_t)SIG_IGN ||
	     (t->parent->sighand->act[SIGCHLD].flags & SA_NOCLDWAIT))) {
		t->autoreap = true;
		waitq_wake_all(&t->parent->child_wait); /* its wait4 may now find no children */
	}
	struct task *p = t->autoreap ? NULL : t->parent;
	if (p) {
		/* wake a waiting parent first: its wait4 then finds this zombie instead of
		 * seeing SIGCHLD as an interruption */
		waitq_wake_all(&p->child_wait);
		if (t->exit_signal && p->sighand) {
			int code = (status & 0x7f) ? CLD_KILLED : CLD_EXITED;
			int st = (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff;
			signal_send_task(p, t->exit_signal, code, t->pid, 0, st);
		}
	}
	schedule();
	(void)f;
	panic("a zombie ran");
}

SYSCALL_DEFINE1(exit, int, error_code)
{
	do_exit((error_code & 0xff) << 8);
}

SYSCALL_DEFINE1(exit_group, int, error_code)
{
	kill_other_threads((error_code & 0xff) << 8);
	do_exit((error_code & 0xff) << 8);
}

int proc_exited(int pid)
{
	struct task *t = task_find(pid);
	if (!t)
		return -ESRCH;
	if (t->tgid != t->pid)
		return -ENOENT; /* a thread, not a process (Linux 6.9+; 6.1 said EINVAL) */
	return t->state == T_ZOMBIE && !threads_alive(t);
}

static int task_pgid(struct task *t) { return t->pgid; }

static bool wait_wants(struct task *t, int idtype, int id)
{
	switch (idtype) {
	case P_PID: return t->pid == id;
	case P_PGID: return task_pgid(t) == id;
	default: return true; /* P_ALL */
	}
}

/* The core of wait4 and waitid: a child of the caller that idtype/id selects and that has
 * ended (all its threads), with WEXITED. Reaps it unless WNOWAIT. Returns its pid (status:
 * the wait encoding), 0 with WNOHANG when none has ended yet, -ECHILD when none is
 * selected, or -ERESTARTSYS. No process stops or continues here (the stop signals are
 * ignored: no job control yet), so WSTOPPED and WCONTINUED never report one. */
static long wait_child(int idtype, int id, int options, int *status)
{
	for (;;) {
		bool have = false;
		for (struct task *t = all_tasks; t; t = t->next_all) {
			if (t->parent != current || t->autoreap || !wait_wants(t, idtype, id))
				continue;
			have = true;
			if (signal_job_report(t, options, status))
				return t->pid;
			if (!(options & WEXITED) || t->state != T_ZOMBIE || threads_alive(t))
				continue;
			int pid = t->pid;
			*status = t->exit_code;
			if (!(options & WNOWAIT)) {
				last_reaped_entry = t->nsyscalls_entry + t->acc_entry;
				last_reaped_insn = t->nsyscalls - t->nsyscalls_entry + t->acc_insn;
				task_free(t);
			}
			return pid;
		}
		if (!have)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		uint64_t f = irq_save();
		long e = waitq_sleep(&current->child_wait);
		irq_restore(f);
		if (e)
			return e;
	}
}

/* wait4's children: a pid, the caller's group (0), any (-1) or the group -pid. */
long proc_wait(int pid, int *status, int options, bool unused)
{
	(void)unused;
	int st = 0;
	int idtype = pid > 0 ? P_PID : pid == -1 ? P_ALL : P_PGID;
	int id = pid > 0 ? pid : pid == 0 ? task_pgid(current) : -pid;
	long r = wait_child(idtype, id, options | WEXITED, &st);
	if (r > 0 && status)
		*status = st;
	return r;
}

SYSCALL_DEFINE4(wait4, pid_t, upid, uptr_t, stat_addr, flags_t, options, uptr_t, ru)
{
	int st = 0;
	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
		return -EINVAL;
	if (stat_addr && !user_range_ok(stat_addr, sizeof(int)))
		return -EFAULT;
	if (ru && !user_range_ok(ru, 144))
		return -EFAULT;
	long r = proc_wait(upid, &st, (int)options, false);
	if (r > 0 && stat_addr && copy_to_user(stat_addr, &st, sizeof(st)))
		return -EFAULT;
	if (r > 0 && ru) {
		uint8_t usage[144];
		memset(usage, 0, sizeof(usage));
		if (copy_to_user(ru, usage, sizeof(usage)))
			return -EFAULT;
	}
	return r;
}

/* waitid(idtype, id, infop, options, ru): P_ALL, P_PID, P_PGID (id 0: the caller's group)
 * and P_PIDFD; the child is reported in a siginfo (SIGCHLD, CLD_EXITED with the exit
 * status or CLD_KILLED with the signal, si_pid, si_uid 0); with WNOHANG and nothing ready
 * the fields are zero. */
SYSCALL_DEFINE5(waitid, int, which, pid_t, upid, uptr_t, infop, flags_t, options, uptr_t, ru)
{
	if (options & ~(WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	int id = upid;
	switch (which) {
	case P_ALL:
		break;
	case P_PID:
		if (upid <= 0)
			return -EINVAL;
		break;
	case P_PGID:
		if (upid < 0)
			return -EINVAL;
		if (upid == 0)
			id = task_pgid(current);
		break;
	case P_PIDFD: {
		long pid = upid < 0 ? -EINVAL : pidfd_pid(upid);
		if (pid < 0)
			return pid;
		which = P_PID;
		id = (int)pid;
		break;
	}
	default:
		return -EINVAL;
	}
	int st = 0;
	long r = wait_child(which, id, (int)options, &st);
	if (r < 0)
		return r;
	struct {
		int32_t signo, err, code, pad;
		int32_t pid, uid, status, pad2;
		int64_t utime, stime;
		uint8_t rest[80];
	} si;
	_Static_assert(sizeof(si) == 128, "siginfo_t");
	memset(&si, 0, sizeof(si));
	if (r > 0) {
		si.signo = SIGCHLD;
		si.code = (st & 0x7f) ? ((st & 0x80) ? CLD_DUMPED : CLD_KILLED) : CLD_EXITED;
		si.status = (st & 0x7f) ? (st & 0x7f) : (st >> 8) & 0xff;
		if (st == 0xffff) {
			si.code = CLD_CONTINUED;
			si.status = SIGCONT;
		} else if ((st & 0xff) == 0x7f) {
			si.code = CLD_STOPPED;
			si.status = (st >> 8) & 0xff;
		}
		si.pid = (int32_t)r;
	}
	if (infop && copy_to_user(infop, &si, 28)) /* si_signo .. si_status, as Linux */
		return -EFAULT;
	if (ru) {
		uint8_t usage[144];
		memset(usage, 0, sizeof(usage));
		if (copy_to_user(ru, usage, sizeof(usage)))
			return -EFAULT;
	}
	return 0;
}

void proc_reap_orphans(void)
{
	while (proc_wait(-1, NULL, WNOHANG, false) > 0)
		;
}

/* The shell's exec: a new process running path (absolute); returns its pid, or -errno
 * with a message in err. */
int proc_spawn(const char *path, int argc, char **argv, int ring, char *err, size_t errlen)
{
	static const char *const envp[] = {"PATH=/bin:/sbin:/usr/bin", "HOME=/", "TERM=vt100", NULL};
	err[0] = 0;
	if (task_count() > PROC_LIMIT) {
		snprintf(err, errlen, "too many processes");
		return -EAGAIN;
	}
	struct task *c = task_alloc();
	if (!c) {
		snprintf(err, errlen, "out of memory for a task");
		return -ENOMEM;
	}
	task_set_files(c, fdtable_new_console());
	c->fs = fs_context_new();
	c->sighand = sighand_copy(NULL);
	task_set_parent(c, current);
	c->exit_signal = SIGCHLD;
	c->ring = ring;
	memcpy(c->rlim, current->rlim, sizeof(c->rlim)); /* the shell's: the defaults */
	(void)argc;
	struct exec_args a;
	const char *why = NULL;
	long e = args_collect(&a, (char *const *)argv, (char *const *)envp, false);
	if (!e && c->files && c->fs && c->sighand)
		e = exec_core(c, path, &a, &why, ring == 0 ? EXEC_RING0 : EXEC_RING3);
	else if (!e)
		e = -ENOMEM;
	args_free(&a);
	if (e) {
		if (why)
			snprintf(err, errlen, "%s", why);
		if (c->files)
			fdtable_put(c->files);
		if (c->fs)
			fs_context_put(c->fs);
		sighand_put(c->sighand);
		task_free(c);
		return (int)e;
	}
	pgrp_new_session(c); /* the console's controlling process, its group in the foreground */
	c->ctty = true;
	tty_set_foreground(c->sid, c->pgid);
	sched_make_runnable(c);
	return c->pid;
}

/* --- identity, limits, misc ------------------------------------------------------------ */

SYSCALL_LEAF_DEFINE0(getpid) { return current->tgid; }
SYSCALL_LEAF_DEFINE0(gettid) { return current->pid; }
/* ppid is parent's tgid, or 0 for the shell (a kernel task with no parent): kept by
 * task_set_parent, so this is one load (no test of parent, no second load). */
SYSCALL_LEAF_DEFINE0(getppid) { return current->ppid; }

SYSCALL_DEFINE1(set_tid_address, uptr_t, tidptr)
{
	current->clear_child_tid = tidptr;
	return current->pid;
}

SYSCALL_DEFINE2(arch_prctl, int, option, uptr_t, addr)
{
	switch (option) {
	case 0x1002: /* ARCH_SET_FS */
		if (addr >= USER_TOP)
			return -EPERM;
		current->fs_base = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case 0x1003: { /* ARCH_GET_FS */
		uint64_t v = rdmsr(MSR_FS_BASE);
		return copy_to_user(addr, &v, sizeof(v));
	}
	case 0x1001: /* ARCH_SET_GS: the user GS base waits in KERNEL_GS_BASE while in the kernel */
		if (addr >= USER_TOP)
			return -EPERM;
		wrmsr(MSR_KERNEL_GS_BASE, addr);
		return 0;
	case 0x1004: { /* ARCH_GET_GS */
		uint64_t v = rdmsr(MSR_KERNEL_GS_BASE);
		return copy_to_user(addr, &v, sizeof(v));
	}
	}
	return -EINVAL;
}

/* procinfo.c: what /proc shows about processes (procfs.h). Owns the text of
 * /proc/PID/{stat,status,cmdline,comm,maps} in Linux's formats, the list of processes
 * /proc lists, the program file and descriptor table a process's links lead to, and the
 * record execve keeps for them (struct proc_image: the file and argv). Does not own the
 * /proc tree (fs/procfs.c) or the system-wide files (sysinfo.c). */
#include "proc.h"
#include "lib.h"
#include "mm.h"
#include "vm.h"
#include "memlayout.h"
#include "files.h"
#include "procfs.h"
#include <asm-generic/errno.h>

#define USER_HZ 100     /* clock ticks of /proc, sysconf(_SC_CLK_TCK) */
#define TICKS_PER_USER_HZ 10    /* the timer runs at 1 kHz */

/* --- the image record ----------------------------------------------------------------- */

struct proc_image *proc_image_new(struct inode *exe, char *const *argv, int argc)
{
	size_t len = 0;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	struct proc_image *im = kmalloc(sizeof(*im) + len + 1);
	if (!im)
		return NULL;
	im->refs = 1;
	im->exe = inode_get(exe);
	im->cmdlen = 0;
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]) + 1;
		memcpy(im->cmdline + im->cmdlen, argv[i], l);
		im->cmdlen += l;
	}
	return im;
}

struct proc_image *proc_image_get(struct proc_image *im)
{
	if (im)
		im->refs++;
	return im;
}

void proc_image_put(struct proc_image *im)
{
	if (!im || --im->refs)
		return;
	inode_put(im->exe);
	kfree(im);
}

/* --- which processes ------------------------------------------------------------------ */

int proc_self_tgid(void) { return current->tgid; }

static struct task *leader(int pid)
{
	struct task *t = task_find(pid);
	return t && t->pid == t->tgid ? t : NULL;
}

bool proc_tgid_exists(int pid) { return leader(pid) != NULL; }

int proc_next_tgid(int after)
{
	int best = 0;
	for (struct task *t = all_tasks; t; t = t->next_all)
		if (t->pid == t->tgid && t->pid > after && (!best || t->pid < best))
			best = t->pid;
	return best;
}

struct inode *proc_pid_exe(int pid)
{
	struct task *t = leader(pid);
	return t && t->image && t->state != T_ZOMBIE ? inode_get(t->image->exe) : NULL;
}

struct fdtable *proc_pid_files(int pid)
{
	struct task *t = leader(pid);
	return t && t->state != T_ZOMBIE ? t->files : NULL;
}

/* --- the texts ------------------------------------------------------------------------ */

struct group_totals {
	uint64_t utime, stime;  /* USER_HZ ticks */
	int threads;
};

static struct group_totals group_totals(struct task *lead)
{
	struct group_totals g = {0, 0, 0};
	for (struct task *t = all_tasks; t; t = t->next_all)
		if (t->tgid == lead->tgid) {
			g.utime += t->utime;
			g.stime += t->stime;
			g.threads += t->state != T_ZOMBIE;
		}
	g.utime /= TICKS_PER_USER_HZ;
	g.stime /= TICKS_PER_USER_HZ;
	if (!g.threads)
		g.threads = 1;
	return g;
}

static char state_letter(struct task *t)
{
	if (t->state == T_ZOMBIE)
		return 'Z';
	if (t->state == T_RUNNABLE)
		return 'R';
	return t->interruptible ? 'S' : 'D';
}

static const char *state_name(char c)
{
	switch (c) {
	case 'R': return "running";
	case 'S': return "sleeping";
	case 'D': return "disk sleep";
	default: return "zombie";
	}
}

/* The size of every area (VmSize, vsize); 0 for a zombie. */
static uint64_t mm_bytes(struct mm *mm) { return mm ? vm_bytes(mm, 0, ~0ULL, false) : 0; }

/* Signals ignored and caught, as masks of bit (sig - 1). */
static void sig_dispositions(struct task *t, uint64_t *ign, uint64_t *cgt)
{
	*ign = *cgt = 0;
	for (int s = 1; t->sighand && s <= NSIG_RZ; s++) {
		uint64_t h = t->sighand->act[s].handler;
		if (h == 1)
			*ign |= 1ULL << (s - 1);
		else if (h > 1)
			*cgt |= 1ULL << (s - 1);
	}
}

static void image_range(struct mm *mm, uint64_t *lo, uint64_t *hi)
{
	*lo = *hi = 0;
	for (struct vma *v = mm ? mm->vmas : NULL; v; v = v->next)
		if ((v->flags & VM_IMAGE) && (v->prot & VM_EXEC)) {
			if (!*lo)
				*lo = v->start;
			*hi = v->end;
		}
}

/* proc(5): the 52 fields of /proc/PID/stat. */
static void stat_text(struct task *t, struct kbuf *b)
{
	struct group_totals g = group_totals(t);
	struct mm *mm = t->state == T_ZOMBIE ? NULL : t->mm;
	uint64_t ign, cgt, code_lo, code_hi;
	sig_dispositions(t, &ign, &cgt);
	image_range(mm, &code_lo, &code_hi);
	char st = state_letter(t);
	int ppid = t->parent ? t->parent->tgid : 0;
	kbuf_printf(b, "%d (%s) %c %d %d %d 0 -1 %u 0 0 0 0 ", t->tgid, t->name, st, ppid, t->tgid, t->tgid,
		    t->mm ? 0u : 0x00200000u /* PF_KTHREAD */);
	kbuf_printf(b, "%lu %lu 0 0 20 0 %d 0 %lu %lu %lu 18446744073709551615 ", (unsigned long)g.utime,
		    (unsigned long)g.stime, g.threads, (unsigned long)(t->start_ns / (1000000000 / USER_HZ)),
		    (unsigned long)mm_bytes(mm), (unsigned long)(mm ? mm->pages : 0));
	kbuf_printf(b, "%lu %lu %lu 0 0 %lu %lu %lu %lu 0 0 0 %d 0 0 0 0 0 0 ", (unsigned long)code_lo,
		    (unsigned long)code_hi, mm ? (unsigned long)USER_STACK_TOP : 0UL, (unsigned long)t->sig_pending,
		    (unsigned long)t->sig_blocked, (unsigned long)ign, (unsigned long)cgt, t->exit_signal);
	kbuf_printf(b, "0 0 %lu 0 0 0 0 %d\n", (unsigned long)(mm ? mm->brk_start : 0),
		    t->state == T_ZOMBIE ? t->exit_code : 0);
}

static void status_text(struct task *t, struct kbuf *b)
{
	struct group_totals g = group_totals(t);
	struct mm *mm = t->state == T_ZOMBIE ? NULL : t->mm;
	uint64_t ign, cgt;
	sig_dispositions(t, &ign, &cgt);
	char st = state_letter(t);
	uint32_t um = t->umask;
	kbuf_printf(b, "Name:\t%s\nUmask:\t0%u%u%u\nState:\t%c (%s)\n", t->name, (um >> 6) & 7, (um >> 3) & 7, um & 7,
		    st, state_name(st));
	kbuf_printf(b, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", t->tgid, t->tgid,
		    t->parent ? t->parent->tgid : 0);
	kbuf_printf(b, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\nGroups:\t\n", t->files ? 256 : 0);
	if (mm)
		kbuf_printf(b, "VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\n", (unsigned long)(mm_bytes(mm) >> 10),
			    (unsigned long)(mm->pages * 4));
	kbuf_printf(b, "Threads:\t%d\nSigPnd:\t%016lx\nShdPnd:\t0000000000000000\nSigBlk:\t%016lx\n", g.threads,
		    (unsigned long)t->sig_pending, (unsigned long)t->sig_blocked);
	kbuf_printf(b, "SigIgn:\t%016lx\nSigCgt:\t%016lx\n", (unsigned long)ign, (unsigned long)cgt);
}

/* Linux's line: start-end perms offset major:minor inode, then the name at column 73. */
static void maps_text(struct task *t, struct kbuf *b)
{
	struct mm *mm = t->state == T_ZOMBIE ? NULL : t->mm;
	struct inode *exe = t->image ? t->image->exe : NULL;
	struct kbuf path = {0};
	if (exe)
		procfs_inode_path(exe, &path);
	uint64_t base = 0;
	struct kbuf fpath = {0};
	for (struct vma *v = mm ? mm->vmas : NULL; v; v = v->next) {
		/* a file mapping (mmap of a file, or a segment execve mapped from the page cache)
		 * names its file and offset; a copied image segment names the program */
		bool image = !v->file && (v->flags & VM_IMAGE) && exe && path.p;
		if (image && !base)
			base = v->start;
		struct inode *ino = v->file ? v->file : image ? exe : NULL;
		uint64_t off = v->file ? v->pgoff * PAGE_SIZE : image ? v->start - base : 0;
		fpath.len = 0;
		if (fpath.p)
			fpath.p[0] = 0;
		if (v->file)
			procfs_inode_path(v->file, &fpath);
		const char *name = (v->flags & VM_STACK) ? "[stack]" : (v->flags & VM_HEAP) ? "[heap]"
				 : (v->flags & VM_VDSO) ? "[vdso]" : (v->flags & VM_VVAR) ? "[vvar]"
				 : v->file ? fpath.p : image ? path.p : NULL;
		size_t before = b->len;
		kbuf_printf(b, "%08lx-%08lx %c%c%c%c %08lx %s %lu ", (unsigned long)v->start, (unsigned long)v->end,
			    v->prot & VM_READ ? 'r' : '-', v->prot & VM_WRITE ? 'w' : '-', v->prot & VM_EXEC ? 'x' : '-',
			    v->flags & VM_SHARED ? 's' : 'p', (unsigned long)off,
			    ino ? "00:01" : "00:00", (unsigned long)(ino ? procfs_inode_number(ino) : 0));
		if (name) {
			while (b->len - before < 73 && !b->oom)
				kbuf_put(b, " ", 1);
			kbuf_printf(b, "%s", name);
		}
		kbuf_put(b, "\n", 1);
	}
	kbuf_free(&fpath);
	kbuf_free(&path);
}

long proc_pid_text(int pid, enum proc_pid_file which, struct kbuf *b)
{
	struct task *t = leader(pid);
	if (!t)
		return -ESRCH;
	switch (which) {
	case PROC_STAT: stat_text(t, b); break;
	case PROC_STATUS: status_text(t, b); break;
	case PROC_COMM: kbuf_printf(b, "%s\n", t->name); break;
	case PROC_MAPS: maps_text(t, b); break;
	case PROC_CMDLINE:
		if (t->image && t->state != T_ZOMBIE)
			kbuf_put(b, t->image->cmdline, t->image->cmdlen);
		break;
	}
	return 0;
}

/* pgrp.c: process groups and sessions. Owns each process's group and session ids (struct
 * task pgid, sid: inherited over fork, kept by execve), setpgid/getpgid/getpgrp,
 * setsid/getsid with Linux's rules and errors, and reaching a whole group or every process
 * with a signal (kill with pid 0, -pgid, -1; the console's signal characters), orphaned
 * process groups (POSIX: no member has a parent in another group of the same session; when
 * a group becomes orphaned by an exit and has a stopped member, every member gets SIGHUP then
 * SIGCONT, as Linux does). A group or a session exists while one of its processes does (no
 * separate objects). Does not own the
 * signals themselves (signal.c), waiting for a group's children (proc.c) or the console's
 * foreground group (dev/tty.c). */
#include "proc.h"
#include "files.h"
#include "syscall.h"
#include <asm-generic/errno.h>
#include <asm-generic/siginfo.h>
#include <linux/signal.h>

/* A live process (its leader's task; threads share its group and session). */
static bool is_process(struct task *t)
{
	return t->pid == t->tgid && t->state != T_ZOMBIE && t->mm;
}

static struct task *process_find(int pid)
{
	struct task *t = task_find(pid);
	return t && t->pid == t->tgid && t->state != T_ZOMBIE ? t : NULL;
}

bool pgrp_exists(int pgid, int sid)
{
	for (struct task *t = all_tasks; t; t = t->next_all)
		if (t->pid == t->tgid && t->state != T_ZOMBIE && t->pgid == pgid && (!sid || t->sid == sid))
			return true;
	return false;
}

void pgrp_new_session(struct task *t)
{
	t->pgid = t->sid = t->tgid;
}

/* Sends sig to every process of group pgid: 0 when one took it, else the first error
 * (-ESRCH when the group has no process). */
long pgrp_kill(int pgid, int sig, int code, int sender)
{
	long err = -ESRCH;
	bool sent = false;
	for (struct task *t = all_tasks; t; t = t->next_all) {
		if (!is_process(t) || t->pgid != pgid)
			continue;
		long r = signal_send_task(signal_process_target(t, sig), sig, code, sender, 0, 0);
		if (!r)
			sent = true;
		else if (err == -ESRCH)
			err = r;
	}
	return sent ? 0 : err;
}

/* Group pgid is orphaned when ignore's process is counted as gone: no member's parent is in
 * another group of the same session (a parent that is the kernel shell, pid 1, does not
 * count: it is what init is on Linux). An empty group counts as orphaned. */
static bool orphaned_without(int pgid, struct task *ignore)
{
	for (struct task *t = all_tasks; t; t = t->next_all) {
		if (!is_process(t) || t->pgid != pgid || (ignore && t->tgid == ignore->tgid))
			continue;
		struct task *p = t->parent;
		if (!p || p->pid == 1 || (ignore && p->tgid == ignore->tgid))
			continue;
		if (p->pgid != pgid && p->sid == t->sid)
			return false;
	}
	return true;
}

bool pgrp_orphaned(int pgid) { return orphaned_without(pgid, NULL); }

static bool has_stopped(int pgid)
{
	for (struct task *t = all_tasks; t; t = t->next_all)
		if (is_process(t) && t->pgid == pgid && t->sighand && t->sighand->stopped)
			return true;
	return false;
}

/* t linked group pgid to its session (t's parent or child, in another group of the same
 * session); with t gone, the group may be orphaned: if it is and one of its processes is
 * stopped, SIGHUP then SIGCONT to all of them (the SIGCONT ends the stop, so a second call
 * for the same group sends nothing). */
static void orphan_check(int pgid, int sid, struct task *link, struct task *gone)
{
	if (!link || link->pid == 1 || link->pgid == pgid || link->sid != sid)
		return;
	if (orphaned_without(pgid, gone) && has_stopped(pgid)) {
		pgrp_kill(pgid, SIGHUP, SI_KERNEL, 0);
		pgrp_kill(pgid, SIGCONT, SI_KERNEL, 0);
	}
}

/* do_exit, when t's process ends: its own group (when its parent was the link) and each
 * child's group (when t was the link), t counted as gone. */
void pgrp_exit(struct task *t)
{
	orphan_check(t->pgid, t->sid, t->parent, t);
	for (struct task *c = all_tasks; c; c = c->next_all)
		if (c->parent == t && is_process(c))
			orphan_check(c->pgid, c->sid, t, t);
}

/* kill(-1, sig): every process but pid 1 and the caller's own. */
long pgrp_kill_all(int sig)
{
	bool found = false, sent = false;
	for (struct task *t = all_tasks; t; t = t->next_all) {
		if (!is_process(t) || t->pid == 1 || t->tgid == current->tgid)
			continue;
		found = true;
		if (!signal_send_task(signal_process_target(t, sig), sig, SI_USER, current->tgid, 0, 0))
			sent = true;
	}
	if (!found)
		return -ESRCH;
	return sent ? 0 : -EPERM;
}

SYSCALL_DEFINE0(getpgrp) { return current->pgid; }

SYSCALL_DEFINE1(getpgid, pid_t, pid)
{
	struct task *t = pid ? process_find(pid) : current;
	if (pid < 0 || !t)
		return -ESRCH;
	return t->pgid;
}

SYSCALL_DEFINE1(getsid, pid_t, pid)
{
	struct task *t = pid ? process_find(pid) : current;
	if (pid < 0 || !t)
		return -ESRCH;
	return t->sid;
}

/* Linux's order: the target must be the caller or its child (ESRCH); a child in another
 * session (EPERM) or one that ran execve (EACCES); never a session leader (EPERM); the
 * group must be the target's own or exist in the caller's session (EPERM). */
SYSCALL_DEFINE2(setpgid, pid_t, pid, pid_t, pgid)
{
	struct task *me = task_find(current->tgid);
	if (!me)
		me = current;
	if (!pid)
		pid = me->tgid;
	if (!pgid)
		pgid = pid;
	if (pgid < 0)
		return -EINVAL;
	struct task *t = pid > 0 ? process_find(pid) : NULL;
	if (!t)
		return -ESRCH;
	if (t != me) {
		if (t->parent != me && !(t->parent && t->parent->tgid == me->tgid))
			return -ESRCH;
		if (t->sid != me->sid)
			return -EPERM;
		if (t->execed)
			return -EACCES;
	}
	if (t->sid == t->tgid)
		return -EPERM;
	if (pgid != t->tgid && !pgrp_exists(pgid, me->sid))
		return -EPERM;
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (o->tgid == t->tgid)
			o->pgid = pgid;
	return 0;
}

/* A group leader (or a process whose pid names a group) cannot start a session. */
SYSCALL_DEFINE0(setsid)
{
	int pid = current->tgid;
	if (pgrp_exists(pid, 0))
		return -EPERM;
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (o->tgid == pid) {
			o->pgid = o->sid = pid;
			o->ctty = false; /* a new session has no controlling terminal */
		}
	return pid;
}

/* --- the controlling terminal (files.h: for dev/tty.c, which owns the console's session) --- */

bool current_ctty(void) { return current->ctty; }

/* The caller's process (sid 0), or every process of session sid, has (on) or has not the
 * console as its controlling terminal. */
void ctty_set(int sid, bool on)
{
	for (struct task *o = all_tasks; o; o = o->next_all)
		if (sid ? o->sid == sid : o->tgid == current->tgid)
			o->ctty = on;
}

/* The leader of session sid is alive (Linux's terminal forgets its session when it ends). */
bool session_leader_alive(int sid)
{
	struct task *t = sid > 0 ? process_find(sid) : NULL;
	return t && t->sid == sid;
}

/* wait.h: sleeping in the kernel until something happens (pipes, the console, wait4, futex).
 *
 * The kernel runs one CPU and is not preempted while it runs kernel code: a task gives up
 * the CPU only by sleeping here, or on its way back to its program. Interrupt handlers may
 * wake a queue, so test the condition and sleep with interrupts disabled:
 *
 *     irq_off = irq_save();
 *     while (!condition) {
 *             long err = waitq_sleep(&q);      // interrupts are on while asleep
 *             if (err) { irq_restore(irq_off); return err; }
 *     }
 *     irq_restore(irq_off);
 *
 * waitq_sleep returns 0 when woken, or -ERESTARTSYS when a signal is pending: the system
 * call returns that, and the signal code turns it into -EINTR or a restart (SA_RESTART).
 * Implemented in proc/wait.c (process core). */
#ifndef RZ_WAIT_H
#define RZ_WAIT_H
#include "types.h"

#define ERESTARTSYS 512                 /* internal: never reaches a program */

struct task;
struct waitq {
	struct task *first;             /* sleepers, in arrival order */
};

void waitq_init(struct waitq *q);
long waitq_sleep(struct waitq *q);      /* interrupts disabled on entry and on return */
/* The same with a deadline on CLOCK_MONOTONIC in ns (0: none); -ETIMEDOUT when it passes. */
long waitq_sleep_until(struct waitq *q, uint64_t deadline_ns);
void waitq_wake_all(struct waitq *q);   /* any context, interrupt handlers included */

uint64_t irq_save(void);                /* disable interrupts, return the old state */
void irq_restore(uint64_t state);

#endif

/* pipe.c: pipes and FIFOs. Owns the pipe buffer (a RZ_PIPE_SIZE ring), the reader and
 * writer counts, blocking reads and writes on wait queues, end of file when no writer is
 * left, EPIPE plus SIGPIPE when no reader is left, O_NONBLOCK (-EAGAIN), atomic writes of
 * up to RZ_PIPE_BUF bytes, poll readiness, and the opening rules of named FIFOs (a reader
 * waits for a writer and the other way round; O_WRONLY|O_NONBLOCK without a reader gives
 * ENXIO). A pipe hangs off its inode (anonymous for pipe(2), a tree node for mkfifo) and
 * is freed with it. Does not own descriptors (file.c). */
#include "vfs.h"
#include "lib.h"
#include "mm.h"
#include "uaccess.h"

#ifndef SIGPIPE
#define SIGPIPE 13
#endif

struct pipe {
	uint8_t *buf;
	uint32_t head, count;           /* next byte to read; bytes in the buffer */
	int readers, writers;
	uint64_t reader_opens, writer_opens;    /* FIFO open rendezvous */
	struct waitq rq, wq;            /* readers wait on rq, writers on wq */
	struct pollhead pollers;        /* poll/select on either end */
};

static struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));
	if (!p)
		return NULL;
	if (!(p->buf = kmalloc(RZ_PIPE_SIZE))) {
		kfree(p);
		return NULL;
	}
	waitq_init(&p->rq);
	waitq_init(&p->wq);
	return p;
}

void pipe_free_inode(struct inode *ip)
{
	pollhead_release(&ip->pipe->pollers);
	kfree(ip->pipe->buf);
	kfree(ip->pipe);
	ip->pipe = NULL;
}

/* key: what may have become ready (the poll head's wake key, vfs.h) */
static void pipe_wake(struct pipe *p, unsigned int key)
{
	waitq_wake_all(&p->rq);
	waitq_wake_all(&p->wq);
	pollhead_wake_key(&p->pollers, key);
}

#define PIPE_KEY_READ (POLLOUT | POLLWRNORM)            /* room for writers */
#define PIPE_KEY_WRITE (POLLIN | POLLRDNORM)            /* data for readers */
#define PIPE_KEY_ENDS (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLHUP | POLLERR)

static long pipe_read(struct file *f, uint64_t ubuf, size_t n, uint64_t *pos)
{
	(void)pos;
	struct pipe *p = f->ip->pipe;
	if (n == 0)
		return 0;
	uint64_t irq = irq_save();
	while (p->count == 0) {
		if (p->writers == 0) {
			irq_restore(irq);
			return 0;
		}
		if (f->flags & O_NONBLOCK) {
			irq_restore(irq);
			return -EAGAIN;
		}
		long err = waitq_sleep(&p->rq);
		if (err) {
			irq_restore(irq);
			return err;
		}
	}
	irq_restore(irq);
	size_t k = MIN(n, (size_t)p->count);
	size_t c1 = MIN(k, (size_t)(RZ_PIPE_SIZE - p->head));
	if (copy_to_user(ubuf, p->buf + p->head, c1) || (k > c1 && copy_to_user(ubuf + c1, p->buf, k - c1)))
		return -EFAULT;
	p->head = (uint32_t)((p->head + k) % RZ_PIPE_SIZE);
	bool was_full = p->count == RZ_PIPE_SIZE;
	p->count -= (uint32_t)k;
	if (p->count == 0)
		p->head = 0;
	/* only a full pipe becomes writable: a poller (or an edge-triggered epoll item) sees no
	 * change otherwise, as on Linux */
	if (was_full)
		pipe_wake(p, PIPE_KEY_READ);
	else
		waitq_wake_all(&p->wq);
	return (long)k;
}

static long pipe_write(struct file *f, struct wsrc src, size_t n, uint64_t *pos)
{
	(void)pos;
	struct pipe *p = f->ip->pipe;
	size_t done = 0;
	bool atomic = n <= RZ_PIPE_BUF;
	if (n == 0)
		return 0;
	while (done < n) {
		uint64_t irq = irq_save();
		size_t space;
		for (;;) {
			if (p->readers == 0) {
				irq_restore(irq);
				signal_send(current_pid(), SIGPIPE);
				return done ? (long)done : -EPIPE;
			}
			space = RZ_PIPE_SIZE - p->count;
			if (space >= (atomic ? n : 1))
				break;
			if (f->flags & O_NONBLOCK) {
				irq_restore(irq);
				return done ? (long)done : -EAGAIN;
			}
			long err = waitq_sleep(&p->wq);
			if (err) {
				irq_restore(irq);
				return done ? (long)done : err;
			}
		}
		irq_restore(irq);
		size_t k = MIN(n - done, space);
		uint32_t tail = (p->head + p->count) % RZ_PIPE_SIZE;
		size_t c1 = MIN(k, (size_t)(RZ_PIPE_SIZE - tail));
		if (wsrc_copy(p->buf + tail, src, done, c1) || (k > c1 && wsrc_copy(p->buf, src, done + c1, k - c1)))
			return done ? (long)done : -EFAULT;
		p->count += (uint32_t)k;
		done += k;
		pipe_wake(p, PIPE_KEY_WRITE);
	}
	return (long)done;
}

static unsigned int pipe_poll(struct file *f)
{
	struct pipe *p = f->ip->pipe;
	unsigned int m = 0;
	poll_wait_on(&p->pollers);
	if (file_readable(f)) {
		if (p->count)
			m |= POLLIN | POLLRDNORM;
		if (p->writers == 0)
			m |= POLLHUP;
	}
	if (file_writable(f)) {
		if (p->count < RZ_PIPE_SIZE)
			m |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			m |= POLLERR;
	}
	return m;
}

static void pipe_release(struct file *f)
{
	struct pipe *p = f->ip->pipe;
	if (file_readable(f))
		p->readers--;
	if (file_writable(f))
		p->writers--;
	pipe_wake(p, PIPE_KEY_ENDS);
}

const struct file_ops pipe_fops = {
	.read = pipe_read, .write = pipe_write, .poll = pipe_poll, .release = pipe_release,
};

long pipe_create(struct file **rd, struct file **wr)
{
	struct inode *ip = inode_new(S_IFIFO | 0600);
	if (!ip)
		return -ENFILE;
	if (!(ip->pipe = pipe_alloc())) {
		inode_put(ip);
		return -ENFILE;
	}
	*rd = file_alloc(ip, O_RDONLY, &pipe_fops);
	*wr = file_alloc(ip, O_WRONLY, &pipe_fops);
	if (!*rd || !*wr) {
		if (*rd)
			(*rd)->ops = NULL;
		if (*wr)
			(*wr)->ops = NULL;
		file_put(*rd);
		file_put(*wr);
		inode_put(ip);
		return -ENFILE;
	}
	ip->pipe->readers = ip->pipe->writers = 1;
	inode_put(ip);
	return 0;
}

long fifo_open(struct file *f)
{
	struct inode *ip = f->ip;
	if (!ip->pipe && !(ip->pipe = pipe_alloc()))
		return -ENOMEM;
	struct pipe *p = ip->pipe;
	bool r = file_readable(f), w = file_writable(f);
	if (w && !r && (f->flags & O_NONBLOCK) && p->readers == 0)
		return -ENXIO;
	if (r) {
		p->readers++;
		p->reader_opens++;
	}
	if (w) {
		p->writers++;
		p->writer_opens++;
	}
	f->ops = &pipe_fops;
	pipe_wake(p, PIPE_KEY_ENDS);
	if (r && w)
		return 0;
	if (r && (f->flags & O_NONBLOCK))
		return 0;
	/* Wait for the other end to be opened (or to have been opened since we came). */
	uint64_t irq = irq_save();
	uint64_t seen = r ? p->writer_opens : p->reader_opens;
	while (r ? (p->writers == 0 && p->writer_opens == seen) : (p->readers == 0 && p->reader_opens == seen)) {
		long err = waitq_sleep(r ? &p->rq : &p->wq);
		if (err) {
			irq_restore(irq);
			f->ops = NULL;
			if (r)
				p->readers--;
			else
				p->writers--;
			pipe_wake(p, PIPE_KEY_ENDS);
			return err;
		}
	}
	irq_restore(irq);
	return 0;
}

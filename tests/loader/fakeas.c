/* fakeas.c: the byte-array address space of the loader's tests (see fakeas.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fakeas.h"

#define PAGE 4096u

void fake_init(struct fake_as *f, uint64_t base, uint64_t npages)
{
	memset(f, 0, sizeof *f);
	f->base = base;
	f->npages = npages;
	f->mem = malloc(npages * PAGE);
	f->prot = malloc(npages * sizeof *f->prot);
	if (!f->mem || !f->prot)
		abort();
	memset(f->mem, 0xAA, npages * PAGE);
	for (uint64_t i = 0; i < npages; i++)
		f->prot[i] = -1;
}

void fake_free(struct fake_as *f)
{
	free(f->mem);
	free(f->prot);
	f->mem = NULL;
	f->prot = NULL;
}

static int in_range(struct fake_as *f, uint64_t va, uint64_t len)
{
	return va >= f->base && va - f->base <= f->npages * PAGE &&
	       len <= f->npages * PAGE - (va - f->base);
}

static int fake_map(void *ctx, uint64_t va, uint64_t len, int prot)
{
	struct fake_as *f = ctx;
	f->maps++;
	if (f->fail_map_at == f->maps)
		return -1;
	if ((va | len) % PAGE || len == 0 || !in_range(f, va, len) ||
	    (prot & ~(LOADER_PROT_R | LOADER_PROT_W | LOADER_PROT_X))) {
		fprintf(stderr, "  fake map: bad request va=%#llx len=%#llx prot=%d\n",
			(unsigned long long)va, (unsigned long long)len, prot);
		f->bad = 1;
		return -1;
	}
	for (uint64_t p = (va - f->base) / PAGE; p < (va - f->base + len) / PAGE; p++) {
		if (f->prot[p] != -1) {
			fprintf(stderr, "  fake map: page %#llx mapped twice\n",
				(unsigned long long)(f->base + p * PAGE));
			f->bad = 1;
		}
		f->prot[p] = prot;
		memset(f->mem + p * PAGE, 0, PAGE);
	}
	return 0;
}

static int fake_write(void *ctx, uint64_t va, const void *src, uint64_t len)
{
	struct fake_as *f = ctx;
	f->writes++;
	if (f->fail_write_at == f->writes)
		return -1;
	if (!in_range(f, va, len) || (f->whi && (va < f->wlo || va > f->whi || len > f->whi - va))) {
		fprintf(stderr, "  fake write: outside va=%#llx len=%#llx\n",
			(unsigned long long)va, (unsigned long long)len);
		f->bad = 1;
		return -1;
	}
	for (uint64_t a = va; a < va + len; a++) {
		if (f->prot[(a - f->base) / PAGE] == -1) {
			fprintf(stderr, "  fake write: unmapped page at %#llx\n", (unsigned long long)a);
			f->bad = 1;
			return -1;
		}
	}
	memcpy(f->mem + (va - f->base), src, len);
	return 0;
}

void fake_map_all(struct fake_as *f, int prot)
{
	for (uint64_t i = 0; i < f->npages; i++)
		f->prot[i] = prot;
	memset(f->mem, 0, f->npages * PAGE);
}

struct loader_as fake_as(struct fake_as *f)
{
	struct loader_as as = { .ctx = f, .map = fake_map, .write = fake_write };
	return as;
}

uint8_t *fake_ptr(struct fake_as *f, uint64_t va)
{
	return in_range(f, va, 1) ? f->mem + (va - f->base) : NULL;
}

int fake_prot(struct fake_as *f, uint64_t va)
{
	return in_range(f, va, 1) ? f->prot[(va - f->base) / PAGE] : -1;
}

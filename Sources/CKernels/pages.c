// Anonymous memory for the large tensor blocks (Sources/Tensors/TensorStorage.swift): 2 MB-aligned mappings marked
// for transparent huge pages, and moving a block's pages to another address without touching them (mremap), so
// freed blocks of other sizes can make up a new one instead of fresh pages the kernel (and, on a virtual machine,
// the host) must fault in and clear.
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <sys/mman.h>
#include "ckernels.h"

#define GRANULE ((size_t)2 << 20)

void *jk_pages_map(size_t size) {
    if (size == 0 || size % GRANULE) return 0;
    uint8_t *raw = mmap(0, size + GRANULE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return 0;
    uint8_t *aligned = (uint8_t *)(((uintptr_t)raw + GRANULE - 1) & ~(uintptr_t)(GRANULE - 1));
    if (aligned > raw) munmap(raw, (size_t)(aligned - raw));
    size_t tail = (size_t)(raw + size + GRANULE - (aligned + size));
    if (tail) munmap(aligned + size, tail);
#ifdef MADV_HUGEPAGE
    madvise(aligned, size, MADV_HUGEPAGE);
#endif
    return aligned;
}

void jk_pages_unmap(void *p, size_t size) {
    if (p && size) munmap(p, size);
}

size_t jk_pages_move(void *from, size_t size, void *to) {
    if (size == 0) return 0;
    if (mremap(from, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, to) != MAP_FAILED) return size;
    // A range made of earlier moves spans several mappings, which one mremap refuses: move it granule by granule
    // (every piece boundary is a multiple of 2 MB).
    if (size % GRANULE) return 0;
    size_t off = 0;
    while (off < size && mremap((uint8_t *)from + off, GRANULE, GRANULE, MREMAP_MAYMOVE | MREMAP_FIXED, (uint8_t *)to + off) != MAP_FAILED) {
        off += GRANULE;
    }
    return off;
}

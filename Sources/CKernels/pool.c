// A persistent worker pool for the chunked parallel-for in Tensors/Parallel.swift.
// libdispatch's concurrentPerform costs ~50 µs per call here (workers wake too late for ~100 µs chunks, so the
// caller often runs both chunks itself); a decode step makes ~170 such calls. These workers spin for a short
// window after each job (the next GEMV is usually microseconds away) and then sleep on a condition variable, so
// they do not take the cores from OpenBLAS during long sgemm phases.
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include "ckernels.h"
#if defined(__x86_64__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

#define POOL_MAX_WORKERS 63
#define SPIN_NANOSECONDS 200000  // 0.2 ms

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;    // one job at a time
static pthread_mutex_t sleep_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sleep_cond = PTHREAD_COND_INITIALIZER;
static int started_workers = 0;                                   // guarded by pool_lock
static _Atomic uint64_t generation = 0;
static _Atomic int pending = 0;
static jk_chunk_fn job_fn;
static void *job_ctx;
static int job_chunks, job_stride;
static _Thread_local int inside_pool_job = 0;

static uint64_t monotonic_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void *worker_main(void *arg) {
    const int id = (int)(intptr_t)arg;  // 1-based: the caller is chunk 0's thread
    inside_pool_job = 1;
    uint64_t seen = 0;
    for (;;) {
        uint64_t g = atomic_load_explicit(&generation, memory_order_acquire);
        if (g == seen) {
            const uint64_t deadline = monotonic_ns() + SPIN_NANOSECONDS;
            for (unsigned spins = 1; (g = atomic_load_explicit(&generation, memory_order_acquire)) == seen; spins++) {
                if ((spins & 255) == 0 && monotonic_ns() > deadline) {
                    pthread_mutex_lock(&sleep_lock);
                    while ((g = atomic_load_explicit(&generation, memory_order_acquire)) == seen)
                        pthread_cond_wait(&sleep_cond, &sleep_lock);
                    pthread_mutex_unlock(&sleep_lock);
                    break;
                }
                CPU_RELAX();
            }
        }
        seen = g;
        if (id < job_stride)
            for (int c = id; c < job_chunks; c += job_stride) job_fn(job_ctx, c);
        atomic_fetch_sub_explicit(&pending, 1, memory_order_acq_rel);
    }
    return NULL;
}

void jk_parallel_run(int threads, int chunks, jk_chunk_fn fn, void *ctx) {
    if (threads > POOL_MAX_WORKERS + 1) threads = POOL_MAX_WORKERS + 1;
    // Serial when there is nothing to share, when called from inside a job, or while another thread's job runs
    // (tests call kernels concurrently): results never depend on the split, only the speed does.
    if (chunks <= 1 || threads <= 1 || inside_pool_job || pthread_mutex_trylock(&pool_lock) != 0) {
        for (int c = 0; c < chunks; c++) fn(ctx, c);
        return;
    }
    while (started_workers < threads - 1) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int failed = pthread_create(&t, &attr, worker_main, (void *)(intptr_t)(started_workers + 1));
        pthread_attr_destroy(&attr);
        if (failed) break;
        started_workers++;
    }
    if (started_workers == 0) {  // could not start a thread: still correct
        pthread_mutex_unlock(&pool_lock);
        for (int c = 0; c < chunks; c++) fn(ctx, c);
        return;
    }
    const int stride = threads < started_workers + 1 ? threads : started_workers + 1;
    job_fn = fn; job_ctx = ctx; job_chunks = chunks; job_stride = stride;
    atomic_store_explicit(&pending, started_workers, memory_order_relaxed);
    pthread_mutex_lock(&sleep_lock);
    atomic_fetch_add_explicit(&generation, 1, memory_order_release);
    pthread_cond_broadcast(&sleep_cond);
    pthread_mutex_unlock(&sleep_lock);
    inside_pool_job = 1;
    for (int c = 0; c < chunks; c += stride) fn(ctx, c);
    inside_pool_job = 0;
    while (atomic_load_explicit(&pending, memory_order_acquire) > 0) CPU_RELAX();
    pthread_mutex_unlock(&pool_lock);
}

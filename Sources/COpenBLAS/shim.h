#include <cblas.h>
// libopenblas-dev ships no lapacke.h; OpenBLAS exports the Fortran LAPACK symbols itself.
// Declaring the few we need here keeps the system dependencies to libopenblas-dev.
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                    double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
extern void ssyevd_(const char *jobz, const char *uplo, const int *n, float *a, const int *lda,
                    float *w, float *work, const int *lwork, int *iwork, const int *liwork, int *info);

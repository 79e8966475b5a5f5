// CBLAS and LAPACKE from Debian's OpenBLAS (cblas.h) and LAPACKE (lapacke.h).
#ifndef MINDSPACE_CLINALG_SHIM_H
#define MINDSPACE_CLINALG_SHIM_H
#include <cblas.h>
#include <lapacke.h>
// OpenBLAS thread control (declared by OpenBLAS's cblas.h; repeated here in case another
// CBLAS header is selected by Debian's alternatives).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_corename(void);
#endif

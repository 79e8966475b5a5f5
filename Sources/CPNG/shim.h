// libpng 1.6 (Debian's libpng-dev).
#ifndef MINDSPACE_CPNG_SHIM_H
#define MINDSPACE_CPNG_SHIM_H
#include <png.h>
#endif

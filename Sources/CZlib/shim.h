// zlib (Debian's zlib1g-dev): raw inflate for deflate-compressed .npz entries, CRC-32.
#ifndef MINDSPACE_CZLIB_SHIM_H
#define MINDSPACE_CZLIB_SHIM_H
#include <zlib.h>
#endif

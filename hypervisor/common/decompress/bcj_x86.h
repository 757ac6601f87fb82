// The x86 branch-conversion filter ("BCJ x86") of the .xz format, decoding direction.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace decompress {

// Undoes the filter over a whole filtered buffer in place. `start` is the filter's start
// offset (the position the buffer's first byte had, 0 unless the filter properties say
// otherwise). The last four bytes are never changed, as the filter leaves them alone.
void bcj_x86_decode(uint8_t* buf, size_t len, uint32_t start);

} // namespace decompress

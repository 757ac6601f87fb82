// The encoder turned the 32-bit relative operand of CALL (E8) and JMP (E9) into an absolute
// one, "position of the next instruction + operand", when the operand's top byte was 00 or
// FF (a near target), which makes repeated calls to one function repeat byte for byte.
// Decoding subtracts the position again. Which E8/E9 bytes the encoder converted is
// decided from data both sides see alike, so the decoder repeats the decision:
//
//  - An E8/E9 whose operand (the next four bytes) ends in 00 or FF is a candidate.
//  - It is converted unless, among the three bytes before it, there is more than one
//    E8/E9 byte that was left alone, or one that was left alone although its own operand
//    ended in 00/FF. A converted instruction is skipped whole; one left alone is not.
//  - The result is written with its top byte as the sign of bit 24 (00 or FF).
//  - If one E8/E9 left alone lies d bytes back (d = 1..3), the encoder made sure that the
//    operand byte it would see as its own top byte (byte 3 - d of ours) does not become
//    00/FF, by flipping the bits below it and converting again; the decoder undoes that.
//    The flip turns the decoded low bits x into their complement, and converting the
//    complement gives ~(operand) in those bits, whose check byte is the complement of a
//    byte that was not 00/FF: so at most one flip is ever needed.
#include "common/decompress/bcj_x86.h"

namespace decompress {
namespace {

inline bool near_byte(uint8_t b) {
    return b == 0x00 || b == 0xff;
}

} // namespace

void bcj_x86_decode(uint8_t* buf, size_t len, uint32_t start) {
    if (len < 5)
        return;
    // Bit k (k = 1..3) of `left`: the byte k before the current E8/E9 was an E8/E9 left
    // alone; the same bit of `left_near`: and its operand ended in 00/FF. Bit 0 is the
    // current one, once decided.
    uint32_t left = 0, left_near = 0;
    size_t last = 0;  // position of the last E8/E9 looked at
    bool any = false; // whether there was one
    for (size_t i = 0; i <= len - 5;) {
        if ((buf[i] & 0xfe) != 0xe8) {
            i++;
            continue;
        }
        size_t gap = any ? i - last : 4;
        any = true;
        last = i;
        if (gap >= 4) {
            left = left_near = 0;
        } else {
            left = (left << gap) & 0xe;
            left_near = (left_near << gap) & 0xe;
        }
        uint8_t top = buf[i + 4];
        bool single = (left & (left - 1)) == 0; // no more than one left alone nearby
        if (!near_byte(top) || !single || left_near) {
            left |= 1;
            if (near_byte(top))
                left_near |= 1;
            i++;
            continue;
        }
        uint32_t next_ip = start + uint32_t(i) + 5;
        uint32_t operand = uint32_t(buf[i + 1]) | uint32_t(buf[i + 2]) << 8 |
                           uint32_t(buf[i + 3]) << 16 | uint32_t(top) << 24;
        uint32_t value = operand - next_ip;
        if (left) {
            unsigned d = __builtin_ctz(left); // 1..3
            unsigned shift = 24 - 8 * d;
            uint32_t low_mask = (1u << (shift + 8)) - 1;
            // Proven above to run at most once; the bound only documents that.
            for (int round = 0; round < 2 && near_byte(uint8_t(value >> shift)); round++)
                value = (value ^ low_mask) - next_ip;
        }
        buf[i + 1] = uint8_t(value);
        buf[i + 2] = uint8_t(value >> 8);
        buf[i + 3] = uint8_t(value >> 16);
        buf[i + 4] = (value & (1u << 24)) ? 0xff : 0x00;
        left = left_near = 0;
        i += 5;
    }
}

} // namespace decompress

// The register frame every exception and interrupt saves, and the dispatch from it.
#pragma once
#include <stdint.h>

namespace arch {

// Layout shared with entry.S (and, later, PV guest entry): general registers pushed by
// the stub, then the error code and vector, then the hardware frame.
struct TrapFrame {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    uint32_t error_code, vector;
    uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(TrapFrame) == 21 * 8);
// pv/syscall_entry.S uses these offsets.
static_assert(__builtin_offsetof(TrapFrame, r11) == 48 && __builtin_offsetof(TrapFrame, rcx) == 88 &&
              __builtin_offsetof(TrapFrame, rip) == 128 && __builtin_offsetof(TrapFrame, cs) == 136 &&
              __builtin_offsetof(TrapFrame, rflags) == 144 && __builtin_offsetof(TrapFrame, ss) == 160);

using IrqHandler = void (*)(TrapFrame& frame);

enum Vector : uint8_t {
    kVecDivide = 0, kVecDebug = 1, kVecNmi = 2, kVecBreakpoint = 3, kVecOverflow = 4,
    kVecBound = 5, kVecInvalidOp = 6, kVecNoDevice = 7, kVecDoubleFault = 8,
    kVecInvalidTss = 10, kVecNoSegment = 11, kVecStackFault = 12, kVecGeneralProtection = 13,
    kVecPageFault = 14, kVecFpu = 16, kVecAlignment = 17, kVecMachineCheck = 18,
    kVecSimd = 19, kVecVirtualization = 20, kVecControlProtection = 21,
    // Interrupt vectors xenon owns (high priority classes for IPIs).
    kVecLapicTimer = 0xf0,
    kVecCallFunction = 0xf1,
    kVecStopCpu = 0xf2,
    kVecKick = 0xf3,
    kVecSpurious = 0xff,
};

void set_irq_handler(uint8_t vector, IrqHandler handler);
const char* exception_name(unsigned vector);
void dump_frame(const TrapFrame& frame);
// Prints the frame-pointer chain starting at rbp, staying inside the current stack.
void backtrace(uint64_t rip, uint64_t rbp);

} // namespace arch

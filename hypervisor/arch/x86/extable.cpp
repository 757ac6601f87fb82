#include "arch/extable.h"

extern "C" const arch::ExtableEntry __extable_start[], __extable_end[];

namespace arch {

bool extable_fixup(TrapFrame& frame) {
    for (const ExtableEntry* e = __extable_start; e < __extable_end; e++) {
        if (e->fault_rip == frame.rip) {
            frame.rip = e->fixup_rip;
            return true;
        }
    }
    return false;
}

bool rdmsr_safe(uint32_t msr, uint64_t& value) {
    uint32_t lo = 0, hi = 0;
    int ok = 1;
    asm volatile("1: rdmsr\n\t"
                 "jmp 3f\n"
                 "2: xor %2, %2\n"
                 "3:\n\t" EXTABLE_ENTRY(1b, 2b)
                 : "=a"(lo), "=d"(hi), "+r"(ok)
                 : "c"(msr));
    value = (uint64_t(hi) << 32) | lo;
    return ok;
}

} // namespace arch

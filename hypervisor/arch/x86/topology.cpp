// CPU topology from APIC ids. The id splits into thread, core and socket fields whose
// widths CPUID gives: leaf 0xb (x2APIC topology: the SMT and core levels' shifts) where
// the CPU has it, else AMD's 0x80000008 core count, else one thread and one core per
// socket. Every CPU of one machine shares the layout, so the boot CPU's is used.
#include "arch/topology.h"

#include "arch/cpu.h"
#include "arch/percpu.h"

namespace arch {
namespace {

struct Layout {
    unsigned thread_bits;
    unsigned core_bits; // thread and core bits together: the socket's shift
};

unsigned bits_for(unsigned count) {
    unsigned bits = 0;
    while ((1u << bits) < count)
        bits++;
    return bits;
}

Layout probe() {
    Layout l{0, 0};
    unsigned max_leaf = cpuid(0).eax;
    if (max_leaf >= 0xb && cpuid(0xb, 0).ebx != 0) {
        for (unsigned sub = 0; sub < 8; sub++) {
            CpuidResult r = cpuid(0xb, sub);
            unsigned type = (r.ecx >> 8) & 0xff;
            if (type == 0)
                break;
            if (type == 1)
                l.thread_bits = r.eax & 0x1f;
            if (type == 2)
                l.core_bits = r.eax & 0x1f;
        }
        if (l.core_bits < l.thread_bits)
            l.core_bits = l.thread_bits;
        return l;
    }
    if (cpuid(0x80000000).eax >= 0x80000008) {
        CpuidResult r = cpuid(0x80000008);
        unsigned size = (r.ecx >> 12) & 0xf;
        l.core_bits = size ? size : bits_for((r.ecx & 0xff) + 1);
    }
    return l;
}

const Layout& layout() {
    static Layout l = probe();
    return l;
}

} // namespace

CpuTopology cpu_topology(unsigned id) {
    const Layout& l = layout();
    uint32_t apic = cpu(id) ? cpu(id)->apic_id : id;
    return {(apic & ((1u << l.core_bits) - 1)) >> l.thread_bits, apic >> l.core_bits};
}

} // namespace arch

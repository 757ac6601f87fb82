// PVH start of day after head.S: the IDT, the hypercall page, then test_main().
#include "pvh.h"

#include "public/hvm/hvm_op.h"
#include "public/hvm/params.h"
#include "public/memory.h"

extern "C" uint8_t pvh_trap_stubs[];
extern "C" uint32_t pvh_start_info_pa;

namespace xt::pvh {

const xen::hvm_start_info* start_info;
uint64_t start_info_pa;
uint32_t hypercall_msr;
volatile uint64_t fault_fixup;
volatile Fault last_fault;
volatile unsigned upcall_count;
xen::shared_info* shared;

namespace {

uint8_t upcall_vector;

struct [[gnu::packed]] IdtEntry {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
};
alignas(16) IdtEntry idt[256];

void load_idt() {
    for (unsigned v = 0; v < 256; v++) {
        uint64_t a = uint64_t(pvh_trap_stubs) + v * 16;
        idt[v] = {uint16_t(a), 0x08, 0, 0x8e, uint16_t(a >> 16), uint32_t(a >> 32), 0};
    }
    struct [[gnu::packed]] {
        uint16_t limit;
        uint64_t base;
    } ptr{sizeof(idt) - 1, uint64_t(idt)};
    asm volatile("lidt %0" ::"m"(ptr));
}

void wrmsr(uint32_t msr, uint64_t v) {
    asm volatile("wrmsr" ::"c"(msr), "a"(uint32_t(v)), "d"(uint32_t(v >> 32)));
}

void install_hypercall_page() {
    Cpuid sig = cpuid(0x40000000);
    if (sig.ebx != 0x566e6558 || sig.ecx != 0x65584d4d || sig.edx != 0x4d4d566e)
        asm volatile("ud2"); // not on Xen: nothing to report with
    hypercall_msr = cpuid(0x40000002).ebx;
    wrmsr(hypercall_msr, phys_of(hypercall_page));
}

void handle_upcall() {
    upcall_count = upcall_count + 1;
    if (!shared)
        return;
    xen::vcpu_info& vi = shared->vcpu_info[0];
    vi.evtchn_upcall_pending = 0;
    uint64_t sel = __atomic_exchange_n(&vi.evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned w = __builtin_ctzll(sel);
        sel &= sel - 1;
        __atomic_store_n(&shared->evtchn_pending[w], 0, __ATOMIC_SEQ_CST);
    }
}

} // namespace

bool rdmsr_safe(uint32_t msr, uint64_t* value) {
    uint32_t lo = 0, hi = 0;
    Fault f = XT_PVH_TRY("rdmsr",
                         : "=a"(lo), "=d"(hi), [fix] "=m"(fault_fixup)
                         : "c"(msr)
                         : "r11", "memory");
    *value = uint64_t(hi) << 32 | lo;
    return f.vector < 0;
}

bool wrmsr_safe(uint32_t msr, uint64_t v) {
    Fault f = XT_PVH_TRY("wrmsr",
                         : [fix] "=m"(fault_fixup)
                         : "c"(msr), "a"(uint32_t(v)), "d"(uint32_t(v >> 32))
                         : "r11", "memory");
    return f.vector < 0;
}

long set_upcall_vector(uint8_t vector) {
    upcall_vector = vector;
    xen::xen_hvm_param p{xen::DOMID_SELF, 0, xen::HVM_PARAM_CALLBACK_IRQ,
                         (xen::HVM_PARAM_CALLBACK_TYPE_VECTOR << 56) | vector};
    return hypercall(xen::HYPERVISOR_hvm_op, xen::HVMOP_set_param, arg(&p));
}

long map_shared_info(void* page) {
    xen::xen_add_to_physmap a{};
    a.domid = xen::DOMID_SELF;
    a.space = xen::XENMAPSPACE_shared_info;
    a.idx = 0;
    a.gpfn = phys_of(page) >> 12;
    long rc = memory_op(xen::XENMEM_add_to_physmap, &a);
    if (rc == 0)
        shared = static_cast<xen::shared_info*>(page);
    return rc;
}

} // namespace xt::pvh

using namespace xt::pvh;

extern "C" void pvh_trap(Frame* f) {
    if (upcall_vector && f->vector == upcall_vector) {
        handle_upcall();
        return;
    }
    if (f->vector < 32 && fault_fixup) {
        last_fault.vector = int(f->vector);
        last_fault.error_code = f->error_code;
        f->rip = fault_fixup;
        fault_fixup = 0;
        return;
    }
    xt::report_error("unexpected vector %lu at rip %#lx, error code %#lx", f->vector, f->rip,
                     f->error_code);
}

extern "C" [[noreturn]] void pvh_main() {
    start_info_pa = pvh_start_info_pa;
    start_info = virt_of<const xen::hvm_start_info>(start_info_pa);
    load_idt();
    install_hypercall_page();
    test_main();
    xt::report_error("test_main returned");
}

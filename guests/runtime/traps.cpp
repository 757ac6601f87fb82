// The virtual IDT (HYPERVISOR_set_trap_table), exception dispatch and fault recovery.
#include "runtime.h"

extern "C" {
// head.S
int xt_fault_try(void (*fn)(), void *buf);
void xt_fault_recover();
volatile uint8_t xt_use_page_iret;
void *volatile xt_fault_buf;
void xt_trap_0(), xt_trap_1(), xt_trap_2(), xt_trap_3(), xt_trap_4(), xt_trap_5(),
    xt_trap_6(), xt_trap_7(), xt_trap_8(), xt_trap_9(), xt_trap_10(), xt_trap_11(),
    xt_trap_12(), xt_trap_13(), xt_trap_14(), xt_trap_15(), xt_trap_16(), xt_trap_17(),
    xt_trap_18(), xt_trap_19(), xt_trap_20(), xt_trap_21();
void xt_trap_dispatch(xt::trap_frame *f);
void xt_failsafe_dispatch(const uint64_t *frame);
}

namespace xt {

void event_dispatch(trap_frame *f); // events.cpp

fault_info last_fault;
volatile uint64_t site, site_end;
static bool resume_at_site_end;

namespace {

struct jmpbuf {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp;
};

trap_hook hooks[257];

// Kernel code selector for the handlers: the flat ring-3 one Xen provides (a 64-bit PV
// kernel runs in ring 3).
constexpr uint16_t KCS = xen::FLAT_KERNEL_CS;
// flags: bits 0-1 DPL allowed to raise the vector with INT n; bit 2 masks events on entry.
constexpr uint8_t MASK = 4;

xen::trap_info table[] = {
    {0, MASK, KCS, 0},      {1, MASK, KCS, 0},      {2, MASK, KCS, 0},
    {3, MASK | 3, KCS, 0},  {4, MASK | 3, KCS, 0},  {5, MASK, KCS, 0},
    {6, MASK, KCS, 0},      {7, MASK, KCS, 0},      {8, MASK, KCS, 0},
    {9, MASK, KCS, 0},      {10, MASK, KCS, 0},     {11, MASK, KCS, 0},
    {12, MASK, KCS, 0},     {13, MASK, KCS, 0},     {14, MASK, KCS, 0},
    {15, MASK, KCS, 0},     {16, MASK, KCS, 0},     {17, MASK, KCS, 0},
    {18, MASK, KCS, 0},     {19, MASK, KCS, 0},     {20, MASK, KCS, 0},
    {21, MASK, KCS, 0},     {0, 0, 0, 0}, // terminator
};

void (*const entries[])() = {
    xt_trap_0,  xt_trap_1,  xt_trap_2,  xt_trap_3,  xt_trap_4,  xt_trap_5,
    xt_trap_6,  xt_trap_7,  xt_trap_8,  xt_trap_9,  xt_trap_10, xt_trap_11,
    xt_trap_12, xt_trap_13, xt_trap_14, xt_trap_15, xt_trap_16, xt_trap_17,
    xt_trap_18, xt_trap_19, xt_trap_20, xt_trap_21,
};

} // namespace

const char *vector_name(unsigned v) {
    static const char *const names[] = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD",
                                        "#NM", "#DF", "#MF-legacy", "#TS", "#NP", "#SS",
                                        "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
                                        "#VE", "#CP"};
    if (v < sizeof names / sizeof names[0])
        return names[v];
    return v == VEC_EVENT ? "event" : "vector";
}

const xen::trap_info *trap_table() {
    for (size_t i = 0; i < sizeof entries / sizeof entries[0]; i++)
        table[i].address = reinterpret_cast<uint64_t>(entries[i]);
    return table;
}

void set_trap_hook(unsigned vector, trap_hook hook) {
    if (vector < sizeof hooks / sizeof hooks[0])
        hooks[vector] = hook;
}

bool try_fault(void (*fn)(), fault_info *out) {
    jmpbuf buf;
    last_fault = fault_info{};
    bool faulted = xt_fault_try(fn, &buf) != 0 || last_fault.faulted;
    last_fault.faulted = faulted;
    if (out)
        *out = last_fault;
    return faulted;
}

fault_info expect_fault(unsigned vector, void (*fn)()) {
    fault_info fi;
    if (!try_fault(fn, &fi))
        report_failure("expected %s (vector %u), but nothing faulted", vector_name(vector),
                       vector);
    if (fi.vector != vector)
        report_failure("expected %s (vector %u), got %s (vector %u) at rip %#lx error code %#lx",
                       vector_name(vector), vector, vector_name(fi.vector), fi.vector, fi.rip,
                       fi.error_code);
    return fi;
}

fault_info expect_fault_continue(unsigned vector, void (*fn)()) {
    resume_at_site_end = true;
    fault_info fi = expect_fault(vector, fn);
    resume_at_site_end = false;
    return fi;
}

} // namespace xt

using namespace xt;

extern "C" void xt_trap_dispatch(trap_frame *f) {
    unsigned v = unsigned(f->vector);
    if (v == VEC_EVENT) {
        event_dispatch(f);
        return;
    }
    if (v < sizeof hooks / sizeof hooks[0] && hooks[v] && hooks[v](f))
        return;
    if (xt_fault_buf) {
        last_fault.vector = v;
        last_fault.error_code = f->error_code;
        last_fault.rip = f->rip;
        last_fault.cr2 = vcpu ? vcpu->arch.cr2 : 0;
        last_fault.frame = *f;
        last_fault.handler_rsp = reinterpret_cast<uint64_t>(&f->rcx);
        last_fault.faulted = true;
        if (resume_at_site_end) {
            f->rip = site_end; // fn goes on; xt_fault_try returns normally
            return;
        }
        f->rip = reinterpret_cast<uint64_t>(xt_fault_recover);
        f->rsp = static_cast<jmpbuf *>(xt_fault_buf)->rsp;
        return;
    }
    uint64_t cr2 = vcpu ? vcpu->arch.cr2 : 0;
    report_error("unexpected %s (vector %u) at rip %#lx, error code %#lx, cr2 %#lx, rsp %#lx",
                 vector_name(v), v, f->rip, f->error_code, cr2, f->rsp);
}

extern "C" void xt_failsafe_dispatch(const uint64_t *frame) {
    report_error("failsafe callback: ds %#lx es %#lx fs %#lx gs %#lx rip %#lx cs %#lx", frame[2],
                 frame[3], frame[4], frame[5], frame[6], frame[7]);
}

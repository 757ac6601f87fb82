// The xenon test-guest runtime: what a conformance guest (guests/tests/<name>.cpp) sees.
//
// A test defines `void test_main()` and ends with exactly one of report_success(),
// report_failure(), report_skip() or report_error(), each of which prints one line
//     Test result: SUCCESS | FAILURE (reason) | SKIP (reason) | ERROR (reason)
// and shuts the domain down (SCHEDOP_shutdown, SHUTDOWN_poweroff: the verdict is in the
// line). Returning from test_main() is an error. Before test_main() runs, the runtime has
// installed trap handlers for vectors 0-21 (an unexpected exception reports ERROR with
// its vector and rip), registered the event and failsafe callbacks, and mapped
// shared_info; events stay masked until a test unmasks them.
#pragma once
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hypercall.h"
#include "public/xen.h"

void test_main();

// Range-for over a braced list (`for (unsigned v : {1u, 2u})`) needs std::initializer_list,
// and the guests are built without the C++ library headers (-nostdinc++). This is the
// shape GCC's front end builds: a pointer and a length.
namespace std {
template <class E> class initializer_list {
    const E *array_;
    size_t len_;
    constexpr initializer_list(const E *a, size_t n) : array_(a), len_(n) {}

public:
    constexpr initializer_list() : array_(nullptr), len_(0) {}
    constexpr size_t size() const { return len_; }
    constexpr const E *begin() const { return array_; }
    constexpr const E *end() const { return array_ + len_; }
};
} // namespace std

// Memory helpers (global, as the compiler expects them).
extern "C" void *memset(void *d, int c, size_t n);
extern "C" void *memcpy(void *d, const void *s, size_t n);
extern "C" void *memmove(void *d, const void *s, size_t n);
extern "C" int memcmp(const void *a, const void *b, size_t n);

namespace xt {

// The image is mapped from VIRT_BASE; Xen's start-of-day layout maps pseudo-physical
// frame n at VIRT_BASE + n * 4096 (kernel, p2m list, start_info, page tables, stack).
inline constexpr uint64_t VIRT_BASE = 0xffffffff80000000ull;
inline constexpr uint64_t PAGE_SIZE = 4096;

// PTE bits (x86-64).
inline constexpr uint64_t PTE_P = 1u << 0, PTE_RW = 1u << 1, PTE_US = 1u << 2,
                          PTE_PWT = 1u << 3, PTE_PCD = 1u << 4, PTE_A = 1u << 5, PTE_D = 1u << 6;
inline constexpr uint64_t PTE_NX = 1ull << 63;

extern const xen::start_info *start_info;
extern xen::shared_info *shared;    // mapped at start
extern xen::vcpu_info *vcpu;        // vCPU 0's vcpu_info (moves with register_vcpu_info)
extern const char *cmdline;         // start_info->cmd_line

// pseudo-physical frame <-> machine frame for addresses inside the initial mapping.
uint64_t pfn_of(const volatile void *va);
uint64_t mfn_of(const volatile void *va);

// ---------------------------------------------------------------------------------------
// Output and verdicts.

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void puts_raw(const char *s, size_t len); // one CONSOLEIO_write

[[noreturn]] void report_success();
[[noreturn]] void report_failure(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void report_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
[[noreturn]] void shutdown(unsigned reason);

// Checks that end the test with FAILURE, naming the file, line and values.
#define XT_CHECK(cond)                                                                     \
    do {                                                                                   \
        if (!(cond))                                                                       \
            ::xt::report_failure("%s:%d: %s", __FILE_NAME__, __LINE__, #cond);             \
    } while (0)

#define XT_CHECK_EQ(got, want)                                                             \
    do {                                                                                   \
        auto xt_got_ = (got);                                                              \
        auto xt_want_ = (want);                                                            \
        if (!(xt_got_ == static_cast<decltype(xt_got_)>(xt_want_)))                        \
            ::xt::report_failure("%s:%d: %s = %ld (%#lx), expected %ld (%#lx)",             \
                                 __FILE_NAME__, __LINE__, #got, (long)xt_got_,             \
                                 (unsigned long)xt_got_, (long)xt_want_,                   \
                                 (unsigned long)xt_want_);                                 \
    } while (0)

// A hypercall result: the expression and both values, errno names for negative ones.
#define XT_CHECK_RC(expr, want) ::xt::check_rc((expr), (want), #expr, __FILE_NAME__, __LINE__)
void check_rc(long got, long want, const char *what, const char *file, int line);
const char *errno_name(long rc); // "-EINVAL", or "" when not an error number

// String helpers.
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
const char *strstr(const char *hay, const char *needle);

// ---------------------------------------------------------------------------------------
// Traps.

// The uniform frame every exception (and the event upcall, vector 256) arrives with.
// Handlers may change rip, rsp, rflags and the registers; the runtime returns through
// HYPERVISOR_iret.
struct trap_frame {
    uint64_t r15, r14, r13, r12, r10, r9, r8, rbp, rdi, rsi, rdx, rbx, rax;
    uint64_t vector;
    uint64_t rcx, r11; // the guest's, pushed by Xen
    uint64_t error_code; // 0 for vectors without one
    uint64_t rip, cs, rflags, rsp, ss;
};
static_assert(sizeof(trap_frame) == 22 * 8);

inline constexpr unsigned VEC_DE = 0, VEC_DB = 1, VEC_NMI = 2, VEC_BP = 3, VEC_OF = 4,
                          VEC_BR = 5, VEC_UD = 6, VEC_NM = 7, VEC_DF = 8, VEC_TS = 10,
                          VEC_NP = 11, VEC_SS = 12, VEC_GP = 13, VEC_PF = 14, VEC_MF = 16,
                          VEC_AC = 17, VEC_MC = 18, VEC_XM = 19, VEC_EVENT = 256;
const char *vector_name(unsigned vector);

// What the last fault looked like, as the handler saw it.
struct fault_info {
    bool faulted;
    unsigned vector;
    uint64_t error_code;
    uint64_t rip;
    uint64_t cr2;       // vcpu_info arch.cr2 at the time of the fault
    trap_frame frame;   // the whole frame, as delivered (after the runtime's padding)
    uint64_t handler_rsp; // frame address as pushed by Xen (&frame.rcx on the guest stack)
};
extern fault_info last_fault;

// Runs fn. If it faults, the fault is recorded and execution resumes after the call to
// try_fault (fn is abandoned). Returns true when fn faulted.
bool try_fault(void (*fn)(), fault_info *out = nullptr);

// Runs fn, which must fault with `vector`: otherwise the test fails. Returns the record.
fault_info expect_fault(unsigned vector, void (*fn)());

// As expect_fault, but execution resumes inside fn at xt::site_end (the end of its
// XT_SITE snippet) with every register as the fault left it, so fn carries on.
fault_info expect_fault_continue(unsigned vector, void (*fn)());

// Addresses set by XT_SITE: the first instruction of a snippet and the byte after it.
// XT_SITE_AFTER(setup, insns, inputs...) runs `setup` first (not part of the site) and
// takes extra asm input operands (use named ones, e.g. [d] "m"(x) and %[d]). Register
// names need %% in both. rax, rcx, rdx and r8-r11 may be used freely.
extern volatile uint64_t site, site_end;
#define XT_SITE_AFTER(setup, insns, ...)                                                   \
    asm volatile("lea 1f(%%rip), %%rax\n\tmov %%rax, %[xt_site]\n\t"                       \
                 "lea 2f(%%rip), %%rax\n\tmov %%rax, %[xt_end]\n\t" setup "\n"             \
                 "1:\t" insns "\n2:\n"                                                      \
                 : [xt_site] "=m"(::xt::site), [xt_end] "=m"(::xt::site_end)                \
                 : __VA_ARGS__                                                              \
                 : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory")
#define XT_SITE(insns) XT_SITE_AFTER("", insns)

// A hook for one vector instead of the default (fault recovery or ERROR). Return true
// when handled: the frame (possibly changed) is resumed.
using trap_hook = bool (*)(trap_frame *);
void set_trap_hook(unsigned vector, trap_hook hook);

// Return from exceptions through the hypercall page's iret stub instead of SYSCALL.
extern "C" volatile uint8_t xt_use_page_iret;

// The trap table the runtime installed (terminated by a zero entry).
const xen::trap_info *trap_table();

// ---------------------------------------------------------------------------------------
// Events.

// Counts of upcalls seen per port (2-level ABI), and a per-port hook.
inline constexpr unsigned MAX_PORTS = 1024;
extern volatile unsigned event_count[MAX_PORTS];
extern volatile unsigned upcalls;
using event_hook = void (*)(unsigned port);
void set_event_hook(event_hook hook);

long bind_virq(unsigned virq, unsigned vcpu_id, unsigned *port);
void unmask_port(unsigned port);  // clears the mask bit (EVTCHNOP_unmask)
void mask_events();               // vcpu->evtchn_upcall_mask = 1
void unmask_events();             // = 0, then deliver anything pending (via a hypercall)

// ---------------------------------------------------------------------------------------
// Time.

uint64_t rdtsc();
uint64_t system_time_ns(); // from vcpu->time, retried until consistent
void wallclock(uint64_t *sec, uint32_t *nsec);

// Blocks (SCHEDOP_block) until VCPUOP_set_singleshot_timer fires `ns` from now. The
// first call binds VIRQ_TIMER on vCPU 0, stops the periodic timer and enables events.
// Returns the system time that passed.
uint64_t sleep_ns(uint64_t ns);
extern unsigned timer_port; // bound by sleep_ns (or timer_init)
void timer_init();

// ---------------------------------------------------------------------------------------
// Secondary vCPUs (smp.cpp).

inline constexpr unsigned MAX_VCPUS = 4;

// A context for VCPUOP_initialise that runs fn(arg) on vCPU id in the guest kernel, on
// the stack ending at stack_top (16-byte aligned), with the runtime's trap table and
// callbacks and the boot page tables; when fn returns the vCPU takes itself down.
void vcpu_context(xen::vcpu_guest_context *c, unsigned id, void (*fn)(void *), void *arg,
                  void *stack_top);
// Starts fn(arg) on vCPU id (1 to MAX_VCPUS - 1) on a stack of its own: VCPUOP_initialise
// then VCPUOP_up; 0 or the first error. Upcalls are handled for vCPU 0 only, so the
// vCPU keeps events masked (it may wait with SCHEDOP_poll).
long start_vcpu(unsigned id, void (*fn)(void *), void *arg);

} // namespace xt

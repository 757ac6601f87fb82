// xenon test-guest runtime: the parts that have to be assembly.
//
//   - the ELF notes a Xen domain builder reads to place and start a 64-bit PV kernel;
//   - the entry point (Xen starts us with start_info* in %rsi on a stack of its own);
//   - the hypercall page (the builder fills it with one 32-byte stub per hypercall);
//   - exception and event-upcall entry stubs that turn Xen's x86-64 PV bounce frame
//     (guest %rcx and %r11 on top, then [error code], rip, cs, rflags, rsp, ss) into one
//     uniform xt::trap_frame, and the way back out through HYPERVISOR_iret;
//   - xt_fault_try / xt_fault_recover, a setjmp-like pair that lets a test run code that
//     is expected to fault and carry on after it.

#define VIRT_BASE 0xffffffff80000000

// Numbers from the Xen ABI (public/elfnote.h, public/xen.h, public/features.h).
#define XEN_ELFNOTE_ENTRY 1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE 3
#define XEN_ELFNOTE_PADDR_OFFSET 4
#define XEN_ELFNOTE_XEN_VERSION 5
#define XEN_ELFNOTE_GUEST_OS 6
#define XEN_ELFNOTE_GUEST_VERSION 7
#define XEN_ELFNOTE_LOADER 8
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17
#define XENFEAT_dom0 11
#define HYPERVISOR_iret 23

// ---------------------------------------------------------------------------------------
// ELF notes: name "Xen", one note per item. They sit in their own section, which the
// linker script puts in a PT_NOTE program header (and inside the first PT_LOAD).

.macro XEN_NOTE_BEGIN type
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f           // namesz
    .long 4f - 3f           // descsz
    .long \type
1:  .asciz "Xen"
2:  .balign 4
3:
.endm
.macro XEN_NOTE_END
4:  .balign 4
    .popsection
.endm
.macro XEN_NOTE_STR type, value
    XEN_NOTE_BEGIN \type
    .asciz "\value"
    XEN_NOTE_END
.endm
.macro XEN_NOTE_QUAD type, value
    XEN_NOTE_BEGIN \type
    .quad \value
    XEN_NOTE_END
.endm
.macro XEN_NOTE_LONG type, value
    XEN_NOTE_BEGIN \type
    .long \value
    XEN_NOTE_END
.endm

XEN_NOTE_STR  XEN_ELFNOTE_GUEST_OS,      "xenon-test"
XEN_NOTE_STR  XEN_ELFNOTE_GUEST_VERSION, "1"
XEN_NOTE_STR  XEN_ELFNOTE_XEN_VERSION,   "xen-3.0"
XEN_NOTE_STR  XEN_ELFNOTE_LOADER,        "generic"
XEN_NOTE_QUAD XEN_ELFNOTE_VIRT_BASE,     VIRT_BASE
// Physical addresses in the program headers are virtual ones minus VIRT_BASE, so the
// offset between the two views is zero (virt = paddr + VIRT_BASE - PADDR_OFFSET).
XEN_NOTE_QUAD XEN_ELFNOTE_PADDR_OFFSET,  0
XEN_NOTE_QUAD XEN_ELFNOTE_ENTRY,         _start
XEN_NOTE_QUAD XEN_ELFNOTE_HYPERCALL_PAGE, hypercall_page
XEN_NOTE_LONG XEN_ELFNOTE_SUPPORTED_FEATURES, (1 << XENFEAT_dom0)

// ---------------------------------------------------------------------------------------
// Entry. %rsi = start_info (virtual), %rsp = Xen's boot stack, events masked.

    .section .text.entry, "ax"
    .globl _start
_start:
    cld
    mov %rsi, %r12                      // keep start_info across the clearing of .bss
    lea __bss_start(%rip), %rdi
    lea __bss_end(%rip), %rcx
    sub %rdi, %rcx
    xor %eax, %eax
    rep stosb
    lea xt_boot_stack_top(%rip), %rsp
    xor %ebp, %ebp
    mov %r12, %rdi
    call xt_start                       // never returns
1:  ud2
    jmp 1b

// ---------------------------------------------------------------------------------------
// The hypercall page: the domain builder overwrites it (32 bytes per hypercall number).
// Filled with int3 so that a builder that forgot it shows up as a #BP.

    .section .text.hypercall_page, "ax"
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

// ---------------------------------------------------------------------------------------
// Exception entry. Xen bounces an exception to the handler named in the trap table with
// this on the guest kernel stack (lowest address first):
//     rcx, r11, [error code], rip, cs, rflags, rsp, ss
// Stubs for vectors without an error code insert a zero so that every frame looks alike,
// push the vector number and join xt_trap_common.

    .text
.macro TRAP_NOERR vec
    .globl xt_trap_\vec
xt_trap_\vec:
    sub $8, %rsp                        // room for the error code
    mov 8(%rsp), %rcx                   // (rcx and r11 are free: theirs are on the stack)
    mov %rcx, 0(%rsp)
    mov 16(%rsp), %r11
    mov %r11, 8(%rsp)
    movq $0, 16(%rsp)
    pushq $\vec
    jmp xt_trap_common
.endm

.macro TRAP_ERR vec
    .globl xt_trap_\vec
xt_trap_\vec:
    pushq $\vec
    jmp xt_trap_common
.endm

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR   8
TRAP_NOERR 9
TRAP_ERR   10
TRAP_ERR   11
TRAP_ERR   12
TRAP_ERR   13
TRAP_ERR   14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR   17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR   21
// Software interrupt vectors a test may install (no error code).
TRAP_NOERR 0x80
// The event-channel upcall arrives like an exception without error code; 256 marks it.
TRAP_NOERR 256

    .globl xt_event_entry
    .set xt_event_entry, xt_trap_256

// Stack here: vector, rcx, r11, error code, rip, cs, rflags, rsp, ss.
xt_trap_common:
    push %rax
    push %rbx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi                      // xt::trap_frame *
    mov %rsp, %rbx
    and $-16, %rsp                      // the C++ ABI wants a 16-byte aligned call
    cld                                 // and DF clear (the interrupted DF is in rflags)
    call xt_trap_dispatch
    mov %rbx, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rbx
    pop %rax
    add $8, %rsp                        // the vector
    // fall through: rcx, r11, error code, rip, cs, rflags, rsp, ss

// Return to the frame on the stack through HYPERVISOR_iret. Its frame is
//     rax, r11, rcx, flags, rip, cs, rflags, rsp, ss
// flags = 0 (not VGCF_in_syscall): Xen restores rcx and r11 from the frame as well.
    .globl xt_iret_frame
xt_iret_frame:
    cmpb $0, xt_use_page_iret(%rip)
    jne 1f
    mov 0(%rsp), %rcx                   // swap the rcx and r11 slots
    mov 8(%rsp), %r11
    mov %r11, 0(%rsp)
    mov %rcx, 8(%rsp)
    movq $0, 16(%rsp)                   // the error-code slot becomes flags
    push %rax
    mov $HYPERVISOR_iret, %eax
    syscall
    ud2                                 // iret does not return here
1:  // The same through the hypercall page: jump (not call) to its iret stub with
    // flags, rip, cs, rflags, rsp, ss on the stack; the stub pushes rcx, r11 and rax.
    pop %rcx
    pop %r11
    movq $0, 0(%rsp)
    jmp hypercall_page + HYPERVISOR_iret * 32

// Failsafe callback: Xen could not load guest segment state. Its frame is
//     rcx, r11, ds, es, fs, gs, rip, cs, rflags, rsp, ss
// Report it; there is no sensible way to carry on.
    .globl xt_failsafe_entry
xt_failsafe_entry:
    mov %rsp, %rdi
    and $-16, %rsp
    cld
    call xt_failsafe_dispatch
    ud2

// ---------------------------------------------------------------------------------------
// int xt_fault_try(void (*fn)(), xt::fault_jmpbuf *buf): calls fn. Returns 0 when fn
// returns, 1 when fn faulted: the trap dispatcher then resumes at xt_fault_recover,
// which unwinds to here. Only callee-saved registers survive, as for longjmp.

    .globl xt_fault_try
xt_fault_try:
    mov %rbx, 0(%rsi)
    mov %rbp, 8(%rsi)
    mov %r12, 16(%rsi)
    mov %r13, 24(%rsi)
    mov %r14, 32(%rsi)
    mov %r15, 40(%rsi)
    mov %rsp, 48(%rsi)                  // points at our return address
    mov %rsi, xt_fault_buf(%rip)
    sub $8, %rsp                        // keep fn's stack 16-byte aligned
    call *%rdi
    add $8, %rsp
    movq $0, xt_fault_buf(%rip)
    xor %eax, %eax
    ret

    .globl xt_fault_recover
xt_fault_recover:
    mov xt_fault_buf(%rip), %rsi
    movq $0, xt_fault_buf(%rip)
    mov 0(%rsi), %rbx
    mov 8(%rsi), %rbp
    mov 16(%rsi), %r12
    mov 24(%rsi), %r13
    mov 32(%rsi), %r14
    mov 40(%rsi), %r15
    mov 48(%rsi), %rsp
    mov $1, %eax
    ret

// ---------------------------------------------------------------------------------------
// A secondary vCPU's first instruction (xt::vcpu_context): %rdi = arg, %rsi = fn, %rbx =
// its id, %rsp = the top of its stack (16-byte aligned, as a call expects it before).

    .globl xt_vcpu_entry
xt_vcpu_entry:
    cld
    xor %ebp, %ebp
    call *%rsi
    mov %ebx, %edi
    call xt_vcpu_exit                   // never returns
    ud2

// ---------------------------------------------------------------------------------------

    .section .bss.stack, "aw", @nobits
    .balign 4096
xt_boot_stack:
    .skip 65536
    .globl xt_boot_stack_top
xt_boot_stack_top:

    .section .note.GNU-stack, "", @progbits
